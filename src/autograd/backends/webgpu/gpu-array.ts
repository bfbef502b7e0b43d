/**
 * gpu-array — a tensor's values in a GPU buffer: the WebGPU backend's `DeviceArray` (../../device.ts).
 *
 * Lifetime. The buffer comes from the pool (pool.ts) and goes back to it exactly once: when the
 * array is garbage-collected (a FinalizationRegistry holds the buffer, never the array), when
 * `release` is called (`t.dispose()`, the end of a `scope()`), whichever comes first. After
 * `release` the array refuses every use, naming who released it, so a recycled buffer is never
 * read through a stale tensor.
 *
 * Moving values. `read` is the only way back to the host and the only wait: it submits what is
 * recorded, copies the buffer to a mappable one and maps it (tfjs's `getBufferData`), counting
 * itself in `counters.reads`. `write` from the host is `queue.writeBuffer`, which takes effect
 * before any command not yet submitted, so we submit those first when the buffer already held
 * values; `write` from another array is a copy recorded in order like any kernel.
 */
import { releasedError, track, type DeviceArray } from '../../device.js';
import { allocate, type DataArray, type DType } from '../../dtype.js';
import { checkDevice, counters, flush, gpu, TENSOR_USAGE } from './gpu.js';

/** Buffers of arrays the collector found unreachable go back to the pool. */
const collected = new FinalizationRegistry<GPUBuffer>((buffer) => current()?.releaseBuffer(buffer));
const current = () => {
  try {
    return gpu().pool;
  } catch {
    return null;
  }
};

/** Bytes of a buffer for `length` elements (WebGPU buffers hold at least 4 bytes). */
export const bytesFor = (length: number): number => Math.max(4, length * 4);

export class GpuArray implements DeviceArray {
  readonly device = 'webgpu' as const;
  readonly dtype: DType;
  readonly length: number;
  #buffer: GPUBuffer;
  #released: string | null = null;

  /** Wraps `buffer` (taken from the pool) as the storage of `length` values of `dtype`. */
  constructor(dtype: DType, length: number, buffer: GPUBuffer) {
    if (dtype === 'float64') throw new TypeError('webgpu: WebGPU has no float64; keep float64 tensors on the cpu (await t.to(\'cpu\')), or convert with .to(\'float32\')');
    this.dtype = dtype;
    this.length = length;
    this.#buffer = buffer;
    collected.register(this, buffer, this);
    track(this);
  }

  /** A new array with a buffer of its own from the pool; its contents are whatever the buffer held. */
  static empty(dtype: DType, length: number): GpuArray {
    return new GpuArray(dtype, length, gpu().pool.acquireBuffer(bytesFor(length), TENSOR_USAGE));
  }

  /** A new array holding a copy of the host values `data`. */
  static upload(data: DataArray): GpuArray {
    const a = GpuArray.empty(data instanceof Int32Array ? 'int32' : data instanceof Float64Array ? 'float64' : 'float32', data.length);
    // A buffer from the pool's free list is read by no unsubmitted command: write at once.
    if (data.length > 0) gpu().device.queue.writeBuffer(a.#buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    counters.uploads++;
    return a;
  }

  get released(): string | null {
    return this.#released;
  }

  /** The buffer, for binding; throws once released. */
  buffer(what: string): GPUBuffer {
    if (this.#released !== null) throw releasedError(what, this.#released);
    return this.#buffer;
  }

  async read(): Promise<DataArray> {
    const buffer = this.buffer('data()');
    counters.reads++;
    const bytes = await gpu().tfjs.getBufferData(buffer);
    checkDevice();
    const out = allocate(this.dtype, this.length);
    out.set(this.dtype === 'int32' ? new Int32Array(bytes, 0, this.length) : new Float32Array(bytes, 0, this.length));
    return out;
  }

  write(src: DataArray | DeviceArray): void {
    const buffer = this.buffer('assign');
    if (src instanceof GpuArray) {
      const { tfjs } = gpu();
      tfjs.ensureCommandEncoderReady();
      tfjs.endComputePassEncoder();
      tfjs.commandEncoder!.copyBufferToBuffer(src.buffer('assign'), 0, buffer, 0, bytesFor(this.length));
      return;
    }
    if (!ArrayBuffer.isView(src)) throw new TypeError('assign: a device array of another backend cannot be written into a webgpu tensor');
    if (src instanceof Float64Array) throw new TypeError('assign: WebGPU has no float64');
    flush(); // commands already recorded must read the old values
    gpu().device.queue.writeBuffer(buffer, 0, src.buffer, src.byteOffset, src.byteLength);
    counters.uploads++;
  }

  release(reason: string): void {
    if (this.#released !== null) return;
    this.#released = reason;
    collected.unregister(this);
    gpu().pool.releaseBuffer(this.#buffer);
  }
}
