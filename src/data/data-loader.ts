/**
 * DataLoader — turns a Dataset into mini-batches, one epoch per `for … of`.
 *
 *   for (const [x, y] of new DataLoader(new TensorDataset(images, labels), { batchSize: 64, shuffle: true, seed: 1 })) …
 *
 * Each iteration is one epoch. With `shuffle`, the epoch's order is a Fisher–Yates permutation
 * drawn from the loader's own sfc32 generator (autograd/random.ts), which then has advanced: the
 * next epoch gets a new order, and the same seed gives the same sequence of epochs on every run.
 * Without `shuffle`, examples come in index order and the generator is never touched.
 *
 * Batches: ⌈N / batchSize⌉ of them (`length`), the last one smaller; with `dropLast`,
 * ⌊N / batchSize⌋ and the leftover examples of that epoch are skipped. Examples become a batch
 * through `collate` (default: `defaultCollate`, which stacks tensors along a new first axis). A
 * TensorDataset, or a Subset of one, is read with one `indexSelect` per tensor instead of one
 * `get` per example: the same batch, made without B small tensors in between.
 *
 * Resuming. `stateDict()` is plain JSON — the generator's state at the start of the current
 * epoch and how many of its batches were handed out — and `loadStateDict()` makes the next
 * `for … of` replay that epoch's order from the first batch not yet seen, then go on exactly as
 * the uninterrupted run would have. (PyTorch's DataLoader has no such state; torchdata's
 * StatefulDataLoader does the same thing.)
 */
import { tensor } from '../autograd/creation.js';
import { indexSelect, stack } from '../autograd/ops/indexing.js';
import { defaultRandom, type Random } from '../autograd/random.js';
import { Tensor } from '../autograd/tensor.js';
import { randomPermutation, Subset, TensorDataset, type Dataset } from './dataset.js';
import { checkRandomState, StatefulRandom, type RandomState } from '../autograd/random.js';

/** What `defaultCollate` makes of a list of examples of type T. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number
    ? Tensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : never;

/** Options of `DataLoader`: batch size, shuffling and its seed, dropLast and the collate function. */
export interface DataLoaderOptions<T, B> {
  /** Examples per batch (default 1). */
  readonly batchSize?: number;
  /** Reshuffle the examples at the start of every epoch (default false). */
  readonly shuffle?: boolean;
  /** Skip the last, smaller batch of each epoch (default false). */
  readonly dropLast?: boolean;
  /** Makes a batch from a list of examples (default `defaultCollate`). */
  readonly collate?: (examples: T[]) => B;
  /** Seed of the loader's shuffling generator. */
  readonly seed?: number;
  /** Or a generator to draw that seed from, once, here (default: the global one, see `manualSeed`). */
  readonly random?: Random;
}

/** The loader's resumable state: plain JSON, for checkpoints. */
export interface DataLoaderState {
  readonly version: 1;
  /** What the order depends on; a loader refuses a state saved by a loader that differs in these. */
  readonly datasetLength: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /** Index (from 0) of the epoch the next iteration produces or continues. */
  readonly epoch: number;
  /** Batches of that epoch already handed out (0 at an epoch boundary). */
  readonly batchesDone: number;
  /** The generator's state before that epoch's shuffle was drawn. */
  readonly rng: RandomState;
}

/**
 * Stacks a list of examples into a batch, following their structure: tensors are stacked
 * along a new first axis, numbers become one float32 tensor, and arrays and plain objects are
 * collated position by position (so [x, y] pairs give [X, Y]). Use int32 tensors, not plain
 * numbers, for class labels.
 * @example defaultCollate([[tensor([1, 2]), tensor(0)], [tensor([3, 4]), tensor(1)]])  // [X [2,2], Y [2]]
 */
export function defaultCollate<T>(examples: readonly T[]): Collated<T> {
  return collateAt(examples as readonly unknown[], 'batch') as Collated<T>;
}

