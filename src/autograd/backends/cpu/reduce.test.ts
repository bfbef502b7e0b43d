import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { allocate, type DataArray, type DType } from '../../dtype.js';
import { seededRandom } from '../../random.js';
import { sizeOf, stridesOf, type Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { ReduceOp } from '../types.js';
import { argReduce, reduce } from './reduce.js';

const t64 = (values: readonly number[], shape: Shape = [values.length]): Tensor => new Tensor(Float64Array.from(values), shape);

const stored = (dtype: DType, values: readonly number[]): DataArray => {
  const out = allocate(dtype, values.length);
  out.set(values);
  return out;
};

/** For each output element (keepDim layout, row-major), the input values it reduces, in row-major order. */
function groups(x: Tensor, axes: readonly number[]): number[][] {
  const strides = stridesOf(x.shape);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out: number[][] = Array.from({ length: sizeOf(kept) }, () => []);
  const keptStrides = stridesOf(kept);
  for (let flat = 0; flat < x.numel(); flat++) {
    const index = x.shape.map((d, i) => Math.floor(flat / strides[i]!) % d);
    const o = index.reduce((s, v, i) => s + (axes.includes(i) ? 0 : v * keptStrides[i]!), 0);
    out[o]!.push(x.storage[flat]!);
  }
  return out;
}

const REF: Record<ReduceOp, (v: readonly number[]) => number> = {
  sum: (v) => v.reduce((s, x) => s + x, 0),
  prod: (v) => v.reduce((s, x) => s * x, 1),
  max: (v) => (v.some(Number.isNaN) ? NaN : Math.max(...v)),
  min: (v) => (v.some(Number.isNaN) ? NaN : Math.min(...v)),
};

/** Integers −3 … 3 (so sums and products are exact in every dtype), a few NaN in float dtypes. */
function values(shape: Shape, dtype: DType, seed: number, nanRate: number): Tensor {
  const random = seededRandom(seed);
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = dtype !== 'int32' && random() < nanRate ? NaN : Math.floor(random() * 7) - 3;
  return new Tensor(data, shape);
}

/** A shape of rank 0–4 with sizes 0–3, a subset of its axes (sorted), keepDim, dtype and seed. */
const cases = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 4 }).chain((shape) =>
  fc.tuple(
    fc.constant(shape),
    fc.subarray(shape.map((_, i) => i)),
    fc.boolean(),
    fc.constantFrom<DType>('float32', 'float64', 'int32'),
    fc.integer(),
  ));

describe('reduce agrees with a naive loop over each output', () => {
  test('sum, prod, max and min over random axes (adjacent or not), keepDim, every dtype', () => {
    fc.assert(fc.property(cases, ([shape, axes, keepDim, dtype, seed]) => {
      const x = values(shape, dtype, seed, 0.05);
      const before = x.dataSync();
      const expectedShape = keepDim ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
      const reducedSize = sizeOf(axes.map((a) => shape[a]!));
      for (const op of ['sum', 'prod', 'max', 'min'] as const) {
        if (reducedSize === 0 && (op === 'max' || op === 'min') && sizeOf(expectedShape) > 0) {
          expect(() => reduce(op, x, axes, keepDim)).toThrow(new RegExp(`^${op}: cannot reduce an empty axis of \\[${shape.join(',')}\\]$`));
          continue;
        }
        if (reducedSize === 0 && (op === 'max' || op === 'min')) continue; // nothing to reduce and no output either
        const y = reduce(op, x, axes, keepDim);
        expect(y.shape).toEqual(expectedShape);
        expect(y.dtype).toBe(dtype);
        expect(y.storage, `${op} over [${axes}] of [${shape}]`).toEqual(stored(dtype, groups(x, axes).map(REF[op])));
      }
      expect(x.storage).toEqual(before);
    }), { seed: 42, numRuns: 200 });
  });

  test('argmax and argmin: the first extremum, or the first NaN, along each axis', () => {
    fc.assert(fc.property(cases.filter(([shape]) => shape.length > 0 && shape.every((d) => d > 0)), fc.nat(), ([shape, , keepDim, dtype, seed], pick) => {
      const axis = pick % shape.length;
      const x = values(shape, dtype, seed, 0.1);
      for (const op of ['argmax', 'argmin'] as const) {
        const y = argReduce(op, x, axis, keepDim);
        expect(y.dtype).toBe('int32');
        expect(y.shape).toEqual(keepDim ? shape.map((d, i) => (i === axis ? 1 : d)) : shape.filter((_, i) => i !== axis));
        const expected = groups(x, [axis]).map((v) => {
          const nan = v.findIndex(Number.isNaN);
          if (nan >= 0) return nan;
          return v.indexOf(op === 'argmax' ? Math.max(...v) : Math.min(...v));
        });
        expect([...y.storage], `${op} along ${axis} of [${shape}]`).toEqual(expected);
      }
    }), { seed: 42, numRuns: 100 });
  });
});

