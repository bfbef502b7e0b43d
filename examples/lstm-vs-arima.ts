/**
 * LSTM versus ARIMA (and HAR, GARCH) on the S&P 500, walk-forward, honestly.
 *
 * What you will see: two results tables, one per target, each for the whole test period and for
 * the targets before 2020-02-20 (the COVID crash dominates the rest), then a plot
 * (runs/lstm-vs-arima/volatility.svg) of actual vs forecast 5-day volatility.
 *
 *   npx tsx examples/lstm-vs-arima.ts            # 5 seeds (minutes on a shared 2-core CPU)
 *   npx tsx examples/lstm-vs-arima.ts --quick    # 1 seed, fewer epochs: a smoke run
 *
 * Data: vega-datasets data/sp500-2000.csv, daily closes 2000-01-03 … 2020-04-17 (n rows).
 * Split: rows 0 … n_tr − 1 train (n_tr = ⌊0.8 n⌋), the rest test; the LSTM's validation part is
 * the last 20 % of the training origins (after an embargo of one horizon). Returns r_t =
 * 100 · ln(close_t / close_{t−1}).
 * Targets, forecast from origin s with rows ≤ s only:
 *   (1) next-day return r_{s+1};
 *   (2) forward 5-day realised volatility RV5f_s = √(r²_{s+1} + … + r²_{s+5}) (×100 through r).
 * Forecasters: naive (0 for returns; the trailing RV5_s = √(r²_{s−4} + … + r²_s) for volatility);
 * ARIMA with d from ADF + KPSS and (p, q) ≤ 3 and the trend by AIC, all on the training rows,
 * then parameters fixed and the Kalman state updated every day; HAR (OLS on training origins), and
 * for volatility LHAR (HAR plus the negative parts of past returns: the leverage effect);
 * GARCH(1,1) (ML on training returns; its constant mean for returns, its 5-day variance path
 * scaled by one k fitted on training targets for volatility); and an LSTM (inputs r_t and |r_t|
 * over the last 44 days, standardised with training statistics; hyper-parameters fixed before
 * looking at any test number; early stopping on the validation part), trained with 5 seeds.
 * Scores: RMSE, MAE, ratio to naive, and Diebold–Mariano p-values (HLN-corrected, Newey–West
 * lag h − 1) against ARIMA and against HAR.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Linear, Module, noGrad, optim, seededRandom, type Tensor } from '../src/index.js';
import { mseLoss } from '../src/layers/losses.js';
import { Lstm } from '../src/layers/lstm.js';
import { forecastArima, selectArima, type ArimaModel } from '../src/forecast/arima.js';
import { dieboldMariano } from '../src/forecast/diebold-mariano.js';
import { errors, mae, meanSd, rmse } from '../src/forecast/evaluation.js';
import { fitGarch, forecastGarchVolatility } from '../src/forecast/garch.js';
import { fitHar, forecastHar } from '../src/forecast/har.js';
import { ols } from '../src/forecast/ols.js';
import { chooseDifferencing } from '../src/forecast/stationarity.js';
import { makeWindows, StandardScaler, windowBatch, type Windows } from '../src/forecast/windows.js';
import { lineChart } from './lib/plot.js';

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
  readonly log: (line: string) => void;
}

export const STUDY_DEFAULTS: StudyOptions = { seeds: [0, 1, 2, 3, 4], epochs: 30, hidden: 16, lookback: 44, maxOrder: 3, trainStride: 1, log: () => {} };

export interface TargetResult {
  readonly name: string;
  readonly horizon: number;
  /** Origins s (row indices); the target of origin s is dated `targetDates[i]`. */
  readonly origins: readonly number[];
  readonly targetDates: readonly string[];
  readonly actual: readonly number[];
  /** Forecasts per model (naive, ARIMA, HAR, GARCH, LSTM ensemble). */
  readonly forecasts: Readonly<Record<string, readonly number[]>>;
  /** One forecast series per LSTM seed. */
  readonly lstmSeeds: readonly (readonly number[])[];
  readonly arima: ArimaModel;
  readonly notes: readonly string[];
}

