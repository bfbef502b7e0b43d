/**
 * An honest backtest: volatility targeting on the S&P 500, driven by each model's forecasts from
 * the LSTM-vs-ARIMA study, against buy-and-hold. A study of forecasts, NOT investment advice.
 *
 * What you will see: for the whole test period (2016-2020, COVID crash included) and for the days
 * before 2020-02-20, each strategy's annualised return and volatility, Sharpe ratio with a 95 %
 * interval, its Sharpe minus buy-and-hold's with a paired interval, maximum drawdown, turnover and
 * costs; equity curves and exposures in runs/vol-target-backtest/equity.svg; result.json.
 *
 *   npx tsx examples/lstm-vs-arima.ts && npx tsx examples/vol-target-backtest.ts --forecasts runs/lstm-vs-arima/result.json
 *   npx tsx examples/vol-target-backtest.ts --preset smoke     # runs the study's smoke preset itself
 *
 * Rule (src/forecast/backtest.ts): at the close of day s each model forecasts the forward 5-day
 * realised volatility RV5f_s (×100, from rows ≤ s); annualised, σ̂_s = RV5f_s / 100 · √(252/5).
 * The strategy holds w_s = min(cap, σ* / σ̂_s) of its equity in the index through day s + 1
 * (the rest in cash at 0 %), rebalancing daily and paying `cost-bps` per unit of turnover.
 * Returns are the price index's (close to close, no dividends), leverage is free, Sharpe ratios
 * are over cash at 0 %: the same simplifications for every strategy, including buy-and-hold.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runStrategy, volTargetWeights, type StrategyRun } from '../src/forecast/backtest.js';
import { annualisedReturn, annualisedVolatility, equityCurve, maxDrawdown, sharpeIntervalLo, sharpeIntervalsBootstrap, sharpeRatio, TRADING_DAYS, type Interval } from '../src/forecast/performance.js';
import { seededRandom, setBackend } from '../src/node.js';
import { CUTOFF, loadSp500, PRESETS, runStudy, volatilityForecastsJson, type Preset, type Sp500, type VolatilityForecastsJson } from './lstm-vs-arima.js';
import { chartRow } from '../src/utils/index.js';
import { choiceFlag, intFlag, numberFlag, optionalStringFlag, parseCli, stringFlag } from './lib/cli.js';

export interface BacktestOptions {
  /** Target annualised volatility σ* (default 0.15, about the index's long-run volatility). */
  readonly targetVol: number;
  /** Largest exposure (default 2). */
  readonly maxLeverage: number;
  /** Cost per unit of turnover, in basis points (default 5). */
  readonly costBps: number;
  /** Stationary-bootstrap resamples, mean block length (days) and seed for the Sharpe intervals. */
  readonly bootstrapReps: number;
  readonly bootstrapBlock: number;
  readonly seed: number;
}

export const BACKTEST_DEFAULTS: BacktestOptions = { targetVol: 0.15, maxLeverage: 2, costBps: 5, bootstrapReps: 2000, bootstrapBlock: 22, seed: 2002 };

export interface Strategy {
  readonly name: string;
  /** Exposure decided at the close of each origin. */
  readonly weights: number[];
  readonly run: StrategyRun;
}

export interface Backtest {
  /** Origins s (decision closes) and the dates of the days s + 1 their exposures are held. */
  readonly origins: readonly number[];
  readonly days: string[];
  /** The index's simple return on each of those days. */
  readonly dayReturns: number[];
  /** Buy-and-hold first, then one strategy per model, then one per LSTM seed. */
  readonly strategies: Strategy[];
}

/** Annualised volatility from a forecast of RV5f ×100. */
export const annualiseRv5 = (rv5: number): number => (rv5 / 100) * Math.sqrt(TRADING_DAYS / 5);

/** Runs buy-and-hold and one volatility-targeting strategy per model (and per LSTM seed). */
export function backtestStrategies(data: Sp500, f: VolatilityForecastsJson, o: BacktestOptions): Backtest {
  f.origins.forEach((s, i) => {
    if (data.dates[s] !== f.originDates[i]) throw new RangeError(`vol-target-backtest: origin ${s} is dated ${f.originDates[i]} in the forecasts but ${data.dates[s]} in the data`);
    if (s + 1 >= data.close.length) throw new RangeError(`vol-target-backtest: origin ${s} has no next day in ${data.close.length} rows`);
  });
  const dayReturns = f.origins.map((s) => data.close[s + 1]! / data.close[s]! - 1);
  const strategy = (name: string, weights: number[]): Strategy => ({ name, weights, run: runStrategy(weights, dayReturns, o.costBps) });
  const targeted = (forecasts: readonly number[]) => volTargetWeights(forecasts.map(annualiseRv5), o);
  return {
    origins: f.origins,
    days: f.origins.map((s) => data.dates[s + 1]!),
    dayReturns,
    strategies: [
      strategy('buy and hold', f.origins.map(() => 1)),
      ...Object.entries(f.models).map(([m, forecasts]) => strategy(m === 'LSTM' ? 'LSTM (mean of the seeds)' : m, targeted(forecasts))),
      ...f.lstmSeeds.map((forecasts, k) => strategy(`LSTM seed ${k}`, targeted(forecasts))),
    ],
  };
}