describe('reduce: by hand', () => {
  const x = t64([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23], [2, 3, 4]);

  test('both layouts: a trailing block (inner = 1) and a leading or middle block (inner > 1)', () => {
    // x[i][j][k] = 12i + 4j + k. Worked out by hand.
    expect([...reduce('sum', x, [2], false).storage]).toEqual([6, 22, 38, 54, 70, 86]); //       inner = 1
    expect([...reduce('sum', x, [0], false).storage]).toEqual([12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34]); // inner = 12
    expect([...reduce('max', x, [1], true).storage]).toEqual([8, 9, 10, 11, 20, 21, 22, 23]); //  inner = 4
    expect([...reduce('min', x, [0, 1], false).storage]).toEqual([0, 1, 2, 3]); //                inner = 4
    expect([...reduce('sum', x, [0, 2], false).storage]).toEqual([60, 92, 124]); //               permuted first
    expect(reduce('prod', t64([1, 2, 3, 4], [2, 2]), [0, 1], false).storage[0]).toBe(24);
  });

  test('an empty axis list copies, an empty reduced axis gives 0 (sum) or 1 (prod)', () => {
    const y = reduce('sum', x, [], false);
    expect(y.shape).toEqual([2, 3, 4]);
    expect(y.storage).toEqual(x.storage);
    expect(y.storage).not.toBe(x.storage);
    const empty = t64([], [2, 0]);
    expect([...reduce('sum', empty, [1], false).storage]).toEqual([0, 0]);
    expect([...reduce('prod', empty, [1], true).storage]).toEqual([1, 1]);
    expect(reduce('sum', empty, [1], true).shape).toEqual([2, 1]);
    expect(() => reduce('max', empty, [1], false)).toThrow(/^max: cannot reduce an empty axis of \[2,0\]$/);
    expect(() => argReduce('argmin', empty, 1, false)).toThrow(/^argmin: cannot reduce an empty axis of \[2,0\]$/);
  });

  test('float32 sums accumulate in float64 in both layouts', () => {
    // 1 + 10 000 · 1e-8: a float32 accumulator would stay at 1 (1e-8 is below half its ulp).
    const n = 10_001;
    const tiny = Math.fround(1e-8);
    let exact = 1;
    for (let i = 1; i < n; i++) exact += tiny;
    const column = new Float32Array(n).fill(tiny);
    column[0] = 1;
    expect(reduce('sum', new Tensor(column, [n]), [0], false).storage[0]).toBe(Math.fround(exact));
    const twoColumns = new Float32Array(2 * n).fill(tiny);
    twoColumns[0] = 1;
    twoColumns[1] = 1;
    expect([...reduce('sum', new Tensor(twoColumns, [n, 2]), [0], false).storage]).toEqual([Math.fround(exact), Math.fround(exact)]);
    expect(Math.fround(exact)).not.toBe(1);
  });

  test('NaN wins max and min wherever it sits, in both layouts; ±Infinity are ordinary values', () => {
    for (const at of [0, 1, 2]) {
      const v = [1, 5, 3];
      v[at] = NaN;
      expect(reduce('max', t64(v), [0], false).storage[0]).toBeNaN();
      expect(reduce('min', t64(v), [0], false).storage[0]).toBeNaN();
      const columns = t64(v.flatMap((a) => [a, a]), [3, 2]); // inner = 2
      expect([...reduce('max', columns, [0], false).storage]).toEqual([NaN, NaN]);
      expect([...reduce('min', columns, [0], false).storage]).toEqual([NaN, NaN]);
    }
    expect([...reduce('max', t64([-Infinity, -Infinity, 1, Infinity], [2, 2]), [1], false).storage]).toEqual([-Infinity, Infinity]);
    expect([...reduce('min', t64([-Infinity, -Infinity, 1, Infinity], [2, 2]), [0], false).storage]).toEqual([-Infinity, -Infinity]);
  });

  test('argReduce on ties and NaN (worked out by hand)', () => {
    const m = t64([3, 1, 3, NaN, 2, NaN], [2, 3]);
    expect([...argReduce('argmax', m, 1, false).storage]).toEqual([0, 0]);
    expect([...argReduce('argmin', m, 1, false).storage]).toEqual([1, 0]);
    expect([...argReduce('argmax', m, 0, false).storage]).toEqual([1, 1, 1]); // NaN, then 2 > 1, then NaN
    expect(argReduce('argmax', m, 0, true).shape).toEqual([1, 3]);
  });
});
