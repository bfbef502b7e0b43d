/**
 * arima — ARIMA(p, d, q) with a constant or drift, fitted by EXACT Gaussian maximum likelihood
 * through the Kalman filter on a state-space form (Box & Jenkins; Harvey 1989 §3.4; Durbin &
 * Koopman 2012 §3.4 and §7), with order selection by AIC.
 *
 * Model. w_t = Δ^d y_t is a stationary ARMA around a mean μ:
 *   (w_t − μ) = φ_1 (w_{t−1} − μ) + … + φ_p (w_{t−p} − μ) + ε_t + θ_1 ε_{t−1} + … + θ_q ε_{t−q},  ε ~ N(0, σ²)
 * μ is statsmodels' trend 'c' when d = 0 (the mean of y) and trend 't' when d = 1 (a linear
 * trend in y, i.e. a drift: the mean daily change). The exact likelihood of y with the first d
 * observations treated as diffuse equals that of w (statsmodels' default exact diffuse start),
 * so we filter w.
 *
 * State space (Harvey's form), r = max(p, q + 1), α_t ∈ ℝʳ:
 *   w_t − μ = Z α_t,          Z = [1, 0, …, 0]
 *   α_{t+1} = T α_t + R ε_t,  T = [φ | I_{r−1} over a zero row] (φ padded with zeros to r),  R = [1, θ_1, …, θ_{r−1}]ᵀ
 * started at its stationary distribution: a_1 = 0, P_1 = σ² P̄ with P̄ = T P̄ Tᵀ + R Rᵀ (solved
 * exactly as an r² linear system). The filter, with σ² factored out of every P:
 *   v_t = w_t − μ − a_t[0]    F_t = P_t[0,0]    K_t = T P_t Zᵀ / F_t
 *   a_{t+1} = T a_t + K_t v_t   P_{t+1} = T P_t Tᵀ + R Rᵀ − K_t K_tᵀ F_t
 * gives the prediction errors v_t with variances σ² F_t, so (σ² concentrated out)
 *   σ̂² = (1/n) Σ v_t² / F_t,   log L = −n/2 (log 2π + 1 + log σ̂²) − ½ Σ log F_t,
 *   AIC = −2 log L + 2 (p + q + [μ] + 1)          (the +1 counts σ², as statsmodels does)
 * Stationarity and invertibility are kept by optimising partial autocorrelations
 * r_k = u_k / √(1 + u_k²) ∈ (−1, 1) (Jones 1980; Monahan 1984): the Durbin–Levinson recursion maps
 * them to φ, and for θ to the negated coefficients of an invertible polynomial.
 *
 * Forecasts with FIXED parameters: the filter runs once over the whole series, and the forecast
 * from origin s reads only the predicted state after w_s, a_{s+1|s}; the h-step forecast of w is
 * μ + Z T^{h−1} a_{s+1|s}, then integrated d times from the last observed levels. The filter is
 * causal, so a forecast from s cannot see anything after s.
 */
import { minimize } from './optimize.js';
import { ols, solve } from './ols.js';

/** An ARIMA model's order: p autoregressive terms, d differences, q moving-average terms. */
export interface ArimaOrder {
  readonly p: number;
  readonly d: number;
  readonly q: number;
}

/** 'mean': μ is estimated (statsmodels' 'c' for d = 0, 't' for d = 1); 'none': μ = 0. */
export type ArimaTrend = 'none' | 'mean';

/** A fitted ARIMA model: its order, trend, mean, AR and MA coefficients and innovation variance. */
export interface ArimaModel {
  readonly order: ArimaOrder;
  readonly trend: ArimaTrend;
  readonly mean: number;
  readonly ar: readonly number[];
  readonly ma: readonly number[];
  readonly sigma2: number;
  readonly logLikelihood: number;
  readonly aic: number;
  /** Observations in the likelihood: n − d. */
  readonly nobs: number;
  readonly converged: boolean;
}

/** Δ^d of a series (length n − d). */
export function difference(y: readonly number[], d: number): number[] {
  let w = [...y];
  for (let k = 0; k < d; k++) w = w.slice(1).map((v, i) => v - w[i]!);
  return w;
}

/** Partial autocorrelations in (−1, 1) → coefficients of a stationary AR (Durbin–Levinson). */
export function pacfToAr(r: readonly number[]): number[] {
  let phi: number[] = [];
  for (let k = 0; k < r.length; k++) {
    const rk = r[k]!;
    phi = [...phi.map((v, i) => v - rk * phi[k - 1 - i]!), rk];
  }
  return phi;
}

