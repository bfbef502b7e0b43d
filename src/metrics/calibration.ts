/**
 * calibration — do the predicted probabilities mean what they say? (scikit-learn 1.2's
 * definitions where it has them)
 *
 *   reliabilityDiagram  per bin of predicted probability (uniform or quantile bins): count, mean
 *                       prediction, fraction positive; `calibrationCurve` = sklearn's non-empty bins
 *   ECE                 Σ_b (n_b / N)·|fraction positive_b − mean prediction_b| (Naeini et al. 2015);
 *                       for [N, C] the top-label form of Guo et al. 2017 (confidence = max_c p_c,
 *                       "positive" = the argmax is right)
 *   brierScore, logLoss mean (y − p)², mean −log p(true class) (sklearn's brier_score_loss, log_loss)
 *
 * A binary classifier is calibrated when, of the mails it gives 0.8, 80% are spam. Ranking
 * metrics (ROC-AUC, AP) cannot see miscalibration; a threshold chosen as a probability can.
 * The fixes fitted on a validation slice are in calibrators.ts.
 */
import { checkLength, isMatrix, toLabels, toMatrix, toVector, type MatrixLike, type VectorLike } from './input.js';

/** Options of `reliabilityDiagram`: the number of bins and their strategy (uniform or quantile). */
export interface ReliabilityOptions {
  /** Number of bins (default 10). */
  readonly nBins?: number;
  /** 'uniform' bins [0, 1/n], (1/n, 2/n], … (default) or 'quantile' bins of equal counts. */
  readonly strategy?: 'uniform' | 'quantile';
  /** Binary inputs: the label of the positive class (default 1). */
  readonly posLabel?: number;
}

/** A reliability diagram: per bin, its edges, count, mean predicted probability and fraction of positives. */
export interface ReliabilityDiagram {
  /** The nBins + 1 bin edges; a probability equal to an inner edge falls in the lower bin. */
  readonly edges: number[];
  /** Samples per bin. */
  readonly count: number[];
  /** Mean predicted probability (confidence) per bin; NaN where the bin is empty. */
  readonly meanPredicted: number[];
  /** Fraction of positives (of correct top labels) per bin; NaN where the bin is empty. */
  readonly fractionPositive: number[];
}

/** Probabilities and 0/1 outcomes to bin: P(positive) and y = positive, or top-label confidence and correctness. */
function outcomes(yTrue: VectorLike, yProb: VectorLike | MatrixLike, posLabel: number, where: string): { p: number[]; hit: number[] } {
  const t = toLabels(yTrue, where, 'yTrue');
  if (isMatrix(yProb)) {
    const rows = toMatrix(yProb as MatrixLike, where, 'yProb');
    checkLength(t, rows, where, ['yTrue', 'yProb']);
    rows.forEach((row, i) => row.forEach((v, c) => checkProbability(v, where, `yProb[${i}][${c}]`)));
    const p = rows.map((row) => Math.max(...row));
    const hit = rows.map((row, i) => (row.indexOf(Math.max(...row)) === t[i] ? 1 : 0));
    return { p, hit };
  }
  const p = toVector(yProb as VectorLike, where, 'yProb');
  checkLength(t, p, where, ['yTrue', 'yProb']);
  p.forEach((v, i) => checkProbability(v, where, `yProb[${i}]`));
  return { p, hit: t.map((v) => (v === posLabel ? 1 : 0)) };
}

