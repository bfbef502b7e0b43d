/**
 * windows — supervised examples cut from a time series, and scalers fitted on the training part.
 *
 * A window at origin s (the last observed time) holds the features of times s − lookback + 1 … s
 * and the targets of times s + 1 … s + horizon: x [lookback, F], y [horizon]. Origins advance by
 * `stride`. Everything a forecast from s may use is at times ≤ s, so a window never contains its
 * own future; the caller defines targets so that target[t] is known only at time t.
 *
 * Scalers learn their statistics from the training rows ONLY (fit), then transform anything:
 * fitting on the whole series would leak the test period's level and spread into training.
 */
import { tensor } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import type { Tensor } from '../autograd/tensor.js';

/** Options of the sliding windows: lookback, horizon, stride and the range of origins. */
export interface WindowOptions {
  /** How many past steps each example sees (≥ 1). */
  readonly lookback: number;
  /** How many future steps it predicts (default 1). */
  readonly horizon?: number;
  /** Distance between consecutive origins (default 1). */
  readonly stride?: number;
  /** First and last origin to use (defaults: the first and last that fit). */
  readonly firstOrigin?: number;
  readonly lastOrigin?: number;
}

/** Supervised examples cut from a series: the origins, the inputs [M, lookback, F] and the targets [M, horizon]. */
export interface Windows {
  /** Origins s of the examples, ascending. */
  readonly origins: readonly number[];
  /** [M, lookback, F]: features at s − lookback + 1 … s. */
  readonly x: Float64Array;
  /** [M, horizon]: targets at s + 1 … s + horizon. */
  readonly y: Float64Array;
  readonly lookback: number;
  readonly horizon: number;
  readonly features: number;
}

/**
 * Cuts windows from features [T][F] and targets [T] (NaN targets are allowed outside the origins used).
 * @example makeWindows([[1], [2], [3], [4]], [1, 2, 3, 4], { lookback: 2 }).origins  // [1, 2]
 */
export function makeWindows(features: readonly (readonly number[])[], targets: readonly number[], options: WindowOptions): Windows {
  const { lookback, horizon = 1, stride = 1 } = options;
  const T = features.length;
  const F = features[0]?.length ?? 0;
  if (!Number.isInteger(lookback) || lookback < 1 || !Number.isInteger(horizon) || horizon < 1 || !Number.isInteger(stride) || stride < 1) {
    throw new RangeError(`makeWindows: lookback, horizon and stride must be positive integers, got ${lookback}, ${horizon}, ${stride}`);
  }
  if (targets.length !== T) throw new RangeError(`makeWindows: ${T} feature rows but ${targets.length} targets`);
  const first = Math.max(options.firstOrigin ?? 0, lookback - 1);
  const last = Math.min(options.lastOrigin ?? Infinity, T - 1 - horizon);
  const origins: number[] = [];
  for (let s = first; s <= last; s += stride) origins.push(s);
  const x = new Float64Array(origins.length * lookback * F);
  const y = new Float64Array(origins.length * horizon);
  origins.forEach((s, m) => {
    for (let l = 0; l < lookback; l++) {
      const row = features[s - lookback + 1 + l]!;
      for (let f = 0; f < F; f++) x[(m * lookback + l) * F + f] = row[f]!;
    }
    for (let k = 0; k < horizon; k++) y[m * horizon + k] = targets[s + 1 + k]!;
  });
  return { origins, x, y, lookback, horizon, features: F };
}

/** The rows `indices` of a Windows as tensors x [B, lookback, F] and y [B, horizon]. */
export function windowBatch(w: Windows, indices: readonly number[], dtype: FloatDType = 'float32'): { x: Tensor; y: Tensor } {
  const xs = w.lookback * w.features;
  const x = new Float64Array(indices.length * xs);
  const y = new Float64Array(indices.length * w.horizon);
  indices.forEach((m, b) => {
    x.set(w.x.subarray(m * xs, (m + 1) * xs), b * xs);
    y.set(w.y.subarray(m * w.horizon, (m + 1) * w.horizon), b * w.horizon);
  });
  return { x: tensor(x, [indices.length, w.lookback, w.features], { dtype }), y: tensor(y, [indices.length, w.horizon], { dtype }) };
}

/** Per-column standardisation z = (v − mean) / sd, with statistics from the rows it was fitted on. */
export class StandardScaler {
  readonly mean: readonly number[];
  readonly sd: readonly number[];

  private constructor(mean: number[], sd: number[]) {
    this.mean = mean;
    this.sd = sd;
  }

  /**
   * Fits on `rows` (pass the TRAINING rows only).
   * @example StandardScaler.fit([[1], [3]]).transform([[5]])  // [[3]]
   */
  static fit(rows: readonly (readonly number[])[]): StandardScaler {
    const F = rows[0]?.length ?? 0;
    if (rows.length < 2) throw new RangeError(`StandardScaler.fit: need at least 2 rows, got ${rows.length}`);
    const mean = new Array<number>(F).fill(0);
    for (const r of rows) r.forEach((v, f) => { mean[f]! += v / rows.length; });
    const sd = mean.map((m, f) => Math.sqrt(rows.reduce((s, r) => s + (r[f]! - m) ** 2, 0) / rows.length) || 1);
    return new StandardScaler(mean, sd);
  }

  transform(rows: readonly (readonly number[])[]): number[][] {
    return rows.map((r) => r.map((v, f) => (v - this.mean[f]!) / this.sd[f]!));
  }

  inverse(rows: readonly (readonly number[])[]): number[][] {
    return rows.map((r) => r.map((v, f) => v * this.sd[f]! + this.mean[f]!));
  }
}

/** Per-column scaling to [0, 1] with the minimum and maximum of the rows it was fitted on. */
export class MinMaxScaler {
  readonly min: readonly number[];
  readonly max: readonly number[];

  private constructor(min: number[], max: number[]) {
    this.min = min;
    this.max = max;
  }

  /** Fits on `rows` (pass the TRAINING rows only). */
  static fit(rows: readonly (readonly number[])[]): MinMaxScaler {
    const F = rows[0]?.length ?? 0;
    const min = new Array<number>(F).fill(Infinity);
    const max = new Array<number>(F).fill(-Infinity);
    for (const r of rows) r.forEach((v, f) => { min[f] = Math.min(min[f]!, v); max[f] = Math.max(max[f]!, v); });
    return new MinMaxScaler(min, max);
  }

  transform(rows: readonly (readonly number[])[]): number[][] {
    return rows.map((r) => r.map((v, f) => (v - this.min[f]!) / (this.max[f]! - this.min[f]! || 1)));
  }

  inverse(rows: readonly (readonly number[])[]): number[][] {
    return rows.map((r) => r.map((v, f) => v * (this.max[f]! - this.min[f]! || 1) + this.min[f]!));
  }
}
