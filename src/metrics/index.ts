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
  SegmentationMetrics,
  scoresFromConfusion,
  segmentationConfusionMatrix,
  iou,
  meanIou,
  diceScore,
  pixelAccuracy,
  type LabelMap,
  type SegmentationOptions,
  type SegmentationScores,
} from './segmentation.js';
