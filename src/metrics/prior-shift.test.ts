/**
 * Prior-shift EM (Saerens, Latinne & Decaestecker 2002): steps worked out by hand, a fixed
 * point, and the recovery of a known prior from exact posteriors on simulated data.
 */
import { describe, expect, test } from 'vitest';
import { normal, seededRandom } from '../autograd/random.js';
import { adjustPosteriors, emPriorShift } from './prior-shift.js';

describe('adjustPosteriors (Bayes\' rule, eq. 2.4)', () => {
  test('by hand, binary and multiclass; no change when the priors do not change', () => {
    // p = 0.5 at training prior 0.5 becomes the new prior 0.8; p = 0.9: 0.9·1.6 / (0.9·1.6 + 0.1·0.4) = 36/37.
    const got = adjustPosteriors([0.5, 0.9], 0.5, 0.8);
    expect(got[0]).toBeCloseTo(0.8, 15);
    expect(got[1]).toBeCloseTo(36 / 37, 15);
    expect(adjustPosteriors([0.3, 0.7], 0.4, 0.4)).toEqual([0.3, 0.7].map((p) => expect.closeTo(p, 15) as unknown as number));
    const rows = adjustPosteriors([[0.2, 0.3, 0.5]], [0.5, 0.25, 0.25], [0.25, 0.25, 0.5]);
    // Ratios ½, 1, 2: [0.1, 0.3, 1.0] / 1.4.
    rows[0]!.forEach((v, c) => expect(v).toBeCloseTo([0.1 / 1.4, 0.3 / 1.4, 1 / 1.4][c]!, 15));
  });
});

describe('emPriorShift', () => {
  test('one EM step by hand', () => {
    // Posteriors 0.8 and 0.6 at training prior 0.5: M step π' = 0.7; E step with ratios 1.4 / 0.6:
    // 1.12 / (1.12 + 0.12) and 0.84 / (0.84 + 0.24).
    const r = emPriorShift([0.8, 0.6], 0.5, { maxIter: 1 });
    expect(r.priors[1]).toBeCloseTo(0.7, 15);
    const posteriors = r.posteriors as number[];
    expect(posteriors[0]).toBeCloseTo(1.12 / 1.24, 15);
    expect(posteriors[1]).toBeCloseTo(0.84 / 1.08, 15);
    expect(r.iterations).toBe(1);
    expect(r.converged).toBe(false);
    expect(r.logLikelihood[1]).toBeCloseTo(Math.log(1.24) + Math.log(1.08), 15);
  });

  test('posteriors that average to the training prior are a fixed point', () => {
    const r = emPriorShift([0.1, 0.5, 0.3], 0.3);
    expect(r.iterations).toBe(1);
    expect(r.converged).toBe(true);
    expect(r.priors[1]).toBeCloseTo(0.3, 15);
  });

  test('recovers a shifted prior from exact posteriors; the likelihood never falls', () => {
    // Two Gaussian classes, x | spam ~ N(1, 1), x | ham ~ N(−1, 1). A model trained where 20%
    // are spam has the exact posterior σ(2x + log(0.2/0.8)). The new data are 70% spam.
    const random = seededRandom(5);
    const n = 20_000;
    const labels = Array.from({ length: n }, () => (random() < 0.7 ? 1 : 0));
    const x = labels.map((l) => (l ? 1 : -1) + normal(random));
    const posterior = x.map((v) => 1 / (1 + Math.exp(-(2 * v + Math.log(0.2 / 0.8)))));
    const truth = labels.reduce<number>((a, b) => a + b, 0) / n;
    const r = emPriorShift(posterior, 0.2);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.priors[1]! - truth)).toBeLessThan(0.015);
    // Naively averaging the unadjusted posteriors badly underestimates the new prior.
    expect(posterior.reduce((a, b) => a + b, 0) / n).toBeLessThan(truth - 0.15);
    r.logLikelihood.slice(1).forEach((ll, i) => expect(ll).toBeGreaterThanOrEqual(r.logLikelihood[i]! - 1e-9));
    // The [N, 2] form gives the same answer.
    const rows = emPriorShift(posterior.map((p) => [1 - p, p]), [0.8, 0.2]);
    expect(rows.priors[1]).toBeCloseTo(r.priors[1]!, 12);
  });

  test('errors name the problem', () => {
    expect(() => emPriorShift([0.5], 1)).toThrow(/emPriorShift: training prior of class 0 must be in \(0, 1\), got 0/);
    expect(() => emPriorShift([0.5], [0.5, 0.5])).toThrow(/give 1-D P\(positive\) with one training prior/);
    expect(() => emPriorShift([[0.5, 0.5]], [0.2, 0.3, 0.5])).toThrow(/3 training priors for 2 classes/);
    expect(() => emPriorShift([1.5], 0.5)).toThrow(/probability of class 0 for sample 0 is -0.5, outside \[0, 1\]/);
    expect(() => emPriorShift([0.5], 0.5, { maxIter: 0 })).toThrow(/maxIter must be a positive integer, got 0/);
  });
});
