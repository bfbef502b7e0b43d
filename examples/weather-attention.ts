/**
 * Weather with attention: tomorrow's maximum temperature in Seattle from the past days, by
 * persistence, climatology, a linear AR(7) with the season, an LSTM and a small Transformer
 * encoder — all on the same 365 days of 2015, with Diebold–Mariano tests against the linear model.
 *
 *   npx tsx examples/weather-attention.ts                  # --preset full: 5 seeds per neural model
 *   npx tsx examples/weather-attention.ts --preset quick   # 1 seed each
 *   npx tsx examples/weather-attention.ts --preset smoke   # tiny models, 1 epoch: seconds
 *   npx tsx examples/weather-attention.ts --select         # the design choice, on 2014 only
 *
 * Data (vega-datasets seattle-weather.csv, rows t = 0 … 1460 = 2012-01-01 … 2015-12-31): target
 * temp_max[t + 1] forecast at the end of day t from rows ≤ t. Fitting targets 2012-01-08 … 2014-12-31
 * (rows 7 … 1095; a neural window of L days starts at row L), test targets all of 2015 (rows
 * 1096 … 1460). Neural inputs per day: log(1 + precipitation), temp_max, temp_min, wind and the
 * sin/cos of dayOfYear(t) + 1, tomorrow's day of the year (the calendar is known in advance; at the
 * turn of a year it is off by under a day), standardised with the fitting rows' statistics. The design (window, width, layers, epochs, …) was chosen by `--select`:
 * fit on 2012-2013, score on 2014, with the 2015 rows removed from the data it receives.
 * Writes runs/weather-attention/{result.json, results.md, forecast-2015.svg, attention-by-season.svg}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Linear, Module, getBackend, noGrad, optim, seededRandom, setBackend, type Tensor } from '../src/node.js';
import { dayOfYear, type SeattleWeather } from '../src/data/seattle-weather.js';
import { loadSeattleWeather } from '../src/data/seattle-weather-file.js';
import { dayOfYearMeans, seasonalHarmonics, smoothCircular } from '../src/forecast/climatology.js';
import { meanSd } from '../src/forecast/evaluation.js';
import { ols } from '../src/forecast/ols.js';
import { makeWindows, StandardScaler, windowBatch, type Windows } from '../src/forecast/windows.js';
import { mseLoss } from '../src/layers/losses.js';
import { Lstm } from '../src/layers/lstm.js';
import { TransformerForecaster } from '../src/models/transformer-forecaster.js';
import { weatherReport, writeWeatherOutputs } from './lib/weather-report.js';
import { booleanFlag, choiceFlag, optionalIntFlag, parseCli, stringFlag } from './lib/cli.js';

/** Rows of the split: targets ≥ TEST_START are 2015; 2014 starts at VALID_START. */
export const TEST_START = 1096;
export const VALID_START = 731;
/** The first fitting target of the classical models (all 7 lags exist). */
export const FIRST_TARGET = 7;

export interface NeuralDesign {
  readonly kind: 'attention' | 'lstm';
  /** Days per window. */
  readonly lookback: number;
  /** Token width (attention) or hidden size (LSTM). */
  readonly width: number;
  /** Heads, encoder layers and dropout of the attention model (the LSTM has one layer, no dropout). */
  readonly heads: number;
  readonly layers: number;
  readonly dropout: number;
  /** Days in the attention model's linear shortcut (0: none). */
  readonly skipDays: number;
  /** 'level': predict temp_max[t + 1]; 'change': predict temp_max[t + 1] − temp_max[t]. */
  readonly target: 'level' | 'change';
  readonly epochs: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly batchSize: number;
}

export interface WeatherOptions {
  readonly seeds: readonly number[];
  readonly attention: NeuralDesign;
  readonly lstm: NeuralDesign;
  readonly log: (line: string) => void;
}

