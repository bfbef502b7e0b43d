/**
 * Metrics from scores (how confident the model is), with scikit-learn's definitions
 * (sklearn.metrics 1.2): top-k accuracy, the ROC curve and its area, the precision-recall
 * curve and average precision — binary, and one-vs-rest for several classes.
 *
 * Binary curves sweep a threshold down through the distinct scores. Sort the samples by score,
 * highest first; at each distinct score s, TP(s) and FP(s) count the positives and negatives
 * scoring ≥ s. Tied scores move together, so a tie between a positive and a negative becomes
 * a diagonal segment of the ROC curve — the same as counting such a pair as half right.
 *
 *   ROC:  FPR = FP / negatives, TPR = TP / positives, from (0, 0); AUC by the trapezoidal rule
 *         = P(score of a random positive > score of a random negative), ties counting ½
 *   PR:   precision = TP / (TP + FP), recall = TP / positives
 *         AP = Σ_n (R_n − R_{n−1}) · P_n   (a step function: no interpolation, unlike the
 *         trapezoidal PR-AUC, which is optimistic)
 *
 * On imbalanced data ROC-AUC can look good while precision is poor; AP starts from the
 * prevalence (a random scorer gets AP ≈ fraction of positives), so it shows that.
 * One-vs-rest: class c against all others, with column c of the scores; 'macro' averages the
 * per-class values, 'weighted' weights them by each class's number of true samples, 'micro'
 * pools every (sample, class) pair into one binary problem, 'none' returns them all.
 */
import { checkLength, isMatrix, toLabels, toMatrix, toVector, type MatrixLike, type VectorLike } from './input.js';

function checkFinite(scores: readonly number[], where: string): void {
  const bad = scores.findIndex((s) => !Number.isFinite(s));
  if (bad >= 0) throw new RangeError(`${where}: scores must be finite, got ${scores[bad]} at index ${bad}`);
}

/**
 * The fraction of samples whose true class is among the k highest-scored classes. Ties are
 * broken as sklearn's stable sort leaves them: among equal scores, the higher class index
 * ranks first. `yScore` is [N, C] (C ≥ 2), and the labels are column indices 0 … C − 1.
 * @example topKAccuracy([0, 1, 0], [[0.5, 0.3, 0.2], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]], 2)  // 2/3 (the last: class 1 ties class 0 and ranks first)
 */
