/**
 * A convolution two ways on plain Float32Arrays — seven direct loops, and im2col followed by one
 * matrix product — against Sapling's cpu and wasm kernels, in GFLOP/s for growing channel counts.
 * Prints times, so the page shows one run. Chapter 9 (docs/course/09-performance.md).
 * Run: npx tsx docs/course/code/09-conv.ts
 */
import { backendKernels, conv2d, kernels, noGrad, randn, seededRandom, Tensor, useKernels, type Kernels } from '../../../src/node.js';
import { lineChart } from '../../../src/utils/index.js';

/** Sizes of a stride-1, unpadded convolution of x [N, C, H, W] by w [O, C, KH, KW]. */
interface Conv {
  readonly N: number; readonly C: number; readonly H: number; readonly W: number;
  readonly O: number; readonly KH: number; readonly KW: number;
}

// #region direct
/** y[n, o, i, j] = Σ_c Σ_a Σ_b w[o, c, a, b] · x[n, c, i + a, j + b], as the formula reads. */
function convDirect(x: Float32Array, w: Float32Array, { N, C, H, W, O, KH, KW }: Conv): Float32Array {
  const [OH, OW] = [H - KH + 1, W - KW + 1];
  const y = new Float32Array(N * O * OH * OW);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          let sum = 0;
          for (let c = 0; c < C; c++) {
            for (let a = 0; a < KH; a++) {
              for (let b = 0; b < KW; b++) sum += w[((o * C + c) * KH + a) * KW + b]! * x[((n * C + c) * H + i + a) * W + j + b]!;
            }
          }
          y[((n * O + o) * OH + i) * OW + j] = sum;
        }
      }
    }
  }
  return y;
}
// #endregion

// #region im2col
/** The same by im2col: cols [K, P] (K = C·KH·KW, P = OH·OW) per image, then Y = W·cols in i-p-j order. */
function convIm2col(x: Float32Array, w: Float32Array, { N, C, H, W, O, KH, KW }: Conv): Float32Array {
  const [OH, OW] = [H - KH + 1, W - KW + 1];
  const [K, P] = [C * KH * KW, OH * OW];
  const y = new Float32Array(N * O * P);
  const cols = new Float32Array(K * P); // KH·KW times the image: the memory im2col pays
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let a = 0; a < KH; a++) {
        for (let b = 0; b < KW; b++) {
          const row = ((c * KH + a) * KW + b) * P;
          for (let i = 0; i < OH; i++) {
            for (let j = 0; j < OW; j++) cols[row + i * OW + j] = x[((n * C + c) * H + i + a) * W + j + b]!;
          }
        }
      }
    }
    for (let o = 0; o < O; o++) { //                    row o of Y: Σ_k W[o, k] · row k of cols
      const out = (n * O + o) * P;
      for (let k = 0; k < K; k++) {
        const wok = w[o * K + k]!;
        const row = k * P;
        for (let p = 0; p < P; p++) y[out + p]! += wok * cols[row + p]!; // a long, contiguous inner loop
      }
    }
  }
  return y;
}
// #endregion

// #region race
/** The fastest of `repeats` calls after a warm-up: on a busy machine, the closest to the code's own cost. */
const fastest = (fn: () => unknown, repeats = 5): number => {
  fn();
  const times = Array.from({ length: repeats }, () => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  });
  return Math.min(...times);
};
const random = seededRandom(4);
const cpu = kernels();
const wasm = await backendKernels('wasm');
const onKernels = (k: Kernels, x: Tensor, w: Tensor) => (): Tensor => {
  const before = useKernels(k);
  try {
    return noGrad(() => conv2d(x, w));
  } finally {
    useKernels(before);
  }
};
const channels = [4, 8, 16, 32];
const results: Record<string, number[]> = { direct: [], im2col: [], 'Sapling cpu': [], 'Sapling wasm': [] };
for (const C of channels) {
  const shape: Conv = { N: 4, C, H: 16, W: 16, O: C, KH: 3, KW: 3 };
  const x = randn([shape.N, C, shape.H, shape.W], { random });
  const w = randn([shape.O, C, shape.KH, shape.KW], { random });
  const [xs, ws] = [x.dataSync() as Float32Array, w.dataSync() as Float32Array];
  const flops = 2 * shape.N * shape.O * 14 * 14 * C * 9;
  const runs: Record<string, () => unknown> = {
    direct: () => convDirect(xs, ws, shape),
    im2col: () => convIm2col(xs, ws, shape),
    'Sapling cpu': onKernels(cpu, x, w),
    'Sapling wasm': onKernels(wasm, x, w),
  };
  const line = Object.entries(runs).map(([name, run]) => {
    const gflops = flops / (fastest(run) * 1e6);
    results[name]!.push(gflops);
    return `${name} ${gflops.toFixed(2)}`;
  });
  const gap = new Tensor(convDirect(xs, ws, shape), [4, C, 14, 14]).sub(new Tensor(convIm2col(xs, ws, shape), [4, C, 14, 14])).abs().max().item();
  console.log(`C = O = ${String(C).padStart(2)}: GFLOP/s ${line.join(', ')} (direct and im2col differ by ${gap.toExponential(1)})`);
}
// #endregion

export const figures = {
  '09-conv.svg': lineChart({
    title: '3 × 3 convolution, batch 4, 16 × 16 images: GFLOP/s',
    series: Object.entries(results).map(([name, y]) => ({ name, x: channels.map(Math.log2), y })),
    xLabel: 'log₂ channels (C = O)',
    yLabel: 'GFLOP/s',
    logY: true,
  }),
};