/** The first design of each kind, from which `--select`'s variants change one thing each. */
export const ATTENTION_BASE: NeuralDesign = { kind: 'attention', lookback: 14, width: 32, heads: 4, layers: 1, dropout: 0.1, skipDays: 0, target: 'level', epochs: 30, lr: 1e-3, weightDecay: 0.01, batchSize: 32 };
export const LSTM_BASE: NeuralDesign = { kind: 'lstm', lookback: 14, width: 32, heads: 1, layers: 1, dropout: 0, skipDays: 0, target: 'level', epochs: 30, lr: 3e-3, weightDecay: 0.01, batchSize: 32 };

/**
 * The designs `--select --preset full` chose (lowest mean 2014 RMSE over 3 seeds; docs/forecasting.md §6):
 * the base attention model (2.667 ± 0.032; the linear AR(7) + season: 2.754) and the LSTM with
 * hidden size 16 (2.683 ± 0.039, against 2.688 ± 0.019 for hidden 32).
 */
export const ATTENTION: NeuralDesign = ATTENTION_BASE;
export const LSTM: NeuralDesign = { ...LSTM_BASE, width: 16 };

export type Preset = 'smoke' | 'quick' | 'full';

export const PRESETS: Readonly<Record<Preset, Omit<WeatherOptions, 'log'>>> = {
  full: { seeds: [0, 1, 2, 3, 4], attention: ATTENTION, lstm: LSTM },
  quick: { seeds: [0], attention: ATTENTION, lstm: LSTM },
  smoke: { seeds: [0], attention: { ...ATTENTION, lookback: 8, width: 8, heads: 2, epochs: 1 }, lstm: { ...LSTM, lookback: 8, width: 4, epochs: 1 } },
};

// ── data ──

const FEATURES = 6;

/** Neural inputs and standardised targets; statistics from rows < `fitEnd` only. */
export interface Prepared {
  readonly windows: Windows;
  /** Window index of origin s. */
  readonly indexOf: ReadonlyMap<number, number>;
  /** °C forecast from a standardised output at origin s. */
  readonly toCelsius: (s: number, z: number) => number;
}

export function prepare(data: SeattleWeather, design: NeuralDesign, fitEnd: number): Prepared {
  const days = data.dates.map(dayOfYear);
  const n = data.dates.length;
  const raw = data.dates.map((_, t) => [Math.log1p(data.precipitation[t]!), data.tempMax[t]!, data.tempMin[t]!, data.wind[t]!, ...seasonalHarmonics(days[t]! + 1)]);
  const features = StandardScaler.fit(raw.slice(0, fitEnd)).transform(raw);
  const base = (s: number): number => (design.target === 'change' ? data.tempMax[s]! : 0);
  const fitTargets = Array.from({ length: fitEnd - FIRST_TARGET }, (_, i) => data.tempMax[FIRST_TARGET + i]! - base(FIRST_TARGET + i - 1));
  const mean = design.target === 'change' ? 0 : fitTargets.reduce((a, v) => a + v, 0) / fitTargets.length;
  const sd = Math.sqrt(fitTargets.reduce((a, v) => a + (v - mean) ** 2, 0) / fitTargets.length);
  // targets[t] is the standardised target of origin t − 1, so makeWindows' y (targets[s + 1]) is origin s's.
  const targets = data.tempMax.map((v, t) => (t === 0 ? NaN : (v - base(t - 1) - mean) / sd));
  const windows = makeWindows(features, targets, { lookback: design.lookback, lastOrigin: n - 2 });
  return { windows, indexOf: new Map(windows.origins.map((s, m) => [s, m])), toCelsius: (s, z) => base(s) + mean + sd * z };
}

// ── models ──

/** A last-hidden-state LSTM regressor: [B, L, F] → LSTM → h_L → Linear → [B, 1]. */
class LstmForecaster extends Module<[x: Tensor], Tensor> {
  readonly lstm: Lstm;
  readonly head: Linear;

  constructor(hidden: number, seed: number) {
    super();
    const random = seededRandom(seed);
    this.lstm = this.child('lstm', new Lstm(FEATURES, hidden, { batchFirst: true, random }));
    this.head = this.child('head', new Linear(hidden, 1, { random }));
  }

