/**
 * weather-report — the weather study's numbers and pictures: every model's RMSE, MAE and bias on
 * 2015, Diebold–Mariano tests against the linear AR(7) + season at several Newey–West lags with
 * Holm's correction, the Model Confidence Set, the neural models' spread over seeds, and the
 * attention of the forecast's query averaged by season. Numbers in (weatherReport), markdown,
 * JSON and SVG out (writeWeatherOutputs).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dieboldMarianoFamily, mcsOfForecasts, scoreForecasts, type DmComparison, type ForecastScore } from '../../src/forecast/comparison.js';
import { dieboldMariano } from '../../src/forecast/diebold-mariano.js';
import { errors, meanSd } from '../../src/forecast/evaluation.js';
import { seededRandom } from '../../src/index.js';
import type { NeuralResult, WeatherRun } from '../weather-attention.js';
import { heatmap } from './heatmap.js';
import { lineChart } from '../../src/utils/index.js';

/** Newey–West lags of the DM tests: 0 (one-step errors), a week, and the automatic bandwidth. */
export const DM_LAGS: readonly (number | 'auto')[] = [0, 7, 'auto'];
export const SEASONS = ['winter (DJF)', 'spring (MAM)', 'summer (JJA)', 'autumn (SON)'] as const;

export interface SeedSpread {
  readonly model: string;
  readonly rmse: { mean: number; sd: number };
  readonly mae: { mean: number; sd: number };
  readonly bias: { mean: number; sd: number };
  readonly perSeedRmse: number[];
  /** Range over seeds of the DM p-value against the reference, per lag of DM_LAGS. */
  readonly dmRange: [number, number][];
}

export interface WeatherReport {
  readonly reference: string;
  readonly count: number;
  readonly scores: (ForecastScore & { ratioToPersistence: number; mcsPValue: number })[];
  /** Each model against the reference; meanLossDifference = reference MSE − model MSE. */
  readonly dm: DmComparison[];
  readonly seeds: SeedSpread[];
  readonly mcs: { readonly included: string[]; readonly alpha: number; readonly reps: number; readonly block: number };
  /** [layer][season or 'all'][key day]: attention of the last day's query, averaged over days, heads and seeds. */
  readonly attentionBySeason: { readonly rows: string[]; readonly maps: number[][][] };
  /** The first seed's heads over the whole year: [layer][head][key day]. */
  readonly firstSeedHeads: number[][][];
  readonly attentionByContent: HeadContent[];
}

const seasonOf = (date: string): number => [0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 0][Number(date.slice(5, 7)) - 1]!;

/** All forecasts of a run under their table names: the classical ones, then each neural seed mean. */
export function forecastsOf(run: WeatherRun): Record<string, number[]> {
  return { ...run.classical, 'LSTM (mean of seeds)': run.lstm.mean, 'attention (mean of seeds)': run.attention.mean };
}

function seedSpread(model: string, r: NeuralResult, actual: readonly number[], reference: readonly number[]): SeedSpread {
  const scores = scoreForecasts(actual, Object.fromEntries(r.seeds.map((f, k) => [String(k), f])));
  const eRef = errors(actual, reference);
  const dmRange = DM_LAGS.map((lags): [number, number] => {
    const ps = r.seeds.map((f) => dieboldMariano(errors(actual, f), eRef, { horizon: 1, lags }).pValue);
    return [Math.min(...ps), Math.max(...ps)];
  });
  return {
    model, rmse: meanSd(scores.map((s) => s.rmse)), mae: meanSd(scores.map((s) => s.mae)), bias: meanSd(scores.map((s) => s.bias)),
    perSeedRmse: scores.map((s) => s.rmse), dmRange,
  };
}

type Maps = readonly (readonly (readonly (readonly (readonly number[])[])[])[])[]; // [seed][layer][head][origin][key]

/** Mean of the selected rows (origin i kept when keep(i)) over the given seeds and heads of one layer. */
function meanRow(maps: Maps, layer: number, seeds: readonly number[], heads: readonly number[] | null, keep: (i: number) => boolean): number[] {
  const L = maps[0]![0]![0]![0]!.length;
  const acc = new Array<number>(L).fill(0);
  let count = 0;
  for (const k of seeds) {
    const hs = heads ?? maps[k]![layer]!.map((_, h) => h);
    for (const h of hs) {
      maps[k]![layer]![h]!.forEach((row, i) => {
        if (!keep(i)) return;
        row.forEach((v, j) => { acc[j]! += v; });
        count++;
      });
    }
  }
  return acc.map((v) => v / count);
}