/** A last-hidden-state LSTM regressor: [B, L, F] → LSTM → h_L → Linear → [B, 1]. */
class LstmRegressor extends Module {
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

function predict(model: LstmRegressor, w: Windows, indices: readonly number[]): number[] {
  model.eval();
  const out: number[] = [];
  noGrad(() => {
    for (let i = 0; i < indices.length; i += 256) {
      const { x } = windowBatch(w, indices.slice(i, i + 256));
      out.push(...model.forward(x).dataSync());
    }
  });
  return out;
}

/** Trains one LSTM from `seed`; returns its (standardised) forecasts for `testIdx`. */
function trainLstm(w: Windows, trainIdx: readonly number[], validIdx: readonly number[], testIdx: readonly number[], seed: number, o: StudyOptions): { test: number[]; epochs: number; validMse: number } {
  const model = new LstmRegressor(w.features, o.hidden, seed);
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
    const pred = predict(model, w, validIdx);
    const mse = pred.reduce((s, p, i) => s + (p - validY[i]!) ** 2, 0) / pred.length;
    if (mse < best.mse) {
      best = { mse, epoch, state: model.stateDict() };
      patience = 0;
    } else if (++patience >= 5) {
      break;
    }
  }
  model.loadStateDict(best.state);
  return { test: predict(model, w, testIdx), epochs: best.epoch, validMse: best.mse };
}

