/**
 * Parity with scikit-learn 1.2, checked without Python.
 *
 * The datasets and the expected values come from src/metrics/fixtures/sklearn-metrics.json,
 * written by scripts/make-metrics-fixtures.py (its header describes each dataset: an
 * imbalanced binary problem with tied scores, labels −1/1, four classes with tied scores,
 * ill-defined ratios, a degenerate predictor, and 1-D and 2-D regression). To regenerate it,
 * from the repository root:
 *
 *     /usr/bin/python3 scripts/make-metrics-fixtures.py
 *
 * Every case runs twice: on plain arrays and on Sapling tensors (int32 labels, float64 scores
 * and targets). Counts must match exactly; ratios to rtol 1e-12 (both sides compute in float64
 * and differ only in summation order).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { tensor } from '../autograd/creation.js';
import type { Tensor } from '../autograd/tensor.js';
import * as metrics from './index.js';
import { COVERED_ELSEWHERE } from './calibration-fixture.js';

type Json = number | null | Json[] | { [key: string]: Json };
interface Dataset {
  readonly yTrue: number[] | number[][];
  readonly yPred?: number[] | number[][];
  readonly yScore?: number[] | number[][];
}
interface Case {
  readonly metric: string;
  readonly dataset: string;
  readonly options: Record<string, unknown>;
  readonly expected: Json;
  readonly note: string;
}
interface Fixture {
  readonly sklearn: string;
  readonly datasets: Record<string, Dataset>;
  readonly cases: Case[];
}

const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/sklearn-metrics.json', import.meta.url), 'utf8')) as Fixture;
const REGRESSION = new Set(['mse', 'rmse', 'mae', 'mape', 'r2']);

type Input = number[] | number[][] | Tensor;

/** The dataset as given, or as tensors: labels int32 (classification), values float64. */
function inputs(name: string, metric: string, asTensors: boolean): { yTrue: Input; yPred: Input; yScore: Input } {
  const d = FIXTURE.datasets[name]!;
  const convert = (x: number[] | number[][] | undefined, labels: boolean): Input => {
    if (x === undefined) return [];
    if (!asTensors) return x;
    return tensor(x, { dtype: labels ? 'int32' : 'float64' });
  };
  const labels = !REGRESSION.has(metric);
  return { yTrue: convert(d.yTrue, labels), yPred: convert(d.yPred, labels), yScore: convert(d.yScore, false) };
}

/** Calls the Sapling metric a case names, with the case's options. */
function run(c: Case, asTensors: boolean): unknown {
  const { yTrue, yPred, yScore } = inputs(c.dataset, c.metric, asTensors);
  const o = c.options as never;
  const v = yTrue as never;
  const p = yPred as never;
  const s = yScore as never;
  switch (c.metric) {
    case 'accuracy':
      return metrics.accuracy(v, p);
    case 'confusionMatrix':
      return metrics.confusionMatrix(v, p, o);
    case 'precisionRecallFscoreSupport':
      return metrics.precisionRecallFscoreSupport(v, p, o);
    case 'precision':
      return metrics.precision(v, p, o);
    case 'recall':
      return metrics.recall(v, p, o);
    case 'f1Score':
      return metrics.f1Score(v, p, o);
    case 'fbetaScore': {
      const { beta, ...rest } = c.options as { beta: number };
      return metrics.fbetaScore(v, p, beta, rest as never);
    }
    case 'balancedAccuracy':
      return metrics.balancedAccuracy(v, p, o);
    case 'matthewsCorrcoef':
      return metrics.matthewsCorrcoef(v, p);
    case 'topKAccuracy':
      return metrics.topKAccuracy(v, s, (c.options as { k: number }).k);
    case 'rocAuc':
      return metrics.rocAuc(v, s, o);
    case 'averagePrecision':
      return metrics.averagePrecision(v, s, o);
    case 'rocCurve': {
      const curve = metrics.rocCurve(v, s, o);
      return { ...curve, thresholds: curve.thresholds.slice(1) }; // sklearn 1.2's first threshold is max + 1, ours +Infinity
    }
    case 'precisionRecallCurve':
      return metrics.precisionRecallCurve(v, s, o);
    case 'mse':
      return metrics.mse(v, p, o);
    case 'rmse':
      return metrics.rmse(v, p, o);
    case 'mae':
      return metrics.mae(v, p, o);
    case 'mape':
      return metrics.mape(v, p, o);
    case 'r2':
      return metrics.r2(v, p, o);
  }
  throw new Error(`no such metric in the test: ${c.metric}`);
}

/** Walks expected and got together: numbers within tolerance, null ↔ null, same keys and lengths. */
function expectMatch(got: unknown, want: Json, path: string): void {
  if (want === null) {
    expect(got ?? null, path).toBeNull();
  } else if (typeof want === 'number') {
    expect(typeof got, `${path}: type`).toBe('number');
    const g = got as number;
    if (Math.abs(g - want) > 1e-14 + 1e-12 * Math.abs(want)) expect.fail(`${path}: got ${g}, sklearn ${want}`);
  } else if (Array.isArray(want)) {
    expect(Array.isArray(got), `${path}: an array`).toBe(true);
    expect((got as unknown[]).length, `${path}: length`).toBe(want.length);
    want.forEach((w, i) => expectMatch((got as unknown[])[i], w, `${path}[${i}]`));
  } else {
    for (const key of Object.keys(want)) expectMatch((got as Record<string, unknown>)[key], want[key]!, `${path}.${key}`);
  }
}

describe(`metrics match scikit-learn ${FIXTURE.sklearn}`, () => {
  test('the fixture covers every exported metric', () => {
    const covered = new Set([...FIXTURE.cases.map((c) => c.metric), ...COVERED_ELSEWHERE]);
    const exported = Object.entries(metrics).filter(([, v]) => typeof v === 'function').map(([k]) => k);
    expect(exported.filter((name) => !covered.has(name))).toEqual([]);
  });

  FIXTURE.cases.forEach((c, i) => {
    const label = `${i}: ${c.metric} on ${c.dataset} ${JSON.stringify(c.options)}${c.note ? ` (${c.note})` : ''}`;
    test(label, () => {
      expectMatch(run(c, false), c.expected, `${label}, arrays`);
      expectMatch(run(c, true), c.expected, `${label}, tensors`);
    });
  });
});
