/**
 * study-report — the LSTM-vs-ARIMA study's tables: for one target and one period, every model's
 * RMSE, MAE and bias, DM p-values against the ARIMA and HAR references, its Model Confidence Set
 * p-value; the LSTM's spread over seeds; and the LSTM against every other model at several
 * Newey–West lags with Holm's correction. Numbers in (studyReport), markdown out (markdownStudy).
 */
import { dieboldMarianoFamily, mcsOfForecasts, scoreForecasts, type DmAtLag, type Forecasts } from '../../src/forecast/comparison.js';
import { dieboldMariano } from '../../src/forecast/diebold-mariano.js';
import { errors, meanSd, rmse } from '../../src/forecast/evaluation.js';
import { seededRandom } from '../../src/index.js';

/** What the report reads from a study target (examples/lstm-vs-arima.ts's TargetResult). */
export interface StudyTarget {
  readonly name: string;
  readonly horizon: number;
  readonly targetDates: readonly string[];
  readonly actual: readonly number[];
  /** Every model's forecasts; 'LSTM' is the mean of the seeds' forecasts. */
  readonly forecasts: Forecasts;
  readonly lstmSeeds: readonly (readonly number[])[];
  readonly references: { readonly arima: string; readonly har: string };
}

export interface ReportOptions {
  /** Bootstrap resamples, mean block length and seed of the MCS. */
  readonly mcsReps: number;
  readonly mcsBlock: number;
  readonly mcsSeed: number;
  /** Level of the reported MCS (0.1: the 90 % set). */
  readonly alpha: number;
}

export interface ModelRow {
  readonly model: string;
  readonly rmse: number;
  readonly mae: number;
  readonly bias: number;
  readonly ratioToNaive: number;
  /** DM p-values (lag h − 1) against the ARIMA and the once-fitted HAR; NaN for the reference itself. */
  readonly dmArima: number;
  readonly dmHar: number;
  readonly mcsPValue: number;
}

type Range = readonly [number, number];

export interface SeedSummary {
  readonly seeds: number;
  readonly rmse: { mean: number; sd: number };
  readonly mae: { mean: number; sd: number };
  readonly bias: { mean: number; sd: number };
  readonly perSeedRmse: number[];
  readonly dmArima: Range;
  readonly dmHar: Range;
  /** The LSTM's MCS p-value when each seed's forecast stands in for the seed mean. */
  readonly mcsPValue: Range;
}

export interface FamilyRow {
  readonly model: string;
  /** Mean of (LSTM error² − model error²): negative = the LSTM is better. */
  readonly meanLossDifference: number;
  readonly byLag: DmAtLag[];
  /** Range of the raw p-values over the seeds' own forecasts, per lag setting. */
  readonly seedRange: Range[];
}

export interface PeriodReport {
  readonly label: string;
  readonly count: number;
  readonly first: string;
  readonly last: string;
  readonly rows: ModelRow[];
  readonly seeds: SeedSummary;
  readonly lags: (number | 'auto')[];
  readonly family: FamilyRow[];
  /** Models in the (1 − α) MCS, and how it was computed. */
  readonly mcs: { readonly included: string[]; readonly alpha: number; readonly reps: number; readonly block: number; readonly statistic: 'range' };
}

const range = (xs: readonly number[]): Range => [Math.min(...xs), Math.max(...xs)];

/** Every number of one period (the targets with keep(i)) of one target. */
export function periodReport(t: StudyTarget, label: string, keep: (i: number) => boolean, o: ReportOptions): PeriodReport {
  const idx = t.actual.map((_, i) => i).filter(keep);
  const pick = (xs: readonly number[]) => idx.map((i) => xs[i]!);
  const actual = pick(t.actual);
  const forecasts: Record<string, number[]> = Object.fromEntries(Object.entries(t.forecasts).map(([m, f]) => [m, pick(f)]));
  const seeds = t.lstmSeeds.map(pick);
  const h = t.horizon;
  const naive = Object.keys(forecasts)[0]!;
  const naiveRmse = rmse(actual, forecasts[naive]!);
  const eArima = errors(actual, forecasts[t.references.arima]!);
  const eHar = errors(actual, forecasts[t.references.har]!);
  const dmP = (f: readonly number[], ref: number[]) => dieboldMariano(errors(actual, f), ref, { horizon: h }).pValue;
  const mcsOptions = { reps: o.mcsReps, block: o.mcsBlock, alpha: o.alpha, statistic: 'range' as const };
  const mcs = mcsOfForecasts(actual, forecasts, { ...mcsOptions, random: seededRandom(o.mcsSeed) });
  const rows: ModelRow[] = scoreForecasts(actual, forecasts).map((s) => ({
    model: s.model, rmse: s.rmse, mae: s.mae, bias: s.bias, ratioToNaive: s.rmse / naiveRmse,
    dmArima: s.model === t.references.arima ? NaN : dmP(forecasts[s.model]!, eArima),
    dmHar: s.model === t.references.har ? NaN : dmP(forecasts[s.model]!, eHar),
    mcsPValue: mcs.pValueOf[s.model]!,
  }));
  const seedScores = seeds.map((f, k) => scoreForecasts(actual, { [`seed ${k}`]: f })[0]!);
  const seedMcs = seeds.map((f) => mcsOfForecasts(actual, { ...forecasts, LSTM: f }, { ...mcsOptions, random: seededRandom(o.mcsSeed) }).pValueOf.LSTM!);
  const rm = meanSd(seedScores.map((s) => s.rmse));
  const summary: SeedSummary = {
    seeds: seeds.length, rmse: rm, mae: meanSd(seedScores.map((s) => s.mae)), bias: meanSd(seedScores.map((s) => s.bias)),
    perSeedRmse: seedScores.map((s) => s.rmse),
    dmArima: range(seeds.map((f) => dmP(f, eArima))), dmHar: range(seeds.map((f) => dmP(f, eHar))), mcsPValue: range(seedMcs),
  };
  const lags: (number | 'auto')[] = [...new Set([h - 1, 4, 10, 22])].sort((a, b) => a - b);
  lags.push('auto');
  const others = Object.fromEntries(Object.entries(forecasts).filter(([m]) => m !== 'LSTM'));
  const family = dieboldMarianoFamily(actual, forecasts.LSTM!, others, { horizon: h, lags });
  const perSeed = seeds.map((f) => dieboldMarianoFamily(actual, f, others, { horizon: h, lags }));
  return {
    label, count: idx.length, first: t.targetDates[idx[0]!]!, last: t.targetDates[idx[idx.length - 1]!]!, rows, seeds: summary, lags,
    family: family.map((f, j) => ({ ...f, seedRange: lags.map((_, k) => range(perSeed.map((p) => p[j]!.byLag[k]!.pValue))) })),
    mcs: { included: mcs.included.map((i) => mcs.models[i]!), alpha: o.alpha, reps: o.mcsReps, block: o.mcsBlock, statistic: 'range' },
  };
}