/** The inverse map; returns null when the AR is not stationary (some |r_k| ≥ 1). */
export function arToPacf(phi: readonly number[]): number[] | null {
  let a = [...phi];
  const r = new Array<number>(a.length);
  for (let k = a.length - 1; k >= 0; k--) {
    const rk = a[k]!;
    if (!(Math.abs(rk) < 1)) return null;
    r[k] = rk;
    a = a.slice(0, k).map((v, i) => (v + rk * a[k - 1 - i]!) / (1 - rk * rk));
  }
  return r;
}

const toUnbounded = (r: number): number => r / Math.sqrt(1 - r * r);
const toPacf = (u: number): number => u / Math.sqrt(1 + u * u);

interface Filtered {
  readonly logLikelihood: number;
  readonly sigma2: number;
  /** After w_t: the predicted state a_{t+1|t}, r numbers per t (only when asked for). */
  readonly predicted: Float64Array | null;
}

/** Solves P = T P Tᵀ + R Rᵀ for the r×r P (vec form: (I − T⊗T) vec P = vec R Rᵀ). */
function stationaryCovariance(phi: readonly number[], R: readonly number[]): number[][] {
  const r = R.length;
  const T = (i: number, j: number): number => (j === 0 ? (phi[i] ?? 0) : 0) + (j === i + 1 ? 1 : 0);
  const n = r * r;
  const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const b = new Array<number>(n);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      const row = i * r + j;
      A[row]![row]! += 1;
      for (let k = 0; k < r; k++) for (let l = 0; l < r; l++) A[row]![k * r + l]! -= T(i, k) * T(j, l);
      b[row] = R[i]! * R[j]!;
    }
  }
  const vec = solve(A, b);
  return Array.from({ length: r }, (_, i) => Array.from({ length: r }, (_, j) => vec[i * r + j]!));
}

/** The Kalman filter of the header over w (σ² = 1 inside, concentrated out at the end). */
function kalman(w: readonly number[], mu: number, phi: readonly number[], theta: readonly number[], keep: boolean): Filtered {
  const r = Math.max(phi.length, theta.length + 1);
  const ph = Array.from({ length: r }, (_, i) => phi[i] ?? 0);
  const R = Array.from({ length: r }, (_, i) => (i === 0 ? 1 : theta[i - 1] ?? 0));
  const P0 = stationaryCovariance(ph, R);
  const P = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) P[i * r + j] = P0[i]![j]!;
  const a = new Float64Array(r);
  const K = new Float64Array(r);
  const TP = new Float64Array(r * r);
  const predicted = keep ? new Float64Array(w.length * r) : null;
  let sumLogF = 0;
  let sumV2 = 0;
  let steady = false;
  let previousF = NaN;
  for (let t = 0; t < w.length; t++) {
    const v = w[t]! - mu - a[0]!;
    const F = P[0]!;
    if (!(F > 0)) return { logLikelihood: -Infinity, sigma2: NaN, predicted };
    sumLogF += Math.log(F);
    sumV2 += (v * v) / F;
    if (!steady) {
      // K = T P[:, 0] / F, with (T x)_i = φ_i x_0 + x_{i+1}
      for (let i = 0; i < r; i++) K[i] = (ph[i]! * P[0]! + (i + 1 < r ? P[(i + 1) * r]! : 0)) / F;
    }
    // a ← T a + K v
    const a0 = a[0]!;
    for (let i = 0; i < r; i++) a[i] = ph[i]! * a0 + (i + 1 < r ? a[i + 1]! : 0) + K[i]! * v;
    if (!steady) {
      // TP = T P, then P ← TP Tᵀ + R Rᵀ − K Kᵀ F
      for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) TP[i * r + j] = ph[i]! * P[j]! + (i + 1 < r ? P[(i + 1) * r + j]! : 0);
      for (let i = 0; i < r; i++) {
        for (let j = 0; j < r; j++) {
          P[i * r + j] = TP[i * r]! * ph[j]! + (j + 1 < r ? TP[i * r + j + 1]! : 0) + R[i]! * R[j]! - K[i]! * K[j]! * F;
        }
      }
      // Once F has stopped moving the gain is constant (the filter reached its steady state).
      if (Math.abs(F - previousF) < 1e-14 * F) steady = true;
      previousF = F;
    }
    if (predicted) predicted.set(a, t * r);
  }
  const n = w.length;
  const sigma2 = sumV2 / n;
  return { logLikelihood: -0.5 * n * (Math.log(2 * Math.PI) + 1 + Math.log(sigma2)) - 0.5 * sumLogF, sigma2, predicted };
}

