/**
 * batching — encodings of different lengths made into [B, T] int32 tensors, with little padding.
 *
 * Padding. A batch is as long as its longest encoding (or a fixed `length`, or rounded up to a
 * multiple); shorter rows are filled on the right with [PAD] (id 0 in Sapling's vocabularies),
 * attention mask 0 and token type 0. The mask tells attention to ignore the padded keys, so the
 * padding changes no real token's output, but it still costs compute: T² per row in attention.
 * Truncation happens before, when encoding (truncation.ts: head, tail or head+tail).
 *
 * Bucketing. Reviews vary from a few dozen to over a thousand tokens, so random batches are
 * mostly padding. `bucketBatches` (the BucketIterator of torchtext and AllenNLP) shuffles the
 * examples, cuts them into pools of `poolBatches` batches, sorts each pool by length and cuts
 * it into batches of neighbours in length, then shuffles the order of the batches. Every
 * example appears once an epoch; examples meet different batch-mates each epoch because the
 * pools change; the seeded generator makes the epochs repeatable. Larger pools pad less and
 * shuffle less (`poolBatches: Infinity` sorts the whole set: least padding, fixed batches).
 */
import { defaultRandom, seededRandom, type Random } from '../autograd/random.js';
import { Tensor } from '../autograd/tensor.js';
import { randomPermutation } from '../data/dataset.js';
import type { Encoding } from './tokenizer.js';

/** A padded batch: int32 tensors of shape [B, T], ready for an Embedding. */
export interface TextBatch {
  readonly inputIds: Tensor;
  /** 1 for a real token, 0 for padding. */
  readonly attentionMask: Tensor;
  readonly tokenTypeIds: Tensor;
  /** The real tokens of each row. */
  readonly lengths: Int32Array;
}

/** Options of `padBatch`: the padding id, a fixed length, or a multiple to round the length up to. */
export interface PadOptions {
  /** The id that fills padded positions (the vocabulary's [PAD]; 0 for Sapling's vocabularies). */
  readonly padId: number;
  /** Pad every row to exactly this length (an encoding longer than it is an error). */
  readonly length?: number;
  /** Round T up to a multiple of this (default 1). */
  readonly padToMultipleOf?: number;
}

/**
 * Pads `encodings` into one batch.
 * @example padBatch([enc3, enc5], { padId: 0 }).attentionMask.toArray()  // [[1,1,1,0,0],[1,1,1,1,1]]
 */
export function padBatch(encodings: readonly Encoding[], options: PadOptions): TextBatch {
  const { padId, length, padToMultipleOf = 1 } = options;
  if (encodings.length === 0) throw new RangeError('padBatch: needs at least one encoding');
  if (!Number.isInteger(padId) || padId < 0) throw new RangeError(`padBatch: padId must be a non-negative integer, got ${padId}`);
  if (!Number.isInteger(padToMultipleOf) || padToMultipleOf < 1) throw new RangeError(`padBatch: padToMultipleOf must be a positive integer, got ${padToMultipleOf}`);
  const lengths = Int32Array.from(encodings, (e) => e.ids.length);
  const longest = lengths.reduce((a, b) => Math.max(a, b), 0);
  let t = Math.ceil(longest / padToMultipleOf) * padToMultipleOf;
  if (length !== undefined) {
    if (!Number.isInteger(length) || length < longest) {
      throw new RangeError(`padBatch: length ${length} is shorter than the longest encoding (${longest} tokens); truncate when encoding (maxLength)`);
    }
    t = length;
  }
  const b = encodings.length;
  const ids = new Int32Array(b * t).fill(padId);
  const mask = new Int32Array(b * t);
  const types = new Int32Array(b * t);
  encodings.forEach((e, row) => {
    ids.set(e.ids, row * t);
    mask.set(e.attentionMask, row * t);
    types.set(e.tokenTypeIds, row * t);
  });
  return { inputIds: new Tensor(ids, [b, t]), attentionMask: new Tensor(mask, [b, t]), tokenTypeIds: new Tensor(types, [b, t]), lengths };
}

/**
 * Options of `bucketByLength`: the batch size, how many batches form a pool sorted by length, shuffling, dropLast and the seed or generator.
 */
export interface BucketOptions {
  readonly batchSize: number;
  /** Batches per pool that is sorted by length (default 50; Infinity sorts everything). */
  readonly poolBatches?: number;
  /** Shuffle the examples and the batch order (default true; false gives a fixed order). */
  readonly shuffle?: boolean;
  /** Drop the last batch if it is short (default false). */
  readonly dropLast?: boolean;
  /** Seed of the shuffles. */
  readonly seed?: number;
  /** Or the generator to draw them from (default: the global one, see `manualSeed`). */
  readonly random?: Random;
}

/**
 * One epoch of batches of similar length: example indices, a batch per Int32Array.
 * @example bucketBatches([5, 90, 7, 88], { batchSize: 2, seed: 0 })  // e.g. [[3, 1], [0, 2]]
 */
export function bucketBatches(lengths: ArrayLike<number>, options: BucketOptions): Int32Array[] {
  const { batchSize, poolBatches = 50, shuffle = true, dropLast = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`bucketBatches: batchSize must be a positive integer, got ${batchSize}`);
  if (!(poolBatches === Infinity || (Number.isInteger(poolBatches) && poolBatches >= 1))) {
    throw new RangeError(`bucketBatches: poolBatches must be a positive integer or Infinity, got ${poolBatches}`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new TypeError(`bucketBatches: seed must be an integer, got ${options.seed}`);
  const random = options.seed !== undefined ? seededRandom(options.seed) : options.random ?? defaultRandom();
  const n = lengths.length;
  const order = shuffle ? randomPermutation(n, random) : Int32Array.from({ length: n }, (_, i) => i);
  const pool = poolBatches === Infinity ? Math.max(n, 1) : poolBatches * batchSize;
  const batches: Int32Array[] = [];
  for (let p = 0; p < n; p += pool) {
    // Sort the pool by length; equal lengths keep their shuffled order (a stable sort).
    const members = Array.from(order.subarray(p, Math.min(n, p + pool))).sort((a, b) => lengths[a]! - lengths[b]!);
    for (let s = 0; s < members.length; s += batchSize) batches.push(Int32Array.from(members.slice(s, s + batchSize)));
  }
  if (dropLast && batches.length > 0 && batches[batches.length - 1]!.length < batchSize) {
    // Only the last pool can end short; drop that batch.
    batches.pop();
  }
  if (!shuffle) return batches;
  return Array.from(randomPermutation(batches.length, random), (k) => batches[k]!);
}

/**
 * Real and padded token counts of `batches` over examples of `lengths` (each batch padded to its
 * longest), and the share of padding: what bucketing saves.
 * @example paddingStats([2, 4], [Int32Array.of(0, 1)])  // { real: 6, padded: 8, padFraction: 0.25 }
 */
export function paddingStats(lengths: ArrayLike<number>, batches: readonly Int32Array[]): { real: number; padded: number; padFraction: number } {
  let real = 0;
  let padded = 0;
  for (const batch of batches) {
    let longest = 0;
    for (const i of batch) {
      real += lengths[i]!;
      longest = Math.max(longest, lengths[i]!);
    }
    padded += longest * batch.length;
  }
  return { real, padded, padFraction: padded === 0 ? 0 : 1 - real / padded };
}
