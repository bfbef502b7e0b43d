/**
 * tfjs-internals — the members of tfjs-backend-webgpu 4.22's `WebGPUBackend` that Sapling uses,
 * typed in one place. Some are private in tfjs's declarations; we rely on them knowingly (the
 * version is pinned) because they are what lets both libraries share one device, one command
 * encoder and one buffer pool:
 *   - our kernels record into tfjs's open compute pass, so the two run in program order without
 *     an extra submit between them;
 *   - a tfjs kernel reads our buffers and writes a buffer we then own (`tensorMap`, `external`).
 */
import type { BufferPool } from './pool.js';

/** tfjs's record of one tensor's data on the backend. */
export interface TfjsTensorData {
  dtype: 'float32' | 'int32';
  shape: number[];
  values: null;
  refCount: number;
  /** True: the buffer belongs to someone else (us), so disposing the record does not free it. */
  external?: boolean;
  resource?: GPUBuffer | null;
}

/** What tfjs's kernels are called with and return. */
export interface TfjsTensorInfo {
  readonly dataId: object;
  readonly shape: number[];
  readonly dtype: string;
}

export interface TfjsWebGpu {
  readonly device: GPUDevice;
  bufferManager: BufferPool;
  readonly tensorMap: { get(id: object): TfjsTensorData | undefined; set(id: object, d: TfjsTensorData): void; has(id: object): boolean };
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  readonly uniformPendingDisposal: GPUBuffer[];
  /** Conv2D takes its im2col + matmul route at or below this many 32 × 32 output tiles (8; 16 on recent Intel). */
  readonly thresholdToIncreaseWorkgroups: number;
  submitQueue(): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  getBufferData(buffer: GPUBuffer): Promise<ArrayBuffer>;
  disposeData(dataId: object, force?: boolean): boolean;
  nextDataId(): number;
}
