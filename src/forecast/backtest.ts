/**
 * backtest — volatility targeting, day by day, with transaction costs.
 *
 * At the close of day s a forecaster predicts the coming days' annualised volatility σ̂_s and the
 * strategy holds w_s = min(cap, σ* / σ̂_s) (σ* the target; the rest in cash at 0) through day
 * s + 1, whose simple return is R_{s+1}. Nothing after the close of day s enters w_s: that is the
 * whole no-look-ahead argument, and the tests check it by changing the future.
 * Trading and costs. Over a day with return R a weight w drifts to w̃ = w (1 + R) / (1 + w R) of
 * the (changed) equity. Rebalancing from w̃_s to w_s at the close trades the fraction
 * τ_s = |w_s − w̃_s| of equity (the turnover; the first day trades |w| from cash), and costs
 * c · τ_s with c = bps / 10,000. Equity then evolves as
 *   E_{s+1} = E_s · (1 − c τ_s) · (1 + w_s R_{s+1}),
 * so the net daily return is (1 − c τ_s)(1 + w_s R_{s+1}) − 1. Buy-and-hold (w ≡ 1) trades once.
 * Leverage is free and the price index has no dividends, for every strategy alike.
 */

export interface VolTargetOptions {
  /** Target annualised volatility σ* (e.g. 0.15). */
  readonly targetVol: number;
  /** Largest exposure (e.g. 2: at most twice the equity in the index). */
  readonly maxLeverage: number;
}

/**
 * Exposures w_s = min(cap, σ* ÷ σ̂_s) from annualised volatility forecasts. A forecast ≤ 0 (a linear
 * model can produce one) gets the cap, the limit of the rule as σ̂ → 0⁺; NaN or ∞ is refused.
 * @example volTargetWeights([0.5, 0.125, 0.0625], { targetVol: 0.25, maxLeverage: 3 })  // [0.5, 2, 3]
 */
export function volTargetWeights(forecastVol: readonly number[], options: VolTargetOptions): number[] {
  const { targetVol, maxLeverage } = options;
  if (!(targetVol > 0) || !(maxLeverage > 0)) throw new RangeError(`volTargetWeights: targetVol and maxLeverage must be positive, got ${targetVol} and ${maxLeverage}`);
  return forecastVol.map((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`volTargetWeights: forecast ${i} is ${v}; volatility forecasts must be finite`);
    return v <= 0 ? maxLeverage : Math.min(maxLeverage, targetVol / v);
  });
}

/** A backtested strategy: its net daily returns, turnover and costs. */
export interface StrategyRun {
  /** Net daily returns: entry k is the return of the day after decision k. */
  readonly returns: number[];
  /** Turnover τ of each decision (fraction of equity traded). */
  readonly turnover: number[];
  /** Cost paid at each decision, as a fraction of equity. */
  readonly cost: number[];
}

/**
 * Runs exposures `weights[k]` (decided at the close before day k) over the simple returns
 * `dayReturns[k]` of those days, paying `costBps` basis points per unit of turnover.
 */
export function runStrategy(weights: readonly number[], dayReturns: readonly number[], costBps: number): StrategyRun {
  if (weights.length !== dayReturns.length) throw new RangeError(`runStrategy: ${weights.length} weights but ${dayReturns.length} returns`);
  if (!(costBps >= 0)) throw new RangeError(`runStrategy: costBps must be ≥ 0, got ${costBps}`);
  const c = costBps / 10_000;
  const returns: number[] = [];
  const turnover: number[] = [];
  const cost: number[] = [];
  let held = 0; //                                        w̃: the weight the last day left us with
  weights.forEach((w, k) => {
    const tau = Math.abs(w - held);
    const r = dayReturns[k]!;
    turnover.push(tau);
    cost.push(c * tau);
    returns.push((1 - c * tau) * (1 + w * r) - 1);
    held = (w * (1 + r)) / (1 + w * r);
  });
  return { returns, turnover, cost };
}
