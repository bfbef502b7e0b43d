/**
 * Regression metrics, with scikit-learn's definitions (sklearn.metrics 1.2). With y the
 * targets, ŷ the predictions and N samples:
 *
 *   MSE  = Σ (y − ŷ)² / N            RMSE = √MSE (per output, then averaged)
 *   MAE  = Σ |y − ŷ| / N
 *   MAPE = Σ |y − ŷ| / max(|y|, ε) / N     ε = 2⁻⁵² (float64 epsilon): a fraction, not a percentage;
 *                                           a zero target gives a huge but finite term
 *   R²   = 1 − Σ (y − ŷ)² / Σ (y − ȳ)²      1 when both sums are 0, 0 when only the second is
 *                                           (sklearn's force_finite); NaN with fewer than 2 samples
 *
 * Inputs are 1-D [N], or 2-D [N, outputs] for several targets at once: each output is scored
 * on its own and the scores are averaged ('uniformAverage', the default) or returned as they
 * are ('rawValues').
 */
import { isMatrix, toMatrix, toVector, type MatrixLike, type VectorLike } from './input.js';

/** Options of the regression metrics: how the scores of several outputs are combined. */
export interface RegressionOptions {
  /** For 2-D inputs: average the per-output scores (default) or return them. */
  readonly multioutput?: 'uniformAverage' | 'rawValues';
}

type RegressionMetric = {
  (yTrue: VectorLike, yPred: VectorLike): number;
  (yTrue: MatrixLike, yPred: MatrixLike, options: { readonly multioutput: 'rawValues' }): number[];
  (yTrue: MatrixLike, yPred: MatrixLike, options?: RegressionOptions): number;
};

/** Columns of both inputs (one column for 1-D inputs), checked to have the same shape. */
function columnsOf(yTrue: VectorLike | MatrixLike, yPred: VectorLike | MatrixLike, where: string): { truth: number[][]; pred: number[][]; matrix: boolean } {
  const matrix = isMatrix(yTrue);
  if (matrix !== isMatrix(yPred)) throw new RangeError(`${where}: yTrue and yPred must both be 1-D or both be 2-D`);
  const rowsToColumns = (rows: number[][]): number[][] => rows[0]!.map((_, j) => rows.map((row) => row[j]!));
  const read = (x: VectorLike | MatrixLike, name: string): number[][] =>
    matrix ? rowsToColumns(toMatrix(x as MatrixLike, where, name)) : [toVector(x as VectorLike, where, name)];
  const truth = read(yTrue, 'yTrue');
  const pred = read(yPred, 'yPred');
  const shape = (c: number[][]): string => (matrix ? `[${c[0]!.length}, ${c.length}]` : `[${c[0]!.length}]`);
  if (truth.length !== pred.length || truth[0]!.length !== pred[0]!.length) throw new RangeError(`${where}: yTrue ${shape(truth)} and yPred ${shape(pred)} differ in shape`);
  if (truth[0]!.length === 0) throw new RangeError(`${where}: no samples`);
  return { truth, pred, matrix };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Scores each output column with `score`, then averages or returns them. */
function regressionMetric(where: string, score: (truth: number[], pred: number[]) => number): RegressionMetric {
  return ((yTrue: VectorLike | MatrixLike, yPred: VectorLike | MatrixLike, options: RegressionOptions = {}): number | number[] => {
    const { multioutput = 'uniformAverage' } = options;
    if (multioutput !== 'uniformAverage' && multioutput !== 'rawValues') throw new RangeError(`${where}: multioutput must be 'uniformAverage' or 'rawValues', got ${String(multioutput)}`);
    const { truth, pred, matrix } = columnsOf(yTrue, yPred, where);
    const scores = truth.map((column, j) => score(column, pred[j]!));
    return matrix && multioutput === 'rawValues' ? scores : mean(scores);
  }) as RegressionMetric;
}

/**
 * Mean squared error.
 * @example mse([3, -0.5, 2, 7], [2.5, 0, 2, 8])  // 0.375
 */
export const mse: RegressionMetric = regressionMetric('mse', (y, p) => mean(y.map((v, i) => (v - p[i]!) ** 2)));

/**
 * Root mean squared error, in the units of the target.
 * @example rmse([3, -0.5, 2, 7], [2.5, 0, 2, 8])  // 0.6123…
 */
export const rmse: RegressionMetric = regressionMetric('rmse', (y, p) => Math.sqrt(mean(y.map((v, i) => (v - p[i]!) ** 2))));

/**
 * Mean absolute error.
 * @example mae([3, -0.5, 2, 7], [2.5, 0, 2, 8])  // 0.5
 */
export const mae: RegressionMetric = regressionMetric('mae', (y, p) => mean(y.map((v, i) => Math.abs(v - p[i]!))));

/**
 * Mean absolute percentage error, as a fraction (0.1 is 10%).
 * @example mape([3, -0.5, 2, 7], [2.5, 0, 2, 8])  // 0.3273…
 */
export const mape: RegressionMetric = regressionMetric('mape', (y, p) => mean(y.map((v, i) => Math.abs(v - p[i]!) / Math.max(Math.abs(v), Number.EPSILON))));

/**
 * The coefficient of determination: the fraction of the target's variance the predictions
 * explain (1 is perfect, 0 is as good as predicting the mean, and it can be negative).
 * @example r2([3, -0.5, 2, 7], [2.5, 0, 2, 8])  // 0.9486…
 */
export const r2: RegressionMetric = regressionMetric('r2', (y, p) => {
  if (y.length < 2) return NaN;
  const average = mean(y);
  const residual = y.reduce((a, v, i) => a + (v - p[i]!) ** 2, 0);
  const total = y.reduce((a, v) => a + (v - average) ** 2, 0);
  if (residual === 0) return 1;
  if (total === 0) return 0;
  return 1 - residual / total;
});
