/**
 * The volatility-targeting backtest has no look-ahead, end to end: we change the S&P 500 closes
 * from one row on, rerun the study (smoke preset) and the backtest, and require every position
 * decided at an earlier close — and every daily return earned before the change — to be
 * bit-for-bit the same, for every strategy. The first changed row is the split boundary itself,
 * then a row 200 days into the test. Also: buy-and-hold is the index less one entry cost, and the
 * backtest reads the study's forecasts from result.json exactly as from memory.
 */
import { describe, expect, test } from 'vitest';
import { loadSp500, PRESETS, runStudy, volatilityForecastsJson, type Sp500 } from './lstm-vs-arima.js';
import { annualiseRv5, BACKTEST_DEFAULTS, backtestStrategies, periodMetrics, type Backtest } from './vol-target-backtest.js';

const o = { ...BACKTEST_DEFAULTS, bootstrapReps: 50 };
const forecastsOf = async (data: Sp500) => volatilityForecastsJson(data, (await runStudy(data, PRESETS.smoke)).volatility);
const backtest = async (data: Sp500): Promise<Backtest> => backtestStrategies(data, await forecastsOf(data), o);
const data = loadSp500();
const nTr = Math.floor(0.8 * data.close.length);
const f = await forecastsOf(data);
const base = backtestStrategies(data, f, o);

describe('vol-target-backtest', () => {

  test.each([
    ['the split boundary', nTr],
    ['200 rows into the test', nTr + 200],
  ])('perturbing future prices from %s leaves past positions unchanged', async (_, k) => {
    const perturbed = { dates: data.dates, close: data.close.map((c, t) => (t >= k ? c * (1 + 0.2 * Math.sin(t)) : c)) };
    const b = await backtest(perturbed);
    const decided = base.origins.filter((s) => s < k).length; //        positions set at closes s < k
    const earned = base.origins.filter((s) => s + 1 < k).length; //     returns of days before k
    expect(decided).toBe(k - nTr + 1);
    expect(b.strategies.map((s) => s.name)).toEqual(base.strategies.map((s) => s.name));
    base.strategies.forEach((s, j) => {
      const t = b.strategies[j]!;
      expect(t.weights.slice(0, decided), s.name).toEqual(s.weights.slice(0, decided));
      expect(t.run.returns.slice(0, earned), s.name).toEqual(s.run.returns.slice(0, earned));
      if (s.name !== 'buy and hold') expect(t.weights.slice(decided).some((w, i) => w !== s.weights[decided + i]), `${s.name} reacts`).toBe(true);
    });
  });

  test('buy-and-hold is the index less one entry cost; exposures follow the rule', () => {
    const bh = base.strategies[0]!;
    const first = base.origins[0]!;
    const last = base.origins[base.origins.length - 1]! + 1;
    const growth = bh.run.returns.reduce((g, r) => g * (1 + r), 1);
    expect(growth).toBeCloseTo((data.close[last]! / data.close[first]!) * (1 - o.costBps / 1e4), 10);
    const har = base.strategies.find((s) => s.name === 'HAR, fitted once')!;
    har.weights.forEach((w, i) => expect(w).toBe(Math.min(o.maxLeverage, o.targetVol / annualiseRv5(f.models['HAR, fitted once']![i]!))));
  });

  test('forecasts read back from JSON give the same backtest and metrics', () => {
    const again = backtestStrategies(data, JSON.parse(JSON.stringify({ forecasts: f })).forecasts, o);
    expect(again.strategies.map((s) => s.run.returns)).toEqual(base.strategies.map((s) => s.run.returns));
    const m = periodMetrics(base, 'whole', base.days.length, o);
    expect(m.strategies[0]!.sharpeMinusBuyHold).toBe(0);
    expect(m.strategies.every((s) => s.maxDrawdown >= 0 && s.maxDrawdown < 1 && s.sharpeBootstrap.low < s.sharpeBootstrap.high)).toBe(true);
    expect(() => backtestStrategies({ ...data, dates: data.dates.map((d, i) => (i === f.origins[3] ? 'x' : d)) }, f, o)).toThrow(/dated .* in the forecasts but x/);
  });
});
