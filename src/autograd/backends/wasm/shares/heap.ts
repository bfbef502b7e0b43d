/**
 * heap — a thread's access to tfjs-wasm's heap: tensors whose memory we fill ourselves (the
 * layout change happens during the one copy in), views of a result (read during the one copy
 * out), and our SIMD layout kernels run on tfjs's own WebAssembly.Memory (`heapKernelsOf`), so
 * large NCHW ↔ NHWC changes happen in place there (`nhwcTensor`, `fromNhwc`).
 *
 * Two internals of tfjs-backend-wasm are used (`write(null, …)` / `typedArrayFromHeap`, and the
 * emscripten module's `asm.memory`); the package is pinned to 4.22.x.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { Pads } from '../../../conv-geometry.js';
import { nchwToNhwc, nhwcToNchw } from '../layout.js';
import { heapKernels, winogradPasses, type ConvKernels, type WinogradPasses } from '../simd/modules.js';

export type Tf = typeof TF;

/** The two internals of tfjs-wasm's backend we use to move data without an extra copy. */
interface WasmHeapAccess {
  write(values: null, shape: number[], dtype: 'float32'): TF.DataId;
  typedArrayFromHeap(info: { shape: number[]; dtype: 'float32'; dataId: TF.DataId }): Float32Array;
}

/**
 * A tfjs tensor whose heap memory `fill` writes directly: the layout change happens during the
 * one copy into the heap, not in a temporary array first.
 */
export function heapTensor(tf: Tf, shape: number[], fill: (heap: Float32Array) => void): TF.Tensor {
  const backend = tf.backend() as unknown as WasmHeapAccess;
  const dataId = backend.write(null, shape, 'float32');
  const t = tf.engine().makeTensorFromDataId(dataId, shape, 'float32', tf.backend());
  fill(backend.typedArrayFromHeap({ shape, dtype: 'float32', dataId }));
  return t;
}

/** A view of a tensor's values in the wasm heap: valid until the next tfjs allocation. */
export function heapView(tf: Tf, t: TF.Tensor): Float32Array {
  return (tf.backend() as unknown as WasmHeapAccess).typedArrayFromHeap({ shape: t.shape, dtype: 'float32', dataId: t.dataId });
}

export function expectShape(t: TF.Tensor, shape: readonly number[], what: string): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${what}: tfjs returned shape [${t.shape}], expected [${shape}]`);
  }
}

export const convNhwc = (tf: Tf, x: TF.Tensor, f: TF.Tensor, stride: readonly [number, number], pads: Pads, dilation: readonly [number, number]): TF.Tensor4D =>
  tf.conv2d(x as TF.Tensor4D, f as TF.Tensor4D, [stride[0], stride[1]], [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]], 'NHWC', [dilation[0], dilation[1]]);

/**
 * Below this many floats a layout change stays in TypeScript: the SIMD one pays a heap allocation
 * and a call per image, which small tensors do not repay.
 */
const SIMD_TRANSPOSE_MIN = 16384;

let heapLayouts = 0;

/** How many layout changes have run in SIMD inside tfjs's heap (tests use it to see which path ran). */
export function heapLayoutChanges(): number {
  return heapLayouts;
}

/**
 * A tfjs tensor of `shape` holding src's N images of C planes of P pixels in NHWC: nchwToNhwc
 * (layout.ts), or for a large tensor, src copied into tfjs's heap as it is and each image
 * transposed there by conv-nchw.wat's `transpose` running on tfjs's own memory. One memcpy and
 * one pass of 4 × 4 blocks: [64, 3136] (ImageNet layer1's input) 0.19 → 0.055 ms,
 * [32 × 64, 1024] (CIFAR layer1's) 2.8–2.9 → 1.4–1.7 ms with a copy more than now (the
 * transpose ran in the module's own memory then, between two copies).
 */
export function nhwcTensor(tf: Tf, src: Float32Array, shape: number[], N: number, C: number, P: number): TF.Tensor {
  const n = N * C * P;
  if (n < SIMD_TRANSPOSE_MIN) return heapTensor(tf, shape, (heap) => nchwToNhwc(src, heap, N, C, P));
  const planes = heapTensor(tf, [n], (heap) => heap.set(src.subarray(0, n)));
  const t = unfilled(tf, shape);
  const [from, to] = [heapView(tf, planes), heapView(tf, t)];
  const { transpose } = heapKernelsOf(tf).direct;
  for (let i = 0; i < N; i++) transpose(from.subarray(i * C * P, (i + 1) * C * P), to.subarray(i * C * P, (i + 1) * C * P), C, P);
  planes.dispose();
  heapLayouts++;
  return t;
}

/**
 * y's N images of P pixels × O channels (NHWC, in tfjs's heap) into dst as NCHW, image i's
 * channel 0 at i·batchStride + o0·P: nhwcToNchw (layout.ts), or for a large tensor, each image
 * transposed inside the heap (as `nhwcTensor`) and copied out.
 */
export function fromNhwc(tf: Tf, y: TF.Tensor, dst: Float32Array, N: number, P: number, O: number, batchStride: number, o0 = 0): void {
  const n = N * P * O;
  if (n < SIMD_TRANSPOSE_MIN) {
    nhwcToNchw(heapView(tf, y), dst, N, P, O, batchStride, o0);
    return;
  }
  const t = unfilled(tf, [n]);
  const [from, to] = [heapView(tf, y), heapView(tf, t)];
  const { transpose } = heapKernelsOf(tf).direct;
  for (let i = 0; i < N; i++) {
    const image = to.subarray(i * P * O, (i + 1) * P * O);
    transpose(from.subarray(i * P * O, (i + 1) * P * O), image, P, O);
    dst.set(image, i * batchStride + o0 * P);
  }
  t.dispose();
  heapLayouts++;
}

/** A tfjs tensor in the heap, its values not yet written: views of it are taken after the last allocation (which may move the heap). */
export const unfilled = (tf: Tf, shape: number[]): TF.Tensor => heapTensor(tf, shape, () => {});

/**
 * conv-nchw.wat's and col2im.wat's functions on this thread's tfjs heap: its WebAssembly.Memory
 * is the emscripten module's `asm.memory` (or `wasmMemory`, shared, in the threaded build), an
 * internal of tfjs-backend-wasm as `WasmHeapAccess` is (the package is pinned to 4.22.x).
 */
export function heapKernelsOf(tf: Tf): ConvKernels {
  return heapKernels(heapMemoryOf(tf));
}

/** Winograd F(m×m, 3×3)'s passes (winograd.wat, winograd4.wat) on this thread's tfjs heap (as `heapKernelsOf`). */
export const heapWinogradOf = (tf: Tf, m: 2 | 4 = 2): WinogradPasses => winogradPasses(heapMemoryOf(tf), m);

/** tfjs-wasm's WebAssembly.Memory (see `heapKernelsOf`). */
function heapMemoryOf(tf: Tf): Parameters<typeof heapKernels>[0] {
  // The single-threaded builds export their memory (asm.memory); the threaded one imports a shared
  // memory, which the emscripten module keeps as wasmMemory.
  const module = (tf.backend() as unknown as { wasm?: { asm?: { memory?: unknown }; wasmMemory?: unknown } }).wasm;
  const memory = module?.asm?.memory ?? module?.wasmMemory;
  const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: abstract new (...args: never[]) => object } }).WebAssembly;
  if (!(memory instanceof Memory)) throw new Error('wasm backend: tfjs-backend-wasm exposes no heap memory (backend.wasm.asm.memory); Sapling needs the 4.22.x it pins');
  return memory as Parameters<typeof heapKernels>[0];
}