  forward(x: Tensor): Tensor {
    const { state } = this.lstm.forward(x); //                                        h [1, B, H]
    return this.head.forward(state.h.reshape([x.shape[0]!, this.lstm.hiddenSize])); // [B, 1]
  }
}

export type Forecaster = LstmForecaster | TransformerForecaster;

function build(d: NeuralDesign, seed: number): Forecaster {
  if (d.kind === 'lstm') return new LstmForecaster(d.width, seed);
  return new TransformerForecaster({ lookback: d.lookback, features: FEATURES, dModel: d.width, nhead: d.heads, numLayers: d.layers, dropout: d.dropout, skipDays: d.skipDays, random: seededRandom(seed) });
}

/** °C forecasts of the model for the given origins (eval mode, no graph). */
export async function predict(model: Forecaster, p: Prepared, origins: readonly number[]): Promise<number[]> {
  model.eval();
  const out: number[] = [];
  for (let i = 0; i < origins.length; i += 256) {
    const chunk = origins.slice(i, i + 256);
    const z = await noGrad(() => model.forward(windowBatch(p.windows, chunk.map((s) => p.indexOf.get(s)!)).x)).data(); // a wait for the GPU on webgpu
    chunk.forEach((s, k) => out.push(p.toCelsius(s, z[k]!)));
  }
  return out;
}

/**
 * Trains one model from `seed` on the windows of `fitOrigins`: AdamW, mini-batches in a seeded
 * order, the learning rate annealed to 0 by a cosine over all steps (so the last epoch's weights
 * are a settled answer, not a point of a noisy path). `score(model, epoch)` is called after every epoch.
 */
export async function fitNeural(d: NeuralDesign, p: Prepared, fitOrigins: readonly number[], seed: number, score?: (model: Forecaster, epoch: number) => Promise<void>): Promise<Forecaster> {
  const model = build(d, seed);
  if (getBackend() === 'webgpu') await model.to('webgpu'); // the weights live on the GPU from now on
  const opt = new optim.AdamW(model.parameters(), { lr: d.lr, weightDecay: d.weightDecay });
  const schedule = new optim.CosineAnnealingLR(opt, { tMax: d.epochs * Math.ceil(fitOrigins.length / d.batchSize) });
  const random = seededRandom(1000 + seed);
  const idx = fitOrigins.map((s) => p.indexOf.get(s)!);
  for (let epoch = 1; epoch <= d.epochs; epoch++) {
    model.train();
    const order = [...idx];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let i = 0; i < order.length; i += d.batchSize) {
      const { x, y } = windowBatch(p.windows, order.slice(i, i + d.batchSize));
      const loss = mseLoss(model.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      schedule.step();
    }
    await score?.(model, epoch);
  }
  return model;
}

// ── the classical forecasters ──

/** Persistence, climatology (raw and ±7-day smoothed), linear AR(7) and AR(7) + season for `origins`. */
export function classicalForecasts(data: SeattleWeather, fitEnd: number, origins: readonly number[]): Record<string, number[]> {
  const days = data.dates.map(dayOfYear);
  const cols = [data.precipitation, data.tempMax, data.tempMin, data.wind];
  const lags = (s: number): number[] => [1, ...[1, 2, 3, 4, 5, 6, 7].flatMap((l) => cols.map((c) => c[s + 1 - l]!))];
  const withSeason = (s: number): number[] => [...lags(s), ...seasonalHarmonics(days[s + 1]!)];
  const fitOrigins = Array.from({ length: fitEnd - FIRST_TARGET }, (_, i) => FIRST_TARGET - 1 + i);
  const y = fitOrigins.map((s) => data.tempMax[s + 1]!);
  const ar = ols(fitOrigins.map(lags), y).beta;
  const arSeason = ols(fitOrigins.map(withSeason), y).beta;
  const dot = (x: number[], b: number[]): number => x.reduce((a, v, i) => a + v * b[i]!, 0);
  const raw = dayOfYearMeans(data.tempMax, days, Array.from({ length: fitEnd }, (_, t) => t));
  const smooth = smoothCircular(raw, 7);
  const lookup = (table: number[], s: number): number => table[days[s + 1]! - 1] ?? NaN;
  return {
    persistence: origins.map((s) => data.tempMax[s]!),
    'climatology (day-of-year mean)': origins.map((s) => lookup(raw, s)),
    'climatology (±7-day smoothed)': origins.map((s) => lookup(smooth, s)),
    'linear AR(7)': origins.map((s) => dot(lags(s), ar)),
    'linear AR(7) + season': origins.map((s) => dot(withSeason(s), arSeason)),
  };
}

