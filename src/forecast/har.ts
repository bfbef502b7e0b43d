/**
 * har — the heterogeneous autoregressive model of realised volatility (Corsi 2009): tomorrow's
 * volatility as a linear function of today's, this week's and this month's,
 *   y_{s+h} = β_0 + β_d RV^d_s + β_w RV^w_s + β_m RV^m_s + e,
 *   RV^d_s = |r_s|,   RV^w_s = √(mean of r² over s−4..s),   RV^m_s = √(mean of r² over s−21..s)
 * (volatility form, from daily returns), fitted by OLS on training origins only. Three lags of
 * different length stand in for traders with different horizons; it is a long-memory model
 * with four parameters, and hard to beat (Audrino & Chassot 2024, "HARd to Beat").
 *
 * With `leverage: true` it becomes LHAR (Corsi & Renò 2012): three more terms, the negative parts
 * of the returns averaged over the same day / week / month, r⁻ = min(r, 0). Volatility rises more
 * after falls than after rises (the leverage effect), which the symmetric terms cannot express.
 *
 * `forecastHarRefit` re-estimates the model at every origin s on the pairs (u, y_u) whose targets
 * are already known, u + h ≤ s: all of them since the first usable origin (expanding window) or
 * the last W of them (rolling window), the way a forecaster running live would refit each evening.
 */
import { ols, solve } from './ols.js';

/** [1, RV^d_s, RV^w_s, RV^m_s] from returns r (s ≥ 21); with `leverage`, then mean r⁻ over 1, 5, 22 days. */
export function harFeatures(r: readonly number[], s: number, leverage = false): number[] {
  if (s < 21) throw new RangeError(`harFeatures: origin ${s} needs 22 returns of history`);
  const rms = (k: number): number => {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += r[s - j]! ** 2;
    return Math.sqrt(sum / k);
  };
  const base = [1, Math.abs(r[s]!), rms(5), rms(22)];
  if (!leverage) return base;
  const down = (k: number): number => {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.min(r[s - j]!, 0);
    return sum / k;
  };
  return [...base, down(1), down(5), down(22)];
}

/**
 * A fitted HAR model (Corsi 2009): coefficients on the daily, weekly and monthly averages (and leverage terms when asked).
 */
export interface HarModel {
  /** β_0, β_d, β_w, β_m (then γ_d, γ_w, γ_m with leverage). */
  readonly beta: readonly number[];
  readonly leverage: boolean;
}

/**
 * Fits HAR on (origin, target) pairs: features from r up to each origin, targets as given.
 * Pass only origins whose targets lie in the training period.
 */
export function fitHar(r: readonly number[], origins: readonly number[], targets: readonly number[], leverage = false): HarModel {
  return { beta: ols(origins.map((s) => harFeatures(r, s, leverage)), targets).beta, leverage };
}

/** HAR forecasts from each origin (reads r up to the origin only). */
export function forecastHar(model: HarModel, r: readonly number[], origins: readonly number[]): number[] {
  return origins.map((s) => harFeatures(r, s, model.leverage).reduce((acc, x, i) => acc + x * model.beta[i]!, 0));
}

/** Options of the daily re-fitted HAR forecasts: the horizon, the fitting window and the leverage terms. */
export interface HarRefitOptions {
  /** Forecast horizon h: the target of origin u is known at time u + h. */
  readonly horizon: number;
  /** 'expanding' (every known pair since `firstOrigin`) or W, the number of most recent pairs. */
  readonly window: 'expanding' | number;
  readonly leverage?: boolean;
  /** Earliest origin used for fitting (≥ 21; default 22). */
  readonly firstOrigin?: number;
}

/**
 * HAR (or LHAR) forecasts from each origin s, re-fitted at s by OLS on the pairs (u, target(u))
 * with firstOrigin ≤ u ≤ s − h (the last W of them for a rolling window). `target(u)` may read r up
 * to u + h only. With an expanding window the first forecast equals fitHar on the same pairs.
 */
export function forecastHarRefit(r: readonly number[], target: (u: number) => number, origins: readonly number[], options: HarRefitOptions): number[] {
  const { horizon: h, window, leverage = false, firstOrigin = 22 } = options;
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`forecastHarRefit: horizon must be a positive integer, got ${h}`);
  if (window !== 'expanding' && (!Number.isInteger(window) || window < 10)) throw new RangeError(`forecastHarRefit: window must be 'expanding' or an integer ≥ 10, got ${window}`);
  const k = leverage ? 7 : 4;
  const rows = new Map<number, { x: number[]; y: number }>();
  const row = (u: number) => {
    let v = rows.get(u);
    if (!v) rows.set(u, (v = { x: harFeatures(r, u, leverage), y: target(u) }));
    return v;
  };
  let xtx = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let xty = new Array<number>(k).fill(0);
  let [lo, hi] = [firstOrigin, firstOrigin - 1]; //                     pairs lo … hi are in the sums
  const add = (u: number): void => {
    const { x, y } = row(u);
    for (let i = 0; i < k; i++) {
      xty[i]! += x[i]! * y;
      for (let j = 0; j <= i; j++) xtx[i]![j]! += x[i]! * x[j]!;
    }
  };
  return origins.map((s) => {
    const last = s - h;
    const first = window === 'expanding' ? firstOrigin : Math.max(firstOrigin, last - window + 1);
    if (last - first + 1 <= k) throw new RangeError(`forecastHarRefit: origin ${s} has only ${Math.max(0, last - first + 1)} known pairs for ${k} coefficients`);
    if (first !== lo || last < hi) { // a rolling window moved (or origins went back): sum afresh
      xtx = Array.from({ length: k }, () => new Array<number>(k).fill(0));
      xty = new Array<number>(k).fill(0);
      [lo, hi] = [first, first - 1];
    }
    while (hi < last) add(++hi);
    const full = xtx.map((rowI, i) => rowI.map((v, j) => (j <= i ? v : xtx[j]![i]!)));
    const beta = solve(full, xty);
    return harFeatures(r, s, leverage).reduce((acc, x, i) => acc + x * beta[i]!, 0);
  });
}
