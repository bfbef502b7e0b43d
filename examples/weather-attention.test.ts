/**
 * The weather study sees no future. We change every numeric column (precipitation, temp_max,
 * temp_min, wind) from one row on, rerun the whole pipeline (scalers, the OLS fits, climatology,
 * LSTM and Transformer training, walk-forward forecasts, attention maps) and require every
 * forecast of a target at or before that row — made at the end of the day before — to be
 * bit-for-bit the same, for every model and seed. The first changed row is the first test target
 * (2015-01-01, row 1096: any use of the test year in fitting or scaling would show), then one
 * 180 days into 2015 (the walk-forward must not peek at the day it forecasts). The design
 * selection never sees 2015 at all. The classical rows reproduce the protocol's figures.
 * Settings: the smoke preset (1 seed, 1 epoch, tiny models); the code path is the study's.
 */
import { describe, expect, test } from 'vitest';
import type { SeattleWeather } from '../src/data/seattle-weather.js';
import { loadSeattleWeather } from '../src/data/seattle-weather-file.js';
import { rmse } from '../src/forecast/evaluation.js';
import { PRESETS, runWeather, selectDesigns, TEST_START, type WeatherRun } from './weather-attention.js';

const perturb = (w: SeattleWeather, k: number): SeattleWeather => {
  const f = (col: readonly number[], scale: number) => col.map((v, t) => (t >= k ? v + scale * Math.sin(t) + 0.5 : v));
  return { ...w, precipitation: f(w.precipitation, 3).map(Math.abs), tempMax: f(w.tempMax, 4), tempMin: f(w.tempMin, 4), wind: f(w.wind, 1).map(Math.abs) };
};

const allForecasts = (r: WeatherRun): Record<string, readonly number[]> => ({
  ...r.classical,
  ...Object.fromEntries(r.lstm.seeds.map((f, k) => [`LSTM seed ${k}`, f])),
  ...Object.fromEntries(r.attention.seeds.map((f, k) => [`attention seed ${k}`, f])),
});

const data = loadSeattleWeather();
const base = await runWeather(data, PRESETS.smoke);

describe('weather-attention', () => {

  test('365 test days of 2015, forecast from the day before; the classical rows match the protocol', () => {
    expect(base.origins.length).toBe(365);
    expect(base.origins[0]).toBe(TEST_START - 1);
    expect([base.targetDates[0], base.targetDates[364]]).toEqual(['2015-01-01', '2015-12-31']);
    // Figures of the reference protocol (numpy lstsq; scripts/crosscheck-weather-attention.py recomputes them).
    const expected: Record<string, number> = {
      persistence: 2.907, 'climatology (day-of-year mean)': 4.399, 'climatology (±7-day smoothed)': 3.946, 'linear AR(7)': 2.745, 'linear AR(7) + season': 2.704,
    };
    for (const [m, v] of Object.entries(expected)) expect(rmse(base.actual, base.classical[m]!), m).toBeCloseTo(v, 3);
  });

  test.each([
    ['the first test target (2015-01-01)', TEST_START, 1],
    ['180 days into 2015', TEST_START + 180, 181],
  ])('changing every column from %s changes no forecast of an earlier or equal target', async (_, k, unchanged) => {
    const b = await runWeather(perturb(data, k), PRESETS.smoke);
    // The forecast from origin s uses rows ≤ s; with rows ≥ k changed, origins s < k must not move.
    const before = base.origins.map((s, i) => [s, i] as const).filter(([s]) => s < k).map(([, i]) => i);
    const after = base.origins.map((s, i) => [s, i] as const).filter(([s]) => s >= k).map(([, i]) => i);
    expect(before.length).toBe(unchanged);
    const fa = allForecasts(base);
    const fb = allForecasts(b);
    expect(Object.keys(fb)).toEqual(Object.keys(fa));
    for (const model of Object.keys(fa)) {
      expect(before.map((i) => fb[model]![i]), model).toEqual(before.map((i) => fa[model]![i]));
      // Climatology reads the training years only, so it cannot react; everything else must.
      if (!model.startsWith('climatology')) expect(after.some((i) => fb[model]![i] !== fa[model]![i]), `${model} should react to the change`).toBe(true);
    }
    const firstRows = (r: WeatherRun) => r.attentionMaps[0]![0]!.map((head) => head.slice(0, before.length)); // seed 0, layer 1, every head
    expect(firstRows(b)).toEqual(firstRows(base));
    expect(b.actual[before.length]).not.toBe(base.actual[before.length]); // the target at row k itself did change
  });

  test('the design selection never sees 2015', async () => {
    const candidates = [{ name: 'tiny attention', design: { ...PRESETS.smoke.attention } }];
    const a = await selectDesigns(data, candidates, [0]);
    const b = await selectDesigns(perturb(data, TEST_START), candidates, [0]);
    expect(b).toEqual(a);
    expect(a.linear['linear AR(7) + season']).toBeCloseTo(2.754, 3); // fitted on 2012-2013, scored on 2014
    expect(a.rows[0]!.curve.length).toBe(1);
  });
});
