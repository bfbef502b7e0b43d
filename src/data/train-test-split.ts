/**
 * trainTestSplit — scikit-learn's `train_test_split(np.arange(n), test_size=…, stratify=y,
 * random_state=seed)`, reproduced index for index (sklearn 1.2, NumPy's legacy MT19937: see
 * mt19937.ts), so a test set defined by a Python protocol is the same test set here.
 *
 *   sizes      a fraction f gives ⌈f·n⌉ test samples, a count gives that many; the rest train
 *   plain      one permutation of 0 … n−1: its first n_test entries test, the rest train
 *   stratified (StratifiedShuffleSplit) per class c, in sorted label order: n_c train and t_c
 *              test samples from the "approximate mode" (n_c = ⌊N_c·n_train/n⌋, the missing few
 *              going to the largest remainders, ties broken by the generator); then a
 *              permutation of each class's indices takes its n_c train and next t_c test
 *              samples; finally the train and the test lists are each permuted once more
 * Every draw comes from one generator, in sklearn's order, so the same seed gives the same lists
 * in the same order.
 */
import { Mt19937 } from './mt19937.js';

/** Options of `trainTestSplit`, scikit-learn's `train_test_split`: test size, seed and stratification. */
export interface TrainTestSplitOptions {
  /** A fraction in (0, 1) (then ⌈fraction·n⌉ test samples) or a count (default 0.25, as sklearn). */
  readonly testSize?: number;
  /** sklearn's `random_state`: an integer in [0, 2³² − 1]. */
  readonly seed: number;
  /** Class labels to stratify by (sklearn's `stratify=y`), one per sample. */
  readonly stratify?: ArrayLike<number>;
}

/** The indices of the training and test examples. */
export interface TrainTestIndices {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/**
 * Splits 0 … n−1 into train and test indices exactly as scikit-learn's `train_test_split`.
 * @example trainTestSplit(10, { testSize: 0.2, seed: 0 }).test  // Int32Array [2, 8] (sklearn: [2, 8])
 */
export function trainTestSplit(n: number, options: TrainTestSplitOptions): TrainTestIndices {
  const where = 'trainTestSplit';
  const { testSize = 0.25, seed, stratify } = options;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`${where}: n must be an integer ≥ 2, got ${n}`);
  let nTest: number;
  if (Number.isInteger(testSize) && testSize >= 1) nTest = testSize;
  else if (testSize > 0 && testSize < 1) nTest = Math.ceil(testSize * n);
  else throw new RangeError(`${where}: testSize must be a fraction in (0, 1) or a positive count, got ${testSize}`);
  const nTrain = n - nTest;
  if (nTrain < 1) throw new RangeError(`${where}: testSize ${testSize} leaves no training samples out of ${n}`);
  const rng = new Mt19937(seed);
  if (stratify === undefined) {
    const permutation = rng.permutation(n);
    return { train: permutation.slice(nTest), test: permutation.slice(0, nTest) };
  }
  if (stratify.length !== n) throw new RangeError(`${where}: stratify has ${stratify.length} labels for ${n} samples`);
  const labels = Array.from(stratify);
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  const classIndices = classes.map((c) => labels.flatMap((l, i) => (l === c ? [i] : [])));
  const counts = classIndices.map((ids) => ids.length);
  const smallest = Math.min(...counts);
  if (smallest < 2) throw new RangeError(`${where}: the least populated class (label ${classes[counts.indexOf(smallest)]}) has only ${smallest} member; stratifying needs at least 2`);
  if (nTrain < classes.length || nTest < classes.length) {
    throw new RangeError(`${where}: ${nTrain} train and ${nTest} test samples cannot hold each of the ${classes.length} classes`);
  }
  const trainPerClass = approximateMode(counts, nTrain, rng);
  const testPerClass = approximateMode(counts.map((c, i) => c - trainPerClass[i]!), nTest, rng);
  const train: number[] = [];
  const test: number[] = [];
  classIndices.forEach((ids, c) => {
    const permuted = Array.from(rng.permutation(ids.length), (k) => ids[k]!);
    train.push(...permuted.slice(0, trainPerClass[c]));
    test.push(...permuted.slice(trainPerClass[c], trainPerClass[c]! + testPerClass[c]!));
  });
  const shuffled = (list: readonly number[]): Int32Array => Int32Array.from(rng.permutation(list.length), (k) => list[k]!);
  const trainOut = shuffled(train);
  return { train: trainOut, test: shuffled(test) };
}

/**
 * How many of `draws` samples each class gets (sklearn's `_approximate_mode`): the floor of
 * its proportional share, then one more for the largest remainders until the total is right,
 * equal remainders drawn at random (`rng.choice(…, replace=False)` = the head of a permutation).
 */
function approximateMode(counts: readonly number[], draws: number, rng: Mt19937): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * draws);
  const out = continuous.map(Math.floor);
  let missing = draws - out.reduce((a, b) => a + b, 0);
  const remainder = continuous.map((x, i) => x - out[i]!);
  const values = [...new Set(remainder)].sort((a, b) => b - a);
  for (const value of values) {
    if (missing <= 0) break;
    const tied = remainder.flatMap((r, i) => (r === value ? [i] : []));
    const take = Math.min(tied.length, missing);
    const order = rng.permutation(tied.length);
    for (let k = 0; k < take; k++) out[tied[order[k]!]!]! += 1;
    missing -= take;
  }
  return out;
}
