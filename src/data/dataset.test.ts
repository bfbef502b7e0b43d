import { describe, expect, expectTypeOf, test } from 'vitest';
import { arange, tensor } from '../autograd/creation.js';
import { manualSeed, seededRandom } from '../autograd/random.js';
import { randomPermutation, randomSplit, Subset, TensorDataset, type Dataset } from './dataset.js';

/** A dataset whose example i is the number i. */
const numbers = (n: number): Dataset<number> => ({ length: n, get: (i) => i });

describe('TensorDataset', () => {
  test('example i is row i of every tensor', () => {
    const x = arange(0, 12).reshape([4, 3]);
    const y = tensor([7, 8, 9, 6], { dtype: 'int32' });
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(4);
    const [xi, yi] = ds.get(2);
    expect(xi.toArray()).toEqual([6, 7, 8]);
    expect(yi.shape).toEqual([]);
    expect(yi.dtype).toBe('int32');
    expect(yi.item()).toBe(9);
  });

  test('different first dimensions, 0-d tensors and bad indices are refused clearly', () => {
    expect(() => new TensorDataset(arange(0, 6).reshape([3, 2]), arange(0, 4))).toThrow(
      'TensorDataset: all tensors must have the same first dimension (number of examples), got tensor 0: [3,2], tensor 1: [4]',
    );
    expect(() => new TensorDataset(tensor(1))).toThrow(/tensor 0 is 0-d/);
    expect(() => new TensorDataset()).toThrow(/at least one tensor/);
    const ds = new TensorDataset(arange(0, 3));
    expect(() => ds.get(3)).toThrow('TensorDataset.get: index 3 is out of range for a dataset of length 3');
    expect(() => ds.get(-1)).toThrow(/out of range/);
    expect(() => ds.get(0.5)).toThrow(/out of range/);
  });
});

describe('Subset and randomSplit', () => {
  test('Subset maps indices and checks them up front', () => {
    const s = new Subset(numbers(10), [9, 0, 9]);
    expect([s.length, s.get(0), s.get(1), s.get(2)]).toEqual([3, 9, 0, 9]);
    expect(() => new Subset(numbers(3), [0, 3])).toThrow('Subset (indices[1]): index 3 is out of range for a dataset of length 3');
    expect(() => s.get(3)).toThrow(/Subset.get: index 3/);
  });

  test('randomPermutation is a seeded permutation', () => {
    const p = randomPermutation(1000, seededRandom(5));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...randomPermutation(1000, seededRandom(5))]).toEqual([...p]);
    expect([...randomPermutation(1000, seededRandom(6))]).not.toEqual([...p]);
    expect([...randomPermutation(0, seededRandom(5))]).toEqual([]);
  });

  test('lengths: disjoint subsets that cover the dataset; same seed, same split', () => {
    const ds = numbers(100);
    const [a, b, c] = randomSplit(ds, [50, 30, 20], { seed: 1 });
    const all = [a!, b!, c!].flatMap((s) => Array.from({ length: s.length }, (_, i) => s.get(i)));
    expect([a!.length, b!.length, c!.length]).toEqual([50, 30, 20]);
    expect(new Set(all).size).toBe(100);
    const again = randomSplit(ds, [50, 30, 20], { seed: 1 });
    expect([...again[0]!.indices]).toEqual([...a!.indices]);
    expect([...randomSplit(ds, [50, 30, 20], { seed: 2 })[0]!.indices]).not.toEqual([...a!.indices]);
    // The split is the first 50 / next 30 / last 20 of one seeded permutation.
    expect([...a!.indices, ...b!.indices, ...c!.indices]).toEqual([...randomPermutation(100, seededRandom(1))]);
  });

  test('a literal list of lengths gives a tuple: destructuring needs no `!` under noUncheckedIndexedAccess', () => {
    const [train, val] = randomSplit(numbers(10), [0.8, 0.2], { seed: 0 });
    expectTypeOf(train).toEqualTypeOf<Subset<number>>();
    expectTypeOf(val).toEqualTypeOf<Subset<number>>();
    expect(train.length + val.length).toBe(10);
    const lengths: number[] = [5, 5];
    expectTypeOf(randomSplit(numbers(10), lengths)).toEqualTypeOf<Subset<number>[]>(); // unknown count: an array
  });

  test("fractions: rounding leftovers go one each to the first splits, as in PyTorch", () => {
    expect(randomSplit(numbers(10), [0.5, 0.5], { seed: 0 }).map((s) => s.length)).toEqual([5, 5]);
    // floor(11·0.3)=3, floor(11·0.3)=3, floor(11·0.4)=4 → 1 left → the first split gets it.
    expect(randomSplit(numbers(11), [0.3, 0.3, 0.4], { seed: 0 }).map((s) => s.length)).toEqual([4, 3, 4]);
    expect(randomSplit(numbers(3), [1 / 3, 1 / 3, 1 / 3], { seed: 0 }).map((s) => s.length)).toEqual([1, 1, 1]);
  });

  test('without a seed it draws from the global generator (manualSeed makes it repeatable)', () => {
    manualSeed(9);
    const a = randomSplit(numbers(20), [10, 10]);
    manualSeed(9);
    const b = randomSplit(numbers(20), [10, 10]);
    expect([...a[0]!.indices]).toEqual([...b[0]!.indices]);
    const c = randomSplit(numbers(20), [10, 10], { random: seededRandom(4) });
    expect([...c[0]!.indices]).toEqual([...randomPermutation(20, seededRandom(4)).subarray(0, 10)]);
  });

  test('bad lengths are refused', () => {
    expect(() => randomSplit(numbers(10), [5, 4])).toThrow('randomSplit: lengths [5, 4] must be integers summing to the dataset length 10, or fractions summing to 1');
    expect(() => randomSplit(numbers(10), [0.5, 0.4])).toThrow(/fractions summing to 1/);
    expect(() => randomSplit(numbers(10), [-1, 11])).toThrow(/non-negative/);
    expect(() => randomSplit(numbers(10), [])).toThrow(/at least one length/);
    expect(() => randomSplit(numbers(10), [5, 5], { seed: 0.5 })).toThrow(/seed must be an integer/);
  });
});
