/**
 * Threshold reports and selection: scikit-learn 1.2 parity (confusion_matrix, precision,
 * recall, F1, balanced accuracy of p ≥ t; the F1-best and target-precision/recall operating
 * points read off precision_recall_curve; see calibration-fixture.ts) and cases by hand.
 */
import { describe, expect, test } from 'vitest';
import { tensor } from '../autograd/creation.js';
import { casesOf, FIXTURE } from './calibration-fixture.js';
import { bayesThreshold, costCurve, costLine, expectedCost, selectThreshold, thresholdReport, ThresholdSweep, type ThresholdCriterion } from './thresholds.js';

const { y, prob } = FIXTURE.data;

describe('parity with scikit-learn 1.2', () => {
  for (const c of casesOf<{ matrix: number[][]; precision: number; recall: number; f1: number; balancedAccuracy: number }>('thresholdReport')) {
    test(`thresholdReport at ${c.options.threshold}`, () => {
      const r = thresholdReport(y, prob, c.options.threshold as number);
      expect(r.matrix).toEqual(c.expected.matrix);
      expect(r.precision).toBeCloseTo(c.expected.precision, 15);
      expect(r.recall).toBeCloseTo(c.expected.recall, 15);
      expect(r.f1).toBeCloseTo(c.expected.f1, 15);
      expect(r.balancedAccuracy).toBeCloseTo(c.expected.balancedAccuracy, 15);
      expect(new ThresholdSweep(y, prob).at(c.options.threshold as number)).toEqual(r);
    });
  }

  for (const c of casesOf<{ score: number; precision: number; recall: number }>('selectThreshold')) {
    test(`selectThreshold ${JSON.stringify(c.options)}: the operating point sklearn's PR curve gives`, () => {
      const chosen = selectThreshold(y, prob, c.options as unknown as ThresholdCriterion);
      expect(chosen.met).toBe(true);
      expect(chosen.precision).toBeCloseTo(c.expected.precision, 15);
      expect(chosen.recall).toBeCloseTo(c.expected.recall, 15);
      // The threshold lies between that score and the next lower one, so it decides the same way.
      const below = Math.max(...prob.filter((p) => p < c.expected.score));
      expect(chosen.threshold).toBeCloseTo((c.expected.score + below) / 2, 15);
      expect(thresholdReport(y, prob, chosen.threshold).f1).toBeCloseTo(chosen.f1, 15);
    });
  }
});

describe('ThresholdSweep', () => {
  test('at(t) equals the direct count for every threshold; points() are every operating point', () => {
    const sweep = new ThresholdSweep(y, prob, { costs: { falsePositive: 5, falseNegative: 1 } });
    for (const t of [-1, 0, 0.0005, 0.3, 0.3000001, 0.5, 0.777, 1, 2, Infinity]) {
      expect(sweep.at(t)).toEqual(thresholdReport(y, prob, t, { costs: { falsePositive: 5, falseNegative: 1 } }));
    }
    const points = sweep.points();
    expect(points.length).toBe(new Set(prob).size + 1);
    expect(points[0]!.threshold).toBe(Infinity);
    expect(points[0]!.tp + points[0]!.fp).toBe(0);
    expect(points.at(-1)!.recall).toBe(1);
    points.slice(1).forEach((r, k) => expect(r.recall).toBeGreaterThanOrEqual(points[k]!.recall));
  });

  test('tensors work as inputs too', () => {
    const r = new ThresholdSweep(tensor([0, 0, 1, 1], { dtype: 'int32' }), tensor([0.1, 0.6, 0.4, 0.9])).at(0.5);
    expect([r.tp, r.fp, r.tn, r.fn]).toEqual([1, 1, 1, 1]);
  });
});

