/**
 * Classification metrics from hard predictions (one label per sample), with scikit-learn's
 * definitions (sklearn.metrics 1.2): accuracy, the confusion matrix, precision / recall / F-β
 * per class and averaged, balanced accuracy and the Matthews correlation coefficient.
 *
 * Everything starts from counts. For a class c, with TP, FP and FN counted one-vs-rest:
 *
 *   precision_c = TP / (TP + FP)     recall_c = TP / (TP + FN)
 *   F-β_c       = (1 + β²) · P · R / (β² · P + R)         (F1: β = 1)
 *
 * Averages: 'macro' is the plain mean over classes (every class counts the same, however
 * rare: the one to watch on imbalanced data); 'weighted' weights each class by its support
 * (the number of true samples); 'micro' sums TP, FP and FN over classes first (for single-label
 * problems micro precision = micro recall = accuracy); 'binary' reports the positive class
 * only; 'none' returns one value per class. A ratio with a zero denominator (a class never
 * predicted, or never present) is `zeroDivision` — 0 by default, which is what sklearn's
 * default 'warn' returns; we do not print the warning.
 *
 * The classes are the sorted distinct labels of yTrue and yPred together, unless `labels`
 * lists them (to fix their order, or to average over a subset, as in sklearn).
 */
import { checkLength, toLabels, uniqueSorted, type VectorLike } from './input.js';

/**
 * The fraction of samples whose predicted label equals the true one.
 * @example accuracy([0, 1, 1, 2], [0, 1, 2, 2])  // 0.75
 */
export function accuracy(yTrue: VectorLike, yPred: VectorLike): number {
  const t = toLabels(yTrue, 'accuracy', 'yTrue');
  const p = toLabels(yPred, 'accuracy', 'yPred');
  checkLength(t, p, 'accuracy');
  return t.filter((v, i) => v === p[i]).length / t.length;
}

/** Options of `confusionMatrix`: the class order and a normalisation. */
export interface ConfusionMatrixOptions {
  /** The classes, in the order of the rows and columns (default: sorted labels of both inputs). */
  readonly labels?: readonly number[];
  /** Divide by row sums ('true': rows are recalls), column sums ('pred') or the total ('all'). */
  readonly normalize?: 'true' | 'pred' | 'all';
}

/**
 * C[i][j] = how many samples of true class labels[i] were predicted as labels[j]: rows are the
 * truth, columns the prediction, as sklearn. Samples whose labels are not in `labels` are
 * dropped. With `normalize`, 0/0 becomes 0.
 * @example confusionMatrix([0, 0, 1, 1], [0, 1, 1, 1])  // [[1, 1], [0, 2]]
 */
export function confusionMatrix(yTrue: VectorLike, yPred: VectorLike, options: ConfusionMatrixOptions = {}): number[][] {
  const where = 'confusionMatrix';
  const t = toLabels(yTrue, where, 'yTrue');
  const p = toLabels(yPred, where, 'yPred');
  checkLength(t, p, where);
  const labels = options.labels === undefined ? uniqueSorted(t, p) : [...options.labels];
  if (labels.length === 0) throw new RangeError(`${where}: labels should contain at least one label`);
  if (options.labels !== undefined && !labels.some((l) => t.includes(l))) throw new RangeError(`${where}: at least one of the labels must be in yTrue`);
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts = labels.map(() => labels.map(() => 0));
  t.forEach((truth, i) => {
    const row = index.get(truth);
    const col = index.get(p[i]!);
    if (row !== undefined && col !== undefined) counts[row]![col]! += 1;
  });
  const { normalize } = options;
  if (normalize === undefined) return counts;
  const safe = (x: number, by: number): number => (by === 0 ? 0 : x / by);
  if (normalize === 'true') return counts.map((row) => row.map((x) => safe(x, sum(row))));
  if (normalize === 'pred') {
    const columns = labels.map((_, j) => sum(counts.map((row) => row[j]!)));
    return counts.map((row) => row.map((x, j) => safe(x, columns[j]!)));
  }
  if (normalize === 'all') {
    const total = sum(counts.map(sum));
    return counts.map((row) => row.map((x) => safe(x, total)));
  }
  throw new RangeError(`${where}: normalize must be 'true', 'pred' or 'all', got ${String(normalize)}`);
}

/** How to average a per-class score; 'none' returns one value per class. */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted';

/**
 * Options of precision, recall and F-β: the averaging ('binary', 'micro', 'macro', 'weighted'), the labels, the positive label and the value of an undefined ratio.
 */