/** Attention rows averaged over seeds, heads and the days of each season of the target (and the whole year), per layer. */
export function attentionBySeason(maps: Maps, targetDates: readonly string[]): { rows: string[]; maps: number[][][] } {
  const rows = [...SEASONS, 'all of 2015'];
  if (maps.length === 0) return { rows, maps: [] };
  const seeds = maps.map((_, k) => k);
  return { rows, maps: maps[0]!.map((_, layer) => rows.map((_, g) => meanRow(maps, layer, seeds, null, (i) => g === 4 || seasonOf(targetDates[i]!) === g))) };
}

export interface HeadContent {
  readonly seed: number;
  readonly layer: number;
  readonly head: number;
  /** Mean weight × L on key days with and without rain (1 = uniform attention). */
  readonly wet: number;
  readonly dry: number;
  /** Mean over days of the largest weight in the row (uniform: 1 / L). */
  readonly meanMax: number;
}

/** What each head attends to by content: rainy against dry key days, and how peaked its rows are. */
export function attentionByContent(maps: Maps, precipitation: readonly (readonly number[])[]): HeadContent[] {
  return maps.flatMap((seed, k) => seed.flatMap((layer, l) => layer.map((head, h) => {
    const L = head[0]!.length;
    let [wet, nWet, dry, nDry, max] = [0, 0, 0, 0, 0];
    head.forEach((row, i) => {
      row.forEach((v, j) => {
        if (precipitation[i]![j]! > 0) [wet, nWet] = [wet + v, nWet + 1];
        else [dry, nDry] = [dry + v, nDry + 1];
      });
      max += Math.max(...row);
    });
    return { seed: k, layer: l, head: h, wet: (L * wet) / nWet, dry: (L * dry) / nDry, meanMax: max / head.length };
  })));
}

export function weatherReport(run: WeatherRun, reference: string, mcs = { reps: 1000, block: 10, alpha: 0.1, seed: 2011 }): WeatherReport {
  const forecasts = forecastsOf(run);
  const ref = forecasts[reference];
  if (!ref) throw new RangeError(`weatherReport: no model named '${reference}' among ${Object.keys(forecasts).join(', ')}`);
  const actual = run.actual;
  const set = mcsOfForecasts(actual, forecasts, { random: seededRandom(mcs.seed), reps: mcs.reps, block: mcs.block, alpha: mcs.alpha });
  const persistence = forecasts.persistence!;
  const pRmse = Math.sqrt(errors(actual, persistence).reduce((a, e) => a + e * e, 0) / actual.length);
  const scores = scoreForecasts(actual, forecasts).map((s) => ({ ...s, ratioToPersistence: s.rmse / pRmse, mcsPValue: set.pValueOf[s.model]! }));
  const others = Object.fromEntries(Object.entries(forecasts).filter(([m]) => m !== reference));
  return {
    reference, count: actual.length, scores,
    dm: dieboldMarianoFamily(actual, ref, others, { horizon: 1, lags: DM_LAGS }),
    seeds: [seedSpread('LSTM', run.lstm, actual, ref), seedSpread('attention', run.attention, actual, ref)],
    mcs: { included: set.included.map((i) => set.models[i]!), alpha: mcs.alpha, reps: mcs.reps, block: mcs.block },
    attentionBySeason: attentionBySeason(run.attentionMaps, run.targetDates),
    firstSeedHeads: run.attentionMaps.length === 0 ? [] : run.attentionMaps[0]!.map((layer, l) => layer.map((_, h) => meanRow(run.attentionMaps, l, [0], [h], () => true))),
    attentionByContent: attentionByContent(run.attentionMaps, run.windowPrecipitation),
  };
}

// ── markdown ──

const p3 = (p: number): string => (Number.isNaN(p) ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3));
const signed = (v: number, digits = 3): string => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;
const pm = (s: { mean: number; sd: number }, digits = 3, sign = false): string => `${sign ? signed(s.mean, digits) : s.mean.toFixed(digits)} ± ${s.sd.toFixed(digits)}`;
const lagName = (l: number | 'auto'): string => (l === 'auto' ? 'auto L' : `L = ${l}`);