export const LINEAR = 'linear AR(7) + season';

// ── the run ──

export interface NeuralResult {
  readonly design: NeuralDesign;
  /** One forecast series per seed, and their mean. */
  readonly seeds: number[][];
  readonly mean: number[];
  readonly fitWindows: number;
  readonly seconds: number[];
}

export interface WeatherRun {
  readonly origins: number[];
  readonly targetDates: string[];
  readonly actual: number[];
  readonly classical: Record<string, number[]>;
  readonly lstm: NeuralResult;
  readonly attention: NeuralResult;
  /** Attention of the last day's query over the window: [seed][layer][head][origin][key day]. */
  readonly attentionMaps: number[][][][][];
  /** Precipitation (mm) of each day of each test window: [origin][key day]. */
  readonly windowPrecipitation: number[][];
}

const mean = (series: readonly (readonly number[])[]): number[] => series[0]!.map((_, i) => series.reduce((a, f) => a + f[i]!, 0) / series.length);

/** Everything on one copy of the data; pure apart from `o.log`. */
export async function runWeather(data: SeattleWeather, options: Partial<WeatherOptions> = {}): Promise<WeatherRun> {
  const o: WeatherOptions = { ...PRESETS.full, log: () => {}, ...options };
  const n = data.dates.length;
  const origins = Array.from({ length: n - TEST_START }, (_, i) => TEST_START - 1 + i);
  const classical = classicalForecasts(data, TEST_START, origins);
  const maps: number[][][][][] = [];
  const neural = async (d: NeuralDesign): Promise<NeuralResult> => {
    const p = prepare(data, d, TEST_START);
    const fitOrigins = p.windows.origins.filter((s) => s + 1 < TEST_START);
    const seeds: number[][] = [];
    const seconds: number[] = [];
    for (const seed of o.seeds) {
      const t0 = performance.now();
      const model = await fitNeural(d, p, fitOrigins, seed);
      seeds.push(await predict(model, p, origins));
      seconds.push((performance.now() - t0) / 1000);
      if (model instanceof TransformerForecaster) maps.push(await lastQueryAttention(model, p, origins));
      o.log(`  ${d.kind} seed ${seed}: ${fitOrigins.length} windows × ${d.epochs} epochs, ${seconds[seconds.length - 1]!.toFixed(0)} s`);
    }
    return { design: d, seeds, mean: mean(seeds), fitWindows: fitOrigins.length, seconds };
  };
  const lstm = await neural(o.lstm);
  const attention = await neural(o.attention);
  const L = o.attention.lookback;
  const windowPrecipitation = origins.map((s) => data.precipitation.slice(s - L + 1, s + 1));
  return { origins, targetDates: origins.map((s) => data.dates[s + 1]!), actual: origins.map((s) => data.tempMax[s + 1]!), classical, lstm, attention, attentionMaps: maps, windowPrecipitation };
}

/** Per layer and head: the attention row of the window's last day (the query the forecast reads), [origin][key day]. */
async function lastQueryAttention(model: TransformerForecaster, p: Prepared, origins: readonly number[]): Promise<number[][][][]> {
  model.eval();
  const L = model.lookback;
  const layers = model.attentionMaps(windowBatch(p.windows, origins.map((s) => p.indexOf.get(s)!)).x, { averageHeads: false }); // [B, H, L, L] each
  const values = await Promise.all(layers.map((w) => w.data())); //                one wait for every layer (webgpu)
  return layers.map((w, l) => {
    const v = values[l]!;
    const H = w.shape[1]!;
    return Array.from({ length: H }, (_, h) => origins.map((_, b) => Array.from({ length: L }, (_, j) => v[((b * H + h) * L + (L - 1)) * L + j]!)));
  });
}

