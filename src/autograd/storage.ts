/**
 * storage — who may write a tensor's array, and how many writes Sapling has seen, so that a
 * cache (the wasm backend's resident weights, Linear's inference Wᵀ) is keyed on (array,
 * version) and never serves values that changed.
 *
 * An array Sapling allocated (dtype.ts `allocate`) is written only through Sapling: `assign`
 * and `mutate`, which bump its version. An array a caller holds — one passed to `new Tensor`
 * that Sapling did not allocate, or one handed out by the `storage` getter — may be written at
 * any moment without a word, so it is *held*: no cache keeps anything derived from it. Both
 * marks belong to the ArrayBuffer, so every view of it and every tensor sharing it agree. A device
 * array (device.ts) is always Sapling's own, and its marks belong to the array object itself.
 * The engine checks the same versions: a tensor saved for backward and written afterwards makes
 * that backward fail, naming the write (function.ts).
 */
import type { DeviceArray } from './device.js';
import type { DataArray } from './dtype.js';

/** A tensor's storage: a host typed array or a device array. */
export type Storage = DataArray | DeviceArray;

/** What the marks belong to: the ArrayBuffer under a typed array, or the device array. */
const key = (a: Storage): object => (ArrayBuffer.isView(a) ? a.buffer : a);

/**
 * Sapling's mark on the ArrayBuffer of an array it allocated: a symbol-keyed property rather than
 * a WeakSet entry, because every tensor an op makes is allocated here, and a WeakSet entry cost
 * about 2 µs an allocation (the collector's work on weak entries) — most of what a small op
 * costs (ops/dispatch benchmark). The mark sits on the buffer, not on the typed array, so the
 * arrays the kernels index keep V8's plain typed-array shapes.
 */
const OWNED = Symbol('sapling.owned');
type Markable = ArrayBufferLike & { [OWNED]?: true };
const held = new WeakSet<object>();
const versions = new WeakMap<object, number>();
/** One clock for every array, so that a version number is never issued twice. */
let clock = 0;

/** Marks `a` as Sapling's own (allocate calls this). */
export function own(a: DataArray): void {
  (a.buffer as Markable)[OWNED] = true;
}

/** A tensor wraps `a`: unless Sapling allocated it, the caller still holds it. */
export function adopt(a: DataArray): void {
  if ((a.buffer as Markable)[OWNED] !== true) held.add(a.buffer);
}

/** `a` has been handed out (the public `storage` getter): from now on it may change without notice. */
export function hold(a: DataArray): void {
  held.add(a.buffer);
}

/** Who wrote each array last (`add_`, `assign`, …), for the error of a backward that finds a saved tensor changed. */
const writers = new WeakMap<object, string>();

/** Records a write into `a`, made by `writer` (an op's name, for error messages). */
export function bump(a: Storage, writer = 'an in-place write'): void {
  versions.set(key(a), ++clock);
  writers.set(key(a), writer);
}

/** The name of the last write recorded into `a` (undefined: none). */
export function lastWriterOf(a: Storage): string | undefined {
  return writers.get(key(a));
}

/** How many writes into `a` Sapling has seen, as the clock value of the last one (0: none). */
export function versionOf(a: Storage): number {
  return versions.get(key(a)) ?? 0;
}

/** The version under which a cache may keep what it derived from `a`, or null when `a` is held (its values may change unseen). */
export function cacheVersion(a: Storage): number | null {
  return held.has(key(a)) ? null : versionOf(a);
}
