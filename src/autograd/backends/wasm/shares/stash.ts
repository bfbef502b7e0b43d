/**
 * stash — a recurrent layer's saved activations kept by the thread that computed them, from its
 * forward share to its backward share, so that they never cross threads: without it a worker's
 * rows of the gates, τ, H_prev and S (8H floats a row and step: 6.5 MB for the lstm suite's 32
 * rows × 50 steps × H 128) were copied through the arena into the main thread's arrays, serially
 * and into fresh pages there, and back again for the backward.
 *
 * Each thread has its own stash (this module's state is per thread). It is bounded: past
 * `STASH_BYTES` the oldest entries are dropped, and a backward that finds its entry gone says so,
 * and the main thread recomputes those rows (../rnn.ts). An entry leaves when its backward takes
 * it, when the main thread's handle is collected (its id comes back in `drop` with the next job),
 * or when it is the oldest past the bound.
 */

/** At most this many bytes of saved activations per thread. */
export const STASH_BYTES = 256 * 2 ** 20;

export type Stashed = Readonly<Record<string, Float32Array>>;

const entries = new Map<number, { readonly arrays: Stashed; readonly bytes: number }>();
let bytes = 0;

/** Keeps `arrays` under `id`, dropping the oldest entries past `bound` bytes (and not keeping these if they alone exceed it). */
export function stashPut(id: number, arrays: Stashed, bound = STASH_BYTES): void {
  const size = Object.values(arrays).reduce((sum, a) => sum + a.byteLength, 0);
  if (size > bound) return;
  for (const [old, entry] of entries) {
    if (bytes + size <= bound) break;
    entries.delete(old);
    bytes -= entry.bytes;
  }
  entries.set(id, { arrays, bytes: size });
  bytes += size;
}

/** The arrays kept under `id`, removed from the stash; null when they are not (or no longer) there. */
export function stashTake(id: number): Stashed | null {
  const entry = entries.get(id);
  if (entry === undefined) return null;
  entries.delete(id);
  bytes -= entry.bytes;
  return entry.arrays;
}

/** Forgets the entries of `ids` (handles the main thread has collected). */
export function stashDrop(ids: readonly number[]): void {
  for (const id of ids) stashTake(id);
}

/** Entries and bytes held by this thread's stash (tests). */
export function stashStats(): { readonly entries: number; readonly bytes: number } {
  return { entries: entries.size, bytes };
}
