/**
 * reduce — sum / prod / max / min over any axes, and argmax / argmin along one, on the GPU.
 *
 * Each output element o owns the values at base(o) + offset(j) for j < r, where base walks the
 * kept axes and offset the reduced ones (each coalesced, see strided.ts). Two schedules:
 *   wide:   a workgroup of 256 threads per output; thread t folds j = t, t + 256, …, then the
 *           256 partial results are folded pairwise in workgroup memory (a tree of depth 8);
 *   serial: one thread per output folds its r values in order.
 * Wide is for long rows (r ≥ 64) when the outputs are few (under 256) or the rows very long
 * (r > 1024); otherwise the outputs alone fill the device, and a workgroup per short row spends
 * its time in barriers: softmax's 2,048 rows of 64 took 4.5-11 s wide on SwiftShader, where one
 * elementwise pass over the same values takes 33 ms.
 * Sums are float32 (the cpu oracle sums in float64; the tree keeps the rounding error near
 * log₂ r ulps rather than r) or wrapping int32 (where the cpu throws on overflow). max and min
 * propagate NaN, and argmax/argmin return the first extreme (the first NaN), as PyTorch does.
 */
import type { Tensor } from '../../tensor.js';
import { stridesOf } from '../../shape.js';
import { coalesce } from '../cpu/iterate.js';
import type { ReduceOp } from '../types.js';
import { launch, MAIN_1D, PRELUDE, WORKGROUP } from './gpu.js';
import { emptyTensor, Operands, wgslOf, type Wgsl } from './strided.js';
import { MATH } from './math.js';
import { deviceArrayOf } from '../../tensor-storage.js';
import type { GpuArray } from './gpu-array.js';

const COMBINE: Record<ReduceOp, (t: Wgsl) => string> = {
  sum: () => 'a + b',
  prod: () => 'a * b',
  max: (t) => (t === 'f32' ? 'maxf(a, b)' : 'max(a, b)'),
  min: (t) => (t === 'f32' ? 'minf(a, b)' : 'min(a, b)'),
};
const INITIAL: Record<ReduceOp, (t: Wgsl) => string> = {
  sum: (t) => `${t}(0)`,
  prod: (t) => `${t}(1)`,
  max: (t) => (t === 'f32' ? '-inf()' : 'i32(-2147483647 - 1)'),
  min: (t) => (t === 'f32' ? 'inf()' : 'i32(2147483647)'),
};

/** meta = [nOut, r, rankK, rankR, keptShape, keptStrides, redShape, redStrides]: base(o) and offset(j). */
const OFFSETS = /* wgsl */ `
fn walk(v: u32, rank: u32, at: u32) -> u32 {
  var rem = v; var off = 0u;
  for (var d = rank; d > 0u; d--) { let a = d - 1u; let size = args[at + a]; off += (rem % size) * args[at + rank + a]; rem = rem / size; }
  return off;
}
fn base(o: u32) -> u32 { return walk(o, args[2], 4u); }
fn offset(j: u32) -> u32 { return walk(j, args[3], 4u + 2u * args[2]); }
`;

function source(op: ReduceOp, t: Wgsl, wide: boolean): string {
  const head = `${PRELUDE}
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read_write> out: array<${t}>;
${MATH}${OFFSETS}
fn combine(a: ${t}, b: ${t}) -> ${t} { return ${COMBINE[op](t)}; }`;
  if (!wide) {
    return `${head}${MAIN_1D}
  let b0 = base(i);
  var acc = ${INITIAL[op](t)};
  for (var j = 0u; j < args[1]; j++) { acc = combine(acc, x[b0 + offset(j)]); }
  out[i] = acc;
}`;
  }
  return `${head}
var<workgroup> part: array<${t}, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = wid.x + wid.y * nwg.x;
  if (o >= args[0]) { return; }
  let b0 = base(o);
  var acc = ${INITIAL[op](t)};
  for (var j = lid; j < args[1]; j += ${WORKGROUP}u) { acc = combine(acc, x[b0 + offset(j)]); }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { part[lid] = combine(part[lid], part[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u) { out[o] = part[0]; }
}`;
}

function outputShape(shape: readonly number[], axes: readonly number[], keepDim: boolean): number[] {
  return keepDim ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** The kept and reduced axes of x as coalesced (shape, strides) pairs, and their sizes. */
function split(x: Tensor, axes: readonly number[]) {
  const strides = stridesOf(x.shape);
  const part = (which: readonly number[]) => {
    const plan = coalesce(which.map((a) => x.shape[a]!), [which.map((a) => strides[a]!)]);
    return { shape: plan.shape, strides: plan.strides[0]!, size: which.reduce((p, a) => p * x.shape[a]!, 1) };
  };
  const kept = part(x.shape.map((_, i) => i).filter((i) => !axes.includes(i)));
  const red = part(axes);
  return { kept, red, meta: [kept.size, red.size, kept.shape.length, red.shape.length, ...kept.shape, ...kept.strides, ...red.shape, ...red.strides] };
}

const bufferOf = (t: Tensor): GPUBuffer => (deviceArrayOf(t) as GpuArray).buffer('reduce');

export function reduce(op: ReduceOp, x: Tensor, axes: readonly number[], keepDim: boolean): Tensor {
  const shape = outputShape(x.shape, axes, keepDim);
  const { kept, red, meta } = split(x, axes);
  if (red.size === 0 && (op === 'max' || op === 'min')) throw new RangeError(`${op}: cannot reduce an empty axis of [${x.shape.join(',')}]`);
  const out = emptyTensor(shape, x.dtype);
  if (kept.size === 0) return out;
  const wide = red.size >= 64 && (kept.size < 256 || red.size > 1024);
  const ops = new Operands();
  launch({ source: source(op, wgslOf(x.dtype), wide), meta, inputs: [ops.buffer(x, op)], outputs: [bufferOf(out)], groups: wide ? kept.size : Math.ceil(kept.size / WORKGROUP) });
  ops.done();
  return out;
}

const ARG = (t: Wgsl, op: 'argmax' | 'argmin') => `${PRELUDE}
@group(0) @binding(1) var<storage, read> x: array<${t}>;
@group(0) @binding(2) var<storage, read_write> out: array<i32>;
${OFFSETS}
fn isNanT(v: ${t}) -> bool { ${t === 'f32' ? 'return isNan(v);' : 'return false;'} }
${MAIN_1D}
  let b0 = base(i);
  var best = x[b0];
  var index = 0u;
  for (var j = 1u; j < args[1] && !isNanT(best); j++) {
    let v = x[b0 + offset(j)];
    if (v ${op === 'argmax' ? '>' : '<'} best || isNanT(v)) { best = v; index = j; }
  }
  out[i] = i32(index);
}`;

export function argReduce(op: 'argmax' | 'argmin', x: Tensor, axis: number, keepDim: boolean): Tensor {
  const shape = outputShape(x.shape, [axis], keepDim);
  const { kept, red, meta } = split(x, [axis]);
  if (red.size === 0) throw new RangeError(`${op}: cannot reduce an empty axis of [${x.shape.join(',')}]`);
  const out = emptyTensor(shape, 'int32');
  if (kept.size === 0) return out;
  const ops = new Operands();
  launch({ source: ARG(wgslOf(x.dtype), op), meta, inputs: [ops.buffer(x, op)], outputs: [bufferOf(out)], groups: Math.ceil(kept.size / WORKGROUP) });
  ops.done();
  return out;
}