export function topKAccuracy(yTrue: VectorLike, yScore: MatrixLike, k = 2): number {
  const where = 'topKAccuracy';
  const t = toLabels(yTrue, where, 'yTrue');
  const scores = toMatrix(yScore, where, 'yScore');
  checkLength(t, scores, where, ['yTrue', 'yScore']);
  const classes = scores[0]!.length;
  if (classes < 2) throw new RangeError(`${where}: yScore needs at least 2 columns (one per class), got ${classes}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`${where}: k must be an integer ≥ 1, got ${k}`);
  scores.forEach((row) => checkFinite(row, where));
  let hits = 0;
  t.forEach((label, i) => {
    if (label < 0 || label >= classes) throw new RangeError(`${where}: label ${label} at index ${i} is not a column of yScore (0 … ${classes - 1})`);
    const row = scores[i]!;
    const s = row[label]!;
    // Classes ranked above the true one: higher scores, and equal scores with a higher index.
    const above = row.filter((x, c) => x > s || (x === s && c > label)).length;
    if (above < k) hits += 1;
  });
  return hits / t.length;
}

/** TP and FP at each distinct score, highest first (sklearn's `_binary_clf_curve`). */
function binaryCurve(positive: readonly boolean[], scores: readonly number[]): { tps: number[]; fps: number[]; thresholds: number[] } {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const tps: number[] = [];
  const fps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  order.forEach((i, rank) => {
    if (positive[i]) tp += 1;
    else fp += 1;
    const next = order[rank + 1];
    if (next === undefined || scores[next] !== scores[i]) {
      tps.push(tp);
      fps.push(fp);
      thresholds.push(scores[i]!);
    }
  });
  return { tps, fps, thresholds };
}

function binaryInputs(yTrue: VectorLike, yScore: VectorLike, posLabel: number, where: string): { positive: boolean[]; scores: number[] } {
  const t = toLabels(yTrue, where, 'yTrue');
  const scores = toVector(yScore, where, 'yScore');
  checkLength(t, scores, where, ['yTrue', 'yScore']);
  checkFinite(scores, where);
  return { positive: t.map((v) => v === posLabel), scores };
}

/** A ROC curve: false- and true-positive rates at each threshold, as scikit-learn's `roc_curve`. */
export interface RocCurve {
  readonly fpr: number[];
  readonly tpr: number[];
  /** The threshold of each point; the first is +Infinity (nothing predicted positive). */
  readonly thresholds: number[];
}

/**
 * The ROC curve of a binary problem: one point per distinct score, from (0, 0), keeping every
 * point (sklearn's `roc_curve(..., drop_intermediate=False)`; sklearn 1.2 puts max + 1 where we
 * put +Infinity as the first threshold, as later versions do).
 * @example rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).tpr  // [0, 0.5, 0.5, 1, 1]
 */
export function rocCurve(yTrue: VectorLike, yScore: VectorLike, options: { readonly posLabel?: number } = {}): RocCurve {
  const where = 'rocCurve';
  const { positive, scores } = binaryInputs(yTrue, yScore, options.posLabel ?? 1, where);
  const { tps, fps, thresholds } = binaryCurve(positive, scores);
  const positives = tps.at(-1)!;
  const negatives = fps.at(-1)!;
  // sklearn gives NaN (with a warning) when a class is missing; so do we.
  return {
    fpr: [0, ...fps.map((f) => f / negatives)],
    tpr: [0, ...tps.map((t) => t / positives)],
    thresholds: [Infinity, ...thresholds],
  };
}

/** The area under a curve by the trapezoidal rule (x increasing). */
function trapezoid(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return area;
}

function binaryRocAuc(positive: readonly boolean[], scores: readonly number[], where: string): number {
  const positives = positive.filter(Boolean).length;
  if (positives === 0 || positives === positive.length) {
    throw new RangeError(`${where}: only one class is present in yTrue; ROC AUC is not defined then`);
  }
  const { tps, fps } = binaryCurve(positive, scores);
  const fpr = [0, ...fps.map((f) => f / fps.at(-1)!)];
  const tpr = [0, ...tps.map((t) => t / tps.at(-1)!)];
  return trapezoid(fpr, tpr);
}

/** A precision-recall curve: precision and recall at each threshold, as scikit-learn's `precision_recall_curve`. */
export interface PrCurve {
  /** Precision at each threshold, lowest threshold first, then 1 (the point at recall 0). */
  readonly precision: number[];
  /** Recall, decreasing to a final 0. */
  readonly recall: number[];
  /** The distinct scores, increasing (one fewer than precision and recall). */
  readonly thresholds: number[];
}

/**
 * The precision-recall curve of a binary problem, in sklearn 1.2's layout: increasing
 * thresholds, decreasing recall, and a final point (recall 0, precision 1) with no threshold.
 * Precision with no predicted positives is 0; with no positives at all, recall is 1 everywhere.
 * @example precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).precision  // [0.5, 0.666…, 0.5, 1, 1]
 */
export function precisionRecallCurve(yTrue: VectorLike, yScore: VectorLike, options: { readonly posLabel?: number } = {}): PrCurve {
  const { positive, scores } = binaryInputs(yTrue, yScore, options.posLabel ?? 1, 'precisionRecallCurve');
  return prCurve(positive, scores);
}

function prCurve(positive: readonly boolean[], scores: readonly number[]): PrCurve {
  const { tps, fps, thresholds } = binaryCurve(positive, scores);
  const positives = tps.at(-1)!;
  const precision = tps.map((t, i) => (t + fps[i]! === 0 ? 0 : t / (t + fps[i]!)));
  const recall = tps.map((t) => (positives === 0 ? 1 : t / positives));
  return { precision: [...precision.reverse(), 1], recall: [...recall.reverse(), 0], thresholds: thresholds.reverse() };
}

/** AP = Σ (R_n − R_{n−1}) · P_n over the PR curve (0 when yTrue has no positives, as sklearn). */
function binaryAveragePrecision(positive: readonly boolean[], scores: readonly number[]): number {
  const { precision, recall } = prCurve(positive, scores);
  let ap = 0;
  for (let i = 0; i + 1 < recall.length; i++) ap -= (recall[i + 1]! - recall[i]!) * precision[i]!;
  return ap;
}

/** How one-vs-rest scores are combined; 'none' returns one per class. */
export type RankingAverage = 'macro' | 'weighted' | 'micro' | 'none';

/** Options of the ranking metrics: the averaging and the positive label. */
export interface RankingOptions {
  /** Multiclass only (default 'macro'). */
  readonly average?: RankingAverage;
  /** Binary only: the label of the positive class (default 1). */
  readonly posLabel?: number;
}

type RankingOverloads = {
  (yTrue: VectorLike, yScore: VectorLike, options?: Omit<RankingOptions, 'average'>): number;
  (yTrue: VectorLike, yScore: MatrixLike, options: RankingOptions & { readonly average: 'none' }): number[];
  (yTrue: VectorLike, yScore: MatrixLike, options?: RankingOptions & { readonly average?: Exclude<RankingAverage, 'none'> }): number;
};

/** Binary when yScore is 1-D; one-vs-rest when it is [N, C] (labels are column indices). */
function rankingMetric(where: string, binary: (positive: readonly boolean[], scores: readonly number[], where: string) => number): RankingOverloads {
  return ((yTrue: VectorLike, yScore: VectorLike | MatrixLike, options: RankingOptions = {}): number | number[] => {
    if (!isMatrix(yScore)) {
      const { positive, scores } = binaryInputs(yTrue, yScore as VectorLike, options.posLabel ?? 1, where);
      return binary(positive, scores, where);
    }
    const { average = 'macro' } = options;
    if (!['macro', 'weighted', 'micro', 'none'].includes(average)) throw new RangeError(`${where}: average must be 'macro', 'weighted', 'micro' or 'none', got ${String(average)}`);
    const t = toLabels(yTrue, where, 'yTrue');
    const rows = toMatrix(yScore as MatrixLike, where, 'yScore');
    checkLength(t, rows, where, ['yTrue', 'yScore']);
    rows.forEach((row) => checkFinite(row, where));
    const classes = rows[0]!.length;
    t.forEach((label, i) => {
      if (label < 0 || label >= classes) throw new RangeError(`${where}: label ${label} at index ${i} is not a column of yScore (0 … ${classes - 1})`);
    });
    const columns = Array.from({ length: classes }, (_, c) => ({ positive: t.map((v) => v === c), scores: rows.map((row) => row[c]!) }));
    if (average === 'micro') return binary(columns.flatMap((col) => col.positive), columns.flatMap((col) => col.scores), where);
    const perClass = columns.map((col) => binary(col.positive, col.scores, where));
    if (average === 'none') return perClass;
    if (average === 'macro') return perClass.reduce((a, b) => a + b, 0) / classes;
    const weights = columns.map((col) => col.positive.filter(Boolean).length);
    const total = weights.reduce((a, b) => a + b, 0);
    return total === 0 ? 0 : perClass.reduce((a, s, c) => a + s * weights[c]!, 0) / total;
  }) as RankingOverloads;
}

/**
 * Area under the ROC curve: binary for 1-D scores, one-vs-rest for [N, C] scores. Throws when
 * a (one-vs-rest) problem has only one class in yTrue, as sklearn does. Unlike sklearn we do
 * not insist that multiclass rows sum to 1: one-vs-rest AUC is defined for any scores.
 * @example rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])  // 0.75
 */
export const rocAuc: RankingOverloads = rankingMetric('rocAuc', binaryRocAuc);

/**
 * Average precision (the step-function area under the PR curve): binary for 1-D scores,
 * one-vs-rest for [N, C] scores (sklearn's `average_precision_score` on binarised labels).
 * @example averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])  // 0.8333…
 */
export const averagePrecision: RankingOverloads = rankingMetric('averagePrecision', binaryAveragePrecision);