export interface PrfOptions {
  /** Default 'binary' (sklearn's default): the score of `posLabel` alone; needs at most two classes. */
  readonly average?: Average | 'none';
  /** The classes to report and average over (ignored for 'binary'). */
  readonly labels?: readonly number[];
  /** The positive class for average 'binary' (default 1). */
  readonly posLabel?: number;
  /** The value of a ratio whose denominator is zero (default 0). */
  readonly zeroDivision?: 0 | 1;
}

/** Precision, recall, F-β and support: numbers when averaged, one per class with average 'none'. */
export interface PrfResult<T> {
  readonly precision: T;
  readonly recall: T;
  readonly fScore: T;
  /** True samples per class; null when averaged (as sklearn's None). */
  readonly support: T extends number ? null : number[];
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[], weights?: readonly number[]): number =>
  weights === undefined ? sum(xs) / xs.length : sum(xs.map((x, i) => x * weights[i]!)) / sum(weights);

/**
 * Precision, recall, F-β and support, as sklearn's `precision_recall_fscore_support`.
 * @example
 * precisionRecallFscoreSupport([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { average: 'macro' })
 * // { precision: 0.2222…, recall: 0.3333…, fScore: 0.2666…, support: null }
 */
export function precisionRecallFscoreSupport(yTrue: VectorLike, yPred: VectorLike, options: PrfOptions & { readonly beta?: number; readonly average: 'none' }): PrfResult<number[]>;
export function precisionRecallFscoreSupport(yTrue: VectorLike, yPred: VectorLike, options?: PrfOptions & { readonly beta?: number; readonly average?: Average }): PrfResult<number>;
export function precisionRecallFscoreSupport(yTrue: VectorLike, yPred: VectorLike, options: PrfOptions & { readonly beta?: number } = {}): PrfResult<number> | PrfResult<number[]> {
  const where = 'precisionRecallFscoreSupport';
  const { average = 'binary', posLabel = 1, zeroDivision = 0, beta = 1 } = options;
  if (!['binary', 'micro', 'macro', 'weighted', 'none'].includes(average)) {
    throw new RangeError(`${where}: average must be 'binary', 'micro', 'macro', 'weighted' or 'none', got ${String(average)}`);
  }
  if (zeroDivision !== 0 && zeroDivision !== 1) throw new RangeError(`${where}: zeroDivision must be 0 or 1, got ${String(zeroDivision)}`);
  if (typeof beta !== 'number' || !(beta >= 0)) throw new RangeError(`${where}: beta must be ≥ 0, got ${String(beta)}`);
  const t = toLabels(yTrue, where, 'yTrue');
  const p = toLabels(yPred, where, 'yPred');
  checkLength(t, p, where);

  const present = uniqueSorted(t, p);
  let labels: number[];
  if (average === 'binary') {
    if (present.length > 2) {
      throw new RangeError(`${where}: the target is multiclass (${present.length} labels) but average is 'binary'; choose 'micro', 'macro', 'weighted' or 'none'`);
    }
    if (!present.includes(posLabel) && present.length >= 2) {
      throw new RangeError(`${where}: posLabel ${posLabel} is not a valid label; it should be one of [${present.join(', ')}]`);
    }
    labels = [posLabel];
  } else {
    labels = options.labels === undefined ? present : [...options.labels];
  }

  // One-vs-rest counts per class: TP, predicted (TP + FP) and true (TP + FN).
  let tp = labels.map((c) => t.filter((v, i) => v === c && p[i] === c).length);
  let predicted = labels.map((c) => p.filter((v) => v === c).length);
  let actual = labels.map((c) => t.filter((v) => v === c).length);
  if (average === 'micro') [tp, predicted, actual] = [[sum(tp)], [sum(predicted)], [sum(actual)]];

  const divide = (num: number, den: number): number => (den === 0 ? zeroDivision : num / den);
  const precision = tp.map((x, i) => divide(x, predicted[i]!));
  const recall = tp.map((x, i) => divide(x, actual[i]!));
  const beta2 = beta * beta;
  // sklearn 1.2: F from P and R, with a zero denominator replaced by 1 (so F = 0 there).
  const fScore = precision.map((pr, i) => {
    if (beta === Infinity) return recall[i]!;
    const denom = beta2 * pr + recall[i]!;
    return ((1 + beta2) * pr * recall[i]!) / (denom === 0 ? 1 : denom);
  });

  if (average === 'none') return { precision, recall, fScore, support: actual };
  if (average === 'weighted') {
    if (sum(actual) === 0) {
      // No true samples of any listed class: sklearn's special case.
      const z = zeroDivision;
      return sum(predicted) === 0 ? { precision: z, recall: z, fScore: z, support: null } : { precision: 0, recall: z, fScore: 0, support: null };
    }
    return { precision: mean(precision, actual), recall: mean(recall, actual), fScore: mean(fScore, actual), support: null };
  }
  return { precision: mean(precision), recall: mean(recall), fScore: mean(fScore), support: null };
}