function checkProbability(v: number, where: string, name: string): void {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${where}: ${name} is ${v}, outside [0, 1]`);
}

/** NumPy's linspace(0, 1, n + 1): i·(1/n), the last exactly 1. */
function uniformEdges(n: number): number[] {
  const step = 1 / n;
  return Array.from({ length: n + 1 }, (_, i) => (i === n ? 1 : i * step));
}

/**
 * NumPy's percentile with linear interpolation at linspace(0, 100, n + 1), step by step as
 * NumPy 1.24 computes it, so that an edge that lands on a data value lands on exactly that value.
 */
function quantileEdges(values: readonly number[], n: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const last = sorted.length - 1;
  return uniformEdges(n).map((fraction) => {
    const virtual = last * ((fraction * 100) / 100); //                           (n − 1)·q
    if (virtual >= last) return sorted[last]!;
    const below = Math.floor(virtual);
    const gamma = virtual - below;
    const a = sorted[below]!;
    const b = sorted[below + 1]!;
    const diff = b - a;
    return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma; //            NumPy's _lerp
  });
}

/** Index of the bin of p: the number of inner edges strictly below p (NumPy's searchsorted, side 'left'). */
function binOf(p: number, inner: readonly number[]): number {
  let lo = 0;
  let hi = inner.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (inner[mid]! < p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function binned(p: readonly number[], hit: readonly number[], options: ReliabilityOptions, where: string): ReliabilityDiagram {
  const { nBins = 10, strategy = 'uniform' } = options;
  if (!Number.isInteger(nBins) || nBins < 1) throw new RangeError(`${where}: nBins must be a positive integer, got ${nBins}`);
  if (strategy !== 'uniform' && strategy !== 'quantile') throw new RangeError(`${where}: strategy must be 'uniform' or 'quantile', got '${String(strategy)}'`);
  const edges = strategy === 'uniform' ? uniformEdges(nBins) : quantileEdges(p, nBins);
  const inner = edges.slice(1, -1);
  const count = new Array<number>(nBins).fill(0);
  const sumP = new Array<number>(nBins).fill(0);
  const sumHit = new Array<number>(nBins).fill(0);
  p.forEach((v, i) => {
    const b = binOf(v, inner);
    count[b]! += 1;
    sumP[b]! += v;
    sumHit[b]! += hit[i]!;
  });
  return {
    edges,
    count,
    meanPredicted: sumP.map((s, b) => (count[b] ? s / count[b]! : NaN)),
    fractionPositive: sumHit.map((s, b) => (count[b] ? s / count[b]! : NaN)),
  };
}

/**
 * The reliability diagram's data: for 1-D `yProb` = P(posLabel), for [N, C] rows the top-label
 * confidence and whether the argmax is the true class.
 * @example reliabilityDiagram([0, 1, 1, 1], [0.2, 0.3, 0.8, 0.9], { nBins: 2 }).fractionPositive  // [0.5, 1]
 */
export function reliabilityDiagram(yTrue: VectorLike, yProb: VectorLike | MatrixLike, options: ReliabilityOptions = {}): ReliabilityDiagram {
  const where = 'reliabilityDiagram';
  const { p, hit } = outcomes(yTrue, yProb, options.posLabel ?? 1, where);
  return binned(p, hit, options, where);
}

/**
 * scikit-learn's `calibration_curve`: the fraction of positives and the mean prediction of each
 * non-empty bin (binary only).
 * @example calibrationCurve([0, 0, 0, 0, 1, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1], { nBins: 3 }).probPred  // [0.2, 0.525, 0.85]
 */
export function calibrationCurve(yTrue: VectorLike, yProb: VectorLike, options: ReliabilityOptions = {}): { probTrue: number[]; probPred: number[] } {
  const where = 'calibrationCurve';
  if (isMatrix(yProb)) throw new RangeError(`${where}: binary only; yProb must be 1-D P(positive) (use reliabilityDiagram for [N, C] probabilities)`);
  const { p, hit } = outcomes(yTrue, yProb, options.posLabel ?? 1, where);
  const d = binned(p, hit, options, where);
  const full = d.count.map((c) => c > 0);
  return { probTrue: d.fractionPositive.filter((_, b) => full[b]), probPred: d.meanPredicted.filter((_, b) => full[b]) };
}

/**
 * Expected calibration error over the reliability diagram's bins (uniform, 10 by default).
 * @example expectedCalibrationError([0, 1, 1, 1], [0.2, 0.3, 0.8, 0.9], { nBins: 2 })  // ½·|0.5 − 0.25| + ½·|1 − 0.85| = 0.2
 */
export function expectedCalibrationError(yTrue: VectorLike, yProb: VectorLike | MatrixLike, options: ReliabilityOptions = {}): number {
  const d = reliabilityDiagram(yTrue, yProb, options);
  const total = d.count.reduce((a, b) => a + b, 0);
  return d.count.reduce((e, n, b) => (n ? e + (n / total) * Math.abs(d.fractionPositive[b]! - d.meanPredicted[b]!) : e), 0);
}

/**
 * The Brier score, mean (y − p)² with y = 1 for posLabel (sklearn's `brier_score_loss`).
 * @example brierScore([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3])  // 0.0375
 */
export function brierScore(yTrue: VectorLike, yProb: VectorLike, options: { readonly posLabel?: number } = {}): number {
  const where = 'brierScore';
  if (isMatrix(yProb)) throw new RangeError(`${where}: binary only; yProb must be 1-D P(positive)`);
  const { p, hit } = outcomes(yTrue, yProb, options.posLabel ?? 1, where);
  return p.reduce((s, v, i) => s + (hit[i]! - v) ** 2, 0) / p.length;
}

/**
 * Mean negative log-likelihood of the true labels (sklearn's `log_loss`): 1-D `yProb` is
 * P(label 1) for labels 0/1; [N, C] rows are renormalised, labels are column indices. Values
 * are clipped to [ε, 1 − ε], ε = 2⁻⁵² (sklearn's 'auto' for float64).
 * @example logLoss([1, 0], [0.8, 0.4])  // −(log 0.8 + log 0.6)/2 = 0.3670…
 */
export function logLoss(yTrue: VectorLike, yProb: VectorLike | MatrixLike, options: { readonly eps?: number } = {}): number {
  const where = 'logLoss';
  const eps = options.eps ?? Number.EPSILON;
  const t = toLabels(yTrue, where, 'yTrue');
  const rows = isMatrix(yProb) ? toMatrix(yProb as MatrixLike, where, 'yProb') : toVector(yProb as VectorLike, where, 'yProb').map((p) => [p]);
  checkLength(t, rows, where, ['yTrue', 'yProb']);
  const clip = (v: number): number => Math.min(Math.max(v, eps), 1 - eps);
  let total = 0;
  rows.forEach((row, i) => {
    const clipped = row.map(clip);
    const full = clipped.length === 1 ? [1 - clipped[0]!, clipped[0]!] : clipped;
    const label = t[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= full.length) throw new RangeError(`${where}: label ${label} at index ${i} is not a class of ${full.length}-column probabilities (0 … ${full.length - 1})`);
    total -= Math.log(full[label]! / full.reduce((a, b) => a + b, 0));
  });
  return total / rows.length;
}
