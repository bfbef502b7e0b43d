/**
 * PCA of MNIST through the SVD.
 *
 * What you will see: N training digits as the rows of X (N × 784, pixels in [0, 1]); after
 * subtracting the mean digit, X = U Σ Vᵀ and the columns of V are the principal axes, σ_i²/(N−1)
 * the variance along each. We never need U, so we factor X = Q R first (R is 784 × 784) and take
 * the SVD of R, which has the same Σ and V: the work on the tall matrix is one QR pass.
 * The example prints how many components keep 90 / 95 / 99% of the variance and writes
 *
 *   explained-variance.svg   per-component and cumulative explained variance
 *   scatter.svg              the 10,000 test digits on the first two principal axes, by class
 *   components.png           the mean digit and the first 15 principal axes (red +, blue −)
 *   reconstructions.png      8 test digits, then rebuilt from 5, 20, 50 and 150 components
 *
 * into runs/pca-mnist/. Run: `npx tsx examples/pca-mnist.ts [--limit N] [--out DIR]`
 * (default N = 10,000 training digits: about 10 s on an idle core; --limit 60000 uses them all).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { loadMnist } from '../src/node.js';
import * as linalg from '../src/linalg/index.js';
import { lineChart } from './lib/plot.js';

const { values } = parseArgs({
  options: { limit: { type: 'string', default: '10000' }, out: { type: 'string', default: 'runs/pca-mnist' } },
});
const limit = Number.parseInt(values.limit, 10);
const out = values.out;
mkdirSync(out, { recursive: true });
const D = 784;

/** Digits as rows of a float64 matrix. */
function digits(split: 'train' | 'test', count?: number): { x: linalg.Matrix; labels: Int32Array } {
  const set = loadMnist(count === undefined ? { split } : { split, limit: count });
  const n = set.labels.shape[0]!;
  return { x: new linalg.Matrix(n, D, Float64Array.from(set.images.dataSync())), labels: set.labels.dataSync() as Int32Array };
}

const train = digits('train', limit);
const test = digits('test');
const N = train.x.rows;
console.log(`MNIST: ${N.toLocaleString('en')} training digits for the fit, ${test.x.rows.toLocaleString('en')} test digits for the plots`);

// ── centre, QR, SVD of R ──
const mean = new Float64Array(D);
for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) mean[j] = mean[j]! + train.x.data[i * D + j]! / N;
const centred = (x: linalg.Matrix): linalg.Matrix => linalg.Matrix.build(x.rows, D, (i, j) => x.data[i * D + j]! - mean[j]!);
let t = performance.now();
const { R } = linalg.qr(centred(train.x), { mode: 'r' });
const tQr = (performance.now() - t) / 1000;
t = performance.now();
const { S, V } = linalg.svd(R);
const tSvd = (performance.now() - t) / 1000;
console.log(`QR of the centred ${N} × ${D} matrix (R only): ${tQr.toFixed(1)} s; SVD of R (${D} × ${D}): ${tSvd.toFixed(1)} s`);

// ── explained variance ──
const variance = Array.from(S, (s) => s * s);
const total = variance.reduce((a, b) => a + b, 0);
const ratio = variance.map((v) => v / total);
const cumulative: number[] = [];
ratio.reduce((acc, r) => (cumulative.push(acc + r), acc + r), 0);
const needed = (p: number): number => cumulative.findIndex((c) => c >= p) + 1;
console.log(`first two components: ${(100 * ratio[0]!).toFixed(1)}% + ${(100 * ratio[1]!).toFixed(1)}% of the variance`);
console.log(`components for 90% / 95% / 99% of the variance: ${needed(0.9)} / ${needed(0.95)} / ${needed(0.99)} (of ${D})`);
const shown = 200;
writeFileSync(
  join(out, 'explained-variance.svg'),
  lineChart({
    title: `PCA of ${N.toLocaleString('en')} MNIST digits: explained variance`,
    xLabel: 'number of components',
    yLabel: 'fraction of variance',
    series: [
      { name: 'cumulative', y: cumulative.slice(0, shown) },
      { name: 'per component', y: ratio.slice(0, shown) },
    ],
  }),
);

