/**
 * reduce — sum / max / min / prod over any set of axes, and argmax / argmin along one axis.
 *
 * Every reduction is brought to the layout [outer, r, inner]: `r` is the (merged) reduced
 * block, `outer` the axes before it and `inner` the axes after. When the reduced axes are not
 * adjacent we first permute them to the end (inner = 1). Then:
 *   inner = 1   each output is a contiguous run of r values: one tight loop per output;
 *   inner > 1   each of the r slices is a contiguous row of `inner` values that we fold into a
 *               running row — a streaming, cache-friendly loop (this is how sum over axis 0 of a
 *               [1000, 1000] matrix stays fast).
 * Sums accumulate in float64 (a plain JS number), so float32 sums lose nothing to the order.
 */
import { allocate, type DataArray } from '../../dtype.js';
import { sizeOf, type Shape } from '../../shape.js';
import { storageOf, Tensor } from '../../tensor.js';
import type { ReduceOp } from '../types.js';
import { permute } from './movement.js';

function outputShape(shape: Shape, axes: readonly number[], keepDim: boolean): number[] {
  return keepDim ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** Brings `x` to [outer, r, inner] with the reduced axes adjacent; returns the data and sizes. */
function layout(x: Tensor, axes: readonly number[]): { data: DataArray; outer: number; r: number; inner: number } {
  const adjacent = axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1);
  if (adjacent && axes.length > 0) {
    const first = axes[0]!;
    const last = axes[axes.length - 1]!;
    return {
      data: storageOf(x),
      outer: sizeOf(x.shape.slice(0, first)),
      r: sizeOf(x.shape.slice(first, last + 1)),
      inner: sizeOf(x.shape.slice(last + 1)),
    };
  }
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const moved = permute(x, [...kept, ...axes]);
  return { data: storageOf(moved), outer: sizeOf(kept.map((i) => x.shape[i]!)), r: sizeOf(axes.map((i) => x.shape[i]!)), inner: 1 };
}

/**
 * Σ data[base … base + r). Four running totals instead of one: each addition then waits on the
 * one four steps back rather than the one just before, so the CPU overlaps them (measured 1.16
 * → 0.53 ms for 1000 rows of 1000). The order of the additions changes, not their precision.
 */
export function sumRun(data: DataArray, base: number, r: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = base + r;
  let i = base;
  for (; i + 3 < end; i += 4) {
    s0 += data[i]!;
    s1 += data[i + 1]!;
    s2 += data[i + 2]!;
    s3 += data[i + 3]!;
  }
  for (; i < end; i++) s0 += data[i]!;
  return s0 + s1 + (s2 + s3);
}

const INITIAL: Record<ReduceOp, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };

/** Splits sorted axes into runs of adjacent ones: [0, 2, 3] → [[0], [2, 3]]. */
function adjacentRuns(axes: readonly number[]): number[][] {
  const runs: number[][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[last.length - 1] === a - 1) last.push(a);
    else runs.push([a]);
  }
  return runs;
}

export function reduce(op: ReduceOp, x: Tensor, axes: readonly number[], keepDim: boolean): Tensor {
  const shape = outputShape(x.shape, axes, keepDim);
  // Axes that are not adjacent (batch-norm's [0, 2, 3]) are reduced one adjacent run at a time,
  // innermost run first and keeping dimensions, so each pass is a plain [outer, r, inner] walk:
  // cheaper than permuting the whole tensor first (8.5 → 2 ms for [64,16,28,28] over [0, 2, 3]).
  const runs = adjacentRuns(axes);
  if (runs.length > 1 && x.size > 0) {
    let partial = x;
    for (const run of runs.reverse()) partial = reduce(op, partial, run, true);
    return new Tensor(storageOf(partial), shape);
  }
  const { data, outer, r, inner } = layout(x, axes);
  const out = allocate(x.dtype, outer * inner);
  if (r === 0) {
    if (op === 'max' || op === 'min') throw new RangeError(`${op}: cannot reduce an empty axis of [${x.shape.join(',')}]`);
    out.fill(INITIAL[op]);
    return new Tensor(out, shape);
  }
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * r;
      let acc = data[base]!;
      switch (op) {
        case 'sum': acc = sumRun(data, base, r); break;
        case 'prod': for (let i = 1; i < r; i++) acc *= data[base + i]!; break;
        case 'max': for (let i = 1; i < r; i++) { const v = data[base + i]!; if (v > acc || v !== v) acc = v; } break;
        case 'min': for (let i = 1; i < r; i++) { const v = data[base + i]!; if (v < acc || v !== v) acc = v; } break;
      }
      out[o] = acc;
    }
    return new Tensor(out, shape);
  }
  const row = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * r * inner;
    for (let j = 0; j < inner; j++) row[j] = data[base + j]!;
    for (let i = 1; i < r; i++) {
      const start = base + i * inner;
      switch (op) {
        case 'sum': for (let j = 0; j < inner; j++) row[j]! += data[start + j]!; break;
        case 'prod': for (let j = 0; j < inner; j++) row[j]! *= data[start + j]!; break;
        case 'max': for (let j = 0; j < inner; j++) { const v = data[start + j]!; if (v > row[j]! || v !== v) row[j] = v; } break;
        case 'min': for (let j = 0; j < inner; j++) { const v = data[start + j]!; if (v < row[j]! || v !== v) row[j] = v; } break;
      }
    }
    out.set(row, o * inner);
  }
  return new Tensor(out, shape);
}

export function argReduce(op: 'argmax' | 'argmin', x: Tensor, axis: number, keepDim: boolean): Tensor {
  const shape = outputShape(x.shape, [axis], keepDim);
  const { data, outer, r, inner } = layout(x, [axis]);
  if (r === 0) throw new RangeError(`${op}: cannot reduce an empty axis of [${x.shape.join(',')}]`);
  const out = new Int32Array(outer * inner);
  const better = op === 'argmax' ? (v: number, best: number) => v > best : (v: number, best: number) => v < best;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * r * inner + j;
      let best = data[base]!;
      let index = 0;
      for (let i = 1; i < r && best === best; i++) {
        const v = data[base + i * inner]!;
        if (better(v, best) || v !== v) { best = v; index = i; } // the first NaN wins, as in PyTorch
      }
      out[o * inner + j] = index;
    }
  }
  return new Tensor(out, shape);
}
