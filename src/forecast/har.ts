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
 */
import { ols } from './ols.js';

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