export function markdownWeather(r: WeatherReport, run: WeatherRun): string {
  const lagHead = DM_LAGS.map((l) => `DM p ${lagName(l)} (Holm)`);
  const dmOf = (model: string): string[] => {
    const d = r.dm.find((x) => x.model === model);
    return d ? d.byLag.map((b) => `${p3(b.pValue)} (${p3(b.holm)})${b.lags === 'auto' ? ` L=${b.usedLags}` : ''}`) : DM_LAGS.map(() => '–');
  };
  const row = (s: WeatherReport['scores'][number]): string => {
    const d = r.dm.find((x) => x.model === s.model);
    const dMse = d ? signed(-d.meanLossDifference) : '–';
    return `| ${s.model} | ${s.rmse.toFixed(3)} | ${s.mae.toFixed(3)} | ${signed(s.bias)} | ${s.ratioToPersistence.toFixed(3)} | ${dMse} | ${dmOf(s.model).join(' | ')} | ${p3(s.mcsPValue)}${s.mcsPValue >= r.mcs.alpha ? ' ✓' : ''} |`;
  };
  const lines = [
    `### Next-day temp_max, Seattle, ${run.targetDates[0]} … ${run.targetDates[run.targetDates.length - 1]} (${r.count} days), °C`, '',
    `| model | RMSE | MAE | bias | ratio to persistence | MSE − reference's | ${lagHead.join(' | ')} | MCS p |`,
    `|---|---|---|---|---|---|${DM_LAGS.map(() => '---|').join('')}---|`,
  ];
  const neuralName = { LSTM: 'LSTM (mean of seeds)', attention: 'attention (mean of seeds)' } as const;
  for (const s of r.scores) {
    const spread = r.seeds.find((x) => neuralName[x.model as 'LSTM' | 'attention'] === s.model);
    if (spread) {
      const n = spread.perSeedRmse.length;
      lines.push(`| ${spread.model}, ${n} seed${n > 1 ? 's' : ''} (mean ± sd; p ranges) | ${pm(spread.rmse)} | ${pm(spread.mae)} | ${pm(spread.bias, 3, true)} | ${(s.ratioToPersistence * spread.rmse.mean / s.rmse).toFixed(3)} | | ${spread.dmRange.map(([a, b]) => (a === b ? p3(a) : `${p3(a)}–${p3(b)}`)).join(' | ')} | |`);
    }
    lines.push(row(s));
  }
  lines.push('', `Reference: ${r.reference}. DM = Diebold–Mariano (HLN-corrected, squared error) of each model against it at Newey–West lag L; Holm over the ${r.dm.length} comparisons. MSE − reference's < 0: the model is better. ` +
    `${Math.round(100 * (1 - r.mcs.alpha))} % Model Confidence Set (range statistic, ${r.mcs.reps} stationary-bootstrap resamples, mean block ${r.mcs.block} days): ${r.mcs.included.join('; ')}.`);
  for (const s of r.seeds) lines.push(`- ${s.model} per seed RMSE: ${s.perSeedRmse.map((v) => v.toFixed(3)).join(', ')}`);
  const content = r.attentionByContent;
  if (content.length > 0) {
    const heads = Math.max(...content.map((c) => c.head)) + 1;
    const L = run.attention.design.lookback;
    lines.push('', `Attention of day t's query by the weather of the key day: mean weight × ${L} on days with rain / without (1 = uniform), and the mean largest weight of a row (uniform: ${(1 / L).toFixed(3)}).`, '',
      `| seed, layer | ${Array.from({ length: heads }, (_, h) => `head ${h + 1}: wet / dry, max`).join(' | ')} |`, `|---|${'---|'.repeat(heads)}`);
    const keys = [...new Set(content.map((c) => `${c.seed},${c.layer}`))];
    for (const key of keys) {
      const cs = content.filter((c) => `${c.seed},${c.layer}` === key);
      lines.push(`| ${cs[0]!.seed}, ${cs[0]!.layer + 1} | ${cs.map((c) => `${c.wet.toFixed(2)} / ${c.dry.toFixed(2)}, ${c.meanMax.toFixed(3)}`).join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

// ── files ──

function forecastChart(run: WeatherRun, reference: string): string {
  const xs = run.targetDates.map((_, i) => i + 1);
  const series = [
    { name: 'actual', x: xs, y: run.actual },
    { name: reference.replace('linear ', ''), x: xs, y: run.classical[reference]! },
    { name: 'LSTM, mean', x: xs, y: run.lstm.mean },
    { name: 'attention, mean', x: xs, y: run.attention.mean },
  ];
  const spring = run.targetDates.map((d, i) => [d, i] as const).filter(([d]) => d >= '2015-03-01' && d <= '2015-04-30').map(([, i]) => i);
  const zoom = series.map((s) => ({ name: s.name, x: spring.map((i) => i + 1), y: spring.map((i) => s.y[i]!) }));
  const top = lineChart({ title: 'Seattle maximum temperature in 2015, forecast the day before (LSTM, attention: mean of the seeds)', xLabel: 'day of 2015', yLabel: '°C', width: 1200, height: 420, series });
  const bottom = lineChart({ title: 'the same, 1 March … 30 April 2015', xLabel: 'day of 2015', yLabel: '°C', width: 1200, height: 360, series: zoom });
  const inner = (svg: string, y: number, h: number): string => svg.replace(/^<svg[^>]*>/, `<svg x="0" y="${y}" width="1200" height="${h}">`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="780" font-family="sans-serif" font-size="12">\n${inner(top, 0, 420)}\n${inner(bottom, 420, 360)}\n</svg>`;
}

function attentionChart(r: WeatherReport, lookback: number): string {
  const { rows, maps } = r.attentionBySeason;
  const columns = Array.from({ length: lookback }, (_, j) => (j === lookback - 1 ? 't' : `t−${lookback - 1 - j}`));
  const layered = maps.length > 1;
  const layer = (l: number): string => (layered ? `layer ${l + 1} · ` : '');
  return heatmap({
    title: `Attention of day t's query (the vector the forecast reads) over the past ${lookback} days, 2015`,
    rows: [
      ...maps.flatMap((_, l) => rows.map((s) => `${layer(l)}${s}, all heads and seeds`)),
      ...r.firstSeedHeads.flatMap((heads, l) => heads.map((_, h) => `${layer(l)}seed 0, head ${h + 1}, all of 2015`)),
    ],
    columns, values: [...maps.flat(), ...r.firstSeedHeads.flat()], cellWidth: 40, from: 'min', decimals: 3,
    xLabel: 'key day (t = the last observed day; the target is t + 1); rows are means over the test days',
  });
}

/** Writes result.json, results.md and the two SVGs; returns the markdown. */
export function writeWeatherOutputs(dir: string, run: WeatherRun, r: WeatherReport, meta: { preset: string; seconds: number; seeds: readonly number[] }): string {
  const text = markdownWeather(r, run);
  writeFileSync(join(dir, 'results.md'), `${text}\n`);
  writeFileSync(join(dir, 'forecast-2015.svg'), forecastChart(run, r.reference));
  if (r.attentionBySeason.maps.length > 0) writeFileSync(join(dir, 'attention-by-season.svg'), attentionChart(r, run.attention.design.lookback));
  const json = {
    example: 'weather-attention', preset: meta.preset, seconds: Math.round(meta.seconds), seeds: meta.seeds,
    designs: { lstm: run.lstm.design, attention: run.attention.design }, fitWindows: { lstm: run.lstm.fitWindows, attention: run.attention.fitWindows },
    trainingSeconds: { lstm: run.lstm.seconds, attention: run.attention.seconds },
    models: Object.fromEntries(r.scores.map((s) => [s.model, { rmse: s.rmse, mae: s.mae, bias: s.bias, ratioToPersistence: s.ratioToPersistence, mcsPValue: s.mcsPValue }])),
    report: r,
    forecasts: { targetDates: run.targetDates, actual: run.actual, models: forecastsOf(run), lstmSeeds: run.lstm.seeds, attentionSeeds: run.attention.seeds },
  };
  writeFileSync(join(dir, 'result.json'), JSON.stringify(json, null, 1));
  return text;
}
