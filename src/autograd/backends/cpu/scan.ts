/**
 * scan — the running sum or product along one axis (cumsum, cumprod): y_i = x_0 ∘ x_1 ∘ … ∘ x_i.
 *
 * One pass over [outer, r, inner] (the axis in the middle): each of the r slices is a contiguous
 * row of `inner` values, folded into a running row, as reduce.ts streams its sums. The running
 * value is a JavaScript number (float64); float32 results are rounded once per element. An int32
 * result int32 cannot hold is refused (dtype.ts, `toInt32`), never wrapped; an int32 sum is exact
 * while the running total stays below 2⁵³, which 2²¹ values of at most 2³¹ cannot pass.
 */
import { allocate, toInt32 } from '../../dtype.js';
import { sizeOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';
import type { ScanOp } from '../types.js';

/** The running sum or product of x along `axis`, in x's dtype (int32 results checked). */
export function scan(op: ScanOp, x: Tensor, axis: number): Tensor {
  const data = storageOf(x);
  const outer = sizeOf(x.shape.slice(0, axis));
  const r = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const out = allocate(x.dtype, data.length);
  const isInt = out instanceof Int32Array;
  const running = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    running.fill(op === 'sum' ? 0 : 1);
    for (let i = 0; i < r; i++) {
      const start = (o * r + i) * inner;
      for (let j = 0; j < inner; j++) {
        const v = op === 'sum' ? running[j]! + data[start + j]! : running[j]! * data[start + j]!;
        running[j] = v;
        out[start + j] = isInt ? toInt32(v, `cum${op}`, start + j) : v;
      }
    }
  }
  return new Tensor(out, x.shape);
}
