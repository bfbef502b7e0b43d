/**
 * pool — GPU buffers recycled by size and usage. Creating a GPU buffer costs a driver call and
 * fresh memory; a training step makes the same few hundred sizes every time, so a released
 * buffer goes back to a free list keyed on (size, usage) and the next request of that key takes
 * it. After the first step a steady loop creates no buffer at all, and the device memory in use
 * stays flat (`stats()`, the figures the soak test and docs/webgpu.md report).
 *
 * One pool serves Sapling's kernels and tfjs-backend-webgpu's (it replaces tfjs's own
 * BufferManager, whose four methods it implements), so a buffer tfjs made for a matmul output
 * can hold an elementwise result next step.
 *
 * Release is deferred to the next submit. Commands are recorded into an encoder and run only
 * when it is submitted, while `queue.writeBuffer` (how we upload) takes effect at once: a buffer
 * released by a tensor whose last reader is still in the unsubmitted encoder must not be handed
 * to an upload before that reader has run. So released buffers wait in `pending` until
 * `submitted()` (called right before each submit) makes them free.
 */

/** Device memory held by the pool, in bytes and buffers. */
export interface PoolStats {
  /** Bytes of buffers held by tensors (and tfjs's in-flight temporaries). */
  readonly usedBytes: number;
  /** Bytes of released buffers kept for reuse. */
  readonly freeBytes: number;
  /** Every byte the pool has allocated and not destroyed: used + free + pending. */
  readonly allocatedBytes: number;
  readonly usedBuffers: number;
  readonly freeBuffers: number;
  /** Buffers created since the pool was made (flat in a steady loop). */
  readonly created: number;
}

const keyOf = (size: number, usage: number): string => `${size}:${usage}`;
const MAP_READ = 0x1; // GPUBufferUsage.MAP_READ

export class BufferPool {
  readonly #device: GPUDevice;
  readonly #free = new Map<string, GPUBuffer[]>();
  readonly #used = new Set<GPUBuffer>();
  #pending: GPUBuffer[] = [];
  #usedBytes = 0;
  #freeBytes = 0;
  #pendingBytes = 0;
  #freeBuffers = 0;
  #created = 0;

  constructor(device: GPUDevice) {
    this.#device = device;
  }

  /** A buffer of exactly `size` bytes and `usage`: a free one of that key, or a new one. */
  acquireBuffer(size: number, usage: number, mappedAtCreation = false, reuse = true): GPUBuffer {
    const list = reuse && !mappedAtCreation ? this.#free.get(keyOf(size, usage)) : undefined;
    let buffer = list?.pop();
    if (buffer !== undefined) {
      this.#freeBytes -= size;
      this.#freeBuffers--;
    } else {
      buffer = this.#device.createBuffer({ size, usage, mappedAtCreation });
      this.#created++;
    }
    this.#used.add(buffer);
    this.#usedBytes += size;
    return buffer;
  }

  /** Returns `buffer` to the pool (free after the next submit); `reuse` false destroys it then. */
  releaseBuffer(buffer: GPUBuffer, reuse = true): void {
    if (!this.#used.delete(buffer)) return; // already released, or not ours
    this.#usedBytes -= buffer.size;
    if (!reuse) {
      buffer.destroy();
      return;
    }
    if (buffer.usage & MAP_READ) {
      this.#makeFree(buffer); // a read's staging buffer: its copy ran and it is unmapped, no command holds it
      return;
    }
    this.#pending.push(buffer);
    this.#pendingBytes += buffer.size;
  }

  #makeFree(buffer: GPUBuffer): void {
    const key = keyOf(buffer.size, buffer.usage);
    const list = this.#free.get(key);
    if (list === undefined) this.#free.set(key, [buffer]);
    else list.push(buffer);
    this.#freeBytes += buffer.size;
    this.#freeBuffers++;
  }

  /** Called right before each queue submit: every command that read a pending buffer is in it. */
  submitted(): void {
    for (const buffer of this.#pending) this.#makeFree(buffer);
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  /** Destroys every free buffer (the memory of sizes a loop no longer makes). */
  trim(): void {
    for (const list of this.#free.values()) for (const b of list) b.destroy();
    this.#free.clear();
    this.#freeBytes = 0;
    this.#freeBuffers = 0;
  }

  stats(): PoolStats {
    return {
      usedBytes: this.#usedBytes,
      freeBytes: this.#freeBytes,
      allocatedBytes: this.#usedBytes + this.#freeBytes + this.#pendingBytes,
      usedBuffers: this.#used.size,
      freeBuffers: this.#freeBuffers,
      created: this.#created,
    };
  }

  // ── what tfjs-backend-webgpu reads of its BufferManager ──
  get numBytesUsed(): number {
    return this.#usedBytes;
  }
  get numBytesAllocated(): number {
    return this.#usedBytes + this.#freeBytes + this.#pendingBytes;
  }
  getNumUsedBuffers(): number {
    return this.#used.size;
  }
  getNumFreeBuffers(): number {
    return this.#freeBuffers;
  }
  dispose(): void {
    this.trim();
    for (const b of this.#used) b.destroy();
    this.#used.clear();
    this.#usedBytes = 0;
  }
}
