/**
 * dieboldMariano — do two forecasts have equal expected loss? (Diebold & Mariano 1995, with the
 * small-sample correction of Harvey, Leybourne & Newbold 1997.)
 *
 * With errors e1_t, e2_t on the same n targets and squared-error loss, the loss differential is
 * d_t = e1_t² − e2_t². Under H0: E[d] = 0,
 *   DM = d̄ / √(V̂ / n),   V̂ = γ̂_0 + 2 Σ_{l=1..L} w_l γ̂_l      (Newey–West long-run variance)
 * with autocovariances γ̂_l = (1/n) Σ (d_t − d̄)(d_{t−l} − d̄) and Bartlett weights w_l = 1 − l/(L+1),
 * which keep V̂ ≥ 0. h-step forecasts of overlapping targets have MA(h−1) errors, hence the
 * default L = h − 1 (0 for one-step forecasts); `lags: 'auto'` picks L by the Newey–West (1994)
 * plug-in rule (newey-west.ts), never below h − 1. HLN rescale the statistic and compare it with
 * Student's t on n − 1 degrees of freedom:
 *   DM* = DM · √((n + 1 − 2h + h(h − 1)/n) / n)
 * Negative DM means the FIRST forecast has the smaller squared error.
 */
import { studentTTwoSided } from './distributions.js';
import { neweyWestBandwidth, neweyWestVariance } from './newey-west.js';

/** Options of `dieboldMariano`: the forecast horizon, the loss and the Newey–West lags. */
export interface DieboldMarianoOptions {
  /** Forecast horizon h (default 1). */
  readonly horizon?: number;
  /** Newey–West lags L (default h − 1), or 'auto' for the Newey–West (1994) bandwidth (at least h − 1). */
  readonly lags?: number | 'auto';
  /** 'squared' (default) or 'absolute' error loss. */
  readonly loss?: 'squared' | 'absolute';
}

/** The Diebold–Mariano test (with the Harvey–Leybourne–Newbold correction): statistic, p-value and the lags used. */
export interface DieboldMarianoResult {
  /** The HLN-corrected statistic; negative when the first forecast is better. */
  readonly statistic: number;
  /** Two-sided p-value from t(n − 1). */
  readonly pValue: number;
  /** Mean loss differential d̄. */
  readonly meanDifference: number;
  readonly n: number;
  /** The Newey–West lags used. */
  readonly lags: number;
}

/**
 * Compares forecast errors e1 and e2 (actual − forecast) on the same targets.
 * @example dieboldMariano([1, -1, 1, -1], [2, -2, 2, -2]).statistic < 0  // true: the first is better
 */
export function dieboldMariano(e1: readonly number[], e2: readonly number[], options: DieboldMarianoOptions = {}): DieboldMarianoResult {
  const { horizon: h = 1, loss = 'squared' } = options;
  const n = e1.length;
  if (e2.length !== n || n < 2) throw new RangeError(`dieboldMariano: need two error series of equal length ≥ 2, got ${n} and ${e2.length}`);
  const lossOf = loss === 'squared' ? (e: number) => e * e : Math.abs;
  const d = e1.map((e, t) => lossOf(e) - lossOf(e2[t]!));
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const L = options.lags === 'auto' ? Math.max(h - 1, neweyWestBandwidth(d)) : options.lags ?? h - 1;
  const v = neweyWestVariance(d, L);
  if (!(v > 0)) return { statistic: NaN, pValue: NaN, meanDifference: mean, n, lags: L };
  const dm = mean / Math.sqrt(v / n);
  const statistic = dm * Math.sqrt((n + 1 - 2 * h + (h * (h - 1)) / n) / n);
  return { statistic, pValue: studentTTwoSided(statistic, n - 1), meanDifference: mean, n, lags: L };
}
