/**
 * garch — GARCH(1,1) (Bollerslev 1986) by Gaussian maximum likelihood, for demeaned returns ε_t:
 *   ε_t = σ_t z_t,  z ~ N(0, 1),     σ²_{t+1} = ω + α ε_t² + β σ²_t
 *   log L = −½ Σ_t (log 2π + log σ²_t + ε_t² / σ²_t),   σ²_1 = the sample variance (a backcast)
 * Constraints ω > 0, α, β ≥ 0, α + β < 1 (covariance stationarity) through a smooth map:
 *   ω = exp(u_0),   α + β = 0.9999 · logistic(u_1),   α = (α + β) · logistic(u_2).
 * Forecasts: with σ̄² = ω / (1 − α − β), E[σ²_{s+k} | F_s] = σ̄² + (α + β)^{k−1} (σ²_{s+1} − σ̄²), so the
 * expected k-day sum of squared returns is Σ_{k=1..h} of that, and its square root is the
 * model's forecast of h-day realised volatility.
 */
import { minimize } from './optimize.js';

/** A fitted GARCH(1, 1): mean, ω, α, β and the log-likelihood. */
export interface GarchModel {
  readonly mean: number;
  readonly omega: number;
  readonly alpha: number;
  readonly beta: number;
  readonly logLikelihood: number;
  /** σ²_1 used to start the recursion. */
  readonly initialVariance: number;
}

const logistic = (u: number): number => 1 / (1 + Math.exp(-u));

function garchLogLik(eps: readonly number[], omega: number, alpha: number, beta: number, s2: number): number {
  let ll = 0;
  let v = s2;
  for (const e of eps) {
    ll -= 0.5 * (Math.log(2 * Math.PI) + Math.log(v) + (e * e) / v);
    v = omega + alpha * e * e + beta * v;
  }
  return ll;
}

/**
 * Fits GARCH(1,1) to returns (their mean is removed first and kept as `mean`).
 * @example fitGarch(trainReturns).alpha + fitGarch(trainReturns).beta  // < 1
 */
export function fitGarch(returns: readonly number[]): GarchModel {
  const n = returns.length;
  if (n < 50) throw new RangeError(`fitGarch: need at least 50 returns, got ${n}`);
  const mean = returns.reduce((s, v) => s + v, 0) / n;
  const eps = returns.map((v) => v - mean);
  const s2 = eps.reduce((s, v) => s + v * v, 0) / n;
  const unpack = ([u0, u1, u2]: readonly number[]) => {
    const persistence = 0.9999 * logistic(u1!);
    const alpha = persistence * logistic(u2!);
    return { omega: Math.exp(u0!), alpha, beta: persistence - alpha };
  };
  // Start near the usual daily estimates: α ≈ 0.1, β ≈ 0.85, ω matching the sample variance.
  const x0 = [Math.log(0.05 * s2), Math.log(0.95 / 0.05), Math.log(0.1 / 0.85)];
  const f = (x: number[]): number => {
    const { omega, alpha, beta } = unpack(x);
    return -garchLogLik(eps, omega, alpha, beta, s2) / n;
  };
  const fit = minimize(f, x0, { maxIterations: 300 });
  const { omega, alpha, beta } = unpack(fit.x);
  return { mean, omega, alpha, beta, logLikelihood: -fit.value * n, initialVariance: s2 };
}

/** The conditional variances σ²_{t+1} after each return r_t (the recursion run over `returns`). */
export function garchVariances(model: GarchModel, returns: readonly number[]): number[] {
  let v = model.initialVariance;
  return returns.map((r) => {
    const e = r - model.mean;
    v = model.omega + model.alpha * e * e + model.beta * v;
    return v;
  });
}

/** Forecast of √(Σ_{k=1..h} r²_{s+k}) from each origin s: the model's h-day volatility. */
export function forecastGarchVolatility(model: GarchModel, returns: readonly number[], origins: readonly number[], horizon: number): number[] {
  const last = Math.max(...origins);
  const next = garchVariances(model, returns.slice(0, last + 1)); // σ²_{s+1} for every s ≤ last
  const persistence = model.alpha + model.beta;
  const longRun = model.omega / (1 - persistence);
  return origins.map((s) => {
    let total = 0;
    for (let k = 1; k <= horizon; k++) total += longRun + persistence ** (k - 1) * (next[s]! - longRun);
    return Math.sqrt(total);
  });
}
