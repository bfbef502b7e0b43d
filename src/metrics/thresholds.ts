/**
 * thresholds — from scores to decisions ("positive if score ≥ t", the PR curve's convention).
 *
 *   confusion at t   [[TN, FP], [FN, TP]] (rows: truth); precision TP/(TP+FP), recall TP/(TP+FN),
 *                    F1 = 2TP/(2TP+FP+FN), cost per sample (c_FP·FP + c_FN·FN + c_TP·TP + c_TN·TN)/N
 *   ThresholdSweep   sorts once: the report at any t by binary search (a slider), every
 *                    distinct operating point in one pass
 *   selectThreshold  by F1 / F-beta, lowest cost, the most recall at a target precision or the
 *                    most precision at a target recall; it returns the midpoint between the chosen
 *                    score and the next lower one, so new scores do not sit on a training score
 *   bayesThreshold   the cost-optimal cut on calibrated probabilities, no data needed (Elkan 2001)
 *   costCurve        Drummond & Holte (2006): the lowest normalised expected cost of any operating
 *                    point for every mix of class prior and costs; one threshold's line is costLine
 */
import { checkLength, toLabels, toVector, type VectorLike } from './input.js';

/** Costs of the four outcomes; correct decisions cost 0 unless given. */
export interface Costs {
  readonly falsePositive: number;
  readonly falseNegative: number;
  readonly truePositive?: number;
  readonly trueNegative?: number;
}