export interface StrategyMetrics {
  readonly name: string;
  readonly annualReturn: number;
  readonly annualVolatility: number;
  readonly sharpe: number;
  readonly sharpeBootstrap: Interval;
  readonly sharpeLo: Interval;
  /** Sharpe minus buy-and-hold's, with a paired bootstrap interval. */
  readonly sharpeMinusBuyHold: number;
  readonly sharpeMinusBuyHoldInterval: Interval;
  readonly maxDrawdown: number;
  /** Σ turnover per year (2 = the whole equity bought and sold once a year). */
  readonly turnoverPerYear: number;
  readonly costPerYear: number;
  readonly meanExposure: number;
  readonly maxExposure: number;
  /** Days at the cap. */
  readonly daysCapped: number;
}

export interface PeriodMetrics {
  readonly label: string;
  readonly days: number;
  readonly first: string;
  readonly last: string;
  readonly strategies: StrategyMetrics[];
}

/** The metrics of every strategy over the first `count` days of the backtest. */
export function periodMetrics(b: Backtest, label: string, count: number, o: BacktestOptions): PeriodMetrics {
  const cut = b.strategies.map((s) => s.run.returns.slice(0, count));
  const { sharpe, differenceFromFirst } = sharpeIntervalsBootstrap(cut, { random: seededRandom(o.seed), reps: o.bootstrapReps, block: o.bootstrapBlock });
  const years = count / TRADING_DAYS;
  const bh = sharpeRatio(cut[0]!);
  return {
    label, days: count, first: b.days[0]!, last: b.days[count - 1]!,
    strategies: b.strategies.map((s, k) => {
      const r = cut[k]!;
      const w = s.weights.slice(0, count);
      return {
        name: s.name, annualReturn: annualisedReturn(r), annualVolatility: annualisedVolatility(r), sharpe: sharpeRatio(r),
        sharpeBootstrap: sharpe[k]!, sharpeLo: sharpeIntervalLo(r), sharpeMinusBuyHold: sharpeRatio(r) - bh, sharpeMinusBuyHoldInterval: differenceFromFirst[k]!,
        maxDrawdown: maxDrawdown(r), turnoverPerYear: s.run.turnover.slice(0, count).reduce((a, t) => a + t, 0) / years,
        costPerYear: s.run.cost.slice(0, count).reduce((a, c) => a + c, 0) / years,
        meanExposure: w.reduce((a, x) => a + x, 0) / count, maxExposure: Math.max(...w), daysCapped: w.filter((x) => x >= o.maxLeverage).length,
      };
    }),
  };
}

const pct = (v: number, d = 1): string => `${(100 * v).toFixed(d)} %`;
const iv = (i: Interval): string => `[${i.low.toFixed(2)}, ${i.high.toFixed(2)}]`;

