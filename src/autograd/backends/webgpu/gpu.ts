/// <reference types="@webgpu/types" />
/**
 * gpu — the one WebGPU device Sapling uses, shared with tfjs-backend-webgpu, and how a kernel is
 * run on it.
 *
 * Opening: a browser's `navigator.gpu`, or in Node, Dawn (dawn-node.ts, the only Node-only
 * import, taken dynamically). One GPUDevice serves both libraries: tfjs's `WebGPUBackend` is
 * made on it, with our buffer pool in place of its own (pool.ts).
 *
 * Running a kernel (`launch`): a WGSL compute shader (compiled once per source text and cached),
 * its buffers bound in order — binding 0 is a small storage buffer of u32 "meta" words (`args` in WGSL: sizes,
 * strides, and f32 parameters as bits), then the inputs, then the outputs — and a 1-D count of
 * workgroups, folded into 2-D when it exceeds the 65,535 a dimension allows. Every dispatch is
 * recorded into tfjs's open compute pass: ours and tfjs's run in program order, and nothing is
 * submitted until tfjs's batch fills or someone reads. Nothing here waits for the GPU except
 * `read`, which counts itself (`stats().reads`): a training step should cause none.
 */
import type { BufferPool, PoolStats } from './pool.js';
import type { TfjsWebGpu } from './tfjs-internals.js';

/** GPUBufferUsage flags, as numbers (the globals exist only where WebGPU is installed). */
export const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, STORAGE: 0x80 } as const;
/** What every tensor buffer allows: bound to shaders, copied in (uploads) and out (reads, tfjs). */
export const TENSOR_USAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;

/** Threads per workgroup in our 1-D kernels. */
export const WORKGROUP = 256;
const MAX_GROUPS = 65535;

export interface Gpu {
  readonly device: GPUDevice;
  readonly tfjs: TfjsWebGpu;
  readonly pool: BufferPool;
  /** A description of the adapter ('google swiftshader', …). */
  readonly adapter: string;
}

/** Counters of host round trips and work, for tests and benchmarks. */
export interface GpuCounters {
  /** Reads back to the host (each one waits for the GPU). */
  reads: number;
  /** Host → device writes (uploads of host tensors, assign from the host). */
  uploads: number;
  /** Compute dispatches recorded by Sapling's own kernels (tfjs's are not counted). */
  dispatches: number;
}

let current: Gpu | null = null;
export const counters: GpuCounters = { reads: 0, uploads: 0, dispatches: 0 };

/** The open device (the backend is loaded before any device tensor exists). */
export function gpu(): Gpu {
  if (current === null) throw new Error('webgpu: the device is not open (await setBackend(\'webgpu\') first)');
  return current;
}

/** The pool's figures and the round-trip counters. */
export function memoryStats(): PoolStats & Readonly<GpuCounters> {
  return { ...gpu().pool.stats(), ...counters };
}

/** The first validation error the device reported (a shader that failed to compile, …), if any. */
let failure: string | null = null;

/** Throws (once) the first error the device reported since the last check: reads call it, since WebGPU reports errors asynchronously. */
export function checkDevice(): void {
  const reported = failure;
  failure = null;
  if (reported !== null) throw new Error(`webgpu: the device reported an error: ${reported}`);
}

/** Installs `g` as the device every kernel uses (index.ts, once). */
export function useGpu(g: Gpu): void {
  current = g;
  g.device.onuncapturederror = (event) => {
    failure ??= event.error.message;
  };
}

/** Submits every recorded command (before a write that must follow them, and before reads). */
export function flush(): void {
  const { tfjs } = gpu();
  if (tfjs.commandEncoder === null) return;
  tfjs.endComputePassEncoder();
  tfjs.submitQueue();
}

const pipelines = new Map<string, GPUComputePipeline>();

function pipeline(device: GPUDevice, source: string): GPUComputePipeline {
  let p = pipelines.get(source);
  if (p === undefined) {
    p = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: source }), entryPoint: 'main' } });
    pipelines.set(source, p);
  }
  return p;
}

/** A 1-D workgroup count as [x, y] within the per-dimension limit (shaders fold it back, see PRELUDE). */
export function grid(groups: number): [number, number] {
  if (groups <= MAX_GROUPS) return [Math.max(groups, 1), 1];
  const y = Math.ceil(groups / MAX_GROUPS);
  return [Math.ceil(groups / y), y];
}

/** Four bytes of meta: an f32 parameter as its bits. */
export function f32Bits(v: number): number {
  const f = new Float32Array([v]);
  return new Uint32Array(f.buffer)[0]!;
}

/** Four bytes of meta: an i32 value as its two's-complement bits. */
export const i32Bits = (v: number): number => v >>> 0;

export interface Launch {
  /** The whole WGSL source: binding 0 = meta, then inputs, then outputs, in this order. */
  readonly source: string;
  readonly meta: readonly number[];
  readonly inputs: readonly GPUBuffer[];
  readonly outputs: readonly GPUBuffer[];
  /** Workgroups to run (1-D; folded into 2-D by `grid`). */
  readonly groups: number;
}

/** Records one dispatch into the shared compute pass. */
export function launch({ source, meta, inputs, outputs, groups }: Launch): void {
  const { device, tfjs, pool } = gpu();
  const words = Uint32Array.from(meta.length === 0 ? [0] : meta);
  const metaBuffer = pool.acquireBuffer(words.byteLength, USAGE.STORAGE | USAGE.COPY_DST);
  device.queue.writeBuffer(metaBuffer, 0, words);
  tfjs.uniformPendingDisposal.push(metaBuffer); // released with tfjs's uniforms, after the submit that reads it
  const p = pipeline(device, source);
  const buffers = [metaBuffer, ...inputs, ...outputs];
  const bindGroup = device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });
  tfjs.ensureCommandEncoderReady();
  tfjs.computePassEncoder ??= tfjs.commandEncoder!.beginComputePass();
  const [x, y] = grid(groups);
  tfjs.computePassEncoder.setPipeline(p);
  tfjs.computePassEncoder.setBindGroup(0, bindGroup);
  tfjs.computePassEncoder.dispatchWorkgroups(x, y);
  counters.dispatches++;
  // tfjs submits its batch every 15 dispatches (WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE); ours count too.
  if (++tfjs.dispatchCountInPass >= 15) flush();
}

/**
 * What every 1-D kernel starts with: the meta buffer, helpers to read f32 parameters and the
 * special values WGSL has no literal for, and `index(wid, nwg, lid)`, the thread's flat index
 * across a grid folded into 2-D.
 */
export const PRELUDE = /* wgsl */ `
@group(0) @binding(0) var<storage, read> args: array<u32>;
fn metaF(k: u32) -> f32 { return bitcast<f32>(args[k]); }
fn metaI(k: u32) -> i32 { return bitcast<i32>(args[k]); }
fn flatIndex(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 { return (wid.x + wid.y * nwg.x) * ${WORKGROUP}u + lid; }
// NaN and ±∞ tests by bits: a compiler may assume arithmetic never makes them (x != x can fold to false).
fn isNan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isInf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn inf() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }
fn nan() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
`;

/** The entry point of a 1-D kernel: declares `i`, the flat index, and returns past `n` (meta word 0). */
export const MAIN_1D = /* wgsl */ `
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flatIndex(wid, nwg, lid);
  if (i >= args[0]) { return; }
`;