function collateAt(items: readonly unknown[], path: string): unknown {
  if (items.length === 0) throw new RangeError('defaultCollate: cannot collate an empty list of examples');
  const first = items[0];
  if (first instanceof Tensor) {
    items.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new TypeError(`defaultCollate: ${path} of example ${i} is not a Tensor, but example 0 has one`);
    });
    return stack(items as readonly Tensor[], 0);
  }
  if (typeof first === 'number') {
    items.forEach((x, i) => {
      if (typeof x !== 'number') throw new TypeError(`defaultCollate: ${path} of example ${i} is not a number, but example 0 has one`);
    });
    return tensor(items as readonly number[], { dtype: 'float32' });
  }
  if (Array.isArray(first)) {
    items.forEach((x, i) => {
      if (!Array.isArray(x) || x.length !== first.length) {
        throw new TypeError(`defaultCollate: ${path} of example ${i} is not an array of length ${first.length}, as in example 0`);
      }
    });
    return first.map((_, k) => collateAt(items.map((x) => (x as unknown[])[k]), `${path}[${k}]`));
  }
  if (typeof first === 'object' && first !== null && Object.getPrototypeOf(first) === Object.prototype) {
    const keys = Object.keys(first);
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = collateAt(items.map((x) => (x as Record<string, unknown>)[key]), `${path}.${key}`);
    return out;
  }
  throw new TypeError(`defaultCollate: cannot collate ${path} of type ${first === null ? 'null' : typeof first}; pass a collate function`);
}

/** The tensors and root indices behind a TensorDataset or a chain of Subsets of one; else null. */
function tensorRows(dataset: Dataset<unknown>): { tensors: readonly Tensor[]; map: ((i: number) => number)[] } | null {
  const map: ((i: number) => number)[] = [];
  let d: Dataset<unknown> = dataset;
  while (d instanceof Subset) {
    const indices = d.indices;
    map.push((i) => indices[i]!);
    d = d.dataset;
  }
  return d instanceof TensorDataset ? { tensors: d.tensors, map } : null;
}

