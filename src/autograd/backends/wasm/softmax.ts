/**
 * softmax — softmaxLastAxis on the wasm backend: the masked softmax of a float32 tensor's rows in
 * one call of simd/softmax.wat on the calling thread, four values per instruction (attention's
 * scores: [32, 4, 128, 128] in BERT-mini's step, [8, 4, 512, 512] in the suite's attention). The
 * values, the keep mask and each row's offset into it are copied into the module's memory, and
 * the result is copied out into a fresh array. softmax.wat computes what cpu/softmax.ts computes,
 * in its order, so the results are the cpu kernel's bit for bit (softmax.test.ts checks it with
 * exact equality). Rows whose length is not a multiple of 4, float64, small tensors, and a tensor
 * where some x − m falls below −87.3 (expFloat32 calls Math.exp there) run the cpu kernel.
 */
import { Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';
import { cpuKernels as cpu } from '../cpu/index.js';
import { keepOffsets } from '../cpu/softmax.js';
import { f32, isF32 } from './common.js';
import { softmaxArrays } from './simd/modules.js';

/** Below this many values the TypeScript loops are as fast as a call with its copies. */
export const MIN_SIMD_SOFTMAX = 256;

export function wasmSoftmaxLastAxis(x: Tensor, keep: Tensor | null): Tensor {
  const n = x.ndim === 0 ? 0 : x.shape[x.ndim - 1]!;
  if (!isF32(x) || n === 0 || n % 4 !== 0 || x.numel() < MIN_SIMD_SOFTMAX || (keep !== null && keep.dtype !== 'int32')) return cpu.softmaxLastAxis(x, keep);
  const rows = x.numel() / n;
  const mask = keep === null ? null : { values: storageOf(keep) as Int32Array, ...keepOffsets(keep, x.shape, rows) };
  const got = softmaxArrays([x.numel(), x.numel(), ...(mask === null ? [] : [mask.values.length, rows])]);
  if (got === null) return cpu.softmaxLastAxis(x, keep);
  const [xs, out, k = null, o = null] = got.arrays as [Float32Array, Float32Array, Float32Array?, Float32Array?];
  xs.set(f32(x));
  const ints = (view: Float32Array | null): Int32Array | null => (view === null ? null : new Int32Array(view.buffer, view.byteOffset, view.length));
  const [keepView, offsetView] = [ints(k), ints(o)];
  if (mask !== null) {
    keepView!.set(mask.values);
    offsetView!.set(mask.offsets);
  }
  const far = got.softmax(rows, n, xs, out, keepView, offsetView, mask === null ? 0 : mask.step);
  if (far > 0) return cpu.softmaxLastAxis(x, keep); //                           rare: a score 87 below its row's max
  return new Tensor(out.slice(0, x.numel()), x.shape);
}