// ── the design choice, on 2014 ──

export interface Candidate {
  readonly name: string;
  readonly design: NeuralDesign;
}

export interface SelectionRow {
  readonly name: string;
  readonly design: NeuralDesign;
  readonly perSeed: number[];
  /** RMSE of the seeds' mean forecast. */
  readonly ensemble: number;
  /** Mean over seeds of the validation RMSE after each epoch. */
  readonly curve: number[];
}

const rmseOf = (a: readonly number[], f: readonly number[]): number => Math.sqrt(a.reduce((s, v, i) => s + (v - f[i]!) ** 2, 0) / a.length);

/**
 * Fits every candidate on targets of 2012-2013 and scores it on the targets of 2014. The data is
 * cut before 2015 first, so nothing here can see the test year.
 */
export async function selectDesigns(data: SeattleWeather, candidates: readonly Candidate[], seeds: readonly number[], log: (line: string) => void = () => {}): Promise<{ linear: Record<string, number>; rows: SelectionRow[] }> {
  const cut: SeattleWeather = {
    dates: data.dates.slice(0, TEST_START), precipitation: data.precipitation.slice(0, TEST_START), tempMax: data.tempMax.slice(0, TEST_START),
    tempMin: data.tempMin.slice(0, TEST_START), wind: data.wind.slice(0, TEST_START), weather: data.weather.slice(0, TEST_START),
  };
  const origins = Array.from({ length: TEST_START - VALID_START }, (_, i) => VALID_START - 1 + i);
  const actual = origins.map((s) => cut.tempMax[s + 1]!);
  const classical = classicalForecasts(cut, VALID_START, origins);
  const linear = Object.fromEntries(Object.entries(classical).map(([m, f]) => [m, rmseOf(actual, f)]));
  const rows: SelectionRow[] = [];
  for (const c of candidates) {
    const p = prepare(cut, c.design, VALID_START);
    const fitOrigins = p.windows.origins.filter((s) => s + 1 < VALID_START);
    const curves: number[][] = [];
    const forecasts: number[][] = [];
    for (const seed of seeds) {
      const curve: number[] = [];
      const model = await fitNeural(c.design, p, fitOrigins, seed, async (m) => void curve.push(rmseOf(actual, await predict(m, p, origins))));
      curves.push(curve);
      forecasts.push(await predict(model, p, origins));
    }
    const row = { name: c.name, design: c.design, perSeed: forecasts.map((f) => rmseOf(actual, f)), ensemble: rmseOf(actual, mean(forecasts)), curve: mean(curves) };
    log(`  ${c.name}: 2014 RMSE per seed ${row.perSeed.map((v) => v.toFixed(3)).join(', ')}; seed mean ${row.ensemble.toFixed(3)}`);
    rows.push(row);
  }
  return { linear, rows };
}

/**
 * The designs `--select` compares, all that were tried (none dropped). Each variant changes one
 * thing from the first of its kind. The rule, fixed before the run: the lowest mean over seeds of
 * the 2014 RMSE wins.
 */
const variants = (base: NeuralDesign, label: string, changes: readonly [string, Partial<NeuralDesign>][]): Candidate[] =>
  [{ name: label, design: base }, ...changes.map(([what, c]) => ({ name: `${label}, ${what}`, design: { ...base, ...c } }))];

export const CANDIDATES: readonly Candidate[] = [
  ...variants(ATTENTION_BASE, 'attention L=14 d=32 1 layer', [
    ['target = change', { target: 'change' }],
    ['+ 7-day linear shortcut', { skipDays: 7 }],
    ['L=28', { lookback: 28 }],
    ['2 layers', { layers: 2 }],
    ['d=16', { width: 16 }],
    ['dropout 0.2', { dropout: 0.2 }],
    ['60 epochs', { epochs: 60 }],
  ]),
  ...variants(LSTM_BASE, 'LSTM L=14 hidden 32', [
    ['target = change', { target: 'change' }],
    ['hidden 16', { width: 16 }],
    ['L=28', { lookback: 28 }],
    ['60 epochs', { epochs: 60 }],
  ]),
];