/**
 * Mini-batches of a Dataset, one epoch per `for … of`, PyTorch's `DataLoader`: `batchSize`
 * examples at a time, reshuffled each epoch by the loader's own seeded generator when `shuffle`
 * is set, made into batches by `collate` (tensors stacked along a new first axis). `length` is the
 * number of batches per epoch; `stateDict()` / `loadStateDict()` resume an epoch mid-way.
 * @example
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true, seed: 1 });
 * for (const [xb, yb] of loader) { ... }  // xb [64, ...], yb [64]
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly #collate: ((examples: T[]) => B) | null;
  readonly #rows: ReturnType<typeof tensorRows>;
  readonly #generator: StatefulRandom;
  #epoch = 0;
  /** State of the epoch in progress: its generator state before the shuffle, and batches done. */
  #current: { epochStart: RandomState; batchesDone: number } | null = null;
  /** Set by loadStateDict: the next iteration continues this epoch instead of starting one. */
  #resume: { epochStart: RandomState; batchesDone: number } | null = null;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const { batchSize = 1, shuffle = false, dropLast = false, collate, seed, random } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(dataset.length) || dataset.length < 0) throw new TypeError(`DataLoader: the dataset's length must be a non-negative integer, got ${dataset.length}`);
    if (seed !== undefined && !Number.isInteger(seed)) throw new TypeError(`DataLoader: seed must be an integer, got ${seed}`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.#collate = collate ?? null;
    this.#rows = collate ? null : tensorRows(dataset);
    // The loader owns its generator, so nothing else can advance it between save and resume.
    this.#generator = StatefulRandom.seeded(seed ?? Math.floor((random ?? defaultRandom())() * 4294967296) | 0);
  }

  /** Number of batches in one epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Index (from 0) of the epoch the next iteration starts (or, after loadStateDict, continues). */
  get epoch(): number {
    return this.#epoch;
  }

  /** One epoch of batches. Starting a new iteration starts a new epoch (and a new shuffle). */
  *[Symbol.iterator](): Iterator<B> {
    let epochStart: RandomState;
    let start: number;
    if (this.#resume) {
      ({ epochStart, batchesDone: start } = this.#resume);
      this.#resume = null;
      this.#generator.setState(epochStart);
    } else {
      if (this.#current !== null) this.#epoch++; // the previous epoch was left unfinished
      epochStart = this.#generator.getState();
      start = 0;
    }
    const n = this.dataset.length;
    const order = this.shuffle ? randomPermutation(n, this.#generator.random) : null;
    const current = { epochStart, batchesDone: start };
    this.#current = current;
    const batches = this.length;
    for (let b = start; b < batches; b++) {
      const from = b * this.batchSize;
      const to = Math.min(from + this.batchSize, n);
      const indices = new Int32Array(to - from);
      for (let k = 0; k < indices.length; k++) indices[k] = order ? order[from + k]! : from + k;
      const batch = this.#fetch(indices);
      // Counted before the yield: once the caller holds batch b, a checkpoint must not replay it.
      current.batchesDone = b + 1;
      yield batch;
    }
    if (this.#current === current) {
      this.#current = null;
      this.#epoch++;
    }
  }

  #fetch(indices: Int32Array): B {
    if (this.#collate) return this.#collate(Array.from(indices, (i) => this.dataset.get(i)));
    const rows = this.#rows;
    if (rows) {
      let root = indices;
      for (const step of rows.map) root = root.map(step);
      const index = new Tensor(root, [root.length]);
      return rows.tensors.map((t) => indexSelect(t, 0, index)) as B;
    }
    return defaultCollate(Array.from(indices, (i) => this.dataset.get(i))) as B;
  }

  /** The state to resume from: where the order stands now, as plain JSON. */
  stateDict(): DataLoaderState {
    const inEpoch = this.#current !== null && this.#current.batchesDone < this.length;
    const pending = this.#resume;
    return {
      version: 1,
      datasetLength: this.dataset.length,
      batchSize: this.batchSize,
      shuffle: this.shuffle,
      dropLast: this.dropLast,
      epoch: this.#epoch,
      batchesDone: pending ? pending.batchesDone : inEpoch ? this.#current!.batchesDone : 0,
      rng: pending ? pending.epochStart : inEpoch ? this.#current!.epochStart : this.#generator.getState(),
    };
  }

  /**
   * Restores a state from `stateDict()`: the next iteration continues that epoch from its first
   * unseen batch (or starts the next epoch, if it was saved at a boundary). Refuses a state
   * saved by a loader over a dataset of another length, or with other batching options.
   */
  loadStateDict(state: DataLoaderState): void {
    const s = state as Partial<DataLoaderState> | null;
    if (typeof s !== 'object' || s === null || s.version !== 1) throw new TypeError(`DataLoader.loadStateDict: expected a state with version 1, got ${JSON.stringify(state)}`);
    const problems: string[] = [];
    const expect = { datasetLength: this.dataset.length, batchSize: this.batchSize, shuffle: this.shuffle, dropLast: this.dropLast } as const;
    for (const [key, value] of Object.entries(expect)) {
      const saved = s[key as keyof typeof expect];
      if (saved !== value) problems.push(`${key} is ${JSON.stringify(saved)} in the state but ${JSON.stringify(value)} here`);
    }
    if (!Number.isInteger(s.epoch) || s.epoch! < 0) problems.push(`epoch must be a non-negative integer, got ${JSON.stringify(s.epoch)}`);
    if (!Number.isInteger(s.batchesDone) || s.batchesDone! < 0 || s.batchesDone! >= Math.max(1, this.length)) {
      problems.push(`batchesDone must be an integer in [0, ${Math.max(1, this.length)}), got ${JSON.stringify(s.batchesDone)}`);
    }
    try {
      checkRandomState(s.rng, 'rng');
    } catch (e) {
      problems.push((e as Error).message);
    }
    if (problems.length > 0) throw new RangeError(`DataLoader.loadStateDict: the state does not fit this loader:\n  - ${problems.join('\n  - ')}`);
    this.#epoch = s.epoch!;
    this.#current = null;
    this.#generator.setState(s.rng!);
    this.#resume = s.batchesDone! > 0 ? { epochStart: s.rng!, batchesDone: s.batchesDone! } : null;
  }
}
