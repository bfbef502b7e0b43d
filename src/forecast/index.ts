/**
 * The forecasting toolkit: windows and scalers, walk-forward evaluation, the Diebold–Mariano
 * test, and classical baselines written from scratch (ARIMA by exact likelihood, HAR, GARCH(1,1)).
 */
export { makeWindows, windowBatch, StandardScaler, MinMaxScaler, type Windows, type WindowOptions } from './windows.js';
export { walkForward, rmse, mae, errors, meanSd } from './evaluation.js';
export { dieboldMariano, type DieboldMarianoOptions, type DieboldMarianoResult } from './diebold-mariano.js';
export { fitArima, forecastArima, selectArima, difference, pacfToAr, arToPacf, type ArimaModel, type ArimaOrder, type ArimaTrend, type ArimaSelection, type FitArimaOptions, type SelectArimaOptions } from './arima.js';
export { kpss, adf, chooseDifferencing, type KpssResult, type AdfResult } from './stationarity.js';
export { harFeatures, fitHar, forecastHar, type HarModel } from './har.js';
export { fitGarch, garchVariances, forecastGarchVolatility, type GarchModel } from './garch.js';
export { minimize, numericGradient, type MinimizeOptions, type MinimizeResult } from './optimize.js';
export { ols, solve, type OlsFit } from './ols.js';
export { studentTTwoSided, normalCdf, incompleteBeta } from './distributions.js';
