/**
 * The metrics by hand: every documented example, small cases worked out on paper, and the
 * errors for inputs that cannot be scored. (Parity with scikit-learn: sklearn-parity.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import { tensor } from '../autograd/creation.js';
import {
  accuracy,
  averagePrecision,
  balancedAccuracy,
  confusionMatrix,
  f1Score,
  fbetaScore,
  mae,
  mape,
  matthewsCorrcoef,
  mse,
  precision,
  precisionRecallCurve,
  precisionRecallFscoreSupport,
  r2,
  recall,
  rmse,
  rocAuc,
  rocCurve,
  topKAccuracy,
} from './index.js';

describe('documented examples', () => {
  test('classification from labels', () => {
    expect(accuracy([0, 1, 1, 2], [0, 1, 2, 2])).toBe(0.75);
    expect(confusionMatrix([0, 0, 1, 1], [0, 1, 1, 1])).toEqual([[1, 1], [0, 2]]);
    expect(precision([0, 1, 1, 0], [1, 1, 0, 0])).toBe(0.5);
    expect(recall([0, 1, 1, 1], [0, 1, 0, 1])).toBeCloseTo(2 / 3, 15);
    expect(f1Score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { average: 'macro' })).toBeCloseTo(4 / 15, 15);
    expect(fbetaScore([0, 1, 1, 1], [1, 1, 0, 1], 0.5)).toBeCloseTo(2 / 3, 15);
    expect(balancedAccuracy([0, 0, 0, 1], [0, 0, 0, 0])).toBe(0.5);
    expect(matthewsCorrcoef([1, 1, 1, 0], [1, 0, 1, 1])).toBeCloseTo(-1 / 3, 15);
    const prf = precisionRecallFscoreSupport([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { average: 'macro' });
    expect(prf.precision).toBeCloseTo(2 / 9, 15);
    expect(prf.support).toBeNull();
  });

  test('classification from scores', () => {
    expect(topKAccuracy([0, 1, 0], [[0.5, 0.3, 0.2], [0.1, 0.2, 0.7], [0.3, 0.3, 0.4]], 2)).toBeCloseTo(2 / 3, 15);
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(5 / 6, 15);
    expect(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toEqual({ fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1], thresholds: [Infinity, 0.8, 0.4, 0.35, 0.1] });
    const pr = precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(pr.recall).toEqual([1, 1, 0.5, 0.5, 0]);
    expect(pr.thresholds).toEqual([0.1, 0.35, 0.4, 0.8]);
  });

  test('regression', () => {
    const y = [3, -0.5, 2, 7];
    const p = [2.5, 0, 2, 8];
    expect(mse(y, p)).toBe(0.375);
    expect(rmse(y, p)).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(mae(y, p)).toBe(0.5);
    expect(mape(y, p)).toBeCloseTo((0.5 / 3 + 1 + 0 + 1 / 7) / 4, 15);
    expect(r2(y, p)).toBeCloseTo(1 - 1.5 / 29.1875, 15);
  });
});

describe('ties and imbalance', () => {
  test('a tie between a positive and a negative counts as half a correctly ordered pair', () => {
    // pairs (positive, negative): (0.5 vs 0.5) tie → ½, (0.5 vs 0.1) → 1, (0.9 vs both) → 2: AUC = 3.5 / 4
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1])).toBe(0.875);
  });

  test('on 1% positives, "always negative" has 99% accuracy but balanced accuracy 0.5 and MCC 0', () => {
    const truth = Array.from({ length: 100 }, (_, i) => (i === 0 ? 1 : 0));
    const never = truth.map(() => 0);
    expect(accuracy(truth, never)).toBe(0.99);
    expect(balancedAccuracy(truth, never)).toBe(0.5);
    expect(matthewsCorrcoef(truth, never)).toBe(0);
    expect(recall(truth, never)).toBe(0);
    expect(f1Score(truth, never, { average: 'macro' })).toBeCloseTo(0.99 / 1.99, 15); // (2·0.99/1.99 + 0) / 2
  });

  test('a random scorer’s average precision is about the prevalence, its ROC-AUC about ½', () => {
    // Scores independent of the labels: 10% positives spread evenly through the ranking.
    const truth = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const scores = truth.map((_, i) => ((i * 7919) % 1000) / 1000);
    expect(averagePrecision(truth, scores)).toBeCloseTo(0.1, 1);
    expect(rocAuc(truth, scores)).toBeCloseTo(0.5, 1);
  });
});

describe('inputs', () => {
  test('tensors and arrays give the same numbers', () => {
    const truth = [0, 2, 1, 1, 0];
    const pred = [0, 1, 1, 1, 2];
    expect(f1Score(tensor(truth, { dtype: 'int32' }), tensor(pred, { dtype: 'int32' }), { average: 'weighted' })).toBe(f1Score(truth, pred, { average: 'weighted' }));
    const scores = [[0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3], [0.6, 0.2, 0.2], [0.5, 0.3, 0.2]];
    expect(rocAuc(truth, tensor(scores), { average: 'none' })).toEqual(rocAuc(truth, scores, { average: 'none' }));
    expect(mse(Float64Array.from([1, 2]), tensor([1, 4], { dtype: 'float64' }))).toBe(2);
  });

  test.each([
    ['lengths differ', () => accuracy([0, 1], [0]), /yTrue has 2 samples but yPred has 1/],
    ['no samples', () => accuracy([], []), /no samples/],
    ['fractional labels', () => accuracy([0, 0.5], [0, 1]), /integer labels, got 0.5 at index 1/],
    ['a 2-D tensor of labels', () => accuracy(tensor([[0, 1]], { dtype: 'int32' }), [0, 1]), /yTrue must be 1-D \[N\], got shape \[1,2\]/],
    ['binary average on three classes', () => precision([0, 1, 2], [0, 1, 2]), /target is multiclass \(3 labels\) but average is 'binary'/],
    ['a posLabel that is not a label', () => recall([0, 2], [2, 0], { posLabel: 1 }), /posLabel 1 is not a valid label; it should be one of \[0, 2\]/],
    ['ROC-AUC with one class', () => rocAuc([1, 1, 1], [0.2, 0.5, 0.9]), /only one class is present in yTrue/],
    ['a NaN score', () => averagePrecision([0, 1], [0.5, NaN]), /scores must be finite, got NaN at index 1/],
    ['a label outside the score columns', () => topKAccuracy([0, 3], [[1, 0], [0, 1]], 1), /label 3 at index 1 is not a column of yScore \(0 … 1\)/],
    ['ragged score rows', () => rocAuc([0, 1], [[0.5, 0.5], [1]]), /ragged: row 1 has 1 values, row 0 has 2/],
    ['regression shapes that differ', () => mse([[1, 2]], [[1, 2, 3]]), /yTrue \[1, 2\] and yPred \[1, 3\] differ in shape/],
    ['1-D against 2-D', () => mae([1, 2] as never, [[1], [2]]), /both be 1-D or both be 2-D/],
    ['confusion labels absent from yTrue', () => confusionMatrix([0, 1], [0, 1], { labels: [5] }), /at least one of the labels must be in yTrue/],
  ])('refuses %s', (_what, call, message) => {
    expect(call).toThrow(message);
  });

  test('r2 is NaN with fewer than two samples, as sklearn', () => {
    expect(r2([1], [2])).toBeNaN();
  });
});
