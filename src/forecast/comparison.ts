/**
 * comparison — one forecast against many, with the corrections a skeptical reader asks for.
 *
 * `scoreForecasts` gives each model its RMSE, MAE and bias on the same targets. `dieboldMarianoFamily`
 * tests one focus forecast against every other model at several Newey–West lag choices (the
 * answer should not hinge on one bandwidth) and Holm-adjusts each lag's p-values across the family
 * (ten comparisons at 5 % find something by luck). `mcsOfForecasts` runs the Model Confidence Set
 * on the squared errors of all models at once, which answers "which models could be the best?"
 * without picking a reference at all.
 */
import { dieboldMariano } from './diebold-mariano.js';
import { bias, errors, mae, rmse } from './evaluation.js';
import { modelConfidenceSet, type ModelConfidenceSetOptions, type ModelConfidenceSetResult } from './model-confidence-set.js';
import { holm } from './multiple-testing.js';

/** Forecasts by model name, each aligned with the same targets. */
export type Forecasts = Readonly<Record<string, readonly number[]>>;

/** One model's errors on the targets: RMSE, MAE, bias and its mean forecast. */
export interface ForecastScore {
  readonly model: string;
  readonly rmse: number;
  readonly mae: number;
  /** Mean forecast − mean actual. */
  readonly bias: number;
  readonly meanForecast: number;
}

function check(name: string, actual: readonly number[], forecasts: Forecasts): void {
  for (const [m, f] of Object.entries(forecasts)) {
    if (f.length !== actual.length) throw new RangeError(`${name}: model '${m}' has ${f.length} forecasts for ${actual.length} targets`);
  }
}

/** RMSE, MAE and bias of every model, in the order given. */
export function scoreForecasts(actual: readonly number[], forecasts: Forecasts): ForecastScore[] {
  check('scoreForecasts', actual, forecasts);
  return Object.entries(forecasts).map(([model, f]) => ({
    model, rmse: rmse(actual, f), mae: mae(actual, f), bias: bias(actual, f), meanForecast: f.reduce((s, v) => s + v, 0) / f.length,
  }));
}

/** A Diebold–Mariano test at one lag setting of the Newey–West variance. */
export interface DmAtLag {
  /** The lag setting asked for. */
  readonly lags: number | 'auto';
  /** The lags actually used (the automatic bandwidth's choice for 'auto'). */
  readonly usedLags: number;
  readonly statistic: number;
  readonly pValue: number;
  /** Holm-adjusted across the family at this lag setting. */
  readonly holm: number;
}

/**
 * The focus model against one other: the mean loss difference and the Diebold–Mariano tests at each lag, Holm-adjusted.
 */
export interface DmComparison {
  readonly model: string;
  /** Mean of (focus error² − this model's error²): negative = the focus forecast is better. */
  readonly meanLossDifference: number;
  readonly byLag: DmAtLag[];
}

/** Diebold–Mariano tests of `focus` against each model of `others`, at each lag setting, Holm-adjusted. */
export function dieboldMarianoFamily(actual: readonly number[], focus: readonly number[], others: Forecasts, options: { horizon: number; lags: readonly (number | 'auto')[] }): DmComparison[] {
  check('dieboldMarianoFamily', actual, { focus, ...others });
  const eF = errors(actual, focus);
  const tests = Object.entries(others).map(([model, f]) => {
    const e = errors(actual, f);
    return { model, runs: options.lags.map((lags) => dieboldMariano(eF, e, { horizon: options.horizon, lags })) };
  });
  const adjusted = options.lags.map((_, k) => holm(tests.map((t) => t.runs[k]!.pValue)));
  return tests.map((t, i) => ({
    model: t.model,
    meanLossDifference: t.runs[0]!.meanDifference,
    byLag: t.runs.map((r, k) => ({ lags: options.lags[k]!, usedLags: r.lags, statistic: r.statistic, pValue: r.pValue, holm: adjusted[k]![i]! })),
  }));
}

/** The Model Confidence Set on squared errors; p-values keyed by model name. */
export function mcsOfForecasts(actual: readonly number[], forecasts: Forecasts, options: ModelConfidenceSetOptions): ModelConfidenceSetResult & { readonly models: string[]; readonly pValueOf: Record<string, number> } {
  check('mcsOfForecasts', actual, forecasts);
  const models = Object.keys(forecasts);
  const losses = models.map((m) => errors(actual, forecasts[m]!).map((e) => e * e));
  const result = modelConfidenceSet(losses, options);
  return { ...result, models, pValueOf: Object.fromEntries(models.map((m, i) => [m, result.pValues[i]!])) };
}
