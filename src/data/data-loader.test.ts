import { describe, expect, test } from 'vitest';
import { arange, randn, tensor } from '../autograd/creation.js';
import { manualSeed, seededRandom } from '../autograd/random.js';
import type { Tensor } from '../autograd/tensor.js';
import { DataLoader, defaultCollate } from './data-loader.js';
import { randomPermutation, Subset, TensorDataset, type Dataset } from './dataset.js';

/** A TensorDataset whose x row i is [i, i+0.5] and whose label i is i (so batches show their indices). */
function indexed(n: number): TensorDataset<[Tensor, Tensor]> {
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) [x[2 * i], x[2 * i + 1]] = [i, i + 0.5];
  return new TensorDataset(tensor(x, [n, 2]), arange(0, n, 1, { dtype: 'int32' }));
}
/** The label column of every batch of one epoch. */
const epochLabels = (loader: Iterable<Tensor[]>): number[][] => [...loader].map((b) => b[1]!.toArray() as number[]);

describe('DataLoader: batching', () => {
  test('length and batch sizes, with and without dropLast; in order without shuffle', () => {
    const ds = indexed(10);
    const loader = new DataLoader(ds, { batchSize: 4 });
    expect(loader.length).toBe(3);
    expect(epochLabels(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const dropping = new DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(dropping.length).toBe(2);
    expect(epochLabels(dropping)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(new DataLoader(ds, { batchSize: 5, dropLast: true }).length).toBe(2);
    expect([...new DataLoader(indexed(3), { batchSize: 4, dropLast: true })]).toEqual([]);
    expect(new DataLoader(ds).length).toBe(10);
    const [x, y] = [...loader][2]!;
    expect(x!.shape).toEqual([2, 2]);
    expect(x!.toArray()).toEqual([[8, 8.5], [9, 9.5]]);
    expect(y!.dtype).toBe('int32');
  });

  test('the TensorDataset fast path gives the same batches as stacking get(i), also through Subsets', () => {
    const ds = new TensorDataset(randn([23, 3, 2], { random: seededRandom(1) }), arange(0, 23, 1, { dtype: 'int32' }));
    // A wrapper that is not a TensorDataset, so the loader must go through get() + defaultCollate.
    const plain: Dataset<[Tensor, Tensor]> = { length: ds.length, get: (i) => ds.get(i) };
    const fast = [...new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 3 })];
    const slow = [...new DataLoader(plain, { batchSize: 5, shuffle: true, seed: 3 })];
    expect(fast.length).toBe(5);
    fast.forEach((b, k) => {
      expect(b[0]!.shape).toEqual(slow[k]![0]!.shape);
      expect([...b[0]!.storage]).toEqual([...slow[k]![0]!.storage]);
      expect([...b[1]!.storage]).toEqual([...slow[k]![1]!.storage]);
    });
    const sub = new Subset(new Subset(ds, [22, 21, 20, 19, 18]), [4, 0, 2]);
    expect(epochLabels(new DataLoader(sub, { batchSize: 2 }))).toEqual([[18, 22], [20]]);
  });

  test('a custom collate receives the examples of each batch', () => {
    const ds: Dataset<string> = { length: 5, get: (i) => 'abcde'[i]! };
    const loader = new DataLoader(ds, { batchSize: 2, collate: (xs) => xs.join('') });
    expect([...loader]).toEqual(['ab', 'cd', 'e']);
  });

  test('bad options are refused', () => {
    expect(() => new DataLoader(indexed(3), { batchSize: 0 })).toThrow('DataLoader: batchSize must be a positive integer, got 0');
    expect(() => new DataLoader(indexed(3), { seed: 0.5 })).toThrow(/seed must be an integer/);
  });
});

describe('defaultCollate', () => {
  test('follows the structure of the examples', () => {
    const pairs: [Tensor, Tensor][] = [[tensor([1, 2]), tensor(0, { dtype: 'int32' })], [tensor([3, 4]), tensor(1, { dtype: 'int32' })]];
    const [x, y] = defaultCollate(pairs);
    expect(x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect([y.shape, y.dtype, y.toArray()]).toEqual([[2], 'int32', [0, 1]]);
    const batch = defaultCollate([{ a: 1.5, b: tensor([1]) }, { a: 2, b: tensor([2]) }]);
    expect([batch.a.dtype, batch.a.toArray(), batch.b.toArray()]).toEqual(['float32', [1.5, 2], [[1], [2]]]);
  });

  test('mixed or unsupported examples are refused with their position', () => {
    expect(() => defaultCollate([[tensor([1])], [3]] as unknown[])).toThrow('defaultCollate: batch[0] of example 1 is not a Tensor, but example 0 has one');
    expect(() => defaultCollate(['a', 'b'])).toThrow(/cannot collate batch of type string; pass a collate function/);
    expect(() => defaultCollate([tensor([1]), tensor([1, 2])])).toThrow(/stack: all shapes must be equal/);
    expect(() => defaultCollate([])).toThrow(/empty list/);
  });
});

describe('DataLoader: seeded shuffling', () => {
  test('each epoch is the next Fisher–Yates permutation from the seeded stream', () => {
    const loader = new DataLoader(indexed(20), { batchSize: 20, shuffle: true, seed: 7 });
    const stream = seededRandom(7);
    for (let epoch = 0; epoch < 3; epoch++) {
      expect(epochLabels(loader)).toEqual([[...randomPermutation(20, stream)]]);
    }
    expect(loader.epoch).toBe(3);
  });

  test('same seed, same batches; another seed, another order; epochs differ', () => {
    const run = (seed: number) => {
      const loader = new DataLoader(indexed(50), { batchSize: 8, shuffle: true, seed });
      return [epochLabels(loader), epochLabels(loader)];
    };
    const [a1, a2] = run(1);
    expect(run(1)).toEqual([a1, a2]);
    expect(a1).not.toEqual(a2);
    expect(run(2)[0]).not.toEqual(a1);
    expect(a1!.flat().sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  test('without a seed, the seed comes from the global generator (or from `random`)', () => {
    manualSeed(11);
    const a = epochLabels(new DataLoader(indexed(30), { batchSize: 30, shuffle: true }));
    manualSeed(11);
    const b = epochLabels(new DataLoader(indexed(30), { batchSize: 30, shuffle: true }));
    expect(a).toEqual(b);
    const c = epochLabels(new DataLoader(indexed(30), { batchSize: 30, shuffle: true, random: seededRandom(2) }));
    const d = epochLabels(new DataLoader(indexed(30), { batchSize: 30, shuffle: true, random: seededRandom(2) }));
    expect(c).toEqual(d);
  });
});

describe('DataLoader: stateDict / loadStateDict', () => {
  const options = { batchSize: 3, shuffle: true, seed: 5 } as const;

  test('resuming mid-epoch replays exactly the batches an uninterrupted run gets next', () => {
    const reference = new DataLoader(indexed(10), options);
    const expected = [...epochLabels(reference), ...epochLabels(reference), ...epochLabels(reference)]; // 3 epochs × 4 batches

    const first = new DataLoader(indexed(10), options);
    const seen: number[][] = epochLabels(first); // epoch 0
    let state: unknown = null;
    for (const [, y] of first) {
      seen.push(y!.toArray() as number[]);
      if (seen.length === 6) {
        state = JSON.parse(JSON.stringify(first.stateDict())); // after 2 batches of epoch 1
        break;
      }
    }
    expect(state).toMatchObject({ epoch: 1, batchesDone: 2, datasetLength: 10, batchSize: 3 });

    // A fresh loader, even with another seed, continues from the state.
    const resumed = new DataLoader(indexed(10), { ...options, seed: 999 });
    resumed.loadStateDict(state as never);
    expect(resumed.stateDict()).toEqual(state);
    const rest = [...epochLabels(resumed), ...epochLabels(resumed)];
    expect([...seen, ...rest]).toEqual(expected);
    expect(resumed.epoch).toBe(3);
  });

  test('a state saved at an epoch boundary starts the next epoch', () => {
    const reference = new DataLoader(indexed(10), options);
    epochLabels(reference);
    const state = reference.stateDict();
    expect(state.batchesDone).toBe(0);
    expect(state.epoch).toBe(1);
    const next = epochLabels(reference);
    const resumed = new DataLoader(indexed(10), options);
    resumed.loadStateDict(state);
    expect(epochLabels(resumed)).toEqual(next);
  });

  test('the state taken inside the loop counts the batch in hand as done', () => {
    const loader = new DataLoader(indexed(10), options);
    const states: number[] = [];
    for (const batch of loader) {
      expect(batch).toHaveLength(2);
      states.push(loader.stateDict().batchesDone);
    }
    expect(states).toEqual([1, 2, 3, 0]); // after the last batch the epoch is complete
  });

  test('leaving an epoch early and iterating again starts a new epoch, as in PyTorch', () => {
    const a = new DataLoader(indexed(10), options);
    for (const batch of a) {
      expect(batch).toBeDefined();
      break;
    }
    const b = new DataLoader(indexed(10), options);
    epochLabels(b);
    expect(epochLabels(a)).toEqual(epochLabels(b));
  });

  test('a state from a different loader is refused, listing every difference', () => {
    const state = new DataLoader(indexed(10), options).stateDict();
    const other = new DataLoader(indexed(11), { ...options, batchSize: 4 });
    expect(() => other.loadStateDict(state)).toThrow(
      'DataLoader.loadStateDict: the state does not fit this loader:\n  - datasetLength is 10 in the state but 11 here\n  - batchSize is 3 in the state but 4 here',
    );
    const loader = new DataLoader(indexed(10), options);
    expect(() => loader.loadStateDict({ ...state, batchesDone: 4 })).toThrow(/batchesDone must be an integer in \[0, 4\), got 4/);
    expect(() => loader.loadStateDict({ ...state, rng: { algorithm: 'sfc32', words: [1, 2] } as never })).toThrow(/rng: expected/);
    expect(() => loader.loadStateDict({ version: 2 } as never)).toThrow(/expected a state with version 1/);
  });
});
