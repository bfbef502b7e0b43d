/**
 * The forecasting toolkit: ARIMA against statsmodels 0.13.5 (fixtures/statsmodels-arima.json,
 * written by scripts/make-arima-fixtures.py), the Diebold–Mariano test against hand-worked
 * values, GARCH recovering simulated parameters, HAR = OLS, windows and scalers, and the
 * causality of every walk-forward forecaster (changing the future changes no earlier forecast).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { normal, seededRandom } from '../autograd/random.js';
import { fitArima, forecastArima, pacfToAr, arToPacf, selectArima, type ArimaModel } from './arima.js';
import { dieboldMariano } from './diebold-mariano.js';
import { normalCdf, studentTTwoSided } from './distributions.js';
import { fitGarch, forecastGarchVolatility } from './garch.js';
import { fitHar, forecastHar } from './har.js';
import { minimize } from './optimize.js';
import { adf, chooseDifferencing, kpss } from './stationarity.js';
import { makeWindows, MinMaxScaler, StandardScaler, windowBatch } from './windows.js';

interface Fit {
  order: [number, number, number];
  trend: 'n' | 'c' | 't';
  params: Record<string, number>;
  llf: number;
  aic: number;
  oneStep: number[];
  fiveStepOrigins: number[];
  fiveStep: number[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/statsmodels-arima.json', import.meta.url), 'utf8')) as {
  cases: { name: string; series: number[]; nTrain: number; fits: Fit[]; adf: { statistic: number; lags: number; critical5: number }; kpss: { statistic: number; lags: number } }[];
};

function statsmodelsModel(f: Fit): ArimaModel {
  const [p, d, q] = f.order;
  const par = f.params;
  return {
    order: { p, d, q }, trend: f.trend === 'n' ? 'none' : 'mean', mean: par.const ?? par.x1 ?? 0,
    ar: Array.from({ length: p }, (_, i) => par[`ar.L${i + 1}`]!), ma: Array.from({ length: q }, (_, i) => par[`ma.L${i + 1}`]!),
    sigma2: par.sigma2!, logLikelihood: f.llf, aic: f.aic, nobs: 0, converged: true,
  };
}

const white = (n: number, seed: number): number[] => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => normal(random));
};

describe('ARIMA against statsmodels', () => {
  const cases = fixture.cases.flatMap((c) => c.fits.map((f) => [`${c.name} ARIMA(${f.order}) trend ${f.trend}`, c, f] as const));

  test.each(cases)('%s: parameters, log-likelihood, AIC and forecasts', (_, c, f) => {
    const [p, d, q] = f.order;
    const train = c.series.slice(0, c.nTrain);
    const m = fitArima(train, { p, d, q }, { trend: f.trend === 'n' ? 'none' : 'mean' });
    const ref = statsmodelsModel(f);
    // The optimum is flat: parameters agree to ~1e-3, the likelihood to ~1e-6 relative.
    expect(Math.abs(m.logLikelihood - f.llf)).toBeLessThan(1e-3);
    expect(Math.abs(m.aic - f.aic)).toBeLessThan(2e-3);
    [...m.ar, ...m.ma, m.mean, m.sigma2].forEach((v, i) => expect(Math.abs(v - [...ref.ar, ...ref.ma, ref.mean, ref.sigma2][i]!)).toBeLessThan(2e-3));
    const origins = f.oneStep.map((__, i) => c.nTrain - 1 + i);
    const ours = forecastArima(m, c.series, origins, 1);
    ours.forEach((v, i) => expect(Math.abs(v - f.oneStep[i]!)).toBeLessThan(3e-4));
    // With statsmodels' own parameters our filter reproduces its forecasts to rounding error.
    const exact = forecastArima(ref, c.series, origins, 1);
    exact.forEach((v, i) => expect(Math.abs(v - f.oneStep[i]!)).toBeLessThan(1e-7));
    const five = forecastArima(ref, c.series, f.fiveStepOrigins, 5);
    five.forEach((v, i) => expect(Math.abs(v - f.fiveStep[i]!)).toBeLessThan(1e-7));
  });

  test('AIC selection recovers the order of a simulated ARMA(2,1)', () => {
    const c = fixture.cases[1]!;
    const { best } = selectArima(c.series.slice(0, c.nTrain), 0, { maxP: 2, maxQ: 2, trends: ['mean'] });
    expect([best.order.p, best.order.q]).toEqual([2, 1]);
  });

  test('the PACF map is a bijection onto stationary ARs', () => {
    const phi = pacfToAr([0.5, -0.3, 0.2]);
    expect(arToPacf(phi)!.map((v) => Number(v.toFixed(12)))).toEqual([0.5, -0.3, 0.2]);
    expect(arToPacf([1.2])).toBeNull();
  });

  test('forecasts are causal: changing the future leaves earlier forecasts unchanged', () => {
    const y = fixture.cases[2]!.series;
    const m = fitArima(y.slice(0, 600), { p: 1, d: 1, q: 1 }, { trend: 'mean' });
    const changed = y.map((v, t) => (t >= 650 ? v * 3 + 1 : v));
    const origins = Array.from({ length: 50 }, (_, i) => 600 + i);
    expect(forecastArima(m, changed, origins, 5)).toEqual(forecastArima(m, y, origins, 5));
  });
});

describe('Diebold–Mariano', () => {
  test('Student t and normal tails', () => {
    expect(studentTTwoSided(2, 10)).toBeCloseTo(0.073388, 5); // scipy.stats.t.sf(2, 10) * 2
    expect(studentTTwoSided(0, 5)).toBeCloseTo(1, 12);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
  });

  test('h = 1 equals the plain t statistic of the loss differential, HLN-scaled', () => {
    const e1 = white(200, 1);
    const e2 = white(200, 2).map((v) => 1.2 * v);
    const d = e1.map((v, i) => v * v - e2[i]! ** 2);
    const n = d.length;
    const mean = d.reduce((s, v) => s + v, 0) / n;
    const v0 = d.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    const expected = (mean / Math.sqrt(v0 / n)) * Math.sqrt((n - 1) / n);
    const r = dieboldMariano(e1, e2);
    expect(r.statistic).toBeCloseTo(expected, 12);
    expect(r.pValue).toBeCloseTo(studentTTwoSided(expected, n - 1), 12);
    expect(dieboldMariano(e2, e1).statistic).toBeCloseTo(-expected, 12);
  });

  test('Newey–West lags widen the variance for overlapping errors', () => {
    const u = white(305, 3);
    const overlapping = u.slice(0, 300).map((_, t) => u.slice(t, t + 5).reduce((s, v) => s + v, 0) + 0.3);
    const other = white(300, 4).map((v) => 2.2 * v);
    const one = dieboldMariano(overlapping, other, { horizon: 1 });
    const five = dieboldMariano(overlapping, other, { horizon: 5 });
    expect(Math.abs(five.statistic)).toBeLessThan(Math.abs(one.statistic));
  });
});

describe('GARCH, HAR, stationarity', () => {
  test('GARCH(1,1) recovers simulated parameters', () => {
    const random = seededRandom(11);
    const [omega, alpha, beta] = [0.05, 0.1, 0.85];
    let v = omega / (1 - alpha - beta);
    const r: number[] = [];
    for (let t = 0; t < 4000; t++) {
      const e = Math.sqrt(v) * normal(random);
      r.push(e);
      v = omega + alpha * e * e + beta * v;
    }
    const m = fitGarch(r);
    expect(Math.abs(m.alpha - alpha)).toBeLessThan(0.03);
    expect(Math.abs(m.beta - beta)).toBeLessThan(0.05);
    const origins = [3000, 3500];
    const changed = r.map((x, t) => (t > 3500 ? 10 * x : x));
    expect(forecastGarchVolatility(m, changed, origins, 5)).toEqual(forecastGarchVolatility(m, r, origins, 5));
  });

  test('HAR (and LHAR) is OLS on daily, weekly and monthly terms', () => {
    const r = white(400, 5);
    const origins = Array.from({ length: 300 }, (_, i) => 30 + i);
    const target = origins.map((s) => 0.5 + 2 * Math.abs(r[s]!) - Math.sqrt((r[s]! ** 2 + r[s - 1]! ** 2 + r[s - 2]! ** 2 + r[s - 3]! ** 2 + r[s - 4]! ** 2) / 5));
    const m = fitHar(r, origins, target);
    expect(m.beta.map((b) => Number(b.toFixed(8)))).toEqual([0.5, 2, -1, 0]);
    const withDown = target.map((y, i) => y - 0.7 * Math.min(r[origins[i]!]!, 0));
    expect(fitHar(r, origins, withDown, true).beta.map((b) => Number(b.toFixed(8)) + 0)).toEqual([0.5, 2, -1, 0, -0.7, 0, 0]);
    expect(forecastHar(m, r, [350])[0]).toBeCloseTo(0.5 + 2 * Math.abs(r[350]!) - Math.sqrt([0, 1, 2, 3, 4].reduce((s, j) => s + r[350 - j]! ** 2, 0) / 5), 10);
  });

  test.each(fixture.cases.map((c) => [c.name, c] as const))('ADF and KPSS equal statsmodels on %s', (_, c) => {
    const train = c.series.slice(0, c.nTrain);
    const a = adf(train);
    const k = kpss(train);
    expect(a.lags).toBe(c.adf.lags);
    expect(a.statistic).toBeCloseTo(c.adf.statistic, 9);
    expect(a.critical5).toBeCloseTo(c.adf.critical5, 4); // MacKinnon's coefficients, rounded differently
    expect(k.lags).toBe(c.kpss.lags);
    expect(k.statistic).toBeCloseTo(c.kpss.statistic, 9);
  });

  test('ADF and KPSS: white noise is stationary, a random walk is not', () => {
    const e = white(1000, 6);
    let level = 0;
    const walk = e.map((v) => (level += v));
    expect(adf(e).rejectsAt5).toBe(true);
    expect(kpss(e).rejectsAt5).toBe(false);
    expect(adf(walk).rejectsAt5).toBe(false);
    expect(kpss(walk).rejectsAt5).toBe(true);
    expect(chooseDifferencing(e)).toBe(0);
    expect(chooseDifferencing(walk)).toBe(1);
  });

  test('BFGS minimises a quadratic', () => {
    const { x } = minimize(([a, b]) => (a! - 1) ** 2 + 10 * (b! + 2) ** 2 + a! * b!, [0, 0]);
    // ∇ = 0: 2(a − 1) + b = 0, 20(b + 2) + a = 0  →  a = 80/39, b = −82/39
    expect(x[0]).toBeCloseTo(80 / 39, 5);
    expect(x[1]).toBeCloseTo(-82 / 39, 5);
  });
});

describe('windows and scalers', () => {
  test('windows hold the past in x and the future in y', () => {
    const f = [[0], [1], [2], [3], [4], [5]];
    const w = makeWindows(f, [10, 11, 12, 13, 14, 15], { lookback: 3, horizon: 2, stride: 2 });
    expect(w.origins).toEqual([2]);
    expect([...w.x]).toEqual([0, 1, 2]);
    expect([...w.y]).toEqual([13, 14]);
    const all = makeWindows(f, [10, 11, 12, 13, 14, 15], { lookback: 2 });
    expect(all.origins).toEqual([1, 2, 3, 4]);
    const batch = windowBatch(all, [3, 0]);
    expect(batch.x.shape).toEqual([2, 2, 1]);
    expect([...batch.y.dataSync()]).toEqual([15, 12]);
  });

  test('scalers use the statistics of the rows they were fitted on', () => {
    const s = StandardScaler.fit([[1, 10], [3, 10]]);
    expect(s.transform([[5, 10]])).toEqual([[3, 0]]);
    expect(s.inverse(s.transform([[7, 2]]))).toEqual([[7, 2]]);
    expect(MinMaxScaler.fit([[0], [4]]).transform([[8]])).toEqual([[2]]);
  });
});
