/** Metrics for classification (labels and scores) and regression, with scikit-learn's definitions. */
export type { VectorLike, MatrixLike } from './input.js';
export {
  accuracy,
  confusionMatrix,
  precisionRecallFscoreSupport,
  precision,
  recall,
  f1Score,
  fbetaScore,
  balancedAccuracy,
  matthewsCorrcoef,
  type Average,
  type ConfusionMatrixOptions,
  type PrfOptions,
  type PrfResult,
} from './classification.js';
export {
  topKAccuracy,
  rocCurve,
  rocAuc,
  precisionRecallCurve,
  averagePrecision,
  type RocCurve,
  type PrCurve,
  type RankingAverage,
  type RankingOptions,
} from './ranking.js';
export { mse, rmse, mae, mape, r2, type RegressionOptions } from './regression.js';
export {
  reliabilityDiagram, calibrationCurve, expectedCalibrationError, brierScore, logLoss,
  type ReliabilityDiagram, type ReliabilityOptions,
} from './calibration.js';
export { fitTemperature, applyTemperature, fitPlatt, applyPlatt, type Platt, type Temperature } from './calibrators.js';
export {
  thresholdReport, ThresholdSweep, selectThreshold, bayesThreshold, expectedCost, costCurve, costLine,
  type Costs, type ConfusionCounts, type ThresholdReport, type ThresholdOptions, type ThresholdCriterion, type SelectedThreshold, type CostCurve,
} from './thresholds.js';
export { adjustPosteriors, emPriorShift, type PriorShift, type PriorShiftOptions } from './prior-shift.js';
