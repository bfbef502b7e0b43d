/**
 * Fusion: doing several elementwise steps in one pass over memory. relu(a + b) as two kernels and
 * as one; batch normalisation's forward and backward composed of generic ops and as the fused op,
 * with its kernel calls and the bytes they write counted through the kernel seam.
 * Prints times, so the page shows one run. Chapter 9 (docs/course/09-performance.md).
 * Run: npx tsx docs/course/code/09-fusion.ts
 */
import { addRelu, batchNorm, kernels, noGrad, ones, randn, seededRandom, Tensor, useKernels, zeros, type Kernels } from '../../../src/node.js';

const random = seededRandom(6);
/** The fastest of 7 calls after a warm-up, in ms. */
function fastest(fn: () => unknown): number {
  fn();
  return Math.min(...Array.from({ length: 7 }, () => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  }));
}

// #region count
/** Bytes of the tensors a kernel returned (one tensor, or several in an array or object). */
function bytesOf(out: unknown): number {
  if (out instanceof Tensor) return out.numel() * (out.dtype === 'float64' ? 8 : 4);
  if (out !== null && typeof out === 'object') return Object.values(out).reduce((sum: number, v) => sum + bytesOf(v), 0);
  return 0;
}
/** `k` with its calls counted, and the bytes of the arrays they return added up, into `tally`. */
function counted(k: Kernels, tally: { calls: number; bytes: number }): Kernels {
  const wrapped: Record<string, unknown> = { ...k };
  for (const [name, fn] of Object.entries(k)) {
    if (typeof fn !== 'function') continue;
    wrapped[name] = (...args: unknown[]): unknown => {
      const out = (fn as (...a: unknown[]) => unknown).apply(k, args);
      tally.calls++;
      tally.bytes += bytesOf(out);
      return out;
    };
  }
  return wrapped as unknown as Kernels;
}
/** Kernel calls and MB written by `fn`. */
function traffic(fn: () => unknown): string {
  const tally = { calls: 0, bytes: 0 };
  const before = useKernels(counted(kernels(), tally));
  try {
    fn();
  } finally {
    useKernels(before);
  }
  return `${tally.calls} kernel calls writing ${(tally.bytes / 2 ** 20).toFixed(0)} MB`;
}
// #endregion

// #region add-relu
const [a, b] = [randn([4, 64, 64, 64], { random }), randn([4, 64, 64, 64], { random })]; // 1M floats each, 4 MB
const twoPasses = (): Tensor => noGrad(() => a.add(b).relu()); // writes a + b, reads it back, writes the relu
const onePass = (): Tensor => noGrad(() => addRelu(a, b)); //    one loop: max(a + b, 0)
console.log(`relu(a + b), 1M floats: add then relu ${fastest(twoPasses).toFixed(2)} ms (${traffic(twoPasses)}); addRelu ${fastest(onePass).toFixed(2)} ms (${traffic(onePass)})`);
// #endregion

// #region batch-norm
const x = randn([32, 16, 32, 32], { random }).requiresGrad_(); // 0.5M floats
const [gamma, beta] = [ones([16]).requiresGrad_(), zeros([16]).requiresGrad_()];
const dY = randn(x.shape, { random });
/** Batch norm in training mode from generic ops: every line is one or two passes over x. */
function composed(): void {
  const mu = x.mean([0, 2, 3], true);
  const centred = x.sub(mu);
  const variance = centred.pow(2).mean([0, 2, 3], true);
  const y = centred.mul(variance.add(1e-5).rsqrt()).mul(gamma.reshape([1, 16, 1, 1])).add(beta.reshape([1, 16, 1, 1]));
  y.backward(dY);
}
const fused = (): void => batchNorm(x, gamma, beta, { training: true }).backward(dY);
console.log(`batch norm forward + backward, [32, 16, 32, 32]: composed ${fastest(composed).toFixed(1)} ms (${traffic(composed)}); fused op ${fastest(fused).toFixed(1)} ms (${traffic(fused)})`);
// #endregion