// ── the test digits on the first two axes ──
function project(x: linalg.Matrix, k: number): linalg.Matrix {
  return centred(x).matmul(V.slice(0, D, 0, k));
}
const xy = project(test.x, 2);
const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const size = 720;
const pad = 40;
const xs = xy.column(0);
const ys = xy.column(1);
const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
const sx = (v: number): string => (pad + ((v - x0) / (x1 - x0)) * (size - 2 * pad)).toFixed(1);
const sy = (v: number): string => (size - pad - ((v - y0) / (y1 - y0)) * (size - 2 * pad)).toFixed(1);
const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${size + 90}" height="${size}" font-family="sans-serif" font-size="13">`,
  `<rect width="100%" height="100%" fill="white"/>`,
  `<text x="${pad}" y="24">MNIST test digits on the first two principal axes (fit on ${N.toLocaleString('en')} training digits)</text>`,
];
for (let c = 0; c < 10; c++) {
  svg.push(`<g fill="${palette[c]}" fill-opacity="0.55">`);
  for (let i = 0; i < xy.rows; i++) if (test.labels[i] === c) svg.push(`<circle cx="${sx(xs[i]!)}" cy="${sy(ys[i]!)}" r="1.6"/>`);
  svg.push('</g>');
  svg.push(`<circle cx="${size + 20}" cy="${60 + 22 * c}" r="6" fill="${palette[c]}"/><text x="${size + 32}" y="${65 + 22 * c}">${c}</text>`);
}
svg.push(`<text x="${size / 2}" y="${size - 8}">PC 1</text><text x="8" y="${size / 2}">PC 2</text></svg>`);
writeFileSync(join(out, 'scatter.svg'), svg.join('\n'));
const centroids = Array.from({ length: 10 }, (_, c) => {
  let a = 0;
  let b = 0;
  let count = 0;
  for (let i = 0; i < xy.rows; i++) if (test.labels[i] === c) [a, b, count] = [a + xs[i]!, b + ys[i]!, count + 1];
  return `${c}: (${(a / count).toFixed(1)}, ${(b / count).toFixed(1)})`;
});
console.log(`class centroids on (PC 1, PC 2): ${centroids.join('  ')}`);

// ── images: principal axes and reconstructions, as tiles of 28 × 28 scaled ×3 ──
function tiles(rows: number, cols: number, pixel: (tile: number, p: number) => [number, number, number]): PNG {
  const z = 3;
  const png = new PNG({ width: cols * 28 * z, height: rows * 28 * z });
  for (let tile = 0; tile < rows * cols; tile++) {
    const ty = Math.floor(tile / cols);
    const tx = tile % cols;
    for (let p = 0; p < D; p++) {
      const [r, g, b] = pixel(tile, p);
      for (let dy = 0; dy < z; dy++) {
        for (let dx = 0; dx < z; dx++) {
          const x = (tx * 28 + (p % 28)) * z + dx;
          const y = (ty * 28 + Math.floor(p / 28)) * z + dy;
          const o = 4 * (y * png.width + x);
          [png.data[o], png.data[o + 1], png.data[o + 2], png.data[o + 3]] = [r, g, b, 255];
        }
      }
    }
  }
  return png;
}
const grey = (v: number): [number, number, number] => {
  const g = Math.round(255 * (1 - Math.min(1, Math.max(0, v))));
  return [g, g, g];
};
const diverging = (v: number, scale: number): [number, number, number] => {
  const s = Math.min(1, Math.abs(v) / scale);
  const fade = Math.round(255 * (1 - s));
  return v >= 0 ? [255, fade, fade] : [fade, fade, 255];
};
const components = tiles(2, 8, (tile, p) => {
  if (tile === 0) return grey(mean[p]!);
  const k = tile - 1;
  const column = V.column(k);
  const scale = Math.max(...column.map(Math.abs));
  return diverging(column[p]!, scale);
});
writeFileSync(join(out, 'components.png'), PNG.sync.write(components));

const ks = [5, 20, 50, 150];
const sample = test.x.slice(0, 8);
const rebuilt = ks.map((k) => {
  const Vk = V.slice(0, D, 0, k);
  return centred(sample).matmul(Vk).matmul(Vk.transpose()); // centred reconstructions
});
const errors = ks.map((k, i) => {
  let se = 0;
  let ss = 0;
  const c = centred(sample);
  for (let j = 0; j < c.data.length; j++) {
    se += (c.data[j]! - rebuilt[i]!.data[j]!) ** 2;
    ss += c.data[j]! ** 2;
  }
  return `k = ${k}: ${(100 * Math.sqrt(se / ss)).toFixed(1)}%`;
});
const recon = tiles(1 + ks.length, 8, (tile, p) => {
  const row = Math.floor(tile / 8);
  const digit = tile % 8;
  const v = row === 0 ? sample.data[digit * D + p]! : rebuilt[row - 1]!.data[digit * D + p]! + mean[p]!;
  return grey(v);
});
writeFileSync(join(out, 'reconstructions.png'), PNG.sync.write(recon));
console.log(`relative error of the 8 rebuilt test digits (centred): ${errors.join(', ')}`);
console.log(`wrote ${out}/explained-variance.svg, scatter.svg, components.png, reconstructions.png`);
