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
 *   components.svg           the mean digit and the first 15 principal axes (red +, blue −)
 *   reconstructions.svg      8 test digits, then rebuilt from 5, 20, 50 and 150 components
 *
 * into runs/pca-mnist/. Run: `npx tsx examples/pca-mnist.ts [--limit N] [--out DIR]`
 * (default N = 10,000 training digits: about 10 s on an idle core; --limit 60000 uses them all).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { loadMnist } from '../src/node.js';
import * as linalg from '../src/linalg/index.js';
import { imageGrid, lineChart, scatterPlot } from '../src/utils/index.js';
import { intFlag, parseCli, stringFlag } from './lib/cli.js';

const { values } = parseCli({
  summary: 'PCA of MNIST through the SVD: explained variance, a map of the test digits, principal axes and reconstructions.',
  usage: 'npx tsx examples/pca-mnist.ts [options]',
  flags: {
    limit: intFlag('training digits to fit the PCA on (60000 for all)', 10_000),
    out: stringFlag('where the figures go', 'runs/pca-mnist', 'DIR'),
  },
});
const { limit, out } = values;
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
const xs = Array.from(xy.column(0));
const ys = Array.from(xy.column(1));
writeFileSync(
  join(out, 'scatter.svg'),
  scatterPlot({
    title: `MNIST test digits on the first two principal axes (fit on ${N.toLocaleString('en')} training digits)`,
    xLabel: 'PC 1',
    yLabel: 'PC 2',
    radius: 1.6,
    opacity: 0.55,
    groups: Array.from({ length: 10 }, (_, c) => {
      const mine = xs.map((_, i) => i).filter((i) => test.labels[i] === c);
      return { name: `digit ${c}`, x: mine.map((i) => xs[i]!), y: mine.map((i) => ys[i]!) };
    }),
  }),
);
const centroids = Array.from({ length: 10 }, (_, c) => {
  let a = 0;
  let b = 0;
  let count = 0;
  for (let i = 0; i < xy.rows; i++) if (test.labels[i] === c) [a, b, count] = [a + xs[i]!, b + ys[i]!, count + 1];
  return `${c}: (${(a / count).toFixed(1)}, ${(b / count).toFixed(1)})`;
});
console.log(`class centroids on (PC 1, PC 2): ${centroids.join('  ')}`);

// ── images: the mean digit and the principal axes, then reconstructions, as labelled grids ──
const deflate = (bytes: Uint8Array): Uint8Array => deflateSync(bytes);
writeFileSync(
  join(out, 'components.svg'),
  imageGrid({
    title: 'the mean digit and the first 15 principal axes (red +, blue −)',
    images: [
      { pixels: mean, height: 28, width: 28, colormap: 'grey-inverted', range: [0, 1] },
      ...Array.from({ length: 15 }, (_, k) => ({ pixels: V.column(k), height: 28, width: 28 })),
    ],
    captions: ['mean', ...Array.from({ length: 15 }, (_, k) => `PC ${k + 1}`)],
    colormap: 'diverging',
    range: 'each',
    deflate,
  }),
);

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
writeFileSync(
  join(out, 'reconstructions.svg'),
  imageGrid({
    title: '8 test digits, then rebuilt from k principal components',
    images: [
      ...Array.from({ length: 8 }, (_, d) => ({ pixels: sample.data.subarray(d * D, (d + 1) * D), height: 28, width: 28 })),
      ...rebuilt.flatMap((r) => Array.from({ length: 8 }, (_, d) => ({ pixels: r.data.subarray(d * D, (d + 1) * D).map((v, p) => v + mean[p]!), height: 28, width: 28 }))),
    ],
    columns: 8,
    rowLabels: ['original', ...ks.map((k) => `k = ${k}`)],
    colormap: 'grey-inverted',
    deflate,
  }),
);
console.log(`relative error of the 8 rebuilt test digits (centred): ${errors.join(', ')}`);
console.log(`wrote ${out}/explained-variance.svg, scatter.svg, components.svg, reconstructions.svg`);
