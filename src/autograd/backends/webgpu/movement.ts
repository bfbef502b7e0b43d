/**
 * movement — permute, broadcast, slices and their adjoints, concat, pad, and the index-driven
 * gather / scatterAdd / indexSelect / indexAdd / oneHot, on the GPU.
 *
 * Reads through strides are the strided map (strided.ts): permute, broadcastTo and slice are
 * one dispatch each. Writes at strides (sliceScatter, pad, concat) fill the output, then copy
 * each source into its place with `copyInto`, the same walk with the strides on the write side.
 *
 * The adjoints of gather and indexSelect add many sources into one place. WGSL has no atomic
 * float add, and an emulated one (a compare-exchange loop) sums in a different order on every
 * run; we keep Sapling's determinism instead: each *output* element loops over the index and
 * sums the sources that land on it, in index order. That costs out × (index length along the
 * axis): nothing for a cross-entropy's one label per row, a lot for an embedding of a large
 * vocabulary (docs/webgpu.md). indexAdd with a host index (an embedding's backward) avoids it: the
 * host groups the index's positions by row, in index order, so each output element visits only its
 * own sources — the same sums in the same order, in O(index) instead of O(rows · index). Index
 * values are checked on the host when the index lives there; a device index is not read back to
 * be checked (an out-of-range one reads 0 or adds nothing).
 */
import type { DType } from '../../dtype.js';
import { broadcastStrides, fmt, sizeOf, stridesOf, type Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { deviceArrayOf, storageOf } from '../../tensor-storage.js';
import { coalesce } from '../cpu/iterate.js';
import { launch, MAIN_1D, PRELUDE, WORKGROUP } from './gpu.js';
import type { GpuArray } from './gpu-array.js';
import { emptyTensor, Operands, stridedMap, wgslOf } from './strided.js';

const out1 = (t: Tensor, what: string): GPUBuffer => (deviceArrayOf(t) as GpuArray).buffer(what);
const copy = (t: Tensor) => ({ expr: 'x0', compute: wgslOf(t.dtype) });

/** Runs `source` with one invocation per element of `out` (meta[0] = its size), reading `inputs`; returns `out`. */
function perElement(out: Tensor, what: string, source: string, meta: readonly number[], inputs: readonly Tensor[]): Tensor {
  const ops = new Operands();
  launch({ source, meta, inputs: inputs.map((t) => ops.buffer(t, what)), outputs: [out1(out, what)], groups: Math.ceil(out.numel() / WORKGROUP) });
  ops.done();
  return out;
}

export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const strides = stridesOf(x.shape);
  return stridedMap({ what: 'permute', ...copy(x), shape: perm.map((p) => x.shape[p]!), operands: [{ t: x, strides: perm.map((p) => strides[p]!) }], dtype: x.dtype });
}

export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  return stridedMap({ what: 'broadcastTo', ...copy(x), shape, operands: [{ t: x, strides: broadcastStrides(x.shape, shape) }], dtype: x.dtype });
}

export function slice(x: Tensor, starts: readonly number[], steps: readonly number[], sizes: Shape): Tensor {
  const strides = stridesOf(x.shape);
  const base = starts.reduce((acc, s, i) => acc + s * strides[i]!, 0);
  return stridedMap({ what: 'slice', ...copy(x), shape: sizes, operands: [{ t: x, strides: strides.map((s, i) => s * steps[i]!), base }], dtype: x.dtype });
}

/** A new device tensor of `shape` filled with `value`. */
export function filled(shape: Shape, value: number, dtype: DType): Tensor {
  return stridedMap({ what: 'fill', expr: 'p0', compute: 'f32', shape, operands: [], dtype, params: [value] });
}

const COPY_INTO = (t: string) => `${PRELUDE}
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read_write> out: array<${t}>;
${MAIN_1D}
  let rank = args[1];
  var rem = i;
  var o = args[2u + rank];
  for (var d = rank; d > 0u; d--) { let a = d - 1u; o += (rem % args[2u + a]) * args[3u + rank + a]; rem = rem / args[2u + a]; }
  out[o] = x[i];
}`;

/** out[base + Σ coord·outStrides] = x[coord] for every coordinate of x (row-major, contiguous). */
function copyInto(out: Tensor, x: Tensor, base: number, outStrides: readonly number[], what: string): void {
  if (x.numel() === 0) return;
  const plan = coalesce(x.shape, [stridesOf(x.shape), outStrides]);
  const ops = new Operands();
  launch({ source: COPY_INTO(wgslOf(x.dtype)), meta: [x.numel(), plan.shape.length, ...plan.shape, base, ...plan.strides[1]!], inputs: [ops.buffer(x, what)], outputs: [out1(out, what)], groups: Math.ceil(x.numel() / WORKGROUP) });
  ops.done();
}