export interface StudyReport {
  readonly target: string;
  readonly horizon: number;
  readonly periods: PeriodReport[];
}

/** The report of one target over the given periods. */
export function studyReport(t: StudyTarget, periods: readonly { label: string; keep: (i: number) => boolean }[], o: ReportOptions): StudyReport {
  return { target: t.name, horizon: t.horizon, periods: periods.map((p) => periodReport(t, p.label, p.keep, o)) };
}

// ── markdown ──

export const p3 = (p: number): string => (Number.isNaN(p) ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3));
const pRange = (r: Range): string => (r[0] === r[1] ? p3(r[0]) : `${p3(r[0])}–${p3(r[1])}`);
const signed = (v: number, digits = 4): string => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;
const ms = (s: { mean: number; sd: number }, signedMean = false): string => `${signedMean ? signed(s.mean) : s.mean.toFixed(4)} ± ${s.sd.toFixed(4)}`;

/** The two tables of one period, as markdown. */
export function markdownPeriod(p: PeriodReport, title: string): string {
  const mcsLevel = Math.round(100 * (1 - p.mcs.alpha));
  const rows = p.rows.filter((r) => r.model !== 'LSTM').map((r) =>
    `| ${r.model} | ${r.rmse.toFixed(4)} | ${r.mae.toFixed(4)} | ${signed(r.bias)} | ${r.ratioToNaive.toFixed(3)} | ${p3(r.dmArima)} | ${p3(r.dmHar)} | ${p3(r.mcsPValue)}${r.mcsPValue >= p.mcs.alpha ? ' ✓' : ''} |`);
  const s = p.seeds;
  const naiveRmse = p.rows[0]!.rmse;
  rows.push(`| LSTM, ${s.seeds} seed${s.seeds === 1 ? '' : 's'} (mean ± sd; p ranges) | ${ms(s.rmse)} | ${ms(s.mae)} | ${ms(s.bias, true)} | ${(s.rmse.mean / naiveRmse).toFixed(3)} | ${pRange(s.dmArima)} | ${pRange(s.dmHar)} | ${pRange(s.mcsPValue)} |`);
  const l = p.rows.find((r) => r.model === 'LSTM')!;
  rows.push(`| LSTM, mean of the seeds' forecasts | ${l.rmse.toFixed(4)} | ${l.mae.toFixed(4)} | ${signed(l.bias)} | ${l.ratioToNaive.toFixed(3)} | ${p3(l.dmArima)} | ${p3(l.dmHar)} | ${p3(l.mcsPValue)}${l.mcsPValue >= p.mcs.alpha ? ' ✓' : ''} |`);
  const main = [
    `### ${title} — ${p.label} (${p.count} targets, ${p.first} … ${p.last})`, '',
    `| model | RMSE | MAE | bias | ratio to naive | DM p vs ARIMA | DM p vs HAR | MCS p (✓ = in the ${mcsLevel} % MCS) |`,
    '|---|---|---|---|---|---|---|---|', ...rows,
  ];
  const lagHead = p.lags.map((g) => (g === 'auto' ? 'automatic L' : `L = ${g}`));
  const fam = p.family.map((f) => {
    const cells = f.byLag.map((b) => `${p3(b.pValue)} (${p3(b.holm)})${b.lags === 'auto' ? ` L=${b.usedLags}` : ''}`);
    return `| ${f.model} | ${signed(f.meanLossDifference)} | ${cells.join(' | ')} | ${pRange(f.seedRange[0]!)} |`;
  });
  const family = [
    '', `LSTM (mean of the seeds' forecasts) against each model: DM p-value at Newey–West lag L (Holm-adjusted over the ${p.family.length} comparisons); loss difference = LSTM MSE − model MSE (negative: LSTM better).`, '',
    `| model | loss difference | ${lagHead.join(' | ')} | seeds' p range, L = ${p.lags[0]} |`,
    `|---|---|${p.lags.map(() => '---|').join('')}---|`, ...fam, '',
    `${mcsLevel} % Model Confidence Set (range statistic, stationary bootstrap, ${p.mcs.reps} resamples, mean block ${p.mcs.block} days): ${p.mcs.included.map((m) => (m === 'LSTM' ? 'LSTM (seed mean)' : m)).join('; ')}.`,
  ];
  return [...main, ...family].join('\n');
}

export function markdownStudy(r: StudyReport, title: string): string {
  return r.periods.map((p) => markdownPeriod(p, title)).join('\n\n');
}
