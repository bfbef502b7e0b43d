/**
 * The hardened study's statistics against numpy/scipy (fixtures/numpy-study.json, written by
 * scripts/make-forecast-study-fixtures.py): Diebold–Mariano at Newey–West lags 4, 10, 22 and the
 * automatic bandwidth, HAR/LHAR re-fitted every day on expanding and rolling windows, Holm's
 * correction; plus hand-worked cases and the causality of the re-fitted HAR.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { normal, seededRandom } from '../autograd/random.js';
import { dieboldMarianoFamily, mcsOfForecasts, scoreForecasts } from './comparison.js';
import { dieboldMariano } from './diebold-mariano.js';
import { bias } from './evaluation.js';
import { fitHar, forecastHar, forecastHarRefit } from './har.js';
import { holm } from './multiple-testing.js';
import { autocovariances, neweyWestBandwidth, neweyWestVariance } from './newey-west.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/numpy-study.json', import.meta.url), 'utf8')) as {
  dm: { e1: number[]; e2: number[]; horizon: number; rows: { lags: number; statistic: number; pValue: number }[]; autoLagOfD: number; ar1: number[]; autoLagOfAr1: number };
  har: { r: number[]; origins: number[]; rollingWindow: number; forecasts: Record<string, number[]> };
  holm: { p: number[]; adjusted: number[] };
};

const white = (n: number, seed: number): number[] => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => normal(random));
};

describe('Newey–West and Diebold–Mariano at several lags', () => {
  test('Bartlett long-run variance by hand', () => {
    const d = [1, 2, 3, 4];
    // mean 2.5, deviations −1.5, −0.5, 0.5, 1.5: γ0 = 5/4, γ1 = (0.75 − 0.25 + 0.75)/4 = 5/16
    expect(autocovariances(d, 1)).toEqual([1.25, 0.3125]);
    expect(neweyWestVariance(d, 1)).toBe(1.25 + 2 * 0.5 * 0.3125);
    expect(() => neweyWestVariance(d, 4)).toThrow(/lags must be an integer in \[0, 3\]/);
  });

  test.each(fx.dm.rows.map((r) => [r.lags, r] as const))('lags %s equal numpy/scipy', (_, row) => {
    const r = dieboldMariano(fx.dm.e1, fx.dm.e2, { horizon: fx.dm.horizon, lags: row.lags });
    expect(r.statistic).toBeCloseTo(row.statistic, 10);
    expect(r.pValue).toBeCloseTo(row.pValue, 7);
  });

  test("the automatic bandwidth equals numpy's and persistence raises it", () => {
    const d = fx.dm.e1.map((e, t) => e * e - fx.dm.e2[t]! ** 2);
    expect(neweyWestBandwidth(d)).toBe(fx.dm.autoLagOfD);
    expect(neweyWestBandwidth(fx.dm.ar1)).toBe(fx.dm.autoLagOfAr1);
    expect(neweyWestBandwidth(white(500, 3))).toBeLessThan(fx.dm.autoLagOfAr1);
    const auto = dieboldMariano(fx.dm.e1, fx.dm.e2, { horizon: 5, lags: 'auto' });
    expect(auto.lags).toBe(Math.max(4, fx.dm.autoLagOfD));
    expect(auto.pValue).toBeCloseTo(fx.dm.rows[3]!.pValue, 7);
  });
});

describe('Holm', () => {
  test('hand-worked and numpy values', () => {
    holm([0.01, 0.04, 0.03, 0.005]).forEach((v, i) => expect(v).toBeCloseTo([0.03, 0.06, 0.06, 0.02][i]!, 15));
    holm(fx.holm.p).forEach((v, i) => expect(v).toBeCloseTo(fx.holm.adjusted[i]!, 15));
    expect(holm([0.5, NaN, 0.01])).toEqual([0.5, NaN, 0.02]);
    expect(() => holm([1.2])).toThrow(/\[0, 1\]/);
  });
});

describe('HAR re-fitted every day', () => {
  const { r, origins, rollingWindow } = fx.har;
  const rv5f = (u: number): number => Math.sqrt([1, 2, 3, 4, 5].reduce((s, j) => s + r[u + j]! ** 2, 0));

  test.each(['HAR expanding', 'HAR 200', 'LHAR expanding', 'LHAR 200'])('%s equals numpy lstsq at every origin', (name) => {
    const leverage = name.startsWith('LHAR');
    const window = name.endsWith('expanding') ? 'expanding' : rollingWindow;
    const ours = forecastHarRefit(r, rv5f, origins, { horizon: 5, window, leverage });
    ours.forEach((v, i) => expect(v).toBeCloseTo(fx.har.forecasts[name]![i]!, 9));
  });

  test('the first expanding forecast is the once-fitted model; later ones use new pairs only', () => {
    const s0 = origins[0]!;
    const pairs = Array.from({ length: s0 - 5 - 22 + 1 }, (_, i) => 22 + i);
    const once = forecastHar(fitHar(r, pairs, pairs.map(rv5f), true), r, [s0])[0]!;
    expect(forecastHarRefit(r, rv5f, [s0], { horizon: 5, window: 'expanding', leverage: true })[0]).toBe(once);
    // Changing returns after origin s may change forecasts from s + 1 on, never from s or before.
    const k = origins[50]!;
    const changed = r.map((v, t) => (t > k ? 3 * v + 1 : v));
    const rvChanged = (u: number): number => Math.sqrt([1, 2, 3, 4, 5].reduce((s, j) => s + changed[u + j]! ** 2, 0));
    for (const window of ['expanding', rollingWindow] as const) {
      const a = forecastHarRefit(r, rv5f, origins, { horizon: 5, window });
      const b = forecastHarRefit(changed, rvChanged, origins, { horizon: 5, window });
      expect(b.slice(0, 51)).toEqual(a.slice(0, 51));
      expect(b[51]).not.toBe(a[51]);
    }
  });

  test('refuses windows too short for the coefficients', () => {
    expect(() => forecastHarRefit(r, rv5f, [30], { horizon: 5, window: 'expanding', leverage: true })).toThrow(/only 4 known pairs for 7/);
  });
});

describe('comparison helpers', () => {
  const actual = [1, 2, 3, 4, 5, 6, 7, 8];
  test('scores and bias', () => {
    const s = scoreForecasts(actual, { up: actual.map((a) => a + 1), same: actual });
    expect(s[0]).toMatchObject({ model: 'up', rmse: 1, mae: 1, bias: 1, meanForecast: 5.5 });
    expect(s[1]!.rmse).toBe(0);
    expect(bias([1, 2], [2, 4])).toBe(1.5);
    expect(() => scoreForecasts(actual, { short: [1] })).toThrow(/'short' has 1 forecasts for 8 targets/);
  });

  test('a DM family is Holm-adjusted at each lag setting', () => {
    const e = white(300, 7);
    const y = e.map((v, t) => v + t * 0.001);
    const focus = y.map((v, t) => v - 0.1 * e[t]!); //                      errors 0.1 e: the best
    const others = { a: y.map((v, t) => v - 0.4 * e[t]!), b: y.map((v, t) => v - 0.7 * e[t]!), c: y.map(() => 0) };
    const fam = dieboldMarianoFamily(y, focus, others, { horizon: 1, lags: [0, 10, 'auto'] });
    for (let k = 0; k < 3; k++) {
      const raw = fam.map((f) => f.byLag[k]!.pValue);
      expect(fam.map((f) => f.byLag[k]!.holm)).toEqual(holm(raw));
    }
    expect(fam[0]!.byLag[1]!.pValue).toBe(dieboldMariano(y.map((v, t) => v - focus[t]!), y.map((v, t) => v - others.a[t]!), { lags: 10 }).pValue);
    expect(fam.every((f) => f.meanLossDifference < 0)).toBe(true);
  });

  test('the MCS of forecasts keys p-values by model', () => {
    const y = white(400, 8);
    const res = mcsOfForecasts(y, { perfect: y.map((v) => v + 0.01), bad: y.map(() => 0) }, { random: seededRandom(1), reps: 200 });
    expect(res.models).toEqual(['perfect', 'bad']);
    expect(res.pValueOf.perfect).toBe(1);
    expect(res.pValueOf.bad).toBeLessThan(0.01);
  });
});
