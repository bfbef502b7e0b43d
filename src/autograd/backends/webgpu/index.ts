/**
 * webgpu — the device-resident backend: every kernel runs on the GPU and returns a tensor whose
 * values stay in a GPU buffer (gpu-array.ts), so a training step reads nothing back. Matmul and
 * convolution run tfjs-backend-webgpu's kernels on our buffers (linalg.ts); the rest are our own
 * WGSL: elementwise maps and movement through one strided walk (strided.ts, elementwise.ts,
 * movement.ts), reductions (reduce.ts), argsort and cumsum/cumprod (sort.ts), pooling
 * (pooling.ts), batch normalisation's channel passes (channel.ts), the optimizer steps (optim.ts)
 * and the direct convolutions tfjs lacks (conv-direct.ts). Loaded only by
 * `setBackend('webgpu')` or `t.to('webgpu')` (a dynamic import in ../index.ts).
 *
 * Where values live decides where a kernel runs, as in PyTorch: a kernel whose inputs are all on
 * the host runs on the cpu and returns a host tensor (data preparation, labels, float64 work such
 * as gradcheck stay there, and are read synchronously as ever); once one input is on the device
 * the kernel runs there, uploading its host inputs for the call (usually scalars and labels), and
 * returns a device tensor. Float64 meeting a device tensor is a TypeError naming the conversion
 * (WebGPU has no float64). The LSTM/GRU kernels and the conv epilogue are fallbacks.ts's
 * compositions of these kernels.
 */
import { registerDevice } from '../../device.js';
import { isDataArray, type DType } from '../../dtype.js';
import { Tensor } from '../../tensor.js';
import { deviceArrayOf, storageOf } from '../../tensor-storage.js';
import { cpuKernels } from '../cpu/index.js';
import { optimizerFallbacks } from '../fallback-optim.js';
import { withFallbacks } from '../fallbacks.js';
import type { CoreKernels, FusedKernels, Kernels } from '../types.js';
import { channelAffine, channelMoments, channelSums } from './channel.js';
import * as elementwise from './elementwise.js';
import { memoryStats, useGpu } from './gpu.js';
import { GpuArray } from './gpu-array.js';
import * as linalg from './linalg.js';
import * as movement from './movement.js';
import { openGpu } from './open.js';
import * as pooling from './pooling.js';
import * as optim from './optim.js';
import * as reduction from './reduce.js';
import * as sort from './sort.js';

export { memoryStats };

/** Every tensor among a kernel's arguments (tensors, arrays of them, channel terms). */
function tensorsIn(args: readonly unknown[], into: Tensor[] = []): Tensor[] {
  for (const a of args) {
    if (a instanceof Tensor) into.push(a);
    else if (Array.isArray(a)) tensorsIn(a, into);
  }
  return into;
}