/** The selection as a markdown table, best first within each kind. */
export function markdownSelection(r: { linear: Record<string, number>; rows: SelectionRow[] }, seeds: number): string {
  const lines = [
    `| design | 2014 RMSE, mean ± sd over ${seeds} seeds | RMSE of the seeds' mean forecast |`, '|---|---|---|',
    ...Object.entries(r.linear).map(([m, v]) => `| ${m} | ${v.toFixed(3)} | |`),
  ];
  for (const kind of ['attention', 'lstm'] as const) {
    const rows = r.rows.filter((x) => x.design.kind === kind).map((x) => ({ x, m: meanSd(x.perSeed) })).sort((a, b) => a.m.mean - b.m.mean);
    rows.forEach(({ x, m }, i) => lines.push(`| ${i === 0 ? '**' : ''}${x.name}${i === 0 ? '**' : ''} | ${m.mean.toFixed(3)} ± ${m.sd.toFixed(3)} | ${x.ensemble.toFixed(3)} |`));
  }
  return lines.join('\n');
}

// ── command line ──

async function main(): Promise<void> {
  const { values } = parseCli({
    summary: 'Next-day Seattle maximum temperature in 2015: persistence, climatology, linear AR(7) + season, an LSTM and a small Transformer encoder, with Diebold-Mariano tests.',
    usage: 'npx tsx examples/weather-attention.ts [options]',
    flags: {
      preset: choiceFlag('how much to run', ['smoke', 'quick', 'full'] as const, 'full'),
      select: booleanFlag('choose the designs instead: fit on 2012-2013, score on 2014 (never 2015)'),
      backend: choiceFlag('where the kernels run', ['wasm', 'cpu', 'webgpu'] as const, 'wasm'),
      batchSize: optionalIntFlag("windows per step of both neural models (default: the preset's)"),
      out: stringFlag('where result.json, results.md and the plots go', 'runs/weather-attention', 'DIR'),
    },
  });
  const preset: Preset = values.preset;
  await setBackend(values.backend);
  console.log(`backend ${values.backend}`);
  const log = (line: string): void => console.log(line);
  const data = loadSeattleWeather();
  const t0 = performance.now();
  mkdirSync(values.out, { recursive: true });
  if (values.select) {
    const seeds = preset === 'full' ? [0, 1, 2] : [0];
    const candidates = preset === 'smoke' ? CANDIDATES.map((c) => ({ name: c.name, design: { ...c.design, epochs: 1 } })) : CANDIDATES;
    log(`design selection: fit on 2012-2013, score on 2014 (${seeds.length} seed${seeds.length > 1 ? 's' : ''} each)`);
    const result = await selectDesigns(data, candidates, seeds, log);
    const seconds = (performance.now() - t0) / 1000;
    writeFileSync(join(values.out, 'selection.json'), JSON.stringify({ example: 'weather-attention --select', preset, seeds, seconds: Math.round(seconds), ...result }, null, 1));
    const table = markdownSelection(result, seeds.length);
    writeFileSync(join(values.out, 'selection.md'), `${table}\n`);
    log(`\n${table}\n\nwrote ${join(values.out, 'selection.json')}, selection.md — ${seconds.toFixed(0)} s`);
    return;
  }
  const batch = values.batchSize === undefined ? {} : { batchSize: values.batchSize };
  const options: WeatherOptions = { ...PRESETS[preset], log, lstm: { ...PRESETS[preset].lstm, ...batch }, attention: { ...PRESETS[preset].attention, ...batch } };
  const run = await runWeather(data, options);
  const report = weatherReport(run, LINEAR);
  const seconds = (performance.now() - t0) / 1000;
  const text = writeWeatherOutputs(values.out, run, report, { preset, seconds, seeds: options.seeds });
  console.log(`\n${text}\nwrote ${join(values.out, 'result.json')}, results.md, forecast-2015.svg, attention-by-season.svg — ${seconds.toFixed(0)} s in all (preset ${preset})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
