/** Padding into int32 tensors, and length bucketing: every example once, similar lengths, less padding, seeded. */
import { describe, expect, test } from 'vitest';
import { seededRandom } from '../autograd/random.js';
import { Embedding } from '../layers/embedding.js';
import { bucketBatches, padBatch, paddingStats } from './batching.js';
import type { Encoding } from './tokenizer.js';

const enc = (ids: number[], types?: number[]): Encoding => ({
  ids: Int32Array.from(ids),
  tokenTypeIds: Int32Array.from(types ?? ids.map(() => 0)),
  attentionMask: new Int32Array(ids.length).fill(1),
});

describe('padBatch', () => {
  test('pads on the right with padId, mask 0 and type 0, to the longest row', () => {
    const b = padBatch([enc([2, 7, 3]), enc([2, 8, 9, 5, 3], [0, 0, 0, 1, 1])], { padId: 0 });
    expect(b.inputIds.dtype).toBe('int32');
    expect(b.inputIds.shape).toEqual([2, 5]);
    expect(b.inputIds.toArray()).toEqual([[2, 7, 3, 0, 0], [2, 8, 9, 5, 3]]);
    expect(b.attentionMask.toArray()).toEqual([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]);
    expect(b.tokenTypeIds.toArray()).toEqual([[0, 0, 0, 0, 0], [0, 0, 0, 1, 1]]);
    expect(Array.from(b.lengths)).toEqual([3, 5]);
  });

  test('a fixed length or a multiple; a row longer than a fixed length is refused', () => {
    expect(padBatch([enc([1, 2, 3])], { padId: 9, length: 6 }).inputIds.toArray()).toEqual([[1, 2, 3, 9, 9, 9]]);
    expect(padBatch([enc([1, 2, 3])], { padId: 0, padToMultipleOf: 8 }).inputIds.shape).toEqual([1, 8]);
    expect(() => padBatch([enc([1, 2, 3])], { padId: 0, length: 2 })).toThrow(/length 2 is shorter than the longest encoding \(3 tokens\)/);
    expect(() => padBatch([], { padId: 0 })).toThrow(RangeError);
  });

  test('the ids feed an Embedding directly', () => {
    const b = padBatch([enc([2, 4]), enc([2])], { padId: 0 });
    expect(new Embedding(5, 3, { paddingIdx: 0 }).forward(b.inputIds).shape).toEqual([2, 2, 3]);
  });
});

describe('bucketBatches', () => {
  // 1,000 lengths spread like reviews: mostly short, a long tail.
  const random = seededRandom(5);
  const lengths = Int32Array.from({ length: 1000 }, () => Math.round(20 + 600 * random() ** 3));

  test('every example exactly once; batches of batchSize but possibly the last', () => {
    const batches = bucketBatches(lengths, { batchSize: 32, seed: 1 });
    const seen = batches.flatMap((b) => Array.from(b)).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(batches.filter((b) => b.length !== 32)).toHaveLength(1); // 1000 = 31·32 + 8
    expect(bucketBatches(lengths, { batchSize: 32, seed: 1, dropLast: true })).toHaveLength(31);
  });

  test('far less padding than random batches; a global sort least of all', () => {
    const random = paddingStats(lengths, bucketBatches(lengths, { batchSize: 32, seed: 1, poolBatches: 1 }));
    const pooled = paddingStats(lengths, bucketBatches(lengths, { batchSize: 32, seed: 1 }));
    const sorted = paddingStats(lengths, bucketBatches(lengths, { batchSize: 32, seed: 1, poolBatches: Infinity }));
    expect(pooled.real).toBe(random.real);
    expect(random.padFraction).toBeGreaterThan(0.4);
    expect(pooled.padFraction).toBeLessThan(random.padFraction / 4);
    expect(sorted.padFraction).toBeLessThanOrEqual(pooled.padFraction);
  });

  test('seeded: the same seed gives the same epoch, a generator gives a new epoch each call', () => {
    const a = bucketBatches(lengths, { batchSize: 16, seed: 3 });
    expect(bucketBatches(lengths, { batchSize: 16, seed: 3 })).toEqual(a);
    const g = seededRandom(3);
    const first = bucketBatches(lengths, { batchSize: 16, random: g });
    expect(first).toEqual(a);
    expect(bucketBatches(lengths, { batchSize: 16, random: g })).not.toEqual(a);
  });

  test('without shuffling: one pool in file order, sorted by length, batch order fixed', () => {
    const b = bucketBatches([5, 1, 4, 2, 3], { batchSize: 2, shuffle: false, poolBatches: Infinity });
    expect(b.map((x) => Array.from(x))).toEqual([[1, 3], [4, 2], [0]]);
  });

  test('paddingStats counts by hand', () => {
    expect(paddingStats([2, 4, 3], [Int32Array.of(0, 1), Int32Array.of(2)])).toEqual({ real: 9, padded: 11, padFraction: 1 - 9 / 11 });
  });

  test('bad options are refused', () => {
    expect(() => bucketBatches(lengths, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => bucketBatches(lengths, { batchSize: 4, poolBatches: 0.5 })).toThrow(/poolBatches/);
  });
});
