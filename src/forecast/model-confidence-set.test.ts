/**
 * Block bootstraps and the Model Confidence Set on cases whose answer is known: a clearly best
 * model stands alone; equally good models all stay (and the set excludes a true-best model about
 * as rarely as α promises); two good models are kept apart from three bad ones; with two models
 * the MCS p-value is the two-sided test of their mean loss difference.
 */
import { describe, expect, test } from 'vitest';
import { normal, seededRandom, type Random } from '../autograd/random.js';
import { movingBlockIndices, stationaryBootstrapIndices } from './bootstrap.js';
import { normalCdf } from './distributions.js';
import { modelConfidenceSet } from './model-confidence-set.js';

const draws = (n: number, random: Random, mean: number, sd = 1): number[] => Array.from({ length: n }, () => mean + sd * normal(random));

describe('block bootstraps', () => {
  test('stationary bootstrap: valid indices, geometric blocks of the mean length, seeded', () => {
    const idx = stationaryBootstrapIndices(20_000, 10, seededRandom(1));
    expect(idx.every((i) => i >= 0 && i < 20_000)).toBe(true);
    let breaks = 0;
    for (let t = 1; t < idx.length; t++) if (idx[t] !== (idx[t - 1]! + 1) % 20_000) breaks++;
    expect(idx.length / (breaks + 1)).toBeGreaterThan(9);
    expect(idx.length / (breaks + 1)).toBeLessThan(11);
    expect(stationaryBootstrapIndices(50, 5, seededRandom(3))).toEqual(stationaryBootstrapIndices(50, 5, seededRandom(3)));
    expect(() => stationaryBootstrapIndices(10, 0.5, seededRandom(0))).toThrow(/block length must be ≥ 1/);
  });

  test('moving blocks: runs of exactly b consecutive (circular) indices', () => {
    const idx = movingBlockIndices(23, 5, seededRandom(2));
    for (let t = 0; t < 23; t++) if (t % 5 !== 0) expect(idx[t]).toBe((idx[t - 1]! + 1) % 23);
  });
});

describe('model confidence set', () => {
  test.each(['range', 'max'] as const)('one clearly best model stands alone (%s)', (statistic) => {
    const random = seededRandom(10);
    const losses = [draws(500, random, 2), draws(500, random, 1), draws(500, random, 2.1), draws(500, random, 1.9)];
    const res = modelConfidenceSet(losses, { random: seededRandom(0), reps: 500, statistic });
    expect(res.included).toEqual([1]);
    expect(res.pValues[1]).toBe(1);
    expect(res.eliminationOrder[res.eliminationOrder.length - 1]).toBe(1);
    for (const i of [0, 2, 3]) expect(res.pValues[i]).toBeLessThan(0.01);
  });

  test.each(['range', 'max'] as const)('two good models are kept, three bad ones are not (%s)', (statistic) => {
    const random = seededRandom(11);
    const common = draws(600, random, 0);
    const losses = [1, 1.6, 1, 1.6, 1.7].map((mu) => common.map((c) => mu + 0.5 * c + 0.5 * normal(random)));
    const res = modelConfidenceSet(losses, { random: seededRandom(1), reps: 500, statistic });
    expect(res.included).toEqual([0, 2]);
    // MCS p-values never decrease along the elimination order.
    const ordered = res.eliminationOrder.map((i) => res.pValues[i]!);
    ordered.slice(1).forEach((p, k) => expect(p).toBeGreaterThanOrEqual(ordered[k]!));
  });

  test('equally good models: the 90 % set keeps them all in about 90 % of samples', () => {
    let excluded = 0;
    const trials = 60;
    for (let trial = 0; trial < trials; trial++) {
      const random = seededRandom(100 + trial);
      const losses = [0, 1, 2, 3].map(() => draws(250, random, 1));
      const res = modelConfidenceSet(losses, { random: seededRandom(trial), reps: 300, block: 1 });
      if (res.included.length < 4) excluded++;
    }
    // The MCS test is conservative after the first step; at α = 0.1 the share excluded should be ≲ 0.1.
    expect(excluded / trials).toBeLessThan(0.2);
  });

  test('with two models the p-value is the two-sided test of the mean loss difference', () => {
    const random = seededRandom(12);
    const a = draws(800, random, 1);
    const b = draws(800, random, 1.05); //       a difference of about 1.5 standard errors
    const d = a.map((v, t) => v - b[t]!);
    const mean = d.reduce((s, v) => s + v, 0) / d.length;
    const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length / d.length);
    const expected = 2 * (1 - normalCdf(Math.abs(mean) / sd));
    for (const statistic of ['range', 'max'] as const) {
      const res = modelConfidenceSet([a, b], { random: seededRandom(5), reps: 4000, block: 1, statistic });
      const worse = mean > 0 ? 0 : 1;
      expect(res.eliminationOrder).toEqual([worse, 1 - worse]);
      expect(Math.abs(res.pValues[worse]! - expected)).toBeLessThan(0.03);
    }
  });

  test('identical models are never separated; bad input is refused', () => {
    const l = draws(100, seededRandom(13), 1);
    const res = modelConfidenceSet([l, [...l]], { random: seededRandom(0), reps: 100 });
    expect(res.pValues).toEqual([1, 1]);
    expect(() => modelConfidenceSet([l, l.slice(1)], { random: seededRandom(0) })).toThrow(/model 1 has 99 losses, model 0 has 100/);
    expect(() => modelConfidenceSet([l, l.map(() => NaN)], { random: seededRandom(0) })).toThrow(/non-finite/);
  });
});
