/**
 * batch-norm — the per-channel passes of batch normalisation (ops/batch-norm.ts) on the cpu.
 *
 * Seen from channel c, x [N, C, *] is N contiguous runs of `inner` = ∏* values, the run of
 * (n, c) starting at (n·C + c)·inner. Every kernel here walks x in storage order, run by run,
 * and keeps one float64 accumulator (or coefficient) per channel:
 *   channelMoments(x)             μ = Σ x / m, then σ² = Σ (x − μ)² / m      two reads of x
 *   channelSums(a, b, centre)     Σ a and Σ a·(b − centre)                   one read of a and b
 *   channelAffine(terms, shift)   out = Σ_k x_k · scale_k[c] + shift[c]      one read, one write
 * The variance takes two passes on purpose: the one-pass E[x²] − μ² subtracts two numbers of
 * size μ² to get one of size σ², and loses every digit when |μ| ≫ σ; Σ (x − μ)² only adds small
 * positive terms. Why fused passes at all (13 composed passes before): docs/performance.md.
 */
import { allocate, type DataArray } from '../../dtype.js';
import { fmt, shapesEqual, sizeOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';
import type { ChannelTerm } from '../types.js';
import { sumRun } from './reduce.js';

/** N, C and the run length `inner` of x [N, C, *]. */
function channelLayout(x: Tensor, op: string): { N: number; C: number; inner: number } {
  if (x.ndim < 2) throw new RangeError(`${op}: expected x of shape [N, C, *], got ${fmt(x.shape)}`);
  return { N: x.shape[0]!, C: x.shape[1]!, inner: sizeOf(x.shape.slice(2)) };
}

/** The storage of a per-channel vector, after checking that it is a float [C]. */
function channelVector(v: Tensor, C: number, op: string, name: string): DataArray {
  if (v.ndim !== 1 || v.shape[0] !== C) throw new RangeError(`${op}: ${name} must be [${C}], got ${fmt(v.shape)}`);
  if (v.dtype === 'int32') throw new TypeError(`${op}: ${name} must be float32 or float64, got int32`);
  return storageOf(v);
}

/** Σ (data[i] − mu)² for i in [start, end), in float64 with four running totals (see reduce.ts's sumRun). */
function squaredDeviationsRun(data: DataArray, start: number, end: number, mu: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = start;
  for (; i + 3 < end; i += 4) {
    const d0 = data[i]! - mu;
    const d1 = data[i + 1]! - mu;
    const d2 = data[i + 2]! - mu;
    const d3 = data[i + 3]! - mu;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; i < end; i++) {
    const d = data[i]! - mu;
    s0 += d * d;
  }
  return s0 + s1 + (s2 + s3);
}

/** Per-channel mean and biased variance of x [N, C, *], as float64 [C] (NaN when m = 0). */
export function channelMoments(x: Tensor): { readonly mean: Tensor; readonly variance: Tensor } {
  const { N, C, inner } = channelLayout(x, 'channelMoments');
  const data = storageOf(x);
  const m = N * inner;
  const mean = allocate('float64', C);
  const variance = allocate('float64', C);
  for (let n = 0, start = 0; n < N; n++) {
    for (let c = 0; c < C; c++, start += inner) mean[c]! += sumRun(data, start, inner);
  }
  for (let c = 0; c < C; c++) mean[c]! /= m;
  for (let n = 0, start = 0; n < N; n++) {
    for (let c = 0; c < C; c++, start += inner) variance[c]! += squaredDeviationsRun(data, start, start + inner, mean[c]!);
  }
  for (let c = 0; c < C; c++) variance[c]! /= m;
  return { mean: new Tensor(mean, [C]), variance: new Tensor(variance, [C]) };
}

/** Per channel of a and b [N, C, *]: Σ a and Σ a·(b − centre[c]), one pass, float64 [C]. */
export function channelSums(a: Tensor, b: Tensor, centre: Tensor): { readonly sum: Tensor; readonly dot: Tensor } {
  const op = 'channelSums';
  const { N, C, inner } = channelLayout(a, op);
  if (!shapesEqual(a.shape, b.shape)) throw new RangeError(`${op}: a ${fmt(a.shape)} and b ${fmt(b.shape)} must have the same shape`);
  const mu = channelVector(centre, C, op, 'centre');
  const av = storageOf(a);
  const bv = storageOf(b);
  const sum = allocate('float64', C);
  const dot = allocate('float64', C);
  for (let n = 0, start = 0; n < N; n++) {
    for (let c = 0; c < C; c++, start += inner) {
      const centreC = mu[c]!;
      const end = start + inner;
      let s0 = 0;
      let s1 = 0;
      let d0 = 0;
      let d1 = 0;
      let i = start;
      for (; i + 1 < end; i += 2) {
        const a0 = av[i]!;
        const a1 = av[i + 1]!;
        s0 += a0;
        s1 += a1;
        d0 += a0 * (bv[i]! - centreC);
        d1 += a1 * (bv[i + 1]! - centreC);
      }
      if (i < end) {
        const a0 = av[i]!;
        s0 += a0;
        d0 += a0 * (bv[i]! - centreC);
      }
      sum[c]! += s0 + s1;
      dot[c]! += d0 + d1;
    }
  }
  return { sum: new Tensor(sum, [C]), dot: new Tensor(dot, [C]) };
}

/** out = Σ_k x_k · scale_k[c] + shift[c] for x_k [N, C, *], in one pass; see `Kernels`. */
export function channelAffine(terms: readonly ChannelTerm[], shift: Tensor | null): Tensor {
  const op = 'channelAffine';
  const first = terms[0];
  if (first === undefined) throw new RangeError(`${op}: needs at least one term`);
  const [x0] = first;
  const { N, C, inner } = channelLayout(x0, op);
  if (x0.dtype === 'int32') throw new TypeError(`${op}: x must be float32 or float64, got int32`);
  for (const [x] of terms) {
    if (!shapesEqual(x.shape, x0.shape) || x.dtype !== x0.dtype) {
      throw new RangeError(`${op}: every term must be ${x0.dtype} ${fmt(x0.shape)}, got ${x.dtype} ${fmt(x.shape)}`);
    }
  }
  const xs = terms.map(([x]) => storageOf(x));
  const scales = terms.map(([, scale], k) => channelVector(scale, C, op, `scale ${k}`));
  const shifts = shift ? channelVector(shift, C, op, 'shift') : new Float64Array(C);
  const out = allocate(x0.dtype, x0.numel());
  // One and two terms (BatchNorm's forward and its dX) get their own loops; more terms are rare.
  if (xs.length === 1) {
    const x = xs[0]!;
    const a = scales[0]!;
    for (let n = 0, start = 0; n < N; n++) {
      for (let c = 0; c < C; c++, start += inner) {
        const ac = a[c]!;
        const bc = shifts[c]!;
        for (let i = start, end = start + inner; i < end; i++) out[i] = x[i]! * ac + bc;
      }
    }
  } else if (xs.length === 2) {
    const [x, y] = xs as [DataArray, DataArray];
    const [a, b] = scales as [DataArray, DataArray];
    for (let n = 0, start = 0; n < N; n++) {
      for (let c = 0; c < C; c++, start += inner) {
        const ac = a[c]!;
        const bc = b[c]!;
        const cc = shifts[c]!;
        for (let i = start, end = start + inner; i < end; i++) out[i] = x[i]! * ac + y[i]! * bc + cc;
      }
    }
  } else {
    for (let n = 0, start = 0; n < N; n++) {
      for (let c = 0; c < C; c++, start += inner) {
        for (let i = start, end = start + inner; i < end; i++) {
          let v = 0;
          for (let k = 0; k < xs.length; k++) v += xs[k]![i]! * scales[k]![c]!;
          out[i] = v + shifts[c]!;
        }
      }
    }
  }
  return new Tensor(out, x0.shape);
}
