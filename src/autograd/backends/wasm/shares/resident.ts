/**
 * resident — the operands a thread keeps in tfjs-wasm's heap from call to call (a weight seen
 * twice under the same key), least recently used out first, within RESIDENT_LIMIT floats.
 * A key names exact values in an exact layout: the main thread makes it from the tensor's
 * storage identity and version (../operand-key.ts), so a written weight is a new key.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { heapTensor, type Tf } from './heap.js';

/**
 * Weights are often the same from call to call: inference, any loop that runs one model on many
 * inputs, a saliency map's input gradients. XNNPACK packs a filter into its own blocked layout
 * the first time a tfjs tensor is used as one and keeps the packed copy (in tfjs-wasm's operator
 * cache) for as long as that tensor lives — ~9 ns a weight, 21 of 28 ms for a 3×3×512×512 conv
 * at batch 1. A fresh tfjs tensor on every call throws that work away. So an operand that comes
 * with a `key` (the caller's name for "these exact values in this exact layout": the storage's
 * identity and version, the slice and the layout; ../operand-key.ts) may stay *resident*:
 *   - a key seen for the first time is only noted — in training every weight is new at every
 *     step (optimizers replace a parameter's storage), so nothing is kept there;
 *   - the second time, the tensor is kept (tf.keep) and found again on every later call;
 *   - at most RESIDENT_LIMIT floats stay per thread, least recently used evicted first
 *     (disposing a tensor also frees XNNPACK's packed copy).
 * Every write Sapling sees (assign, mutate) makes a new version, hence a new key; a storage a
 * caller may write unseen gets no key at all (../../../storage.ts).
 */
const RESIDENT_LIMIT = 48 * 2 ** 20; // floats per thread: 192 MB, plus XNNPACK's packed copies
const SIGHTINGS_LIMIT = 4096;

const residents = new Map<string, TF.Tensor>(); // in least-recently-used order
const sightings = new Set<string>();
const evictions = new Set<string>(); // keys kept once and evicted since (forgotten past SIGHTINGS_LIMIT)
let residentFloats = 0;
let residentHits = 0;

/**
 * The operand `key` names, resident if it has been asked for before; else made by `fill`. With
 * `keepNow`, kept from its first sighting: for operands derived from one already seen twice
 * (a Winograd filter, ./winograd.ts), whose reuse is known.
 */
export function operand(tf: Tf, key: string | undefined, shape: number[], fill: (heap: Float32Array) => void, keepNow = false): TF.Tensor {
  if (key === undefined) return heapTensor(tf, shape, fill);
  const hit = residents.get(key);
  if (hit !== undefined) {
    residents.delete(key); // re-inserted: now the most recently used
    residents.set(key, hit);
    residentHits++;
    return hit;
  }
  const t = heapTensor(tf, shape, fill);
  if (!keepNow && !sightings.has(key)) {
    if (sightings.size >= SIGHTINGS_LIMIT) sightings.clear();
    sightings.add(key);
    return t;
  }
  sightings.delete(key);
  if (!keepable(t.size)) return t;
  for (const [old, tensor] of residents) {
    if (residentFloats + t.size <= RESIDENT_LIMIT) break;
    residents.delete(old);
    residentFloats -= tensor.size;
    tensor.dispose();
    if (evictions.size >= SIGHTINGS_LIMIT) evictions.clear();
    evictions.add(old);
  }
  evictions.delete(key);
  residents.set(key, tf.keep(t));
  residentFloats += t.size;
  return t;
}

/** Whether `key` has been asked for before on this thread (noted or resident): values that are being reused, as a model's weights at inference. */
export function isReused(key: string | undefined): boolean {
  return key !== undefined && (residents.has(key) || sightings.has(key));
}

/** Whether an operand of `floats` floats may be kept at all (one may not push out everything else). */
export const keepable = (floats: number): boolean => floats <= RESIDENT_LIMIT / 4;

/** Whether the operand `key` names was kept and has been evicted since (the weights outgrew RESIDENT_LIMIT). */
export const wasEvicted = (key: string): boolean => evictions.has(key);

/** Whether the operand `key` names is resident on this thread now. */
export const isResident = (key: string): boolean => residents.has(key);

/** What this thread keeps resident: tensors, their floats, and how many calls found one. */
export function residentStats(): { tensors: number; floats: number; hits: number } {
  return { tensors: residents.size, floats: residentFloats, hits: residentHits };
}

/** Disposes every resident operand of this thread (and forgets every sighting). */
export function clearResidents(): void {
  for (const t of residents.values()) t.dispose();
  residents.clear();
  sightings.clear();
  evictions.clear();
  residentFloats = 0;
}
