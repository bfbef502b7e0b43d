/**
 * device — where a tensor's values live. Most tensors hold a typed array on the host (the cpu and
 * wasm kernels both read it); a tensor made by the WebGPU backend holds a `DeviceArray` instead: a
 * handle to GPU memory that only that backend's kernels read. The host cannot read GPU memory
 * synchronously (the WebGPU API maps buffers with a promise), so every read of a device tensor's
 * values is async (`await t.data()`), and the synchronous ones throw `syncReadError`.
 *
 * This file is the storage core's side of the contract, with no backend in it: the interface a
 * device array fulfils, the registry through which a loaded device backend offers uploads, and
 * the stack of `scope()`s that release device memory deterministically (memory.ts). It imports
 * no Tensor at run time, so tensor.ts can import it.
 */
import type { DataArray, DType } from './dtype.js';
import type { Shape } from './shape.js';
import type { Tensor } from './tensor.js';

/** The names `t.to(…)` accepts: 'cpu' and 'wasm' both mean host memory, 'webgpu' GPU memory. */
export type Device = 'cpu' | 'wasm' | 'webgpu';

/** Where a tensor's values are: host memory ('cpu', shared by the cpu and wasm kernels) or a GPU buffer. */
export type Residency = 'cpu' | 'webgpu';

/** A tensor's values in device memory: made and read by the device backend's kernels only. */
export interface DeviceArray {
  readonly device: 'webgpu';
  readonly dtype: DType;
  readonly length: number;
  /** Why the memory was released ('dispose()', 'the end of a scope()'), or null while it is live. */
  readonly released: string | null;
  /** A copy of the values on the host, after every command recorded before the call. */
  read(): Promise<DataArray>;
  /** Overwrites the values with `src`'s (same dtype and length), ordered after every command recorded before. */
  write(src: DataArray | DeviceArray): void;
  /** Frees the device memory now (to the backend's pool); any later use throws, naming `reason`. */
  release(reason: string): void;
}

/** Whether `data` is a device array (rather than a host typed array). */
export function isDeviceArray(data: unknown): data is DeviceArray {
  return typeof data === 'object' && data !== null && !ArrayBuffer.isView(data) && (data as { device?: unknown }).device === 'webgpu';
}

/**
 * The error a synchronous read of a device tensor throws: `what` tried to read, `instead` is the
 * asynchronous call that does it.
 */
export function syncReadError(what: string, instead: string): Error {
  return new Error(
    `${what}: this tensor lives on the webgpu device, whose memory the host cannot read synchronously; use ${instead} ` +
      `(or move it first: const host = await t.to('cpu'))`,
  );
}

/** The error for a device array used after its memory was released. */
export function releasedError(what: string, reason: string): Error {
  return new Error(`${what}: this tensor's webgpu memory was released by ${reason}; keep it alive with keep(t) or return it from the scope`);
}

/** What a loaded device backend offers the storage core: moving host tensors in, and zeros. */
export interface DeviceBackend {
  readonly name: 'webgpu';
  /** A device copy of the host tensor `x` (synchronous: a write needs no wait). */
  upload(x: Tensor): Tensor;
  /** A zero-filled device tensor. */
  zeros(shape: Shape, dtype: DType): Tensor;
}

let registered: DeviceBackend | null = null;

/** Called by the device backend when it loads. */
export function registerDevice(backend: DeviceBackend): void {
  registered = backend;
}

/** The loaded device backend; a device tensor exists only once it is loaded. */
export function deviceBackend(what: string): DeviceBackend {
  if (registered === null) throw new Error(`${what}: the webgpu backend is not loaded (await setBackend('webgpu') or await t.to('webgpu') first)`);
  return registered;
}

// ── scopes: deterministic release (memory.ts has the public scope() and keep()) ──

/** Device arrays made inside each open scope, innermost last. */
const scopes: Set<DeviceArray>[] = [];

/** The device backend calls this for every array it makes for a tensor: the innermost scope owns it. */
export function track(a: DeviceArray): void {
  scopes.at(-1)?.add(a);
}

/** `a` outlives every open scope (keep(), or assigned into an older tensor). */
export function untrack(a: DeviceArray): void {
  for (const s of scopes) s.delete(a);
}

export function openScope(): void {
  scopes.push(new Set());
}

/** Closes the innermost scope: releases what it owns except `survivors`, which pass to the scope around it. */
export function closeScope(survivors: ReadonlySet<DeviceArray>): void {
  const owned = scopes.pop()!;
  for (const a of owned) {
    if (survivors.has(a)) scopes.at(-1)?.add(a);
    else a.release('the end of a scope()');
  }
}
