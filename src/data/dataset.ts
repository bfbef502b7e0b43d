/**
 * dataset — what a DataLoader reads from: anything with a `length` and a `get(i)`.
 *
 *   Dataset<T>            length + get(i) → one example of type T (PyTorch's map-style dataset)
 *   TensorDataset(x, y)   example i is [x[i], y[i]]: row i of each tensor (first dims must agree)
 *   Subset(ds, indices)   example i is ds.get(indices[i])
 *   randomSplit(ds, [0.8, 0.2], { seed })   disjoint Subsets covering ds, drawn by a seeded shuffle
 *
 * Examples are read lazily, one `get` at a time; the DataLoader batches them (and reads a
 * TensorDataset, or a Subset of one, with one `indexSelect` per tensor instead).
 */
import { slice } from '../autograd/ops/indexing.js';
import { defaultRandom, seededRandom, type Random } from '../autograd/random.js';
import { Tensor } from '../autograd/tensor.js';

/** A map-style dataset: examples 0 … length−1, read one at a time. */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
}

/** Throws unless `index` is an integer in [0, length). */
export function checkIndex(index: number, length: number, where: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`${where}: index ${index} is out of range for a dataset of length ${length}`);
  }
}

/**
 * Rows of tensors that share their first dimension: example i is [t0[i], t1[i], …].
 * @example new TensorDataset(zeros([5, 3]), zeros([5], { dtype: 'int32' })).get(0)[0].shape  // [3]
 */
export class TensorDataset<T extends readonly Tensor[] = Tensor[]> implements Dataset<T> {
  readonly tensors: T;
  readonly length: number;

  constructor(...tensors: T) {
    if (tensors.length === 0) throw new RangeError('TensorDataset: needs at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${i} is not a Tensor`);
      if (t.ndim === 0) throw new RangeError(`TensorDataset: tensor ${i} is 0-d; every tensor needs a first (example) dimension`);
    });
    const n = tensors[0]!.shape[0]!;
    if (tensors.some((t) => t.shape[0] !== n)) {
      const shapes = tensors.map((t, i) => `tensor ${i}: [${t.shape.join(',')}]`).join(', ');
      throw new RangeError(`TensorDataset: all tensors must have the same first dimension (number of examples), got ${shapes}`);
    }
    this.tensors = tensors;
    this.length = n;
  }

  /** Row `index` of every tensor (a tensor [N, …] gives […]; labels [N] give 0-d tensors). */
  get(index: number): T {
    checkIndex(index, this.length, 'TensorDataset.get');
    return this.tensors.map((t) => slice(t, [index])) as unknown as T;
  }
}

/** The examples of `dataset` at `indices`, in that order (repeats allowed). */
export class Subset<T> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: Int32Array;

  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    for (let i = 0; i < indices.length; i++) checkIndex(indices[i]!, dataset.length, `Subset (indices[${i}])`);
    this.dataset = dataset;
    this.indices = Int32Array.from(indices);
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    checkIndex(index, this.indices.length, 'Subset.get');
    return this.dataset.get(this.indices[index]!);
  }
}

/**
 * 0 … n−1 in a uniformly random order (Fisher–Yates: position i swaps with a uniform j ≤ i).
 * @example randomPermutation(5, seededRandom(0))  // Int32Array of 0…4, shuffled
 */
export function randomPermutation(n: number, random: Random): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/** Options of `randomSplit`: a seed, or a generator to draw the shuffle from. */
export interface RandomSplitOptions {
  /** Seed for the shuffle (the usual way to make a split reproducible). */
  readonly seed?: number;
  /** Or a generator to draw the shuffle from (default: the global one, see `manualSeed`). */
  readonly random?: Random;
}

/**
 * What `randomSplit` returns: one Subset per length, as a tuple when the lengths are a literal
 * list, so `const [train, val] = randomSplit(ds, [0.9, 0.1])` gives two Subsets (not
 * `Subset | undefined`) under `noUncheckedIndexedAccess`.
 */
export type RandomSplit<T, L extends readonly number[]> = { -readonly [K in keyof L]: Subset<T> };

/**
 * Splits a dataset into disjoint random Subsets of the given lengths, or of the given fractions
 * of its length (fractions that sum to 1; as in PyTorch, the examples left over by rounding
 * down go one each to the first splits).
 * @example randomSplit(ds, [0.8, 0.2], { seed: 42 }).map((s) => s.length)  // [80, 20] for 100 examples
 */
export function randomSplit<T, const L extends readonly number[]>(dataset: Dataset<T>, lengths: L, options: RandomSplitOptions = {}): RandomSplit<T, L> {
  const n = dataset.length;
  if (lengths.length === 0) throw new RangeError('randomSplit: needs at least one length');
  if (lengths.some((l) => !Number.isFinite(l) || l < 0)) throw new RangeError(`randomSplit: lengths must be non-negative numbers, got [${lengths.join(', ')}]`);
  const total = lengths.reduce((a, b) => a + b, 0);
  let sizes: number[];
  if (lengths.every((l) => Number.isInteger(l)) && total === n) {
    sizes = [...lengths];
  } else if (Math.abs(total - 1) <= 1e-9 && lengths.every((l) => l <= 1)) {
    sizes = lengths.map((f) => Math.floor(n * f));
    let left = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; left > 0; i = (i + 1) % sizes.length, left--) sizes[i]! += 1;
  } else {
    throw new RangeError(`randomSplit: lengths [${lengths.join(', ')}] must be integers summing to the dataset length ${n}, or fractions summing to 1`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new TypeError(`randomSplit: seed must be an integer, got ${options.seed}`);
  const random = options.seed !== undefined ? seededRandom(options.seed) : options.random ?? defaultRandom();
  const order = randomPermutation(n, random);
  let at = 0;
  const parts = sizes.map((size) => {
    const part = new Subset(dataset, order.subarray(at, at + size));
    at += size;
    return part;
  });
  return parts as RandomSplit<T, L>; // one Subset per length, in order: the tuple type says so
}
