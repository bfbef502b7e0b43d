/**
 * The forecasting toolkit: windows and scalers, walk-forward evaluation, the Diebold–Mariano
 * test, and classical baselines written from scratch (ARIMA by exact likelihood, HAR, GARCH(1,1));
 * the checks a skeptical reader asks for (Newey–West bandwidths, Holm, the Model Confidence Set,
 * block bootstraps) and a volatility-targeting backtest with its performance measures.
 */
export { makeWindows, windowBatch, StandardScaler, MinMaxScaler, type Windows, type WindowOptions } from './windows.js';
export { walkForward, rmse, mae, bias, errors, meanSd } from './evaluation.js';
export { dieboldMariano, type DieboldMarianoOptions, type DieboldMarianoResult } from './diebold-mariano.js';
export { fitArima, forecastArima, selectArima, difference, pacfToAr, arToPacf, type ArimaModel, type ArimaOrder, type ArimaTrend, type ArimaSelection, type FitArimaOptions, type SelectArimaOptions } from './arima.js';
export { kpss, adf, chooseDifferencing, type KpssResult, type AdfResult } from './stationarity.js';
export { harFeatures, fitHar, forecastHar, forecastHarRefit, type HarModel, type HarRefitOptions } from './har.js';
export { fitGarch, garchVariances, forecastGarchVolatility, type GarchModel } from './garch.js';
export { minimize, numericGradient, type MinimizeOptions, type MinimizeResult } from './optimize.js';
export { ols, solve, type OlsFit } from './ols.js';
export { studentTTwoSided, normalCdf, normalQuantile, incompleteBeta } from './distributions.js';
export { autocovariances, neweyWestVariance, neweyWestBandwidth } from './newey-west.js';
export { holm } from './multiple-testing.js';
export { stationaryBootstrapIndices, movingBlockIndices, bootstrapIndices, type BootstrapKind } from './bootstrap.js';
export { modelConfidenceSet, type ModelConfidenceSetOptions, type ModelConfidenceSetResult } from './model-confidence-set.js';
export { scoreForecasts, dieboldMarianoFamily, mcsOfForecasts, type Forecasts, type ForecastScore, type DmAtLag, type DmComparison } from './comparison.js';
export { volTargetWeights, runStrategy, type VolTargetOptions, type StrategyRun } from './backtest.js';
export { TRADING_DAYS, equityCurve, annualisedReturn, annualisedVolatility, sharpeRatio, maxDrawdown, sharpeIntervalLo, sharpeIntervalsBootstrap, quantileSorted, type Interval, type BootstrapSharpeOptions } from './performance.js';
export { dayOfYearMeans, smoothCircular, seasonalHarmonics } from './climatology.js';