/** Runs every forecaster on one target. `target(s)` is the value forecast from origin s. */
function runTarget(
  name: string, data: Sp500, r: readonly number[], horizon: number, target: (s: number) => number,
  classical: (trainOrigins: number[], testOrigins: number[]) => { forecasts: Record<string, number[]>; arima: ArimaModel; notes: string[] },
  o: StudyOptions,
): TargetResult {
  const n = data.close.length;
  const nTr = Math.floor(0.8 * n);
  const testOrigins: number[] = [];
  for (let s = nTr - 1; s + horizon <= n - 1; s++) testOrigins.push(s);
  const trainOrigins: number[] = [];
  for (let s = 22; s + horizon <= nTr - 1; s++) trainOrigins.push(s); // targets inside the training rows
  const actual = testOrigins.map(target);
  const { forecasts, arima, notes } = classical(trainOrigins, testOrigins);

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
    const fit = trainLstm(w, trainIdx, validIdx, testIdx, seed, o);
    lstmSeeds.push(fit.test.map((v) => v * ySd + yMean));
    o.log(`  ${name}: LSTM seed ${seed}: best epoch ${fit.epochs}, validation MSE (standardised) ${fit.validMse.toFixed(4)}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  forecasts.LSTM = testOrigins.map((_, i) => lstmSeeds.reduce((s, f) => s + f[i]!, 0) / lstmSeeds.length);
  notes.push(`LSTM: ${trainIdx.length} training / ${validIdx.length} validation windows of ${o.lookback} days, hidden ${o.hidden}`);
  const targetDates = testOrigins.map((s) => data.dates[s + horizon]!);
  return { name, horizon, origins: testOrigins, targetDates, actual, forecasts, lstmSeeds, arima, notes };
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

/** The whole study on one copy of the data; pure apart from `o.log`. */
export function runStudy(data: Sp500, options: Partial<StudyOptions> = {}): { returns: TargetResult; volatility: TargetResult } {
  const o: StudyOptions = { ...STUDY_DEFAULTS, ...options };
  const n = data.close.length;
  const nTr = Math.floor(0.8 * n);
  const r = data.close.map((c, t) => (t === 0 ? NaN : 100 * Math.log(c / data.close[t - 1]!)));
  const rv = r.map((_, s) => (s < 5 ? NaN : Math.sqrt([0, 1, 2, 3, 4].reduce((acc, j) => acc + r[s - j]! ** 2, 0)))); // trailing RV5_s
  o.log(`rows ${n}, training rows 0..${nTr - 1} (${data.dates[0]} … ${data.dates[nTr - 1]}), test ${data.dates[nTr]} … ${data.dates[n - 1]}`);

  // (1) next-day return.
  const returns = runTarget('return', data, r, 1, (s) => r[s + 1]!, (trainOrigins, testOrigins) => {
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
      notes: [`GARCH(1,1) on training returns: ω = ${garch.omega.toFixed(4)}, α = ${garch.alpha.toFixed(4)}, β = ${garch.beta.toFixed(4)}, mean ${garch.mean.toFixed(4)}`],
    };
  }, o);

  // (2) forward 5-day realised volatility.
  const volatility = runTarget('RV5f', data, r, 5, (s) => rv[s + 5]!, (trainOrigins, testOrigins) => {
    const series = rv.slice(5); //                                       series[i] = RV5_{i+5}
    const arima = chooseArima(series.slice(0, nTr - 5), o, 'volatility');
    const arimaF = forecastArima(arima, series.slice(0, testOrigins[testOrigins.length - 1]! - 4), testOrigins.map((s) => s - 5), 5);
    const har = fitHar(r, trainOrigins, trainOrigins.map((s) => rv[s + 5]!));
    // Added after the first full run showed the LSTM beating HAR: LHAR gives HAR the sign of
    // past returns, the one input the LSTM has that HAR and GARCH(1,1) lack.
    const lhar = fitHar(r, trainOrigins, trainOrigins.map((s) => rv[s + 5]!), true);
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
        HAR: forecastHar(har, r, testOrigins),
        'LHAR (HAR + leverage)': forecastHar(lhar, r, testOrigins),
        'GARCH(1,1) analytic': garchAt(testOrigins),
        'GARCH(1,1) × k': garchAt(testOrigins).map((f) => k * f),
      },
      arima,
      notes: [
        `HAR β = [${har.beta.map((b) => b.toFixed(4)).join(', ')}]; LHAR β = [${lhar.beta.map((b) => b.toFixed(4)).join(', ')}]`,
        `GARCH(1,1) on training returns: ω = ${garch.omega.toFixed(4)}, α = ${garch.alpha.toFixed(4)}, β = ${garch.beta.toFixed(4)}; k = ${k.toFixed(4)} (fitted on training targets)`,
      ],
    };
  }, o);
  return { returns, volatility };
}

// ── reporting ──

export interface Row {
  readonly model: string;
  readonly rmse: string;
  readonly mae: string;
  readonly ratio: string;
  readonly dmArima: string;
  readonly dmHar: string;
}

const p3 = (p: number): string => (Number.isNaN(p) ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3));

/** Table rows for the targets with `keep(i)`; LSTM as mean ± sd over seeds, and its seed-mean forecast. */
export function tableRows(t: TargetResult, keep: (i: number) => boolean): { rows: Row[]; count: number; raw: Record<string, number> } {
  const idx = t.actual.map((_, i) => i).filter(keep);
  const pick = (xs: readonly number[]) => idx.map((i) => xs[i]!);
  const actual = pick(t.actual);
  const names = Object.keys(t.forecasts);
  const naiveName = names[0]!;
  const arimaName = names.find((m) => m.includes('(AIC)'))!;
  const naiveRmse = rmse(actual, pick(t.forecasts[naiveName]!));
  const eArima = errors(actual, pick(t.forecasts[arimaName]!));
  const eHar = errors(actual, pick(t.forecasts.HAR!));
  const dm = (e: number[], ref: number[], same: boolean) => (same ? '–' : p3(dieboldMariano(e, ref, { horizon: t.horizon }).pValue));
  const raw: Record<string, number> = {};
  const rows: Row[] = names.filter((m) => m !== 'LSTM').map((m) => {
    const f = pick(t.forecasts[m]!);
    const e = errors(actual, f);
    raw[m] = rmse(actual, f);
    return { model: m, rmse: rmse(actual, f).toFixed(4), mae: mae(actual, f).toFixed(4), ratio: (rmse(actual, f) / naiveRmse).toFixed(3), dmArima: dm(e, eArima, m === arimaName), dmHar: dm(e, eHar, m === 'HAR') };
  });
  const seedR = t.lstmSeeds.map((f) => rmse(actual, pick(f)));
  const seedM = t.lstmSeeds.map((f) => mae(actual, pick(f)));
  const pA = t.lstmSeeds.map((f) => dieboldMariano(errors(actual, pick(f)), eArima, { horizon: t.horizon }).pValue).sort((a, b) => a - b);
  const pH = t.lstmSeeds.map((f) => dieboldMariano(errors(actual, pick(f)), eHar, { horizon: t.horizon }).pValue).sort((a, b) => a - b);
  const r = meanSd(seedR);
  const m = meanSd(seedM);
  raw['LSTM mean over seeds'] = r.mean;
  raw['LSTM sd over seeds'] = r.sd;
  const range = (ps: number[]) => (ps.length > 1 ? `${p3(ps[0]!)}–${p3(ps[ps.length - 1]!)}` : p3(ps[0]!));
  rows.push({ model: `LSTM, ${seedR.length} seeds (mean ± sd; DM p range)`, rmse: `${r.mean.toFixed(4)} ± ${r.sd.toFixed(4)}`, mae: `${m.mean.toFixed(4)} ± ${m.sd.toFixed(4)}`, ratio: (r.mean / naiveRmse).toFixed(3), dmArima: range(pA), dmHar: range(pH) });
  const ens = pick(t.forecasts.LSTM!);
  const eEns = errors(actual, ens);
  raw['LSTM seed-mean forecast'] = rmse(actual, ens);
  rows.push({ model: 'LSTM, mean of the seeds\' forecasts', rmse: rmse(actual, ens).toFixed(4), mae: mae(actual, ens).toFixed(4), ratio: (rmse(actual, ens) / naiveRmse).toFixed(3), dmArima: dm(eEns, eArima, false), dmHar: dm(eEns, eHar, false) });
  return { rows, count: idx.length, raw };
}

function markdown(rows: readonly Row[]): string {
  const header = '| model | RMSE | MAE | ratio to naive | DM p vs ARIMA | DM p vs HAR |\n|---|---|---|---|---|---|';
  return [header, ...rows.map((r) => `| ${r.model} | ${r.rmse} | ${r.mae} | ${r.ratio} | ${r.dmArima} | ${r.dmHar} |`)].join('\n');
}

function main(): void {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, seeds: { type: 'string' }, epochs: { type: 'string' }, out: { type: 'string', default: 'runs/lstm-vs-arima' }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log('npx tsx examples/lstm-vs-arima.ts [--quick] [--seeds N] [--epochs N] [--out DIR]');
    return;
  }
  const seedCount = values.seeds ? Number(values.seeds) : values.quick ? 1 : 5;
  const options: Partial<StudyOptions> = {
    seeds: Array.from({ length: seedCount }, (_, i) => i),
    epochs: values.epochs ? Number(values.epochs) : values.quick ? 5 : STUDY_DEFAULTS.epochs,
    log: (line) => console.log(line),
  };
  const t0 = performance.now();
  const data = loadSp500();
  const study = runStudy(data, options);
  const cutoff = '2020-02-20';
  const report: string[] = [];
  const json: Record<string, unknown> = { options: { ...STUDY_DEFAULTS, ...options, log: undefined } };
  for (const t of [study.returns, study.volatility]) {
    const full = tableRows(t, () => true);
    const pre = tableRows(t, (i) => t.targetDates[i]! < cutoff);
    const title = t.name === 'return' ? 'Next-day log return ×100' : 'Forward 5-day realised volatility ×100';
    report.push(`\n### ${title} — whole test period (${full.count} targets, ${t.targetDates[0]} … ${t.targetDates[t.targetDates.length - 1]})\n\n${markdown(full.rows)}`);
    report.push(`\n### ${title} — targets before ${cutoff} (${pre.count})\n\n${markdown(pre.rows)}`);
    report.push(...t.notes.map((s) => `- ${s}`));
    json[t.name] = { full: full.raw, preCrash: pre.raw, count: { full: full.count, preCrash: pre.count }, arima: t.arima, notes: t.notes };
  }
  const v = study.volatility;
  const pre = tableRows(v, (i) => v.targetDates[i]! < cutoff).raw;
  const arimaName = Object.keys(v.forecasts).find((m) => m.includes('(AIC)'))!;
  const lstm = pre['LSTM mean over seeds']!;
  const gainArima = 1 - lstm / pre[arimaName]!;
  const toHar = lstm / pre.HAR! - 1;
  // LHAR is the strongest classical row; the LSTM against it, with the same test.
  for (const [label, keep] of [['whole test', () => true], [`before ${cutoff}`, (i: number) => v.targetDates[i]! < cutoff]] as const) {
    const idx = v.actual.map((_, i) => i).filter(keep);
    const actual = idx.map((i) => v.actual[i]!);
    const eL = errors(actual, idx.map((i) => v.forecasts['LHAR (HAR + leverage)']![i]!));
    const seedP = v.lstmSeeds.map((f) => dieboldMariano(errors(actual, idx.map((i) => f[i]!)), eL, { horizon: 5 }).pValue).sort((a, b) => a - b);
    const ens = dieboldMariano(errors(actual, idx.map((i) => v.forecasts.LSTM![i]!)), eL, { horizon: 5 });
    report.push(`- LSTM vs LHAR (${label}): DM p per seed ${seedP.map(p3).join(', ')}; seed-mean forecast DM statistic ${ens.statistic.toFixed(2)}, p ${p3(ens.pValue)}`);
  }
  json.forecasts = { origins: v.origins, targetDates: v.targetDates, actual: v.actual, ...v.forecasts, lstmSeeds: v.lstmSeeds };
  report.push(`\nBar (volatility, pre-crash): the LSTM must beat the AIC-chosen ARIMA by ≥ 5 % RMSE. Measured: ${(100 * gainArima).toFixed(1)} % ` +
    `(${gainArima >= 0.05 ? 'met' : 'NOT met'}); distance to HAR: ${toHar >= 0 ? '+' : ''}${(100 * toHar).toFixed(1)} % RMSE (${toHar >= 0 ? 'worse' : 'better'} than HAR).`);
  console.log(report.join('\n'));
  mkdirSync(values.out!, { recursive: true });
  const xs = v.origins.map((_, i) => i);
  const svg = lineChart({
    title: 'S&P 500 forward 5-day realised volatility ×100, test period (walk-forward)',
    xLabel: `test origin (${v.targetDates[0]} … ${v.targetDates[v.targetDates.length - 1]})`, yLabel: 'RV5 ×100', width: 960, height: 440,
    series: [
      { name: 'actual', x: xs, y: v.actual },
      { name: arimaName.replace(' (AIC)', ''), x: xs, y: v.forecasts[arimaName]! },
      { name: 'HAR', x: xs, y: v.forecasts.HAR! },
      { name: 'LSTM (seed mean)', x: xs, y: v.forecasts.LSTM! },
    ],
  });
  writeFileSync(join(values.out!, 'volatility.svg'), svg);
  writeFileSync(join(values.out!, 'results.json'), JSON.stringify(json, null, 2));
  writeFileSync(join(values.out!, 'results.md'), report.join('\n') + '\n');
  console.log(`\nwrote ${join(values.out!, 'volatility.svg')}, results.json, results.md — ${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
