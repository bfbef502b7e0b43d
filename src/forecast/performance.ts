/**
 * performance — what a daily return series earned, how bumpy it was, and how sure we can be.
 *
 * With daily simple returns R_1 … R_n and P = 252 trading days a year:
 *   annualised return     (Π (1 + R_t))^{P/n} − 1         (geometric: what compounding gave)
 *   annualised volatility sd(R) · √P                       (sample sd, n − 1)
 *   Sharpe ratio          mean(R) / sd(R) · √P              (no risk-free rate: excess over cash at 0)
 *   maximum drawdown      max_t (1 − E_t / max_{u ≤ t} E_u), E = the equity curve (E_0 = 1)
 * Two intervals for the Sharpe ratio (four years of days leave it uncertain by about ±1):
 *   Lo (2002), i.i.d. returns: the daily SR̂ is asymptotically normal with se √((1 + SR̂²/2) / n);
 *   stationary bootstrap (Politis & Romano 1994): resample the days in blocks, recompute SR, take
 *     the α/2 and 1 − α/2 quantiles. It keeps volatility clustering and fat tails, which Lo's
 *     i.i.d. formula ignores; the same resamples on two strategies give a paired interval for
 *     the difference of their Sharpe ratios (as Ledoit & Wolf 2008, with percentile intervals).
 */
import type { Random } from '../autograd/random.js';
import { stationaryBootstrapIndices } from './bootstrap.js';
import { normalQuantile } from './distributions.js';

/** Trading days in a year, for annualising daily returns and volatilities. */
export const TRADING_DAYS = 252;

function need(name: string, r: readonly number[], min: number): void {
  if (r.length < min) throw new RangeError(`${name}: need at least ${min} returns, got ${r.length}`);
}

/** Equity curve E_0 = 1, E_t = E_{t−1} (1 + R_t); length n + 1. */
export function equityCurve(returns: readonly number[]): number[] {
  const e = [1];
  for (const r of returns) e.push(e[e.length - 1]! * (1 + r));
  return e;
}

/** Geometric annualised return. @example annualisedReturn([0.01, 0.01], 2)  // 0.0201 */
export function annualisedReturn(returns: readonly number[], periodsPerYear = TRADING_DAYS): number {
  need('annualisedReturn', returns, 1);
  const growth = returns.reduce((g, r) => g * (1 + r), 1);
  return growth ** (periodsPerYear / returns.length) - 1;
}

/** Sample standard deviation × √P. */
export function annualisedVolatility(returns: readonly number[], periodsPerYear = TRADING_DAYS): number {
  need('annualisedVolatility', returns, 2);
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  const v = returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1);
  return Math.sqrt(v * periodsPerYear);
}

/** mean / sd × √P (NaN for a constant series). */
export function sharpeRatio(returns: readonly number[], periodsPerYear = TRADING_DAYS): number {
  need('sharpeRatio', returns, 2);
  const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
  const sd = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1));
  return sd > 0 ? (mean / sd) * Math.sqrt(periodsPerYear) : NaN;
}

/** The largest fall from a running peak of the equity curve, as a fraction (0.3 = −30 %). */
export function maxDrawdown(returns: readonly number[]): number {
  let peak = 1;
  let equity = 1;
  let worst = 0;
  for (const r of returns) {
    equity *= 1 + r;
    peak = Math.max(peak, equity);
    worst = Math.max(worst, 1 - equity / peak);
  }
  return worst;
}

/** A confidence interval [low, high]. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Lo (2002) interval for the annualised Sharpe ratio under i.i.d. returns. */
export function sharpeIntervalLo(returns: readonly number[], level = 0.95, periodsPerYear = TRADING_DAYS): Interval {
  need('sharpeIntervalLo', returns, 2);
  const daily = sharpeRatio(returns, 1);
  const se = Math.sqrt((1 + daily ** 2 / 2) / returns.length);
  const z = normalQuantile(1 - (1 - level) / 2);
  return { low: (daily - z * se) * Math.sqrt(periodsPerYear), high: (daily + z * se) * Math.sqrt(periodsPerYear) };
}

/** Options of the bootstrapped Sharpe-ratio intervals: the generator, resamples, block length and level. */
export interface BootstrapSharpeOptions {
  readonly random: Random;
  /** Resamples (default 2000). */
  readonly reps?: number;
  /** Mean block length in days (default 22, about a month). */
  readonly block?: number;
  readonly level?: number;
  readonly periodsPerYear?: number;
}

/** The q-quantile of sorted values (linear interpolation, as numpy's default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Stationary-bootstrap percentile intervals for the Sharpe ratio of each series in `series` (all
 * of the same days, resampled together) and for each one's difference from `series[0]`.
 */
export function sharpeIntervalsBootstrap(series: readonly (readonly number[])[], options: BootstrapSharpeOptions): { sharpe: Interval[]; differenceFromFirst: Interval[] } {
  const { random, reps = 2000, block = 22, level = 0.95, periodsPerYear = TRADING_DAYS } = options;
  const n = series[0]?.length ?? 0;
  need('sharpeIntervalsBootstrap', series[0] ?? [], 2);
  if (series.some((s) => s.length !== n)) throw new RangeError(`sharpeIntervalsBootstrap: every series needs ${n} returns, got ${series.map((s) => s.length).join(', ')}`);
  const draws = series.map(() => [] as number[]);
  const diffs = series.map(() => [] as number[]);
  const resampled = new Array<number>(n);
  for (let b = 0; b < reps; b++) {
    const idx = stationaryBootstrapIndices(n, block, random);
    const srs = series.map((s) => {
      for (let t = 0; t < n; t++) resampled[t] = s[idx[t]!]!;
      return sharpeRatio(resampled, periodsPerYear);
    });
    srs.forEach((sr, k) => {
      draws[k]!.push(sr);
      diffs[k]!.push(sr - srs[0]!);
    });
  }
  const tail = (1 - level) / 2;
  const interval = (xs: number[]): Interval => {
    const sorted = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    return sorted.length ? { low: quantileSorted(sorted, tail), high: quantileSorted(sorted, 1 - tail) } : { low: NaN, high: NaN };
  };
  return { sharpe: draws.map(interval), differenceFromFirst: diffs.map(interval) };
}