/** The four counts of a binary classifier at one threshold: TP, FP, TN and FN. */
export interface ConfusionCounts {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/**
 * A threshold's confusion counts and the metrics that follow: precision, recall, F1, specificity and the expected cost.
 */
export interface ThresholdReport extends ConfusionCounts {
  readonly threshold: number;
  /** TP / (TP + FP), 0 when nothing is predicted positive. */
  readonly precision: number;
  /** TP / (TP + FN), the true-positive rate. */
  readonly recall: number;
  readonly f1: number;
  /** TN / (TN + FP). */
  readonly specificity: number;
  /** FP / (FP + TN). */
  readonly falsePositiveRate: number;
  /** (recall + specificity) / 2. */
  readonly balancedAccuracy: number;
  readonly accuracy: number;
  /** The fraction of samples predicted positive. */
  readonly positiveRate: number;
  /** Cost per sample, when costs were given (NaN otherwise). */
  readonly expectedCost: number;
  /** [[TN, FP], [FN, TP]]: rows are the truth, as sklearn's confusion_matrix. */
  readonly matrix: [[number, number], [number, number]];
}

/** Options of `ThresholdSweep`: the positive label and the costs of errors. */
export interface ThresholdOptions {
  /** The label of the positive class (default 1); every other label is negative. */
  readonly posLabel?: number;
  /** Costs for the expected cost (default none: NaN). */
  readonly costs?: Costs;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Expected cost per sample of a confusion matrix. @example expectedCost({ tp: 5, fp: 1, tn: 3, fn: 1 }, { falsePositive: 5, falseNegative: 1 })  // 0.6 */
export function expectedCost(counts: ConfusionCounts, costs: Costs): number {
  checkCosts(costs, 'expectedCost');
  const n = counts.tp + counts.fp + counts.tn + counts.fn;
  const { falsePositive, falseNegative, truePositive = 0, trueNegative = 0 } = costs;
  return (falsePositive * counts.fp + falseNegative * counts.fn + truePositive * counts.tp + trueNegative * counts.tn) / n;
}

function checkCosts(costs: Costs, where: string): void {
  for (const [name, v] of Object.entries(costs)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${where}: cost ${name} must be a finite number, got ${String(v)}`);
  }
}

function report(threshold: number, c: ConfusionCounts, costs: Costs | undefined): ThresholdReport {
  const { tp, fp, tn, fn } = c;
  const recall = ratio(tp, tp + fn);
  const specificity = ratio(tn, tn + fp);
  const n = tp + fp + tn + fn;
  return {
    threshold, tp, fp, tn, fn,
    precision: ratio(tp, tp + fp),
    recall,
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    specificity,
    falsePositiveRate: ratio(fp, fp + tn),
    balancedAccuracy: (recall + specificity) / 2,
    accuracy: (tp + tn) / n,
    positiveRate: (tp + fp) / n,
    expectedCost: costs ? expectedCost(c, costs) : NaN,
    matrix: [[tn, fp], [fn, tp]],
  };
}

function inputs(yTrue: VectorLike, scores: VectorLike, posLabel: number, where: string): { positive: boolean[]; s: number[] } {
  const t = toLabels(yTrue, where, 'yTrue');
  const s = toVector(scores, where, 'scores');
  checkLength(t, s, where, ['yTrue', 'scores']);
  const bad = s.findIndex((v) => Number.isNaN(v));
  if (bad >= 0) throw new RangeError(`${where}: scores[${bad}] is NaN`);
  return { positive: t.map((l) => l === posLabel), s };
}

/**
 * Every metric of the decision "score ≥ threshold" (the confusion matrix, precision, recall,
 * F1, expected cost, …) — the one function a threshold slider calls.
 * @example thresholdReport([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9], 0.5).matrix  // [[1, 1], [1, 1]]
 */
export function thresholdReport(yTrue: VectorLike, scores: VectorLike, threshold: number, options: ThresholdOptions = {}): ThresholdReport {
  const where = 'thresholdReport';
  const { positive, s } = inputs(yTrue, scores, options.posLabel ?? 1, where);
  if (Number.isNaN(threshold)) throw new RangeError(`${where}: threshold is NaN`);
  if (options.costs) checkCosts(options.costs, where);
  let tp = 0;
  let fp = 0;
  s.forEach((v, i) => {
    if (v >= threshold) {
      if (positive[i]) tp += 1;
      else fp += 1;
    }
  });
  const nPos = positive.filter(Boolean).length;
  return report(threshold, { tp, fp, tn: s.length - nPos - fp, fn: nPos - tp }, options.costs);
}

/**
 * The scores sorted once, for many thresholds: `at(t)` is O(log N), `points()` lists every
 * distinct operating point from the highest threshold down (first: +Infinity, nothing positive).
 * @example new ThresholdSweep([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9]).at(0.5).recall  // 0.5
 */
export class ThresholdSweep {
  /** Distinct scores, decreasing. */
  readonly scores: number[];
  /** TP and FP among samples scoring ≥ scores[k]. */
  private readonly tps: number[];
  private readonly fps: number[];
  readonly positives: number;
  readonly negatives: number;
  private readonly costs: Costs | undefined;

  constructor(yTrue: VectorLike, scores: VectorLike, options: ThresholdOptions = {}) {
    const where = 'ThresholdSweep';
    const { positive, s } = inputs(yTrue, scores, options.posLabel ?? 1, where);
    if (options.costs) checkCosts(options.costs, where);
    const order = s.map((_, i) => i).sort((a, b) => s[b]! - s[a]!);
    this.scores = [];
    this.tps = [];
    this.fps = [];
    let tp = 0;
    let fp = 0;
    order.forEach((i, rank) => {
      if (positive[i]) tp += 1;
      else fp += 1;
      const next = order[rank + 1];
      if (next === undefined || s[next] !== s[i]) {
        this.scores.push(s[i]!);
        this.tps.push(tp);
        this.fps.push(fp);
      }
    });
    this.positives = tp;
    this.negatives = fp;
    this.costs = options.costs;
  }

  /** The report at any threshold. */
  at(threshold: number): ThresholdReport {
    if (Number.isNaN(threshold)) throw new RangeError('ThresholdSweep.at: threshold is NaN');
    // k = the number of distinct scores ≥ threshold (they are decreasing).
    let lo = 0;
    let hi = this.scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.scores[mid]! >= threshold) lo = mid + 1;
      else hi = mid;
    }
    return this.reportAt(lo, threshold);
  }

  /** Every distinct operating point: +Infinity (nothing positive), then each distinct score, decreasing. */
  points(): ThresholdReport[] {
    return Array.from({ length: this.scores.length + 1 }, (_, k) => this.reportAt(k, k === 0 ? Infinity : this.scores[k - 1]!));
  }

  /**
   * A threshold for operating point k (as in points()): halfway between its score and the next
   * lower distinct score (its score when it is the lowest; +Infinity for k = 0).
   */
  midpoint(k: number): number {
    if (k === 0) return Infinity;
    const here = this.scores[k - 1]!;
    const below = this.scores[k];
    return below === undefined ? here : here + (below - here) / 2;
  }

  private reportAt(k: number, threshold: number): ThresholdReport {
    const tp = k === 0 ? 0 : this.tps[k - 1]!;
    const fp = k === 0 ? 0 : this.fps[k - 1]!;
    return report(threshold, { tp, fp, tn: this.negatives - fp, fn: this.positives - tp }, this.costs);
  }
}

/** How to choose a threshold. */
export type ThresholdCriterion =
  | { readonly kind: 'f1' }
  | { readonly kind: 'fbeta'; readonly beta: number }
  | { readonly kind: 'cost'; readonly costs: Costs }
  | { readonly kind: 'precision'; readonly target: number }
  | { readonly kind: 'recall'; readonly target: number };

/** A threshold a policy chose, with its report and whether the policy's target was met. */
export interface SelectedThreshold extends ThresholdReport {
  /** False when a target precision cannot be reached (then the most precise point is returned). */
  readonly met: boolean;
}

/**
 * Chooses a threshold on labelled scores (a validation slice). Ties go to the higher threshold
 * (fewer samples flagged); the returned report is the chosen operating point's, on these data.
 * @example selectThreshold([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9], { kind: 'recall', target: 1 }).threshold  // 0.25 (between 0.4 and 0.1)
 */
export function selectThreshold(yTrue: VectorLike, scores: VectorLike, criterion: ThresholdCriterion, options: ThresholdOptions = {}): SelectedThreshold {
  const where = 'selectThreshold';
  const costs = criterion.kind === 'cost' ? criterion.costs : options.costs;
  const sweep = new ThresholdSweep(yTrue, scores, { ...options, ...(costs ? { costs } : {}) });
  const points = sweep.points();
  let met = true;
  // The index of the best point by (primary, secondary) score; the first (highest threshold) wins ties.
  const pick = (score: (r: ThresholdReport, k: number) => readonly [number, number]): number => {
    let best = 0;
    let top = score(points[0]!, 0);
    points.forEach((r, k) => {
      const s = score(r, k);
      if (s[0] > top[0] || (s[0] === top[0] && s[1] > top[1])) [best, top] = [k, s];
    });
    return best;
  };
  let best: number;
  switch (criterion.kind) {
    case 'f1':
      best = pick((r) => [r.f1, 0]);
      break;
    case 'fbeta': {
      const { beta } = criterion;
      if (!(beta > 0)) throw new RangeError(`${where}: beta must be > 0, got ${beta}`);
      const b2 = beta * beta;
      best = pick((r) => [ratio((1 + b2) * r.tp, (1 + b2) * r.tp + b2 * r.fn + r.fp), 0]);
      break;
    }
    case 'cost':
      best = pick((r) => [-r.expectedCost, 0]);
      break;
    case 'precision': {
      const { target } = criterion;
      if (!(target >= 0 && target <= 1)) throw new RangeError(`${where}: target precision must be in [0, 1], got ${target}`);
      // Point 0 (nothing flagged) has precision 0 by convention, so it never meets a target > 0.
      const reaches = (r: ThresholdReport, k: number): boolean => k > 0 && r.precision >= target;
      met = points.some(reaches);
      best = met ? pick((r, k) => (reaches(r, k) ? [r.recall, r.precision] : [-Infinity, 0])) : pick((r) => [r.precision, r.recall]);
      break;
    }
    case 'recall': {
      const { target } = criterion;
      if (!(target >= 0 && target <= 1)) throw new RangeError(`${where}: target recall must be in [0, 1], got ${target}`);
      best = pick((r) => (r.recall >= target ? [r.precision, r.recall] : [-Infinity, 0]));
      break;
    }
    default: {
      const never: never = criterion;
      throw new RangeError(`${where}: unknown criterion ${JSON.stringify(never)}`);
    }
  }
  const chosen = points[best]!;
  return { ...chosen, threshold: sweep.midpoint(best), met };
}

/**
 * The cost-optimal threshold on a calibrated probability: flag when p·c_FN + (1 − p)·c_TN ≥
 * p·c_TP + (1 − p)·c_FP, i.e. p ≥ (c_FP − c_TN) / (c_FP − c_TN + c_FN − c_TP) (Elkan 2001).
 * @example bayesThreshold({ falsePositive: 5, falseNegative: 1 })  // 0.8333…
 */
export function bayesThreshold(costs: Costs): number {
  checkCosts(costs, 'bayesThreshold');
  const { falsePositive, falseNegative, truePositive = 0, trueNegative = 0 } = costs;
  const negativeSide = falsePositive - trueNegative;
  const positiveSide = falseNegative - truePositive;
  if (!(negativeSide > 0 && positiveSide > 0)) throw new RangeError(`bayesThreshold: errors must cost more than correct decisions (c_FP − c_TN = ${negativeSide}, c_FN − c_TP = ${positiveSide})`);
  return negativeSide / (negativeSide + positiveSide);
}

/** Drummond and Holte's cost curve: the normalised expected cost of the best threshold at each probability cost. */
export interface CostCurve {
  /** PC(+) = p₊·c_FN / (p₊·c_FN + p₋·c_FP), from 0 to 1. */
  readonly probabilityCost: number[];
  /** The lowest normalised expected cost of any operating point at each PC(+). */
  readonly normalizedExpectedCost: number[];
}

/**
 * Drummond & Holte's cost curve: every operating point (FPR, TPR) is the line
 * NEC(pc) = (1 − TPR)·pc + FPR·(1 − pc); the curve is their lower envelope, sampled at
 * `points` values of pc. The line of one chosen threshold is `costLine`.
 * @example costCurve([0, 1], [0.2, 0.8], { points: 3 }).normalizedExpectedCost  // [0, 0, 0]: a perfect ranking
 */
export function costCurve(yTrue: VectorLike, scores: VectorLike, options: { readonly posLabel?: number; readonly points?: number } = {}): CostCurve {
  const { points = 101 } = options;
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`costCurve: points must be an integer ≥ 2, got ${points}`);
  const operating = new ThresholdSweep(yTrue, scores, options.posLabel === undefined ? {} : { posLabel: options.posLabel }).points();
  const probabilityCost = Array.from({ length: points }, (_, i) => i / (points - 1));
  const normalizedExpectedCost = probabilityCost.map((pc) => Math.min(...operating.map((r) => costLine(r, pc))));
  return { probabilityCost, normalizedExpectedCost };
}

/**
 * The normalised expected cost of one operating point at probability cost pc:
 * (1 − TPR)·pc + FPR·(1 − pc).
 * @example costLine({ recall: 0.9, falsePositiveRate: 0.1 }, 0.5)  // 0.1
 */
export function costLine(point: Pick<ThresholdReport, 'recall' | 'falsePositiveRate'>, pc: number): number {
  return (1 - point.recall) * pc + point.falsePositiveRate * (1 - pc);
}