export function sliceScatter(x: Tensor, shape: Shape, starts: readonly number[], steps: readonly number[]): Tensor {
  const out = filled(shape, 0, x.dtype);
  const strides = stridesOf(shape);
  copyInto(out, x, starts.reduce((acc, s, i) => acc + s * strides[i]!, 0), strides.map((s, i) => s * steps[i]!), 'sliceScatter');
  return out;
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const first = xs[0]!;
  const shape = [...first.shape];
  shape[axis] = xs.reduce((acc, t) => acc + t.shape[axis]!, 0);
  const out = emptyTensor(shape, first.dtype);
  const strides = stridesOf(shape);
  let at = 0;
  for (const t of xs) {
    copyInto(out, t, at * strides[axis]!, strides, 'concat');
    at += t.shape[axis]!;
  }
  return out;
}

export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value: number): Tensor {
  const shape = x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
  const out = filled(shape, value, x.dtype);
  const strides = stridesOf(shape);
  copyInto(out, x, pads.reduce((acc, [before], i) => acc + before * strides[i]!, 0), strides, 'pad');
  return out;
}

/** Checks a host index against `size` (the cpu kernel's errors); a device index is not read back. */
function checkIndex(index: Tensor, size: number, op: string, axis: number): void {
  if (deviceArrayOf(index) !== null) return;
  for (const v of storageOf(index)) if (v < 0 || v >= size) throw new RangeError(`${op}: index ${v} is out of bounds for axis ${axis} with size ${size}`);
}

function checkIndexShape(index: Tensor, other: Shape, axis: number, op: string): void {
  if (index.ndim !== other.length) throw new RangeError(`${op}: index ${fmt(index.shape)} must have as many dimensions as the tensor ${fmt(other)}`);
  index.shape.forEach((d, i) => {
    if (i !== axis && d > other[i]!) throw new RangeError(`${op}: index ${fmt(index.shape)} is larger than the tensor ${fmt(other)} along axis ${i}`);
  });
}

/** meta = [n, rank, axis, shape(index)[rank], strides(x)[rank]]: out[i] = x[coords of i with coord[axis] = index[i]]. */
const GATHER = (t: string) => `${PRELUDE}
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
${MAIN_1D}
  let rank = args[1];
  let axis = args[2];
  var rem = i;
  var o = 0u;
  for (var d = rank; d > 0u; d--) {
    let a = d - 1u;
    var c = rem % args[3u + a];
    rem = rem / args[3u + a];
    if (a == axis) { c = u32(index[i]); }
    o += c * args[3u + rank + a];
  }
  out[i] = x[o];
}`;

export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  checkIndexShape(index, x.shape, axis, 'gather');
  checkIndex(index, x.shape[axis]!, 'gather', axis);
  const out = emptyTensor(index.shape, x.dtype);
  if (out.numel() === 0) return out;
  return perElement(out, 'gather', GATHER(wgslOf(x.dtype)), [out.numel(), x.ndim, axis, ...index.shape, ...stridesOf(x.shape)], [x, index]);
}

/**
 * meta = [n, rank, axis, shape(out)[rank], shape(index)[rank], strides(index)[rank]]:
 * out[d] = Σ_j src[d with axis j] over the j < index.shape[axis] whose index[d with axis j] is d[axis].
 */
const SCATTER_ADD = (t: string) => `${PRELUDE}
@group(0) @binding(1) var<storage, read> src: array<${t}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
${MAIN_1D}
  let rank = args[1];
  let axis = args[2];
  var rem = i;
  var base = 0u;
  var wanted = 0u;
  var inside = true;
  for (var d = rank; d > 0u; d--) {
    let a = d - 1u;
    let c = rem % args[3u + a];
    rem = rem / args[3u + a];
    if (a == axis) { wanted = c; } else { inside = inside && c < args[3u + rank + a]; base += c * args[3u + 2u * rank + a]; }
  }
  var acc = ${t}(0);
  if (inside) {
    let step = args[3u + 2u * rank + axis];
    for (var j = 0u; j < args[3u + rank + axis]; j++) {
      let k = base + j * step;
      if (u32(index[k]) == wanted) { acc += src[k]; }
    }
  }
  out[i] = acc;
}`;

export function scatterAdd(src: Tensor, axis: number, index: Tensor, shape: Shape): Tensor {
  checkIndexShape(index, shape, axis, 'scatterAdd');
  checkIndex(index, shape[axis]!, 'scatterAdd', axis);
  const out = emptyTensor(shape, src.dtype);
  if (out.numel() === 0) return out;
  return perElement(out, 'scatterAdd', SCATTER_ADD(wgslOf(src.dtype)), [out.numel(), shape.length, axis, ...shape, ...index.shape, ...stridesOf(index.shape)], [src, index]);
}

