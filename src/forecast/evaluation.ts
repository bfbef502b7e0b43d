/**
 * evaluation — walk-forward forecasting and its scores.
 *
 * Walk-forward: for each origin s in turn, the forecaster sees the series up to and including s
 * and predicts the target that `targetAt(s)` names (time s + h). Models are fitted once on the
 * training part (before the first origin) and then only *updated* with new observations, as a
 * forecaster running live would be. The only tool that matters for honesty is the signature:
 * `forecast(s, history)` receives `history = series.slice(0, s + 1)` and nothing later.
 */

/** Forecasts y[s] for every origin s, from a copy of the history up to s only. */
export function walkForward(series: readonly number[], origins: readonly number[], forecast: (origin: number, history: readonly number[]) => number): number[] {
  return origins.map((s) => {
    if (s < 0 || s >= series.length) throw new RangeError(`walkForward: origin ${s} is outside the series (length ${series.length})`);
    return forecast(s, series.slice(0, s + 1));
  });
}

/** Root mean squared error. @example rmse([1, 2], [1, 4])  // 1.4142135623730951 */
export function rmse(actual: readonly number[], predicted: readonly number[]): number {
  return Math.sqrt(actual.reduce((s, a, i) => s + (a - predicted[i]!) ** 2, 0) / actual.length);
}

/** Mean absolute error. @example mae([1, 2], [1, 4])  // 1 */
export function mae(actual: readonly number[], predicted: readonly number[]): number {
  return actual.reduce((s, a, i) => s + Math.abs(a - predicted[i]!), 0) / actual.length;
}

/**
 * Forecast bias: mean forecast − mean actual (positive = the model over-predicts on average).
 * @example bias([1, 2], [2, 4])  // 1.5
 */
export function bias(actual: readonly number[], predicted: readonly number[]): number {
  if (actual.length !== predicted.length || actual.length === 0) throw new RangeError(`bias: ${actual.length} actual values but ${predicted.length} forecasts`);
  return predicted.reduce((s, p, i) => s + p - actual[i]!, 0) / actual.length;
}

/** actual − predicted, elementwise. */
export function errors(actual: readonly number[], predicted: readonly number[]): number[] {
  return actual.map((a, i) => a - predicted[i]!);
}

/** Mean and sample standard deviation. */
export function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd };
}
