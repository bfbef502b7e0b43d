/**
 * softmax — the softmax along the last axis over the kept entries of each row, and its backward,
 * each as one kernel (types.ts's softmaxLastAxis and softmaxBackward; ops/masked-softmax.ts
 * derives both). Attention runs them on its [..., L, S] scores, the widest tensors of the op:
 * the compositions they replace made nine passes forward and four backward, each into a fresh array.
 *
 * Forward, per row: m = the max of the kept entries (0 when none is kept, or all are −∞), then
 * p = exp(x − m) at kept entries and 0 elsewhere, divided by their sum (by 1 when it is 0). A
 * float32 row's exponentials go through expFloat32 in one call over the whole tensor.
 * Backward, per row: dX = P ⊙ (dP − Σ_j dP_j P_j), the row's dot product taken first, in float64.
 */
import { allocate } from '../../dtype.js';
import { broadcastStrides, fmt, shapesEqual } from '../../shape.js';
import { storageOf, Tensor } from '../../tensor.js';
import { expFloat32 } from './exp-float32.js';

/** The offset in `keep` of each row of x (keep broadcast to x's shape), and its stride along the last axis. */
export function keepOffsets(keep: Tensor, shape: readonly number[], rows: number): { readonly offsets: Int32Array; readonly step: number } {
  const strides = broadcastStrides(keep.shape, shape);
  const lead = shape.slice(0, -1);
  const offsets = new Int32Array(rows);
  const index = lead.map(() => 0);
  let offset = 0;
  for (let r = 0; r < rows; r++) {
    offsets[r] = offset;
    for (let d = lead.length - 1; d >= 0; d--) { //                 odometer over the leading axes
      offset += strides[d]!;
      if (++index[d]! < lead[d]!) break;
      offset -= strides[d]! * lead[d]!;
      index[d] = 0;
    }
  }
  return { offsets, step: strides[shape.length - 1]! };
}

export function softmaxLastAxis(x: Tensor, keep: Tensor | null): Tensor {
  if (x.ndim === 0) throw new RangeError('softmaxLastAxis: the input needs at least one axis, got a 0-d tensor');
  const n = x.shape[x.ndim - 1]!;
  const rows = n === 0 ? 0 : x.numel() / n;
  const out = allocate(x.dtype, x.numel());
  const v = storageOf(x);
  const { offsets, step } = keep ? keepOffsets(keep, x.shape, rows) : { offsets: null, step: 0 };
  const kv = keep ? storageOf(keep) : null;
  for (let r = 0; r < rows; r++) { //                                  out = x − m, or −∞ where dropped
    const o = r * n;
    const k0 = offsets ? offsets[r]! : 0;
    let m = -Infinity;
    for (let j = 0; j < n; j++) {
      const a = v[o + j]!;
      if ((kv === null || kv[k0 + j * step] !== 0) && (a > m || a !== a)) m = a;
    }
    if (m === -Infinity) m = 0; //                                   nothing kept, or only −∞: exp gives 0
    for (let j = 0; j < n; j++) out[o + j] = kv === null || kv[k0 + j * step] !== 0 ? v[o + j]! - m : -Infinity;
  }
  if (out instanceof Float32Array) expFloat32(out, out);
  else for (let i = 0; i < out.length; i++) out[i] = Math.exp(out[i]!);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += out[o + j]!;
    const d = s === 0 ? 1 : s; //                                     divided, not scaled by 1/s: the composition's values exactly
    for (let j = 0; j < n; j++) out[o + j]! /= d;
  }
  return new Tensor(out, x.shape);
}

export function softmaxBackward(p: Tensor, dP: Tensor): Tensor {
  if (!shapesEqual(p.shape, dP.shape) || p.dtype !== dP.dtype || p.ndim === 0) {
    throw new RangeError(`softmaxBackward: p ${p.dtype} ${fmt(p.shape)} and dP ${dP.dtype} ${fmt(dP.shape)} must have one shape (at least 1-d) and dtype`);
  }
  const n = p.shape[p.ndim - 1]!;
  const rows = n === 0 ? 0 : p.numel() / n;
  const out = allocate(p.dtype, p.numel());
  const [pv, gv] = [storageOf(p), storageOf(dP)];
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let dot = 0;
    for (let j = 0; j < n; j++) dot += gv[o + j]! * pv[o + j]!;
    for (let j = 0; j < n; j++) out[o + j] = pv[o + j]! * (gv[o + j]! - dot);
  }
  return new Tensor(out, p.shape);
}
