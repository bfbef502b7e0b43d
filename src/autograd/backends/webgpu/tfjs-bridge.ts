/**
 * tfjs-bridge — running one of tfjs-backend-webgpu's kernels on Sapling's buffers, without
 * copies and without tfjs's engine: we look the kernel up in tfjs's registry and call it with
 * our buffers registered as tfjs tensor records (marked `external`, so tfjs never frees them),
 * then take ownership of the buffer it wrote (marking that record external too before disposing
 * it). The kernel records into the command encoder we share, so it runs in order with ours.
 * tfjs's engine, its active backend and its tensor counts are never involved: the wasm backend
 * can be tfjs's active one in the same process.
 */
import { getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { DType } from '../../dtype.js';
import { Tensor } from '../../tensor.js';
import { deviceArrayOf } from '../../tensor-storage.js';
import { gpu } from './gpu.js';
import { GpuArray } from './gpu-array.js';
import { emptyTensor, Operands } from './strided.js';
import type { TfjsTensorInfo } from './tfjs-internals.js';

/** A tfjs tensor record for `t`'s buffer (uploaded for the call if `t` is a host tensor). */
function record(t: Tensor, ops: Operands, what: string, shape: readonly number[] = t.shape): TfjsTensorInfo {
  const { tfjs } = gpu();
  const dataId = { id: tfjs.nextDataId() };
  tfjs.tensorMap.set(dataId, { dtype: t.dtype === 'int32' ? 'int32' : 'float32', shape: [...shape], values: null, refCount: 1, external: true, resource: ops.buffer(t, what) });
  return { dataId, shape: [...shape], dtype: t.dtype };
}

/** A kernel input: a tensor, and the shape tfjs should see when it differs (a reshape costs nothing). */
export interface TfjsInput {
  readonly t: Tensor;
  readonly shape?: readonly number[];
}

/**
 * Runs tfjs kernel `name` on `inputs` and returns its output as a device tensor of `shape` that
 * owns the buffer.
 */
export function runTfjs(name: string, inputs: Record<string, TfjsInput>, attrs: NamedAttrMap, shape: readonly number[], dtype: DType): Tensor {
  const { tfjs } = gpu();
  const kernel = getKernel(name, 'webgpu');
  if (kernel === undefined) throw new Error(`webgpu: tfjs-backend-webgpu has no ${name} kernel`);
  const ops = new Operands();
  const infos: Record<string, TfjsTensorInfo> = {};
  for (const [key, { t, shape: s }] of Object.entries(inputs)) infos[key] = record(t, ops, name, s);
  const result = kernel.kernelFunc({ inputs: infos as unknown as Record<string, TensorInfo>, backend: tfjs as never, attrs }) as TensorInfo;
  const data = tfjs.tensorMap.get(result.dataId);
  const buffer = data?.resource ?? null;
  const own = Object.values(infos).map((i) => tfjs.tensorMap.get(i.dataId)!.resource ?? null);
  for (const info of Object.values(infos)) tfjs.disposeData(info.dataId);
  ops.done();
  if (buffer === null || data === undefined) {
    tfjs.disposeData(result.dataId);
    return emptyTensor(shape, dtype); // an empty result: tfjs made no buffer
  }
  if (own.includes(buffer)) throw new Error(`webgpu: tfjs's ${name} returned one of its inputs`);
  data.external = true; // the buffer is ours from now on
  tfjs.disposeData(result.dataId, true);
  return new Tensor(new GpuArray(dtype, shape.reduce((p, d) => p * d, 1), buffer), shape);
}

/** Whether `t` is on the device (for the bridge's callers that cache per weight). */
export const onDevice = (t: Tensor): boolean => deviceArrayOf(t) !== null;
