/**
 * stationarity — the two unit-root tests that choose d for ARIMA, as statsmodels runs them:
 *
 * KPSS (Kwiatkowski, Phillips, Schmidt & Shin 1992), H0: level-stationary. With e_t = y_t − ȳ and
 * partial sums S_t = Σ_{i≤t} e_i,  η = Σ S_t² / (n² σ̂²_LR), σ̂²_LR the Newey–West (Bartlett) long-run
 * variance with Hobijn, Franses & Ooms' (1998) automatic lag (statsmodels' nlags='auto').
 * Critical values (constant only): 10 % 0.347, 5 % 0.463, 2.5 % 0.574, 1 % 0.739.
 *
 * ADF (Dickey & Fuller 1979; Said & Dickey 1984), H0: unit root. OLS of
 *   Δy_t = α + γ y_{t−1} + Σ_{i=1..k} β_i Δy_{t−i} + e_t,
 * k chosen by AIC over 0..⌈12 (n/100)^{1/4}⌉ on a common sample (statsmodels' autolag='AIC'),
 * then τ = γ̂ / se(γ̂). We compare τ with MacKinnon's (2010) finite-sample critical values rather
 * than computing a p-value: rejecting at 5 % is all the d rule needs.
 *
 * The rule (baselines.md): d = 0 if ADF rejects a unit root at 5 % and KPSS does not reject
 * stationarity at 5 %; otherwise difference and test again (d ≤ 2).
 */
import { difference } from './arima.js';
import { ols } from './ols.js';

/** The KPSS test of stationarity: statistic, lags and whether it rejects stationarity at 5%. */
export interface KpssResult {
  readonly statistic: number;
  readonly lags: number;
  /** Whether stationarity is rejected at 5 % (statistic > 0.463). */
  readonly rejectsAt5: boolean;
}

/** KPSS test for level stationarity with the automatic lag. */
export function kpss(y: readonly number[]): KpssResult {
  const n = y.length;
  const mean = y.reduce((s, v) => s + v, 0) / n;
  const e = y.map((v) => v - mean);
  // Hobijn et al. (1998) lag, exactly as statsmodels' _kpss_autolag.
  const covlags = Math.floor(Math.pow(n, 2 / 9));
  let s0 = e.reduce((s, v) => s + v * v, 0) / n;
  let s1 = 0;
  for (let i = 1; i <= covlags; i++) {
    let prod = 0;
    for (let t = i; t < n; t++) prod += e[t]! * e[t - i]!;
    prod /= n / 2;
    s0 += prod;
    s1 += i * prod;
  }
  const gamma = 1.1447 * Math.pow((s1 / s0) * (s1 / s0), 1 / 3);
  const lags = Math.min(Math.floor(gamma * Math.pow(n, 1 / 3)), n - 1);
  let lr = e.reduce((s, v) => s + v * v, 0);
  for (let i = 1; i <= lags; i++) {
    let prod = 0;
    for (let t = i; t < n; t++) prod += e[t]! * e[t - i]!;
    lr += 2 * (1 - i / (lags + 1)) * prod;
  }
  lr /= n;
  let partial = 0;
  let eta = 0;
  for (const v of e) {
    partial += v;
    eta += partial * partial;
  }
  const statistic = eta / (n * n * lr);
  return { statistic, lags, rejectsAt5: statistic > 0.463 };
}

/** The augmented Dickey–Fuller test of a unit root: statistic, lags, the 5% critical value and whether it rejects. */
export interface AdfResult {
  readonly statistic: number;
  readonly lags: number;
  /** MacKinnon (2010) 5 % critical value for this sample size (constant, no trend). */
  readonly critical5: number;
  readonly rejectsAt5: boolean;
}

function adfRegression(y: readonly number[], k: number, start: number): { tau: number; aic: number; nobs: number } {
  const dy = difference(y, 1);
  const rows: number[][] = [];
  const targets: number[] = [];
  for (let t = start; t < dy.length; t++) {
    rows.push([1, y[t]!, ...Array.from({ length: k }, (_, i) => dy[t - 1 - i]!)]);
    targets.push(dy[t]!);
  }
  const fit = ols(rows, targets);
  const n = targets.length;
  const llf = -n / 2 * (Math.log(2 * Math.PI) + Math.log(fit.rss / n) + 1);
  return { tau: fit.beta[1]! / fit.se[1]!, aic: -2 * llf + 2 * (k + 2), nobs: n };
}

/** Augmented Dickey–Fuller test with a constant, lag by AIC. */
export function adf(y: readonly number[]): AdfResult {
  const maxLag = Math.min(Math.ceil(12 * Math.pow(y.length / 100, 1 / 4)), Math.floor(y.length / 2) - 2);
  let bestK = 0;
  let bestAic = Infinity;
  for (let k = 0; k <= maxLag; k++) {
    const { aic } = adfRegression(y, k, maxLag); // common sample: all start after maxLag lags
    if (aic < bestAic) {
      bestAic = aic;
      bestK = k;
    }
  }
  const { tau, nobs } = adfRegression(y, bestK, bestK);
  const critical5 = -2.86154 - 2.8903 / nobs - 4.234 / (nobs * nobs);
  return { statistic: tau, lags: bestK, critical5, rejectsAt5: tau < critical5 };
}

/**
 * d by the ADF + KPSS rule of the header (0, 1 or 2).
 * @example chooseDifferencing(whiteNoise)  // 0
 */
export function chooseDifferencing(y: readonly number[]): number {
  for (let d = 0; d < 2; d++) {
    const w = difference(y, d);
    if (adf(w).rejectsAt5 && !kpss(w).rejectsAt5) return d;
  }
  return 2;
}
