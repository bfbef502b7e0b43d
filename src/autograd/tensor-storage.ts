/**
 * tensor-storage — the ways code inside Sapling reaches a tensor's storage, which the class keeps
 * in a private field: `storageOf` (the kernels' read of a host array), `storageObject` (the
 * storage itself, host or device, for views and cache keys), `deviceArrayOf`, and `relocate`
 * (new memory on another device for the same tensor: how `Module.to` moves parameters).
 *
 * The class hands this file its two accessors once, from its static block (`bindStorage`), so
 * the field stays private to tensor.ts and these helpers; this file imports Tensor as a type only,
 * so tensor.ts can re-export them without an import cycle. None of them is part of the package's
 * public surface.
 */
import { deviceBackend, isDeviceArray, releasedError, untrack, type DeviceArray, type Device } from './device.js';
import type { DataArray } from './dtype.js';
import { fmt } from './shape.js';
import type { Storage } from './storage.js';
import type { Tensor } from './tensor.js';

/** A tensor's storage without handing it out (see `storageOf`), and replacing it (`relocate`). */
let read: (t: Tensor) => Storage;
let replace: (t: Tensor, s: Storage) => void;

/**
 * Receives the class's accessors of its private storage: called once, by Tensor's static block,
 * before any tensor exists.
 */
export function bindStorage(reader: (t: Tensor) => Storage, replacer: (t: Tensor, s: Storage) => void): void {
  read = reader;
  replace = replacer;
}

/**
 * A tensor's array for reading, without handing it out: for kernels (which never write their
 * inputs) and other code inside Sapling that only reads, so that caches keep working. A device
 * tensor has no host array: a host kernel given one throws, naming the async way out.
 */
export function storageOf(t: Tensor): DataArray {
  const s = read(t);
  if (isDeviceArray(s)) {
    throw s.released === null
      ? new Error(`a ${t.dtype}${fmt(t.shape)} tensor on webgpu reached a kernel that reads host memory (the active backend is not webgpu, or the kernel has no webgpu version); move it with await t.to('cpu'), or run with await setBackend('webgpu')`)
      : releasedError('a kernel', s.released);
  }
  return s;
}

/** A tensor's storage, host or device: for sharing it (views) and keying caches on it. */
export const storageObject = (t: Tensor): Storage => read(t);

/** The device array of a device tensor, or null for a host tensor. */
export function deviceArrayOf(t: Tensor): DeviceArray | null {
  const s = read(t);
  return isDeviceArray(s) ? s : null;
}

/**
 * Moves `t`'s storage to `device` in place (same tensor, new memory: how `Module.to` moves
 * parameters while optimizers keep their references). Async: leaving the GPU is a read.
 */
export async function relocate(t: Tensor, device: Device): Promise<void> {
  const s = read(t);
  const onDevice = isDeviceArray(s);
  if (device === 'webgpu') {
    if (onDevice) return;
    const moved = storageObject(deviceBackend('to(\'webgpu\')').upload(t));
    untrack(moved as DeviceArray); // a relocated tensor's memory is its own, not an enclosing scope's
    replace(t, moved);
  } else if (onDevice) {
    replace(t, await t.data());
  }
}
