/**
 * storage — who may write a tensor's array, and how many writes Sapling has seen, so that a
 * cache (the wasm backend's resident weights, Linear's inference Wᵀ) is keyed on (array,
 * version) and never serves values that changed.
 *
 * An array Sapling allocated (dtype.ts `allocate`) is written only through Sapling: `assign`
 * and `mutate`, which bump its version. An array a caller holds — one passed to `new Tensor`
 * that Sapling did not allocate, or one handed out by the `storage` getter — may be written at
 * any moment without a word, so it is *held*: no cache keeps anything derived from it. Both
 * marks belong to the ArrayBuffer, so every view of it and every tensor sharing it agree.
 * The engine checks the same versions: a tensor saved for backward and written afterwards makes
 * that backward fail, naming the write (function.ts).
 */
import type { DataArray } from './dtype.js';

const owned = new WeakSet<ArrayBufferLike>();
const held = new WeakSet<ArrayBufferLike>();
const versions = new WeakMap<ArrayBufferLike, number>();
/** One clock for every array, so that a version number is never issued twice. */
let clock = 0;

/** Marks `a` as Sapling's own (allocate calls this). */
export function own(a: DataArray): void {
  owned.add(a.buffer);
}

/** A tensor wraps `a`: unless Sapling allocated it, the caller still holds it. */
export function adopt(a: DataArray): void {
  if (!owned.has(a.buffer)) held.add(a.buffer);
}

/** `a` has been handed out (the public `storage` getter): from now on it may change without notice. */
export function hold(a: DataArray): void {
  held.add(a.buffer);
}

/** Who wrote each array last (`add_`, `assign`, …), for the error of a backward that finds a saved tensor changed. */
const writers = new WeakMap<ArrayBufferLike, string>();

/** Records a write into `a`, made by `writer` (an op's name, for error messages). */
export function bump(a: DataArray, writer = 'an in-place write'): void {
  versions.set(a.buffer, ++clock);
  writers.set(a.buffer, writer);
}

/** The name of the last write recorded into `a` (undefined: none). */
export function lastWriterOf(a: DataArray): string | undefined {
  return writers.get(a.buffer);
}

/** How many writes into `a` Sapling has seen, as the clock value of the last one (0: none). */
export function versionOf(a: DataArray): number {
  return versions.get(a.buffer) ?? 0;
}

/** The version under which a cache may keep what it derived from `a`, or null when `a` is held (its values may change unseen). */
export function cacheVersion(a: DataArray): number | null {
  return held.has(a.buffer) ? null : versionOf(a);
}