type PrfOverloads = {
  (yTrue: VectorLike, yPred: VectorLike, options: PrfOptions & { readonly average: 'none' }): number[];
  (yTrue: VectorLike, yPred: VectorLike, options?: PrfOptions & { readonly average?: Average }): number;
};

function pick(key: 'precision' | 'recall' | 'fScore', beta = 1): PrfOverloads {
  return ((yTrue: VectorLike, yPred: VectorLike, options: PrfOptions = {}) =>
    (precisionRecallFscoreSupport(yTrue, yPred, { ...options, beta } as PrfOptions & { average?: Average }) as PrfResult<number | number[]>)[key]) as PrfOverloads;
}

/**
 * Precision TP / (TP + FP): of the samples predicted as a class, the fraction that are.
 * @example precision([0, 1, 1, 0], [1, 1, 0, 0])  // 0.5 (binary, positive class 1)
 */
export const precision: PrfOverloads = pick('precision');

/**
 * Recall TP / (TP + FN): of the samples of a class, the fraction found.
 * @example recall([0, 1, 1, 1], [0, 1, 0, 1])  // 0.6666…
 */
export const recall: PrfOverloads = pick('recall');

/**
 * F1 = 2·P·R / (P + R), the harmonic mean of precision and recall.
 * @example f1Score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { average: 'macro' })  // 0.2666…
 */
export const f1Score: PrfOverloads = pick('fScore');

/**
 * F-β = (1 + β²)·P·R / (β²·P + R): β > 1 favours recall, β < 1 precision.
 * @example fbetaScore([0, 1, 1, 1], [1, 1, 0, 1], 0.5)  // 0.6666…
 */
export function fbetaScore(yTrue: VectorLike, yPred: VectorLike, beta: number, options: PrfOptions & { readonly average: 'none' }): number[];
export function fbetaScore(yTrue: VectorLike, yPred: VectorLike, beta: number, options?: PrfOptions & { readonly average?: Average }): number;
export function fbetaScore(yTrue: VectorLike, yPred: VectorLike, beta: number, options: PrfOptions = {}): number | number[] {
  return pick('fScore', beta)(yTrue, yPred, options as PrfOptions & { average?: Average });
}

/**
 * The mean of the per-class recalls over the classes present in yTrue (classes that appear only
 * in yPred are left out, as sklearn does). Chance level is 1/classes; `adjusted` rescales it
 * to 0, so that a perfect score stays 1.
 * @example balancedAccuracy([0, 0, 0, 1], [0, 0, 0, 0])  // 0.5 (accuracy would say 0.75)
 */
export function balancedAccuracy(yTrue: VectorLike, yPred: VectorLike, options: { readonly adjusted?: boolean } = {}): number {
  const matrix = confusionMatrix(yTrue, yPred);
  const recalls = matrix.flatMap((row, i) => (sum(row) === 0 ? [] : [row[i]! / sum(row)]));
  const score = mean(recalls);
  if (!options.adjusted) return score;
  const chance = 1 / recalls.length;
  return (score - chance) / (1 - chance);
}

/**
 * The Matthews correlation coefficient: the correlation between the one-hot truth and the
 * one-hot prediction, from −1 (always wrong) through 0 (chance) to 1 (perfect). For K classes
 * (Gorodkin 2004), with C the confusion matrix, t_k and p_k its row and column sums, s samples
 * and c = trace(C) correct ones:
 *
 *   MCC = (c·s − Σ t_k·p_k) / √((s² − Σ p_k²) · (s² − Σ t_k²))
 *
 * which for two classes is (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)). When a factor
 * under the root is 0 (one class only, in truth or prediction) it is 0, as sklearn.
 * @example matthewsCorrcoef([1, 1, 1, 0], [1, 0, 1, 1])  // −0.3333…
 */
export function matthewsCorrcoef(yTrue: VectorLike, yPred: VectorLike): number {
  const matrix = confusionMatrix(yTrue, yPred);
  const trueSums = matrix.map(sum);
  const predSums = matrix.map((_, j) => sum(matrix.map((row) => row[j]!)));
  const samples = sum(trueSums);
  const correct = sum(matrix.map((row, i) => row[i]!));
  const dot = (a: number[], b: number[]): number => sum(a.map((x, i) => x * b[i]!));
  const covTruePred = correct * samples - dot(trueSums, predSums);
  const covPredPred = samples * samples - dot(predSums, predSums);
  const covTrueTrue = samples * samples - dot(trueSums, trueSums);
  if (covPredPred * covTrueTrue === 0) return 0;
  return covTruePred / Math.sqrt(covTrueTrue * covPredPred);
}
