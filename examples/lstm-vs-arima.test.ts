/**
 * The LSTM-vs-ARIMA study leaks nothing from the future: we change the S&P 500 closes from one
 * row on, rerun the whole pipeline (d, orders and trend by ADF/KPSS/AIC, HAR and GARCH fits, the
 * daily re-fitted HAR/LHAR, scalers, LSTM training with early stopping, walk-forward forecasts),
 * and require every forecast made from an earlier origin to be bit-for-bit the same. The first
 * changed row is the split boundary itself (row n_tr, the first test row: any use of it by a
 * fitted model or by the first forecast would show), then a row 400 days into the test (the
 * walk-forward must not peek at the next day either). The settings are the smoke preset (1 seed,
 * 1 epoch, ARIMA orders ≤ 1, every 25th training window) so the test is fast; the code path is
 * the study's.
 */
import { describe, expect, test } from 'vitest';
import { loadSp500, PRESETS, runStudy } from './lstm-vs-arima.js';

const data = loadSp500();
const n = data.close.length;
const nTr = Math.floor(0.8 * n);
const base = await runStudy(data, PRESETS.smoke);

describe('lstm-vs-arima', () => {

  test.each([
    ['the split boundary', nTr, 1],
    ['400 rows into the test', nTr + 400, 300],
  ])('perturbing the closes from %s changes no forecast made before it', async (_, k, minBefore) => {
    const perturbed = { dates: data.dates, close: data.close.map((c, t) => (t >= k ? c * (1 + 0.2 * Math.sin(t)) : c)) };
    const b = await runStudy(perturbed, PRESETS.smoke);
    for (const target of ['returns', 'volatility'] as const) {
      const ta = base[target];
      const tb = b[target];
      // Origin s forecasts from rows ≤ s; with rows ≥ k changed, origins s < k must not move.
      const before = ta.origins.map((s, i) => [s, i] as const).filter(([s]) => s < k).map(([, i]) => i);
      const after = ta.origins.map((s, i) => [s, i] as const).filter(([s]) => s >= k).map(([, i]) => i);
      expect(before.length).toBeGreaterThanOrEqual(minBefore);
      if (k === nTr) expect(ta.origins[0]).toBe(nTr - 1); // the first test origin is the last training row
      expect(Object.keys(tb.forecasts)).toEqual(Object.keys(ta.forecasts));
      expect(tb.lstmSeeds[0]!.slice(0, before.length)).toEqual(ta.lstmSeeds[0]!.slice(0, before.length));
      for (const model of Object.keys(ta.forecasts)) {
        const fa = ta.forecasts[model]!;
        const fb = tb.forecasts[model]!;
        expect(before.map((i) => fb[i]), `${target} ${model}`).toEqual(before.map((i) => fa[i]));
        if (!model.startsWith('naive (0)') && !model.includes('mean')) {
          expect(after.some((i) => fb[i] !== fa[i]), `${target} ${model} should react to the change`).toBe(true);
        }
      }
    }
  });

  test('the volatility table has HAR and LHAR fitted once, expanding and rolling', () => {
    const names = Object.keys(base.volatility.forecasts);
    for (const m of ['HAR', 'LHAR']) for (const w of ['fitted once', 'expanding', 'rolling 1000']) expect(names).toContain(`${m}, ${w}`);
    expect(base.volatility.references.har).toBe('HAR, fitted once');
  });
});
