/**
 * Volatility targeting and its performance measures: exposures and costs worked by hand, no
 * look-ahead (changing future prices and forecasts leaves earlier positions and returns alone),
 * the metrics on series whose answers are known, Lo's interval against numpy/scipy, and the
 * bootstrap interval covering the true Sharpe ratio of simulated returns.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { normal, seededRandom } from '../autograd/random.js';
import { runStrategy, volTargetWeights } from './backtest.js';
import { normalQuantile } from './distributions.js';
import { annualisedReturn, annualisedVolatility, equityCurve, maxDrawdown, sharpeIntervalLo, sharpeIntervalsBootstrap, sharpeRatio } from './performance.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/numpy-study.json', import.meta.url), 'utf8')) as {
  sharpe: { returns: number[]; annualised: number; loLow: number; loHigh: number };
};

describe('volatility targeting', () => {
  test('exposure = target / forecast, capped; a non-positive forecast gets the cap', () => {
    expect(volTargetWeights([0.5, 0.125, 0.0625, -0.01], { targetVol: 0.25, maxLeverage: 3 })).toEqual([0.5, 2, 3, 3]);
    expect(() => volTargetWeights([NaN], { targetVol: 0.15, maxLeverage: 2 })).toThrow(/forecast 0 is NaN/);
  });

  test('drift, turnover and costs by hand', () => {
    // Day 1: enter w = 0.5 from cash (τ = 0.5), the index gains 10 %: equity × (1 − 0.001·0.5)(1.05).
    // The weight drifts to 0.5·1.1/1.05; rebalancing to 1 trades 1 − 0.55/1.05.
    const run = runStrategy([0.5, 1], [0.1, -0.02], 20);
    expect(run.turnover[0]).toBe(0.5);
    expect(run.turnover[1]).toBeCloseTo(1 - 0.55 / 1.05, 15);
    expect(run.returns[0]).toBeCloseTo((1 - 0.002 * 0.5) * 1.05 - 1, 15);
    expect(run.returns[1]).toBeCloseTo((1 - 0.002 * run.turnover[1]!) * 0.98 - 1, 15);
    // Buy-and-hold trades once.
    const hold = runStrategy([1, 1, 1], [0.01, -0.03, 0.02], 5);
    expect(hold.turnover.map((t) => Number(t.toFixed(15)))).toEqual([1, 0, 0]);
    expect(() => runStrategy([1], [0.1, 0.2], 5)).toThrow(/1 weights but 2 returns/);
  });

  test('no look-ahead: future prices and forecasts do not move earlier positions or returns', () => {
    const random = seededRandom(4);
    const prices = [100];
    for (let t = 0; t < 300; t++) prices.push(prices[t]! * (1 + 0.01 * normal(random)));
    // A trailing-volatility forecaster: position at the close of day s uses prices ≤ s.
    const positions = (p: number[]) => {
      const r = p.map((v, t) => (t === 0 ? 0 : v / p[t - 1]! - 1));
      const origins = Array.from({ length: 250 }, (_, i) => 30 + i);
      const vol = origins.map((s) => Math.sqrt((r.slice(s - 19, s + 1).reduce((a, x) => a + x * x, 0) / 20) * 252));
      const w = volTargetWeights(vol, { targetVol: 0.1, maxLeverage: 1.5 });
      return { w, run: runStrategy(w, origins.map((s) => r[s + 1]!), 5) };
    };
    const k = 200; //                                                    first changed price
    const changed = prices.map((v, t) => (t >= k ? v * (1 + 0.3 * Math.sin(t)) : v));
    const a = positions(prices);
    const b = positions(changed);
    const decided = k - 30; //                                   decisions made at closes s < k
    expect(b.w.slice(0, decided)).toEqual(a.w.slice(0, decided));
    expect(b.run.returns.slice(0, decided - 1)).toEqual(a.run.returns.slice(0, decided - 1));
    expect(b.w[decided]).not.toBe(a.w[decided]);
  });
});

describe('performance measures', () => {
  test('known answers', () => {
    expect(annualisedReturn([0.01, 0.01], 2)).toBeCloseTo(0.0201, 15);
    expect(annualisedReturn(new Array(252).fill(0.001))).toBeCloseTo(1.001 ** 252 - 1, 12);
    expect(annualisedVolatility([0.01, -0.01], 4)).toBeCloseTo(Math.sqrt(2e-4 * 4), 15);
    expect(sharpeRatio([0.01, 0.03], 1)).toBeCloseTo(0.02 / Math.sqrt(2e-4), 12);
    expect(maxDrawdown([0.1, -0.5, 0.2, 0.5, -0.1])).toBeCloseTo(0.5, 15); // peak 1.1, trough 0.55
    expect(maxDrawdown([0.01, 0.02])).toBe(0);
    expect(equityCurve([0.1, -0.5])).toEqual([1, 1.1, 0.55]);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 8);
  });

  test("Lo's i.i.d. interval equals numpy/scipy", () => {
    expect(sharpeRatio(fx.sharpe.returns)).toBeCloseTo(fx.sharpe.annualised, 12);
    const lo = sharpeIntervalLo(fx.sharpe.returns);
    expect(lo.low).toBeCloseTo(fx.sharpe.loLow, 8);
    expect(lo.high).toBeCloseTo(fx.sharpe.loHigh, 8);
  });

  test('the bootstrap interval covers the true Sharpe ratio about 95 % of the time and is paired', () => {
    // True annual Sharpe of N(0.0005, 0.01²) days: 0.05·√252 ≈ 0.794.
    let covered = 0;
    const trials = 40;
    for (let trial = 0; trial < trials; trial++) {
      const random = seededRandom(200 + trial);
      const r = Array.from({ length: 500 }, () => 0.0005 + 0.01 * normal(random));
      const { sharpe } = sharpeIntervalsBootstrap([r], { random: seededRandom(trial), reps: 300, block: 5 });
      if (sharpe[0]!.low <= 0.05 * Math.sqrt(252) && 0.05 * Math.sqrt(252) <= sharpe[0]!.high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.85);
    // A series against a scaled copy of itself: same Sharpe on every resample, difference exactly 0.
    const r = Array.from({ length: 200 }, (_, t) => 0.001 * Math.sin(t) + 0.0002);
    const both = sharpeIntervalsBootstrap([r, r.map((x) => 2 * x)], { random: seededRandom(1), reps: 200 });
    expect(both.differenceFromFirst[1]!.low).toBeCloseTo(0, 12);
    expect(both.differenceFromFirst[1]!.high).toBeCloseTo(0, 12);
  });
});