/** Kernels that take float tensors only on the device. */
const FLOAT_ONLY = new Set(['sgdStep', 'adamStep', 'rmspropStep', 'adagradStep', 'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'maxPool2d', 'maxPool2dBackward', 'avgPool2d', 'avgPool2dBackward', 'adaptiveAvgPool2d', 'adaptiveAvgPool2dBackward', 'channelMoments', 'channelSums', 'channelAffine']);

/** Runs `gpuKernel` when a tensor argument is on the device, else the cpu's `cpuKernel` on the host. */
function routed<F extends (...args: never[]) => unknown>(name: string, gpuKernel: F, cpuKernel: F): F {
  return ((...args: Parameters<F>) => {
    const tensors = tensorsIn(args);
    if (!tensors.some((t) => deviceArrayOf(t) !== null)) return cpuKernel(...args);
    if (tensors.some((t) => t.dtype === 'float64') || (args as unknown[]).includes('float64')) {
      throw new TypeError(`${name}: WebGPU has no float64, and a float64 value meets a tensor on the webgpu device; convert with .to('float32'), or move the tensors to the cpu (await t.to('cpu'))`);
    }
    if (FLOAT_ONLY.has(name) && tensors.some((t) => t.dtype === 'int32')) {
      throw new TypeError(`${name}: the webgpu kernel takes float32 tensors, got int32; convert with .to('float32')`);
    }
    return gpuKernel(...args);
  }) as F;
}

/** allFinite reads every value: synchronous, so not on the device. */
function allFinite(x: Tensor): boolean {
  if (deviceArrayOf(x) !== null) {
    throw new Error(`allFinite (detectAnomaly): checking a webgpu tensor ${x.dtype}[${x.shape}] for NaN would read it back synchronously, which WebGPU cannot do; run detectAnomaly on the cpu or wasm backend`);
  }
  return cpuKernels.allFinite(x);
}

type GpuKernels = Omit<CoreKernels, 'name' | 'allFinite'> & Pick<FusedKernels, 'scan' | 'channelMoments' | 'channelSums' | 'channelAffine' | 'sgdStep' | 'adamStep' | 'rmspropStep' | 'adagradStep'>;

const GPU: GpuKernels = {
  ...elementwise,
  reduce: reduction.reduce,
  argReduce: reduction.argReduce,
  argsort: sort.argsort,
  scan: sort.scan,
  permute: movement.permute,
  broadcastTo: movement.broadcastTo,
  slice: movement.slice,
  sliceScatter: movement.sliceScatter,
  concat: movement.concat,
  pad: movement.pad,
  gather: movement.gather,
  scatterAdd: movement.scatterAdd,
  indexSelect: movement.indexSelect,
  indexAdd: movement.indexAdd,
  oneHot: movement.oneHot,
  ...linalg,
  ...pooling,
  channelMoments,
  channelSums,
  channelAffine,
  sgdStep: optim.sgdStep,
  adamStep: (p, g, m, v, vmax, o) => {
    if (vmax !== null) throw new Error('adamStep: AMSGrad is composed (createWebgpuKernels)');
    return optim.adamStep(p, g, m, v, o);
  },
  rmspropStep: optim.rmspropStep,
  adagradStep: optim.adagradStep,
};

/** The device's copy of a host tensor. */
function upload(x: Tensor): Tensor {
  const a = deviceArrayOf(x);
  if (a !== null) return x;
  const data = storageOf(x);
  if (!isDataArray(data) || data instanceof Float64Array) {
    throw new TypeError(`to('webgpu'): WebGPU has no float64; convert with .to('float32') first (tensor ${x.dtype}[${x.shape}])`);
  }
  return new Tensor(GpuArray.upload(data), x.shape);
}

let created: Promise<Kernels> | null = null;

type AnyKernel = (...args: never[]) => unknown;

/** Opens the device (once) and returns the webgpu kernels. */
export function createWebgpuKernels(): Promise<Kernels> {
  created ??= (async () => {
    useGpu(await openGpu());
    registerDevice({ name: 'webgpu', upload, zeros: (shape, dtype: DType) => movement.filled(shape, 0, dtype) });
    const cpu = cpuKernels as unknown as Record<string, AnyKernel>;
    const own = Object.fromEntries(Object.entries(GPU).map(([name, k]) => [name, routed(name, k as AnyKernel, cpu[name]!)])) as unknown as GpuKernels;
    const all = withFallbacks({ ...own, name: 'webgpu', allFinite });
    // AMSGrad's step binds ten buffers, past the eight per shader WebGPU guarantees: composed there.
    const composed = optimizerFallbacks(all).adamStep;
    const fused = all.adamStep;
    const kernels: Kernels = { ...all, adamStep: (p, g, m, v, vmax, o) => (vmax === null ? fused(p, g, m, v, null, o) : composed(p, g, m, v, vmax, o)) };
    // The composed kernels (fallbacks.ts) on host inputs: the cpu's own, in one pass, as every other kernel.
    const onHost = Object.fromEntries(
      Object.entries(kernels).map(([name, k]) => [name, typeof k !== 'function' || name in GPU || name === 'allFinite' ? k : routed(name, k as AnyKernel, cpu[name]!)]),
    );
    return onHost as unknown as Kernels;
  })();
  return created;
}