/** Hannan–Rissanen starting values: a long AR gives residuals, then OLS on lags of w and of them. */
function hannanRissanen(w: readonly number[], p: number, q: number): { phi: number[]; theta: number[] } | null {
  if (p + q === 0) return { phi: [], theta: [] };
  const m = Math.max(p, q) + 8;
  if (w.length < 4 * (m + p + q) + 10) return null;
  try {
    const rows: number[][] = [];
    const ys: number[] = [];
    for (let t = m; t < w.length; t++) {
      rows.push(Array.from({ length: m }, (_, i) => w[t - 1 - i]!));
      ys.push(w[t]!);
    }
    const longAr = ols(rows, ys);
    const e = new Array<number>(w.length).fill(0);
    longAr.residuals.forEach((v, i) => { e[i + m] = v; });
    const start = m + Math.max(p, q);
    const x2: number[][] = [];
    const y2: number[] = [];
    for (let t = start; t < w.length; t++) {
      x2.push([...Array.from({ length: p }, (_, i) => w[t - 1 - i]!), ...Array.from({ length: q }, (_, i) => e[t - 1 - i]!)]);
      y2.push(w[t]!);
    }
    const beta = ols(x2, y2).beta;
    return { phi: beta.slice(0, p), theta: beta.slice(p) };
  } catch {
    return null;
  }
}

/** Unbounded parameters of a stationary φ / invertible θ, or null when outside the region. */
function unbounded(phi: readonly number[], theta: readonly number[]): number[] | null {
  const rp = arToPacf(phi);
  const rq = arToPacf(theta.map((v) => -v));
  if (!rp || !rq || [...rp, ...rq].some((r) => Math.abs(r) > 0.995)) return null;
  return [...rp, ...rq].map(toUnbounded);
}

/** Options of `fitArima`: the trend, the iteration limit and a starting point. */
export interface FitArimaOptions {
  readonly trend?: ArimaTrend;
  readonly maxIterations?: number;
  /** Extra starting values (e.g. the fit of the same orders with the other trend). */
  readonly start?: { readonly mean: number; readonly ar: readonly number[]; readonly ma: readonly number[] };
}

/**
 * Fits ARIMA(p, d, q) to y by exact maximum likelihood.
 * @example fitArima(series, { p: 1, d: 1, q: 1 }, { trend: 'mean' }).aic
 */
export function fitArima(y: readonly number[], order: ArimaOrder, options: FitArimaOptions = {}): ArimaModel {
  const { p, d, q } = order;
  const { trend = d === 0 ? 'mean' : 'none', maxIterations = 300 } = options;
  for (const [name, v] of [['p', p], ['d', d], ['q', q]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`fitArima: ${name} must be an integer ≥ 0, got ${v}`);
  }
  const w = difference(y, d);
  if (w.length < p + q + 10) throw new RangeError(`fitArima: ${w.length} differenced observations are too few for ARIMA(${p},${d},${q})`);
  const useMean = trend === 'mean';
  const center = w.reduce((s, v) => s + v, 0) / w.length;
  const scale = Math.sqrt(w.reduce((s, v) => s + (v - center) ** 2, 0) / w.length) || 1;
  // We optimise μ in units of the series' spread around its mean, so every parameter is O(1).
  const unpack = (x: readonly number[]) => {
    const mu = useMean ? center + x[0]! * scale : 0;
    const u = useMean ? x.slice(1) : x;
    const phi = pacfToAr(u.slice(0, p).map(toPacf));
    const theta = pacfToAr(u.slice(p).map(toPacf)).map((v) => -v);
    return { mu, phi, theta };
  };
  const negLogLik = (x: number[]): number => {
    const { mu, phi, theta } = unpack(x);
    return -kalman(w, mu, phi, theta, false).logLikelihood / w.length;
  };
  const starts: number[][] = [new Array<number>(p + q).fill(0)];
  const hr = hannanRissanen(w.map((v) => v - (useMean ? center : 0)), p, q);
  const hrStart = hr ? unbounded(hr.phi, hr.theta) : null;
  if (hrStart && p + q > 0) starts.unshift(hrStart);
  const x0s = starts.map((s) => (useMean ? [0, ...s] : s));
  // The ARMA likelihood can have several local maxima (ARMA(3,3) on daily returns does), so a
  // caller may add a start, e.g. the optimum of the nested model without μ.
  const given = options.start && options.start.ar.length === p && options.start.ma.length === q ? unbounded(options.start.ar, options.start.ma) : null;
  if (given) x0s.push(useMean ? [(options.start!.mean - center) / scale, ...given] : given);
  let best: { x: number[]; value: number; converged: boolean } | null = null;
  for (const x0 of x0s) {
    if (!Number.isFinite(negLogLik(x0))) continue;
    const result = x0.length === 0 ? { x: x0, value: negLogLik(x0), converged: true, iterations: 0 } : minimize(negLogLik, x0, { maxIterations });
    if (!best || result.value < best.value) best = result;
  }
  if (!best) throw new RangeError(`fitArima: the likelihood of ARIMA(${p},${d},${q}) is not finite at any starting point`);
  const { mu, phi, theta } = unpack(best.x);
  const filtered = kalman(w, mu, phi, theta, false);
  const k = p + q + (useMean ? 1 : 0) + 1;
  return {
    order, trend, mean: mu, ar: phi, ma: theta, sigma2: filtered.sigma2, logLikelihood: filtered.logLikelihood,
    aic: -2 * filtered.logLikelihood + 2 * k, nobs: w.length, converged: best.converged,
  };
}