/** meta = [n, k, r, inner]: out[(o·k + j)·inner + e] = x[(o·r + index[j])·inner + e]. */
const INDEX_SELECT = (t: string) => `${PRELUDE}
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
${MAIN_1D}
  let k = args[1]; let r = args[2]; let inner = args[3];
  let e = i % inner;
  let j = (i / inner) % k;
  let o = i / (inner * k);
  out[i] = x[(o * r + u32(index[j])) * inner + e];
}`;

export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  checkIndex(index, x.shape[axis]!, 'indexSelect', axis);
  const k = index.numel();
  const inner = sizeOf(x.shape.slice(axis + 1));
  const out = emptyTensor(x.shape.map((d, i) => (i === axis ? k : d)), x.dtype);
  if (out.numel() === 0) return out;
  return perElement(out, 'indexSelect', INDEX_SELECT(wgslOf(x.dtype)), [out.numel(), k, x.shape[axis]!, inner], [x, index]);
}

/** meta = [n, k, r, inner]: out[(o·r + row)·inner + e] = Σ_{j: index[j] = row} src[(o·k + j)·inner + e]. */
const INDEX_ADD = (t: string) => `${PRELUDE}
@group(0) @binding(1) var<storage, read> src: array<${t}>;
@group(0) @binding(2) var<storage, read> index: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
${MAIN_1D}
  let k = args[1]; let r = args[2]; let inner = args[3];
  let e = i % inner;
  let row = (i / inner) % r;
  let o = i / (inner * r);
  var acc = ${t}(0);
  for (var j = 0u; j < k; j++) { if (u32(index[j]) == row) { acc += src[(o * k + j) * inner + e]; } }
  out[i] = acc;
}`;

/** INDEX_ADD over a host index grouped by row: positions order[starts[row] .. starts[row + 1]) hold `row`, increasing. */
const INDEX_ADD_ROWS = (t: string) => `${PRELUDE}
@group(0) @binding(1) var<storage, read> src: array<${t}>;
@group(0) @binding(2) var<storage, read> order: array<i32>;
@group(0) @binding(3) var<storage, read> starts: array<i32>;
@group(0) @binding(4) var<storage, read_write> out: array<${t}>;
${MAIN_1D}
  let k = args[1]; let r = args[2]; let inner = args[3];
  let e = i % inner;
  let row = (i / inner) % r;
  let o = i / (inner * r);
  var acc = ${t}(0);
  for (var p = u32(starts[row]); p < u32(starts[row + 1u]); p++) { acc += src[(o * k + u32(order[p])) * inner + e]; }
  out[i] = acc;
}`;

/** The positions of a host index grouped by value (a counting sort, stable): order [k] and starts [rows + 1]. */
function groupByRow(index: Tensor, rows: number): [Tensor, Tensor] {
  const values = storageOf(index);
  const starts = new Int32Array(rows + 1);
  for (const v of values) starts[v + 1]!++;
  for (let r = 0; r < rows; r++) starts[r + 1]! += starts[r]!;
  const next = starts.slice(0, rows);
  const order = new Int32Array(values.length);
  values.forEach((v, j) => (order[next[v]!++] = j));
  return [new Tensor(order, [order.length]), new Tensor(starts, [rows + 1])];
}

export function indexAdd(src: Tensor, axis: number, index: Tensor, shape: Shape): Tensor {
  checkIndex(index, shape[axis]!, 'indexAdd', axis);
  const out = emptyTensor(shape, src.dtype);
  if (out.numel() === 0) return out;
  const meta = [out.numel(), index.numel(), shape[axis]!, sizeOf(shape.slice(axis + 1))];
  if (deviceArrayOf(index) === null && index.numel() > 0) return perElement(out, 'indexAdd', INDEX_ADD_ROWS(wgslOf(src.dtype)), meta, [src, ...groupByRow(index, shape[axis]!)]);
  return perElement(out, 'indexAdd', INDEX_ADD(wgslOf(src.dtype)), meta, [src, index]);
}

export function oneHot(indices: Tensor, numClasses: number, dtype: DType): Tensor {
  if (deviceArrayOf(indices) === null) {
    for (const c of storageOf(indices)) if (c < 0 || c >= numClasses) throw new RangeError(`oneHot: class ${c} is out of range for ${numClasses} classes`);
  }
  return oneHotKernel(indices, numClasses, dtype, [...indices.shape, numClasses]);
}

const ONE_HOT = (t: string) => `${PRELUDE}
@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<${t}>;
${MAIN_1D}
  let c = args[1];
  out[i] = select(${t}(0), ${t}(1), index[i / c] == i32(i % c));
}`;

function oneHotKernel(indices: Tensor, numClasses: number, dtype: DType, shape: number[]): Tensor {
  const out = emptyTensor(shape, dtype);
  if (out.numel() === 0) return out;
  return perElement(out, 'oneHot', ONE_HOT(wgslOf(dtype)), [out.numel(), numClasses], [indices]);
}
