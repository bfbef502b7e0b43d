/**
 * The LSTM-vs-ARIMA study leaks nothing from the future: we change the S&P 500 closes from one
 * test row on, rerun the whole pipeline (d, orders and trend by ADF/KPSS/AIC, HAR and GARCH fits,
 * scalers, LSTM training with early stopping, walk-forward forecasts), and require every forecast
 * made from an earlier origin to be bit-for-bit the same. The settings are tiny (1 seed, 1 epoch,
 * ARIMA orders ≤ 1, every 25th training window) so the test is fast; the code path is the study's.
 */
import { describe, expect, test } from 'vitest';
import { loadSp500, runStudy, type StudyOptions } from './lstm-vs-arima.js';

const tiny: Partial<StudyOptions> = { seeds: [0], epochs: 1, hidden: 4, lookback: 10, maxOrder: 1, trainStride: 25 };

describe('lstm-vs-arima', () => {
  test('perturbing the test period changes no forecast made before it', () => {
    const data = loadSp500();
    const n = data.close.length;
    const k = Math.floor(0.8 * n) + 400; //                                  first perturbed row
    const perturbed = { dates: data.dates, close: data.close.map((c, t) => (t >= k ? c * (1 + 0.2 * Math.sin(t)) : c)) };
    const a = runStudy(data, tiny);
    const b = runStudy(perturbed, tiny);
    for (const target of ['returns', 'volatility'] as const) {
      const ta = a[target];
      const tb = b[target];
      const before = ta.origins.map((s, i) => [s, i] as const).filter(([s]) => s < k).map(([, i]) => i);
      const after = ta.origins.map((s, i) => [s, i] as const).filter(([s]) => s >= k).map(([, i]) => i);
      expect(before.length).toBeGreaterThan(300);
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
});