export function markdownPeriod(p: PeriodMetrics, o: BacktestOptions): string {
  const rows = p.strategies.filter((s) => !s.name.startsWith('LSTM seed')).map((s) =>
    `| ${s.name} | ${pct(s.annualReturn)} | ${pct(s.annualVolatility)} | ${s.sharpe.toFixed(2)} ${iv(s.sharpeBootstrap)} | ` +
    `${s.name === 'buy and hold' ? '–' : `${s.sharpeMinusBuyHold >= 0 ? '+' : '−'}${Math.abs(s.sharpeMinusBuyHold).toFixed(2)} ${iv(s.sharpeMinusBuyHoldInterval)}`} | ` +
    `${pct(s.maxDrawdown)} | ${s.turnoverPerYear.toFixed(1)} | ${pct(s.costPerYear, 2)} | ${s.meanExposure.toFixed(2)} (${s.daysCapped} d capped) |`);
  const seeds = p.strategies.filter((s) => s.name.startsWith('LSTM seed'));
  const lines = [
    `### ${p.label} (${p.days} days, ${p.first} … ${p.last}; target ${pct(o.targetVol, 0)}, cap ${o.maxLeverage}, ${o.costBps} bps per unit of turnover)`, '',
    '| strategy | annual return | annual volatility | Sharpe [95 % CI] | Sharpe − buy-and-hold [95 % CI] | max drawdown | turnover / year | costs / year | mean exposure |',
    '|---|---|---|---|---|---|---|---|---|', ...rows,
  ];
  if (seeds.length > 1) {
    const sr = seeds.map((s) => s.sharpe);
    lines.push('', `LSTM per seed: Sharpe ${Math.min(...sr).toFixed(2)}–${Math.max(...sr).toFixed(2)}; max drawdown ${pct(Math.min(...seeds.map((s) => s.maxDrawdown)))}–${pct(Math.max(...seeds.map((s) => s.maxDrawdown)))}.`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseCli({
    summary: "Volatility targeting driven by each model's forecasts from the lstm-vs-arima study, with costs, against buy-and-hold. A study, not investment advice.",
    usage: 'npx tsx examples/vol-target-backtest.ts [options]',
    flags: {
      forecasts: optionalStringFlag("the study's result.json (e.g. runs/lstm-vs-arima/result.json); without it the study runs first", 'FILE'),
      preset: choiceFlag('the study preset to run when --forecasts is not given (full: minutes)', ['smoke', 'quick', 'full'] as const, 'full'),
      targetVol: numberFlag('annualised volatility to aim for', BACKTEST_DEFAULTS.targetVol, Number.MIN_VALUE),
      maxLeverage: numberFlag('the largest exposure allowed', BACKTEST_DEFAULTS.maxLeverage, Number.MIN_VALUE),
      costBps: numberFlag('trading cost in basis points of the turnover', BACKTEST_DEFAULTS.costBps, 0),
      seed: intFlag('seed of the block bootstrap', BACKTEST_DEFAULTS.seed, -Infinity),
      backend: choiceFlag("where the study's LSTM kernels run (without --forecasts)", ['cpu', 'wasm', 'webgpu'] as const, 'cpu'),
      out: stringFlag('where result.json, results.md and equity.svg go', 'runs/vol-target-backtest', 'DIR'),
    },
  });
  await setBackend(values.backend);
  const preset: Preset = values.preset;
  const check = (name: string, x: number, ok: boolean): number => {
    if (!ok) throw new RangeError(`vol-target-backtest: --${name} ${x} is out of range`);
    return x;
  };
  const o: BacktestOptions = {
    ...BACKTEST_DEFAULTS,
    targetVol: check('target-vol', values.targetVol, values.targetVol < 5),
    maxLeverage: check('max-leverage', values.maxLeverage, values.maxLeverage <= 10),
    costBps: check('cost-bps', values.costBps, values.costBps < 1000),
    seed: values.seed,
    bootstrapReps: preset === 'smoke' && !values.forecasts ? 300 : BACKTEST_DEFAULTS.bootstrapReps,
  };
  const t0 = performance.now();
  const data = loadSp500();
  let forecasts: VolatilityForecastsJson;
  let source: string;
  if (values.forecasts) {
    forecasts = (JSON.parse(readFileSync(values.forecasts, 'utf8')) as { forecasts: VolatilityForecastsJson }).forecasts;
    source = values.forecasts;
  } else {
    console.log(`running the study (preset ${preset}, backend ${values.backend}) for its forecasts …`);
    forecasts = volatilityForecastsJson(data, (await runStudy(data, PRESETS[preset])).volatility);
    source = `the study, preset ${preset}`;
  }
  const b = backtestStrategies(data, forecasts, o);
  const preCount = b.days.filter((d) => d < CUTOFF).length;
  const periods = [periodMetrics(b, 'whole test period', b.days.length, o), periodMetrics(b, `days before ${CUTOFF}`, preCount, o)];
  const text = [
    `Forecasts from ${source}. A study of forecasts on one index and one period, not investment advice.`, '',
    ...periods.map((p) => markdownPeriod(p, o) + '\n'),
    `Sharpe intervals: stationary bootstrap (Politis & Romano), ${o.bootstrapReps} resamples, mean block ${o.bootstrapBlock} days, percentile; Lo (2002) i.i.d. intervals are in result.json.`,
  ].join('\n');
  console.log(text);
  mkdirSync(values.out, { recursive: true });
  const shown = ['buy and hold', 'naive (trailing RV5)', 'HAR, fitted once', 'LHAR, rolling 1000', 'GARCH(1,1) × k', 'LSTM (mean of the seeds)'];
  const picked = b.strategies.filter((s) => shown.includes(s.name));
  const x = b.days.map((_, i) => i);
  const svg = chartRow([
    { title: 'Equity (start = 1), S&P 500 test period', xLabel: `trading day (${b.days[0]} … ${b.days[b.days.length - 1]})`, yLabel: 'equity', logY: true, width: 720, height: 420,
      series: picked.map((s) => ({ name: s.name, x: [0, ...x.map((i) => i + 1)], y: equityCurve(s.run.returns) })) },
    { title: `Exposure (target ${pct(o.targetVol, 0)}, cap ${o.maxLeverage})`, xLabel: 'trading day', yLabel: 'weight in the index', width: 720, height: 420,
      series: picked.map((s) => ({ name: s.name, x, y: s.weights })) },
  ]);
  writeFileSync(join(values.out, 'equity.svg'), svg);
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(join(values.out, 'result.json'), JSON.stringify({ example: 'vol-target-backtest', notAdvice: true, source, preset: values.forecasts ? null : preset, options: o, seconds: Math.round(seconds), periods }, null, 1));
  writeFileSync(join(values.out, 'results.md'), text + '\n');
  console.log(`\nwrote ${join(values.out, 'result.json')}, results.md, equity.svg — ${seconds.toFixed(1)} s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
