/**
 * sort — argsort and the running sum/product (scan) along one axis, on the GPU.
 *
 * Both see x as [outer, r, inner] (the axis in the middle, as cpu/sort.ts and cpu/scan.ts do).
 * argsort is a rank sort: one thread per element counts the values of its line that come before
 * it — smaller, or equal and earlier (descending: larger, or equal and earlier), NaN the largest —
 * and writes its position at that rank. The ranks of a line are a permutation, so no two threads
 * write one place; ties keep their order (stable), as the cpu's sort. O(r) per element, O(r²) per
 * line: what a line of a few thousand values costs is still one dispatch, with no host round trip.
 * scan is one thread per line, folding its r values in order in f32 (i32 for int32: an int32 sum
 * that overflows wraps, where the cpu refuses it, since refusing would read the result back).
 */
import { sizeOf } from '../../shape.js';
import { type Tensor } from '../../tensor.js';
import { deviceArrayOf } from '../../tensor-storage.js';
import type { ScanOp } from '../types.js';
import { launch, MAIN_1D, PRELUDE, WORKGROUP } from './gpu.js';
import type { GpuArray } from './gpu-array.js';
import { emptyTensor, Operands, wgslOf } from './strided.js';

/** [outer, r, inner] of x around `axis`. */
const around = (x: Tensor, axis: number): [number, number, number] => [sizeOf(x.shape.slice(0, axis)), x.shape[axis]!, sizeOf(x.shape.slice(axis + 1))];

const ARGSORT = (t: string) => `${PRELUDE}
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read_write> out: array<i32>;
// a strictly before b ascending, NaN the largest (i32 values are never NaN)
fn lt(a: ${t}, b: ${t}) -> bool {
  ${t === 'f32' ? 'if (isNan(a)) { return false; } if (isNan(b)) { return true; }' : ''}
  return a < b;
}
${MAIN_1D}
  let r = args[1];
  let inner = args[2];
  let descending = args[3] == 1u;
  let j = i % inner;
  let p = (i / inner) % r;
  let base = (i / (inner * r)) * r * inner + j;
  let v = x[i];
  var rank = 0u;
  for (var q = 0u; q < r; q++) {
    let w = x[base + q * inner];
    let first = select(lt(w, v), lt(v, w), descending);
    let tie = !lt(w, v) && !lt(v, w);
    if (first || (tie && q < p)) { rank++; }
  }
  out[base + rank * inner] = i32(p);
}`;

/** The stable permutation that sorts each line of x along `axis` (NaN largest), as int32 of x's shape. */
export function argsort(x: Tensor, axis: number, descending: boolean): Tensor {
  const out = emptyTensor(x.shape, 'int32');
  if (out.numel() === 0) return out;
  const [, r, inner] = around(x, axis);
  const ops = new Operands();
  launch({ source: ARGSORT(wgslOf(x.dtype)), meta: [out.numel(), r, inner, descending ? 1 : 0], inputs: [ops.buffer(x, 'argsort')], outputs: [(deviceArrayOf(out) as GpuArray).buffer('argsort')], groups: Math.ceil(out.numel() / WORKGROUP) });
  ops.done();
  return out;
}

const SCAN = (t: string, op: ScanOp) => `${PRELUDE}
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read_write> out: array<${t}>;
${MAIN_1D}
  let r = args[1];
  let inner = args[2];
  let base = (i / inner) * r * inner + i % inner;
  var running = ${t}(${op === 'sum' ? 0 : 1});
  for (var q = 0u; q < r; q++) {
    let at = base + q * inner;
    running = running ${op === 'sum' ? '+' : '*'} x[at];
    out[at] = running;
  }
}`;

/** The running sum or product of x along `axis`, in x's dtype: one thread per line. */
export function scan(op: ScanOp, x: Tensor, axis: number): Tensor {
  const out = emptyTensor(x.shape, x.dtype);
  const [outer, r, inner] = around(x, axis);
  const lines = outer * inner;
  if (out.numel() === 0) return out;
  const ops = new Operands();
  launch({ source: SCAN(wgslOf(x.dtype), op), meta: [lines, r, inner], inputs: [ops.buffer(x, `cum${op}`)], outputs: [(deviceArrayOf(out) as GpuArray).buffer(`cum${op}`)], groups: Math.ceil(lines / WORKGROUP) });
  ops.done();
  return out;
}