describe('by hand', () => {
  // Scores 0.9 (spam), 0.8 (ham), 0.7 (spam), 0.4 (spam), 0.2 (ham), 0.1 (ham).
  const labels = [1, 0, 1, 1, 0, 0];
  const scores = [0.9, 0.8, 0.7, 0.4, 0.2, 0.1];

  test('the report at 0.5: TP 2, FP 1, TN 2, FN 1, and the costs', () => {
    const r = thresholdReport(labels, scores, 0.5, { costs: { falsePositive: 5, falseNegative: 1 } });
    expect(r.matrix).toEqual([[2, 1], [1, 2]]);
    expect([r.precision, r.recall, r.f1, r.specificity, r.positiveRate]).toEqual([2 / 3, 2 / 3, 2 / 3, 2 / 3, 0.5]);
    expect(r.expectedCost).toBeCloseTo((5 * 1 + 1 * 1) / 6, 15);
    expect(expectedCost(r, { falsePositive: 5, falseNegative: 1, truePositive: -1 })).toBeCloseTo((5 - 2 + 1) / 6, 15);
    expect(thresholdReport(labels, scores, 0.5).expectedCost).toBeNaN();
  });

  test('selection by F1, by cost, by target precision and recall', () => {
    // Cut below 0.4: TP 3, FP 1, FN 0 → F1 = 6/7, the best.
    const f1 = selectThreshold(labels, scores, { kind: 'f1' });
    expect(f1).toMatchObject({ tp: 3, fp: 1 });
    expect(f1.threshold).toBeCloseTo(0.3, 15); //                                  halfway between 0.4 and 0.2
    // A false positive costs 5, a miss 1: flag only 0.9 (cost 2/6) — flagging nothing costs 3/6.
    const cheapest = selectThreshold(labels, scores, { kind: 'cost', costs: { falsePositive: 5, falseNegative: 1 } });
    expect(cheapest).toMatchObject({ tp: 1, fp: 0 });
    expect(cheapest.threshold).toBeCloseTo(0.85, 15);
    expect(cheapest.expectedCost).toBeCloseTo(2 / 6, 15);
    // Operating points (TP, FP): 0.9 (1, 0) · 0.8 (1, 1) · 0.7 (2, 1) · 0.4 (3, 1) · 0.2 (3, 2) · 0.1 (3, 3).
    // Precision ≥ 0.75 with the most recall: (3, 1), precision 3/4, recall 1. Recall ≥ 0.5 with the
    // most precision: (2, 1) has 2/3, (3, 1) has 3/4 — (3, 1) again.
    expect(selectThreshold(labels, scores, { kind: 'precision', target: 0.75 })).toMatchObject({ tp: 3, fp: 1, met: true });
    expect(selectThreshold(labels, scores, { kind: 'recall', target: 0.5 })).toMatchObject({ tp: 3, fp: 1 });
    const impossible = selectThreshold([0, 1], [0.9, 0.1], { kind: 'precision', target: 0.9 });
    expect(impossible.met).toBe(false);
    expect(selectThreshold(labels, scores, { kind: 'fbeta', beta: 1 })).toMatchObject({ tp: 3, fp: 1 });
  });

  test('Bayes threshold c_FP / (c_FP + c_FN); cost curve and cost lines', () => {
    expect(bayesThreshold({ falsePositive: 5, falseNegative: 1 })).toBeCloseTo(5 / 6, 15);
    expect(bayesThreshold({ falsePositive: 1, falseNegative: 1 })).toBe(0.5);
    expect(() => bayesThreshold({ falsePositive: 0, falseNegative: 1 })).toThrow(/errors must cost more than correct decisions/);
    // Operating points (FPR, TPR): (0,0) (0,⅓) (⅓,⅓) (⅓,⅔) (⅓,1) (⅔,1) (1,1). At pc = ½ the best
    // line is (1 − 1)·½ + ⅓·½ = ⅙; at pc 0 and 1 the trivial classifiers cost 0.
    const curve = costCurve(labels, scores, { points: 3 });
    expect(curve.probabilityCost).toEqual([0, 0.5, 1]);
    curve.normalizedExpectedCost.forEach((v, i) => expect(v).toBeCloseTo([0, 1 / 6, 0][i]!, 15));
    expect(costLine({ recall: 0.9, falsePositiveRate: 0.1 }, 0.5)).toBeCloseTo(0.1, 15);
  });

  test('errors name the problem', () => {
    expect(() => thresholdReport([0, 1], [0.5], 0.5)).toThrow(/thresholdReport: yTrue has 2 samples but scores has 1/);
    expect(() => thresholdReport([0, 1], [0.5, NaN], 0.5)).toThrow(/scores\[1\] is NaN/);
    expect(() => selectThreshold([0, 1], [0.2, 0.6], { kind: 'precision', target: 2 })).toThrow(/target precision must be in \[0, 1\], got 2/);
    expect(() => thresholdReport([0, 1], [0.2, 0.6], 0.5, { costs: { falsePositive: Infinity, falseNegative: 1 } })).toThrow(/cost falsePositive must be a finite number/);
  });
});
