/**
 * LSTM versus ARIMA (and HAR, GARCH) on the S&P 500, walk-forward, honestly — and hardened.
 *
 * What you will see: for each target (next-day return; forward 5-day realised volatility) and each
 * period (the whole test, 2016-2020, and the targets before 2020-02-20, before the COVID crash): a
 * table of every model's RMSE, MAE, bias, Diebold–Mariano p-values and Model Confidence Set
 * p-value, then the LSTM against every other model at several Newey–West lags with Holm's
 * correction; a plot (runs/lstm-vs-arima/volatility.svg); and runs/lstm-vs-arima/result.json.
 *
 *   npx tsx examples/lstm-vs-arima.ts                  # --preset full: 5 seeds (minutes on 2 cores)
 *   npx tsx examples/lstm-vs-arima.ts --preset quick   # 1 seed, 5 epochs (also: --quick)
 *   npx tsx examples/lstm-vs-arima.ts --preset smoke   # a tiny LSTM, ARIMA orders ≤ 1: seconds
 *
 * Data and split: vega-datasets sp500-2000.csv, daily closes 2000-01-03 … 2020-04-17 (n rows);
 * rows 0 … n_tr − 1 train (n_tr = ⌊0.8 n⌋), the rest test; r_t = 100 · ln(close_t / close_{t−1}).
 * Targets from origin s, with rows ≤ s only: r_{s+1}, and RV5f_s = √(r²_{s+1} + … + r²_{s+5}).
 * Forecasters: naive; ARIMA (d by ADF + KPSS, (p, q) ≤ 3 and trend by AIC on training rows, then
 * fixed parameters and a daily Kalman update); HAR and LHAR (HAR + negative returns: the leverage
 * effect) fitted once on the training origins, and re-fitted every day on an expanding window and
 * on a rolling window of the last 1,000 known pairs; GARCH(1,1); and an LSTM (inputs r_t and |r_t|
 * over 44 days, standardised with training statistics; early stopping on the last 20 % of the
 * training origins) trained with several seeds.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Linear, Module, getBackend, noGrad, optim, seededRandom, setBackend, type Tensor } from '../src/node.js';
import { mseLoss } from '../src/layers/losses.js';
import { Lstm } from '../src/layers/lstm.js';
import { forecastArima, selectArima, type ArimaModel } from '../src/forecast/arima.js';
import { meanSd } from '../src/forecast/evaluation.js';
import { fitGarch, forecastGarchVolatility } from '../src/forecast/garch.js';
import { fitHar, forecastHar, forecastHarRefit } from '../src/forecast/har.js';
import { ols } from '../src/forecast/ols.js';
import { chooseDifferencing } from '../src/forecast/stationarity.js';
import { makeWindows, StandardScaler, windowBatch, type Windows } from '../src/forecast/windows.js';
import { lineChart } from '../src/utils/index.js';
import { booleanFlag, choiceFlag, optionalIntFlag, parseCli, stringFlag } from './lib/cli.js';
import { markdownStudy, p3, studyReport, type StudyReport } from './lib/study-report.js';

export interface Sp500 {
  readonly dates: readonly string[];
  readonly close: readonly number[];
}

/** Reads date and close from vega-datasets' sp500-2000.csv (no trailing newline in the file). */
export function loadSp500(): Sp500 {
  // vega-datasets' "exports" hide package.json, so we find its folder from its entry point (build/index.js).
  let root: string;
  try {
    root = join(dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..');
  } catch {
    throw new Error('lstm-vs-arima: the package "vega-datasets" is not installed; run `npm install -D vega-datasets@3.2.1` (it holds data/sp500-2000.csv)');
  }
  const file = join(root, 'data', 'sp500-2000.csv');
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const iDate = header.indexOf('date');
  const iClose = header.indexOf('close');
  const rows = lines.slice(1).map((l) => l.split(','));
  return { dates: rows.map((r) => r[iDate]!), close: rows.map((r) => Number(r[iClose])) };
}

export interface StudyOptions {
  readonly seeds: readonly number[];
  readonly epochs: number;
  readonly hidden: number;
  readonly lookback: number;
  /** Largest p and q in the ARIMA grid (3 in the study). */
  readonly maxOrder: number;
  /** Use every k-th training window (1 in the study; larger only to make tests fast). */
  readonly trainStride: number;
  /** Pairs in the rolling window of the re-fitted HAR / LHAR (1,000 in the study). */
  readonly rollingWindow: number;
  readonly log: (line: string) => void;
}

export const STUDY_DEFAULTS: StudyOptions = { seeds: [0, 1, 2, 3, 4], epochs: 30, hidden: 16, lookback: 44, maxOrder: 3, trainStride: 1, rollingWindow: 1000, log: () => {} };

export type Preset = 'smoke' | 'quick' | 'full';

/** The study's settings per preset: full is the study; quick one seed; smoke a seconds-long check of the pipeline. */
export const PRESETS: Readonly<Record<Preset, Partial<StudyOptions>>> = {
  full: {},
  quick: { seeds: [0], epochs: 5 },
  smoke: { seeds: [0], epochs: 1, hidden: 4, lookback: 10, maxOrder: 1, trainStride: 25 },
};

export interface TargetResult {
  readonly name: string;
  readonly horizon: number;
  /** Origins s (row indices); the target of origin s is dated `targetDates[i]`. */
  readonly origins: readonly number[];
  readonly targetDates: readonly string[];
  readonly actual: readonly number[];
  /** Forecasts per model (naive, ARIMA, HAR, …, and 'LSTM': the mean of the seeds' forecasts). */
  readonly forecasts: Readonly<Record<string, readonly number[]>>;
  /** The names of the ARIMA and the once-fitted HAR rows, the two references of the DM columns. */
  readonly references: { readonly arima: string; readonly har: string };
  /** One forecast series per LSTM seed. */
  readonly lstmSeeds: readonly (readonly number[])[];
  readonly arima: ArimaModel;
  readonly notes: readonly string[];
}

/** A last-hidden-state LSTM regressor: [B, L, F] → LSTM → h_L → Linear → [B, 1]. */
export class LstmRegressor extends Module {
  readonly lstm: Lstm;
  readonly head: Linear;

  constructor(features: number, hidden: number, seed: number) {
    super();
    const random = seededRandom(seed);
    this.lstm = this.child('lstm', new Lstm(features, hidden, { batchFirst: true, random }));
    this.head = this.child('head', new Linear(hidden, 1, { random }));
  }

  forward(x: Tensor): Tensor {
    const { state } = this.lstm.forward(x); //                                     h [1, B, H]
    return this.head.forward(state.h.reshape([x.shape[0]!, this.lstm.hiddenSize])); // [B, 1]
  }
}

async function predict(model: LstmRegressor, w: Windows, indices: readonly number[]): Promise<number[]> {
  model.eval();
  const out: number[] = [];
  for (let i = 0; i < indices.length; i += 256) {
    const { x } = windowBatch(w, indices.slice(i, i + 256));
    out.push(...(await noGrad(() => model.forward(x)).data())); // a wait for the GPU on webgpu
  }
  return out;
}

/** Trains one LSTM from `seed`; returns its (standardised) forecasts for `testIdx`. */
async function trainLstm(w: Windows, trainIdx: readonly number[], validIdx: readonly number[], testIdx: readonly number[], seed: number, o: StudyOptions): Promise<{ test: number[]; epochs: number; validMse: number }> {
  const model = new LstmRegressor(w.features, o.hidden, seed);
  if (getBackend() === 'webgpu') await model.to('webgpu'); // the weights live on the GPU from now on
  const opt = new optim.Adam(model.parameters(), { lr: 3e-3 });
  const random = seededRandom(1000 + seed);
  const validY = validIdx.map((m) => w.y[m]!);
  let best = { mse: Infinity, epoch: 0, state: model.stateDict() };
  let patience = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    model.train();
    const order = [...trainIdx];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let i = 0; i < order.length; i += 64) {
      const { x, y } = windowBatch(w, order.slice(i, i + 64));
      const loss = mseLoss(model.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    const pred = await predict(model, w, validIdx);
    const mse = pred.reduce((s, p, i) => s + (p - validY[i]!) ** 2, 0) / pred.length;
    if (mse < best.mse) {
      best = { mse, epoch, state: model.stateDict() };
      patience = 0;
    } else if (++patience >= 5) {
      break;
    }
  }
  model.loadStateDict(best.state);
  return { test: await predict(model, w, testIdx), epochs: best.epoch, validMse: best.mse };
}

/** Runs every forecaster on one target. `target(s)` is the value forecast from origin s. */
async function runTarget(
  name: string, data: Sp500, r: readonly number[], horizon: number, target: (s: number) => number,
  classical: (trainOrigins: number[], testOrigins: number[]) => { forecasts: Record<string, number[]>; arima: ArimaModel; har: string; notes: string[] },
  o: StudyOptions,
): Promise<TargetResult> {
  const n = data.close.length;
  const nTr = Math.floor(0.8 * n);
  const testOrigins: number[] = [];
  for (let s = nTr - 1; s + horizon <= n - 1; s++) testOrigins.push(s);
  const trainOrigins: number[] = [];
  for (let s = 22; s + horizon <= nTr - 1; s++) trainOrigins.push(s); // targets inside the training rows
  const actual = testOrigins.map(target);
  const { forecasts, arima, har, notes } = classical(trainOrigins, testOrigins);

  // LSTM: features r_t, |r_t| standardised with training rows 1 … n_tr − 1 only.
  const raw = r.map((v, t) => (t === 0 ? [0, 0] : [v, Math.abs(v)]));
  const scaler = StandardScaler.fit(raw.slice(1, nTr));
  const features = scaler.transform(raw);
  const trainTargets = trainOrigins.map(target);
  const { mean: yMean, sd: ySd } = meanSd(trainTargets);
  // targets[t] holds the target of origin t − 1, so makeWindows' y (= targets[s + 1]) is target(s).
  const shifted = data.close.map((_, t) => (t >= 1 && t - 1 + horizon <= n - 1 && t - 1 >= 1 ? (target(t - 1) - yMean) / ySd : NaN));
  const w = makeWindows(features, shifted, { lookback: o.lookback, firstOrigin: o.lookback, lastOrigin: n - 1 - horizon });
  const index = new Map(w.origins.map((s, m) => [s, m]));
  const fitOrigins = w.origins.filter((s) => s + horizon <= nTr - 1);
  const cut = Math.floor(0.8 * fitOrigins.length);
  const trainIdx = fitOrigins.slice(0, cut - horizon).filter((_, i) => i % o.trainStride === 0).map((s) => index.get(s)!);
  const validIdx = fitOrigins.slice(cut).map((s) => index.get(s)!);
  const testIdx = testOrigins.map((s) => index.get(s)!);
  const lstmSeeds: number[][] = [];
  for (const seed of o.seeds) {
    const t0 = performance.now();
    const fit = await trainLstm(w, trainIdx, validIdx, testIdx, seed, o);
    lstmSeeds.push(fit.test.map((v) => v * ySd + yMean));
    o.log(`  ${name}: LSTM seed ${seed}: best epoch ${fit.epochs}, validation MSE (standardised) ${fit.validMse.toFixed(4)}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  forecasts.LSTM = testOrigins.map((_, i) => lstmSeeds.reduce((s, f) => s + f[i]!, 0) / lstmSeeds.length);
  notes.push(`LSTM: ${trainIdx.length} training / ${validIdx.length} validation windows of ${o.lookback} days, hidden ${o.hidden}`);
  const targetDates = testOrigins.map((s) => data.dates[s + horizon]!);
  return { name, horizon, origins: testOrigins, targetDates, actual, forecasts, lstmSeeds, arima, notes, references: { arima: `${describeArima(arima)} (AIC)`, har } };
}

const describeArima = (m: ArimaModel): string => `ARIMA(${m.order.p},${m.order.d},${m.order.q})${m.trend === 'mean' ? (m.order.d === 0 ? '+c' : '+drift') : ''}`;

/** Chooses d (ADF + KPSS) and (p, q, trend) by AIC on `train`; logs the choice. */
function chooseArima(train: readonly number[], o: StudyOptions, what: string): ArimaModel {
  const d = chooseDifferencing(train);
  const trends = d <= 1 ? (['none', 'mean'] as const) : (['none'] as const);
  const t0 = performance.now();
  const { best, all } = selectArima(train, d, { maxP: o.maxOrder, maxQ: o.maxOrder, trends });
  o.log(`  ${what}: d = ${d} (ADF + KPSS), AIC picks ${describeArima(best)} among ${all.length} fits (AIC ${best.aic.toFixed(1)}, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return best;
}

/** The whole study on one copy of the data; pure apart from `o.log`. Async: the LSTMs read their forecasts with await (webgpu). */
export async function runStudy(data: Sp500, options: Partial<StudyOptions> = {}): Promise<{ returns: TargetResult; volatility: TargetResult }> {
  const o: StudyOptions = { ...STUDY_DEFAULTS, ...options };
  const n = data.close.length;
  const nTr = Math.floor(0.8 * n);
  const r = data.close.map((c, t) => (t === 0 ? NaN : 100 * Math.log(c / data.close[t - 1]!)));
  const rv = r.map((_, s) => (s < 5 ? NaN : Math.sqrt([0, 1, 2, 3, 4].reduce((acc, j) => acc + r[s - j]! ** 2, 0)))); // trailing RV5_s
  o.log(`rows ${n}, training rows 0..${nTr - 1} (${data.dates[0]} … ${data.dates[nTr - 1]}), test ${data.dates[nTr]} … ${data.dates[n - 1]}`);

  // (1) next-day return.
  const returns = await runTarget('return', data, r, 1, (s) => r[s + 1]!, (trainOrigins, testOrigins) => {
    const series = r.slice(1); //                                        series[i] = r_{i+1}
    const arima = chooseArima(series.slice(0, nTr - 1), o, 'returns');
    const arimaF = forecastArima(arima, series.slice(0, testOrigins[testOrigins.length - 1]!), testOrigins.map((s) => s - 1), 1);
    // HAR on returns: r_{s+1} on [1, r_s, mean of r over 5 days, over 22 days] — the same three horizons.
    const feats = (s: number): number[] => [1, r[s]!, [0, 1, 2, 3, 4].reduce((a, j) => a + r[s - j]!, 0) / 5, Array.from({ length: 22 }, (_, j) => r[s - j]!).reduce((a, v) => a + v, 0) / 22];
    const har = ols(trainOrigins.map(feats), trainOrigins.map((s) => r[s + 1]!)).beta;
    const garch = fitGarch(series.slice(0, nTr - 1));
    return {
      forecasts: {
        'naive (0)': testOrigins.map(() => 0),
        [`${describeArima(arima)} (AIC)`]: arimaF,
        HAR: testOrigins.map((s) => feats(s).reduce((a, x, i) => a + x * har[i]!, 0)),
        'GARCH(1,1) mean': testOrigins.map(() => garch.mean),
      },
      arima,
      har: 'HAR',
      notes: [`GARCH(1,1) on training returns: ω = ${garch.omega.toFixed(4)}, α = ${garch.alpha.toFixed(4)}, β = ${garch.beta.toFixed(4)}, mean ${garch.mean.toFixed(4)}`],
    };
  }, o);

  // (2) forward 5-day realised volatility.
  const volatility = await runTarget('RV5f', data, r, 5, (s) => rv[s + 5]!, (trainOrigins, testOrigins) => {
    const series = rv.slice(5); //                                       series[i] = RV5_{i+5}
    const arima = chooseArima(series.slice(0, nTr - 5), o, 'volatility');
    const arimaF = forecastArima(arima, series.slice(0, testOrigins[testOrigins.length - 1]! - 4), testOrigins.map((s) => s - 5), 5);
    const har = fitHar(r, trainOrigins, trainOrigins.map((s) => rv[s + 5]!));
    // Added after the first full run showed the LSTM beating HAR: LHAR gives HAR the sign of
    // past returns, the one input the LSTM has that HAR and GARCH(1,1) lack.
    const lhar = fitHar(r, trainOrigins, trainOrigins.map((s) => rv[s + 5]!), true);
    // Re-fitted every day on the pairs whose 5-day targets are known by the origin (u + 5 ≤ s),
    // from the first training origin on (expanding) or the last `rollingWindow` of them.
    const refit = (window: 'expanding' | number, leverage: boolean) =>
      forecastHarRefit(r, (u) => rv[u + 5]!, testOrigins, { horizon: 5, window, leverage, firstOrigin: trainOrigins[0]! });
    const w = o.rollingWindow;
    const returnsOnly = r.slice(1);
    const garch = fitGarch(returnsOnly.slice(0, nTr - 1));
    const garchAt = (origins: number[]) => forecastGarchVolatility(garch, returnsOnly.slice(0, origins[origins.length - 1]!), origins.map((s) => s - 1), 5);
    const garchTrain = garchAt(trainOrigins);
    const trainY = trainOrigins.map((s) => rv[s + 5]!);
    const k = trainY.reduce((a, y, i) => a + y * garchTrain[i]!, 0) / garchTrain.reduce((a, f) => a + f * f, 0);
    return {
      forecasts: {
        'naive (trailing RV5)': testOrigins.map((s) => rv[s]!),
        [`${describeArima(arima)} (AIC)`]: arimaF,
        'HAR, fitted once': forecastHar(har, r, testOrigins),
        'HAR, expanding': refit('expanding', false),
        [`HAR, rolling ${w}`]: refit(w, false),
        'LHAR, fitted once': forecastHar(lhar, r, testOrigins),
        'LHAR, expanding': refit('expanding', true),
        [`LHAR, rolling ${w}`]: refit(w, true),
        'GARCH(1,1) analytic': garchAt(testOrigins),
        'GARCH(1,1) × k': garchAt(testOrigins).map((f) => k * f),
      },
      arima,
      har: 'HAR, fitted once',
      notes: [
        `HAR β = [${har.beta.map((b) => b.toFixed(4)).join(', ')}]; LHAR β = [${lhar.beta.map((b) => b.toFixed(4)).join(', ')}]`,
        `GARCH(1,1) on training returns: ω = ${garch.omega.toFixed(4)}, α = ${garch.alpha.toFixed(4)}, β = ${garch.beta.toFixed(4)}; k = ${k.toFixed(4)} (fitted on training targets)`,
      ],
    };
  }, o);
  return { returns, volatility };
}

// ── reporting ──

export const CUTOFF = '2020-02-20';

/** The volatility forecasts as result.json stores them (what examples/vol-target-backtest.ts reads). */
export interface VolatilityForecastsJson {
  readonly origins: readonly number[];
  /** Date of each origin s (the close at which the forecast is made). */
  readonly originDates: readonly string[];
  readonly targetDates: readonly string[];
  readonly actual: readonly number[];
  /** Forecasts of RV5f ×100 per model; 'LSTM' is the mean of the seeds'. */
  readonly models: Readonly<Record<string, readonly number[]>>;
  readonly lstmSeeds: readonly (readonly number[])[];
}

export function volatilityForecastsJson(data: Sp500, v: TargetResult): VolatilityForecastsJson {
  return { origins: v.origins, originDates: v.origins.map((s) => data.dates[s]!), targetDates: v.targetDates, actual: v.actual, models: v.forecasts, lstmSeeds: v.lstmSeeds };
}

/** One line per period: the LSTM against the classical model with the lowest RMSE. */
function verdict(r: StudyReport): string[] {
  return r.periods.map((p) => {
    const best = p.rows.filter((x) => x.model !== 'LSTM').reduce((a, b) => (b.rmse < a.rmse ? b : a));
    const lstm = p.rows.find((x) => x.model === 'LSTM')!;
    const f = p.family.find((x) => x.model === best.model)!;
    const ps = f.byLag.map((b) => `${b.lags === 'auto' ? `auto (L=${b.usedLags})` : `L=${b.lags}`}: p ${p3(b.pValue)}, Holm ${p3(b.holm)}`).join('; ');
    const inSet = (m: string) => (p.mcs.included.includes(m) ? 'yes' : 'no');
    return `- ${r.target}, ${p.label}: best classical row ${best.model} (RMSE ${best.rmse.toFixed(4)}); LSTM seed mean ${lstm.rmse.toFixed(4)} ` +
      `(${lstm.rmse < best.rmse ? '−' : '+'}${Math.abs(100 * (lstm.rmse / best.rmse - 1)).toFixed(1)} %), seeds ${p.seeds.rmse.mean.toFixed(4)} ± ${p.seeds.rmse.sd.toFixed(4)}. DM ${ps}. ` +
      `In the ${Math.round(100 * (1 - p.mcs.alpha))} % MCS: ${best.model} ${inSet(best.model)}, LSTM ${inSet('LSTM')}.`;
  });
}

async function main(): Promise<void> {
  const { values } = parseCli({
    summary: 'An LSTM against ARIMA, HAR and GARCH on S&P 500 returns and volatility, with Diebold-Mariano tests and the Model Confidence Set.',
    usage: 'npx tsx examples/lstm-vs-arima.ts [options]',
    flags: {
      preset: choiceFlag('how much to run (full: about 10 minutes)', ['smoke', 'quick', 'full'] as const, 'full'),
      quick: booleanFlag('the same as --preset quick'),
      seeds: optionalIntFlag("LSTM seeds (default: the preset's)"),
      epochs: optionalIntFlag("LSTM epochs (default: the preset's)"),
      backend: choiceFlag("where the LSTMs' kernels run", ['cpu', 'wasm', 'webgpu'] as const, 'cpu'),
      out: stringFlag('where result.json, results.md and the plot go', 'runs/lstm-vs-arima', 'DIR'),
    },
  });
  await setBackend(values.backend);
  console.log(`backend ${values.backend}`);
  const preset: Preset = values.quick ? 'quick' : values.preset;
  const { seeds: seedCount, epochs } = values;
  const options: Partial<StudyOptions> = {
    ...PRESETS[preset],
    ...(seedCount ? { seeds: Array.from({ length: seedCount }, (_, i) => i) } : {}),
    ...(epochs ? { epochs } : {}),
    log: (line) => console.log(line),
  };
  const t0 = performance.now();
  const data = loadSp500();
  const study = await runStudy(data, options);
  const reportOptions = { mcsReps: preset === 'smoke' ? 200 : 1000, mcsBlock: 22, mcsSeed: 2011, alpha: 0.1 };
  const reports = [study.returns, study.volatility].map((t) => studyReport(t, [
    { label: 'whole test period', keep: () => true },
    { label: `targets before ${CUTOFF}`, keep: (i) => t.targetDates[i]! < CUTOFF },
  ], reportOptions));
  const [retReport, volReport] = reports as [StudyReport, StudyReport];
  const text = [
    markdownStudy(volReport, 'Forward 5-day realised volatility ×100'), '', ...study.volatility.notes.map((n) => `- ${n}`), '',
    markdownStudy(retReport, 'Next-day log return ×100 (the negative control)'), '', ...study.returns.notes.map((n) => `- ${n}`), '',
    '### The LSTM against the best classical row', '', ...verdict(volReport), ...verdict(retReport),
  ].join('\n');
  console.log(`\n${text}`);
  const seconds = (performance.now() - t0) / 1000;
  mkdirSync(values.out, { recursive: true });
  const v = study.volatility;
  const xs = v.origins.map((_, i) => i);
  const rolling = `LHAR, rolling ${options.rollingWindow ?? STUDY_DEFAULTS.rollingWindow}`;
  const svg = lineChart({
    title: 'S&P 500 forward 5-day realised volatility ×100, test period (walk-forward)',
    xLabel: `test origin (${v.targetDates[0]} … ${v.targetDates[v.targetDates.length - 1]})`, yLabel: 'RV5 ×100', width: 960, height: 440,
    series: [
      { name: 'actual', x: xs, y: v.actual },
      { name: v.references.arima.replace(' (AIC)', ''), x: xs, y: v.forecasts[v.references.arima]! },
      { name: 'HAR, fitted once', x: xs, y: v.forecasts[v.references.har]! },
      { name: rolling, x: xs, y: v.forecasts[rolling]! },
      { name: 'LSTM (seed mean)', x: xs, y: v.forecasts.LSTM! },
    ],
  });
  writeFileSync(join(values.out, 'volatility.svg'), svg);
  const { log: _log, ...settings } = { ...STUDY_DEFAULTS, ...options };
  const json = {
    example: 'lstm-vs-arima', preset, settings, report: reportOptions, seconds: Math.round(seconds),
    volatility: { ...volReport, arima: v.arima, notes: v.notes },
    returns: { ...retReport, arima: study.returns.arima, notes: study.returns.notes },
    forecasts: volatilityForecastsJson(data, v),
  };
  writeFileSync(join(values.out, 'result.json'), JSON.stringify(json, null, 1));
  writeFileSync(join(values.out, 'results.md'), text + '\n');
  console.log(`\nwrote ${join(values.out, 'result.json')}, results.md, volatility.svg — ${seconds.toFixed(0)} s in all (preset ${preset})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
