/**
 * channel — batch normalisation's per-channel passes over x [N, C, *] on the GPU (types.ts's
 * FusedKernels: channelMoments, channelSums, channelAffine). Channel c owns the m = N·S values
 * at (n·C + c)·S + s, S the size of the trailing axes.
 *
 * The two sums are one workgroup per channel: 256 threads stride over the m values and fold
 * their partial sums pairwise in workgroup memory. The moments take two passes inside the one
 * dispatch, as the cpu does (μ first, then Σ (x − μ)²; never E[x²] − μ²). Results are float32
 * [C] vectors: WebGPU has no float64, so the statistics the cpu keeps in float64 are float32
 * here (batch-norm.ts asks `accumulateDtype(x)` which one it gets).
 * The affine map is elementwise: out = Σ_k x_k · scale_k[c] + shift[c], one thread per element.
 */
import type { Tensor } from '../../tensor.js';
import { deviceArrayOf } from '../../tensor-storage.js';
import type { ChannelTerm } from '../types.js';
import { launch, MAIN_1D, PRELUDE, WORKGROUP } from './gpu.js';
import type { GpuArray } from './gpu-array.js';
import { emptyTensor, Operands } from './strided.js';

const bufferOf = (t: Tensor, what: string): GPUBuffer => (deviceArrayOf(t) as GpuArray).buffer(what);

/** Σ over channel c of value(offset) into part[0]; meta = [C, m, C, S]. */
const FOLD = (value: string) => `
  part[lid] = 0.0;
  for (var j = lid; j < m; j += ${WORKGROUP}u) { let o = ((j / S) * C + c) * S + j % S; part[lid] += ${value}; }
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s >>= 1u) { if (lid < s) { part[lid] += part[lid + s]; } workgroupBarrier(); }
`;

const channelMain = (inputs: readonly string[], outputs: readonly string[], body: string) => `${PRELUDE}
${inputs.map((n, k) => `@group(0) @binding(${k + 1}) var<storage, read> ${n}: array<f32>;`).join('\n')}
${outputs.map((n, k) => `@group(0) @binding(${inputs.length + k + 1}) var<storage, read_write> ${n}: array<f32>;`).join('\n')}
var<workgroup> part: array<f32, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let c = wid.x + wid.y * nwg.x;
  if (c >= args[0]) { return; }
  let m = args[1]; let C = args[2]; let S = args[3];
${body}
}`;

const MOMENTS = channelMain(['x'], ['mean', 'variance'], `${FOLD('x[o]')}
  let mu = part[0] / f32(m);
  workgroupBarrier();
${FOLD('(x[o] - mu) * (x[o] - mu)')}
  if (lid == 0u) { mean[c] = mu; variance[c] = part[0] / f32(m); }`);

const SUMS = channelMain(['a', 'b', 'centre'], ['total', 'dot'], `${FOLD('a[o]')}
  if (lid == 0u) { total[c] = part[0]; }
  workgroupBarrier();
${FOLD('a[o] * (b[o] - centre[c])')}
  if (lid == 0u) { dot[c] = part[0]; }`);

function layout(x: Tensor): number[] {
  const C = x.shape[1]!;
  const S = x.shape.slice(2).reduce((p, d) => p * d, 1);
  return [C, x.shape[0]! * S, C, S];
}

export function channelMoments(x: Tensor): { readonly mean: Tensor; readonly variance: Tensor } {
  const C = x.shape[1]!;
  const [mean, variance] = [emptyTensor([C], 'float32'), emptyTensor([C], 'float32')];
  if (C === 0) return { mean, variance };
  const ops = new Operands();
  launch({ source: MOMENTS, meta: layout(x), inputs: [ops.buffer(x, 'channelMoments')], outputs: [bufferOf(mean, 'channelMoments'), bufferOf(variance, 'channelMoments')], groups: C });
  ops.done();
  return { mean, variance };
}

export function channelSums(a: Tensor, b: Tensor, centre: Tensor): { readonly sum: Tensor; readonly dot: Tensor } {
  const C = a.shape[1]!;
  const [sum, dot] = [emptyTensor([C], 'float32'), emptyTensor([C], 'float32')];
  if (C === 0) return { sum, dot };
  const ops = new Operands();
  const what = 'channelSums';
  launch({ source: SUMS, meta: layout(a), inputs: [ops.buffer(a, what), ops.buffer(b, what), ops.buffer(centre, what)], outputs: [bufferOf(sum, what), bufferOf(dot, what)], groups: C });
  ops.done();
  return { sum, dot };
}

const AFFINE = (terms: number, shift: boolean) => `${PRELUDE}
${Array.from({ length: terms }, (_, k) => `@group(0) @binding(${2 * k + 1}) var<storage, read> x${k}: array<f32>;
@group(0) @binding(${2 * k + 2}) var<storage, read> s${k}: array<f32>;`).join('\n')}
${shift ? `@group(0) @binding(${2 * terms + 1}) var<storage, read> shift: array<f32>;` : ''}
@group(0) @binding(${2 * terms + (shift ? 2 : 1)}) var<storage, read_write> out: array<f32>;
${MAIN_1D}
  let c = (i / args[2]) % args[1];
  out[i] = ${Array.from({ length: terms }, (_, k) => `x${k}[i] * s${k}[c]`).join(' + ')}${shift ? ' + shift[c]' : ''};
}`;

export function channelAffine(terms: readonly ChannelTerm[], shift: Tensor | null): Tensor {
  const [first] = terms[0]!;
  const out = emptyTensor(first.shape, first.dtype);
  if (out.numel() === 0) return out;
  const ops = new Operands();
  const what = 'channelAffine';
  const inputs = terms.flatMap(([x, scale]) => [ops.buffer(x, what), ops.buffer(scale, what)]);
  if (shift !== null) inputs.push(ops.buffer(shift, what));
  const S = first.shape.slice(2).reduce((p, d) => p * d, 1);
  launch({ source: AFFINE(terms.length, shift !== null), meta: [out.numel(), first.shape[1]!, S], inputs, outputs: [bufferOf(out, what)], groups: Math.ceil(out.numel() / WORKGROUP) });
  ops.done();
  return out;
}
