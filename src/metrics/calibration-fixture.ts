/**
 * The scikit-learn / SciPy fixture of the calibration and threshold tests
 * (fixtures/sklearn-calibration.json, written by `/usr/bin/python3 scripts/make-calibration-fixtures.py`;
 * its header describes the data and each case).
 */
import { readFileSync } from 'node:fs';

export interface CalibrationCase {
  readonly name: string;
  readonly options: Record<string, number | string | boolean>;
  readonly expected: unknown;
}

export interface CalibrationFixture {
  readonly data: {
    readonly y: number[];
    readonly scores: number[];
    readonly prob: number[];
    readonly logits: number[];
    readonly multiclassY: number[];
    readonly multiclassLogits: number[][];
    readonly multiclassProb: number[][];
  };
  readonly cases: CalibrationCase[];
}

export const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/sklearn-calibration.json', import.meta.url), 'utf8')) as CalibrationFixture;

/** The cases of one function, with their expected values typed by the caller. */
export function casesOf<T>(name: string): { options: CalibrationCase['options']; expected: T }[] {
  return FIXTURE.cases.filter((c) => c.name === name).map((c) => ({ options: c.options, expected: c.expected as T }));
}

/**
 * The exported metrics checked outside sklearn-metrics.json: against this fixture, or (where
 * scikit-learn 1.2 has no such function) by hand in calibration/calibrators/thresholds/prior-shift tests.
 */
export const COVERED_ELSEWHERE: readonly string[] = [
  // scikit-learn / SciPy parity in this fixture
  'calibrationCurve', 'brierScore', 'logLoss', 'fitPlatt', 'fitTemperature', 'thresholdReport', 'ThresholdSweep', 'selectThreshold',
  // no scikit-learn 1.2 counterpart: worked out by hand
  'reliabilityDiagram', 'expectedCalibrationError', 'applyPlatt', 'applyTemperature', 'bayesThreshold', 'expectedCost', 'costCurve',
  'costLine', 'adjustPosteriors', 'emPriorShift',
];
