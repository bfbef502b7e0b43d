/**
 * Calibration measures: scikit-learn 1.2 parity (calibration_curve, brier_score_loss,
 * log_loss; see calibration-fixture.ts) and small cases worked out by hand.
 */
import { describe, expect, test } from 'vitest';
import { tensor } from '../autograd/creation.js';
import { brierScore, calibrationCurve, expectedCalibrationError, logLoss, reliabilityDiagram } from './calibration.js';
import { casesOf, FIXTURE } from './calibration-fixture.js';

const { y, prob, multiclassY, multiclassProb } = FIXTURE.data;
const close = (got: readonly number[], want: readonly number[], tol = 1e-14): void => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `[${i}]: ${g} vs ${want[i]}`).toBeLessThanOrEqual(tol));
};

describe('parity with scikit-learn 1.2', () => {
  for (const c of casesOf<{ probTrue: number[]; probPred: number[] }>('calibrationCurve')) {
    test(`calibrationCurve ${JSON.stringify(c.options)}`, () => {
      const p = c.options.flip ? prob.map((v) => 1 - v) : prob;
      const options = { nBins: c.options.nBins as number, strategy: c.options.strategy as 'uniform' | 'quantile', ...(c.options.posLabel === undefined ? {} : { posLabel: c.options.posLabel as number }) };
      const got = calibrationCurve(y, p, options);
      close(got.probTrue, c.expected.probTrue);
      close(got.probPred, c.expected.probPred);
    });
  }

  test('brierScore (and with posLabel 0), logLoss binary and multiclass', () => {
    for (const c of casesOf<number>('brierScore')) {
      const got = c.options.flip ? brierScore(y, prob.map((v) => 1 - v), { posLabel: 0 }) : brierScore(y, prob);
      expect(got).toBeCloseTo(c.expected, 14);
    }
    expect(logLoss(y, prob)).toBeCloseTo(casesOf<number>('logLoss')[0]!.expected, 13);
    expect(logLoss(multiclassY, multiclassProb)).toBeCloseTo(casesOf<number>('logLossMulticlass')[0]!.expected, 13);
    expect(logLoss(tensor(multiclassY, { dtype: 'int32' }), tensor(multiclassProb, { dtype: 'float64' }))).toBeCloseTo(casesOf<number>('logLossMulticlass')[0]!.expected, 13);
  });
});

describe('by hand', () => {
  test('reliability diagram: counts, means, fractions; an empty bin is NaN; an edge value goes to the lower bin', () => {
    // Bins [0, 0.5], (0.5, 1]: 0.2 and 0.5 below (mean 0.35, one positive), 0.8 and 0.9 above (both positive).
    const d = reliabilityDiagram([0, 1, 1, 1], [0.2, 0.5, 0.8, 0.9], { nBins: 2 });
    expect(d.edges).toEqual([0, 0.5, 1]);
    expect(d.count).toEqual([2, 2]);
    close(d.meanPredicted, [0.35, 0.85]);
    expect(d.fractionPositive).toEqual([0.5, 1]);
    const sparse = reliabilityDiagram([0, 1], [0.05, 0.95], { nBins: 4 });
    expect(sparse.count).toEqual([1, 0, 0, 1]);
    expect(sparse.meanPredicted[1]).toBeNaN();
  });

  test('ECE: Σ (n_b/N)·|fraction − mean|; zero for a calibrated toy; top-label for [N, C]', () => {
    expect(expectedCalibrationError([0, 1, 1, 1], [0.2, 0.3, 0.8, 0.9], { nBins: 2 })).toBeCloseTo(0.5 * 0.25 + 0.5 * 0.15, 15);
    expect(expectedCalibrationError([1, 0, 0, 0], [0.25, 0.25, 0.25, 0.25])).toBe(0);
    // Rows: confidences 0.6 (right), 0.7 (wrong), 0.9 (right), 0.8 (right). Bins of 0.5:
    // all in (0.5, 1]: mean confidence 0.75, accuracy 0.75 → ECE 0. With 10 bins: bins
    // (0.5,0.6] 1 right |1 − 0.6|, (0.6,0.7] 1 wrong |0 − 0.7|, (0.7,0.8] |1 − 0.8|, (0.8,0.9] |1 − 0.9| → (0.4 + 0.7 + 0.2 + 0.1)/4.
    const rows = [[0.6, 0.4], [0.3, 0.7], [0.1, 0.9], [0.8, 0.2]];
    const labels = [0, 0, 1, 0];
    expect(expectedCalibrationError(labels, rows, { nBins: 2 })).toBeCloseTo(0, 15);
    expect(expectedCalibrationError(labels, rows)).toBeCloseTo(1.4 / 4, 15);
  });

  test('quantile bins hold equal counts', () => {
    const p = Array.from({ length: 12 }, (_, i) => (i + 0.5) / 12);
    expect(reliabilityDiagram(p.map((_, i) => i % 2), p, { nBins: 3, strategy: 'quantile' }).count).toEqual([4, 4, 4]);
  });

  test('Brier and log loss of a sure, right prediction are 0; errors name the input', () => {
    expect(brierScore([0, 1], [0, 1])).toBe(0);
    expect(logLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 15);
    expect(() => reliabilityDiagram([0, 1], [0.5, 1.2])).toThrow(/reliabilityDiagram: yProb\[1\] is 1.2, outside \[0, 1\]/);
    expect(() => calibrationCurve([0, 1], [[0.5, 0.5], [0.1, 0.9]] as unknown as number[])).toThrow(/binary only/);
    expect(() => reliabilityDiagram([0, 1], [0.5, 0.5], { nBins: 0 })).toThrow(/nBins must be a positive integer, got 0/);
    expect(() => logLoss([2], [[0.5, 0.5]])).toThrow(/label 2 at index 0 is not a class of 2-column probabilities/);
  });
});
