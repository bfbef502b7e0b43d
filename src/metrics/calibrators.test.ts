/**
 * Temperature and Platt scaling: the optimum against SciPy (temperature: bounded Brent on the
 * NLL) and scikit-learn's `_sigmoid_calibration` (Platt), plus closed-form cases.
 */
import { describe, expect, test } from 'vitest';
import { applyPlatt, applyTemperature, fitPlatt, fitTemperature } from './calibrators.js';
import { casesOf, FIXTURE } from './calibration-fixture.js';
import { logLoss } from './calibration.js';

const { y, scores, logits, multiclassY, multiclassLogits } = FIXTURE.data;

describe('Platt scaling', () => {
  test('the exact optimum of Platt\'s objective (SciPy, gradient 1e-12), and scikit-learn\'s BFGS fit', () => {
    const { sklearn, exact } = casesOf<{ sklearn: { a: number; b: number }; exact: { a: number; b: number } }>('fitPlatt')[0]!.expected;
    const got = fitPlatt(scores, y);
    expect(Math.abs(got.a - exact.a)).toBeLessThan(1e-9);
    expect(Math.abs(got.b - exact.b)).toBeLessThan(1e-9);
    // sklearn stops BFGS at a gradient norm of 1e-5, so it agrees only to about 1e-6.
    expect(Math.abs(got.a - sklearn.a)).toBeLessThan(1e-5);
    expect(Math.abs(got.b - sklearn.b)).toBeLessThan(1e-5);
  });

  test('closed forms: symmetric data give b = 0; equal scores give the (smoothed) base rate', () => {
    const sym = fitPlatt([-2, -1, 1, 2], [0, 1, 0, 1]);
    expect(Math.abs(sym.b)).toBeLessThan(1e-12);
    // Scores all 0, one positive of four, plain targets: σ(b) = 1/4; a has no information.
    const flat = fitPlatt([0, 0, 0, 0], [1, 0, 0, 0], { smoothTargets: false });
    expect(flat.b).toBeCloseTo(Math.log(1 / 3), 10);
    // Smoothed targets: σ(b) = mean target = ((1 + 1)/(1 + 2) + 3·1/(3 + 2)) / 4 = (2/3 + 3/5)/4.
    const smooth = fitPlatt([0, 0, 0, 0], [1, 0, 0, 0]);
    const mean = (2 / 3 + 3 / 5) / 4;
    expect(smooth.b).toBeCloseTo(Math.log(mean / (1 - mean)), 10);
    expect(applyPlatt([0, 1], { a: 2, b: -2 })).toEqual([1 / (1 + Math.exp(2)), 0.5]);
  });

  test('the fitted map lowers the validation log loss of a badly scaled score', () => {
    const raw = scores.map((s) => 1 / (1 + Math.exp(-5 * s))); //               over-confident
    const calibrated = applyPlatt(scores, fitPlatt(scores, y));
    expect(logLoss(y, calibrated)).toBeLessThan(logLoss(y, raw));
  });
});

describe('temperature scaling', () => {
  test('binary and multiclass optimum against SciPy', () => {
    const binary = casesOf<{ temperature: number; nll: number }>('fitTemperature')[0]!.expected;
    const multi = casesOf<{ temperature: number; nll: number }>('fitTemperatureMulticlass')[0]!.expected;
    expect(fitTemperature(logits, y).temperature).toBeCloseTo(binary.temperature, 8);
    expect(fitTemperature(multiclassLogits, multiclassY).temperature).toBeCloseTo(multi.temperature, 8);
    const p = applyTemperature(multiclassLogits, multi.temperature);
    expect(logLoss(multiclassY, p) * multiclassY.length).toBeCloseTo(multi.nll, 8);
  });

  test('closed form: equal logits 1 with 3 of 4 positive give σ(1/T) = 3/4, T = 1/log 3', () => {
    expect(fitTemperature([1, 1, 1, 1], [1, 1, 1, 0]).temperature).toBeCloseTo(1 / Math.log(3), 12);
    // The same as two-column logits [0, z]: softmax = σ.
    expect(fitTemperature([[0, 1], [0, 1], [0, 1], [0, 1]], [1, 1, 1, 0]).temperature).toBeCloseTo(1 / Math.log(3), 12);
  });

  test('logits that point the wrong way give T = ∞; decisions at 0 never move', () => {
    expect(fitTemperature([1, -1], [0, 1]).temperature).toBe(Infinity);
    const t = fitTemperature(logits, y).temperature;
    applyTemperature(logits, t).forEach((p, i) => expect(p >= 0.5).toBe(logits[i]! >= 0));
    expect(() => applyTemperature([1], 0)).toThrow(/temperature must be > 0, got 0/);
    expect(() => fitTemperature([1, 2], [0, 2])).toThrow(/binary labels must be 0 or 1, got 2 at index 1/);
    expect(() => fitTemperature([1, NaN], [0, 1])).toThrow(/logits must be finite, got NaN at index 1/);
  });
});