/**
 * h-step forecasts of y[s + h] from each origin s (s ≥ d), with the model's parameters fixed and
 * the state updated by every observation up to s. Uses y only up to max(origins).
 */
export function forecastArima(model: ArimaModel, y: readonly number[], origins: readonly number[], horizon = 1): number[] {
  const { d } = model.order;
  const last = Math.max(...origins);
  if (origins.some((s) => s < d || s >= y.length)) throw new RangeError(`forecastArima: origins must lie in [${d}, ${y.length - 1}]`);
  const upTo = y.slice(0, last + 1); // the filter never reads beyond the last origin
  const w = difference(upTo, d);
  const { predicted } = kalman(w, model.mean, model.ar, model.ma, true);
  const r = Math.max(model.ar.length, model.ma.length + 1);
  const phi = Array.from({ length: r }, (_, i) => model.ar[i] ?? 0);
  // Levels Δ^k y for k = 0..d − 1, to integrate the forecasts of w back to y.
  const levels = Array.from({ length: d }, (_, k) => difference(upTo, k));
  return origins.map((s) => {
    const j = s - d; //                                           index of w_s in w
    const a = Array.from(predicted!.subarray(j * r, (j + 1) * r)); // a_{s+1|s}
    const wHat: number[] = [];
    for (let h = 0; h < horizon; h++) {
      wHat.push(model.mean + a[0]!);
      const a0 = a[0]!;
      for (let i = 0; i < r; i++) a[i] = phi[i]! * a0 + (i + 1 < r ? a[i + 1]! : 0); // a ← T a
    }
    let path = wHat;
    for (let k = d - 1; k >= 0; k--) {
      let current = levels[k]![s - k]!; //                        Δ^k y_s
      path = path.map((v) => (current += v));
    }
    return path[horizon - 1]!;
  });
}

/** Options of `selectArima`: the largest orders and the trends to try. */
export interface SelectArimaOptions {
  readonly maxP?: number;
  readonly maxQ?: number;
  /** Trends to try (default: both 'none' and 'mean'). */
  readonly trends?: readonly ArimaTrend[];
}

/** What `selectArima` found: the model with the lowest AIC and every model tried. */
export interface ArimaSelection {
  readonly best: ArimaModel;
  /** Every model tried, in the order tried. */
  readonly all: readonly ArimaModel[];
}

/**
 * Fits every ARIMA(p, d, q), p ≤ maxP, q ≤ maxQ, with each trend (each fit also starting from the
 * previous trend's optimum of the same orders), and keeps the lowest AIC.
 */
export function selectArima(y: readonly number[], d: number, options: SelectArimaOptions = {}): ArimaSelection {
  const { maxP = 3, maxQ = 3, trends = ['none', 'mean'] } = options;
  const all: ArimaModel[] = [];
  for (let p = 0; p <= maxP; p++) {
    for (let q = 0; q <= maxQ; q++) {
      let previous: ArimaModel | null = null; // the same orders with the trend fitted just before
      for (const trend of trends) {
        try {
          const m = fitArima(y, { p, d, q }, previous ? { trend, start: previous } : { trend });
          all.push(m);
          previous = m;
        } catch {
          // an order whose likelihood cannot be evaluated is skipped, as statsmodels' grid would be
        }
      }
    }
  }
  if (all.length === 0) throw new RangeError('selectArima: no model could be fitted');
  const best = all.reduce((a, b) => (b.aic < a.aic ? b : a));
  return { best, all };
}
