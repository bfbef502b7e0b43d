import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { allocate, type DataArray, type DType } from '../../dtype.js';
import { seededRandom, type Random } from '../../random.js';
import { broadcastShapes, sizeOf, stridesOf, type Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { BinaryOp, CompareOp, UnaryOp } from '../types.js';
import { allFinite, binary, cast, compare, erf, unary, unaryParam, where } from './elementwise.js';
import { coalesce, forEachRow } from './iterate.js';

const t64 = (values: readonly number[], shape: Shape = [values.length]): Tensor => new Tensor(Float64Array.from(values), shape);
const t32 = (values: readonly number[], shape: Shape = [values.length]): Tensor => new Tensor(Float32Array.from(values), shape);
const i32 = (values: readonly number[], shape: Shape = [values.length]): Tensor => new Tensor(Int32Array.from(values), shape);

/** The values `f` gives, stored as `dtype` stores them. */
const stored = (dtype: DType, values: readonly number[]): DataArray => {
  const out = allocate(dtype, values.length);
  out.set(values);
  return out;
};

/** The multi-index of flat position `flat` in `shape`. */
const unravel = (flat: number, shape: Shape): number[] => {
  const strides = stridesOf(shape);
  return shape.map((d, i) => Math.floor(flat / strides[i]!) % d);
};

/** Reads `x` at an index of the broadcast shape `shape` (right-aligned; size-1 axes repeat). */
const readBroadcast = (x: Tensor, index: readonly number[]): number => {
  const strides = stridesOf(x.shape);
  const offset = index.length - x.ndim;
  let flat = 0;
  for (let i = 0; i < x.ndim; i++) flat += (x.shape[i] === 1 ? 0 : index[offset + i]!) * strides[i]!;
  return x.storage[flat]!;
};

/** The slow, obviously correct broadcasting loop: one multi-index at a time. */
function naive(f: (...v: number[]) => number, operands: readonly Tensor[]): { shape: number[]; values: number[] } {
  const shape = operands.map((t) => t.shape).reduce<number[]>((s, t) => broadcastShapes(s, t, 'naive'), []);
  const values = Array.from({ length: sizeOf(shape) }, (_, i) => {
    const index = unravel(i, shape);
    return f(...operands.map((t) => readBroadcast(t, index)));
  });
  return { shape, values };
}

const BINARY_REF: Record<BinaryOp | CompareOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: Math.pow,
  maximum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)),
  minimum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)),
  reluBackward: (x, y) => (y > 0 ? x : 0),
  addRelu: (x, y) => Math.max(x + y, 0),
  eq: (x, y) => Number(x === y),
  ne: (x, y) => Number(x !== y),
  lt: (x, y) => Number(x < y),
  le: (x, y) => Number(x <= y),
  gt: (x, y) => Number(x > y),
  ge: (x, y) => Number(x >= y),
};
const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'reluBackward'] as const satisfies readonly BinaryOp[];
const COMPARE_OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const satisfies readonly CompareOp[];

/** Small values with repeats (to exercise ties and equality), some NaN in float dtypes; no −0. */
function values(shape: Shape, dtype: DType, random: Random): Tensor {
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    const u = random();
    data[i] = dtype !== 'int32' && u < 0.05 ? NaN : Math.floor(random() * 7) - 3 + (dtype === 'int32' ? 0 : 0.5 * Math.floor(random() * 2));
    if (Object.is(data[i], -0)) data[i] = 0;
  }
  return new Tensor(data, shape);
}

/** Output shapes with sizes 0–3 and operand shapes derived from them (leading axes dropped, axes set to 1). */
const broadcastable = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 4 }).chain((out) => {
  const operand = fc.tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[drop + i] ? 1 : d)));
  return fc.tuple(operand, operand, operand, fc.constantFrom<DType>('float32', 'float64', 'int32'), fc.integer());
});

describe('binary, compare and where agree with a naive broadcasting loop', () => {
  test('every binary op and comparison, random broadcastable shapes, every dtype', () => {
    fc.assert(fc.property(broadcastable, ([shapeA, shapeB, , dtype, seed]) => {
      const random = seededRandom(seed);
      const a = values(shapeA, dtype, random);
      const b = values(shapeB, dtype, random);
      const before = [a.dataSync(), b.dataSync()];
      for (const op of BINARY_OPS) {
        // The kernel writes into the dtype the op chose; int32 division is the caller's concern.
        const outDType = op === 'div' && dtype === 'int32' ? 'float32' : dtype;
        const y = binary(op, a, b, outDType);
        const ref = naive(BINARY_REF[op], [a, b]);
        expect(y.shape).toEqual(ref.shape);
        expect(y.dtype).toBe(outDType);
        expect(y.storage, op).toEqual(stored(outDType, ref.values));
      }
      for (const op of COMPARE_OPS) {
        const y = compare(op, a, b);
        expect(y.dtype).toBe('int32');
        expect(y.storage, op).toEqual(stored('int32', naive(BINARY_REF[op], [a, b]).values));
      }
      expect([a.storage, b.storage]).toEqual(before); // inputs are never written
    }), { seed: 42, numRuns: 150 });
  });

  test('where, three operands broadcast together', () => {
    fc.assert(fc.property(broadcastable, ([shapeC, shapeA, shapeB, dtype, seed]) => {
      const random = seededRandom(seed);
      const cond = values(shapeC, 'int32', random);
      const a = values(shapeA, dtype, random);
      const b = values(shapeB, 'float64', random);
      const y = where(cond, a, b, 'float64');
      const ref = naive((c, x, z) => (c !== 0 ? x! : z!), [cond, a, b]);
      expect(y.shape).toEqual(ref.shape);
      expect(y.storage).toEqual(stored('float64', ref.values));
    }), { seed: 42, numRuns: 100 });
  });

  test('each inner-loop case by hand: contiguous, a broadcast on either side, 0-d, empty', () => {
    const a = t64([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(binary('sub', a, a, 'float64').storage).toEqual(new Float64Array(6)); //                 sa = sb = 1
    expect(binary('sub', a, t64([1, 2, 3]), 'float64').storage).toEqual(Float64Array.from([0, 0, 0, 3, 3, 3])); // row
    expect(binary('sub', a, t64([10, 20], [2, 1]), 'float64').storage).toEqual(Float64Array.from([-9, -8, -7, -16, -15, -14])); // sb = 0
    expect(binary('sub', t64([10, 20], [2, 1]), a, 'float64').storage).toEqual(Float64Array.from([9, 8, 7, 16, 15, 14])); // sa = 0
    expect(binary('mul', t64([1, 2], [2, 1]), t64([1, 10, 100], [1, 3]), 'float64').storage) // outer product
      .toEqual(Float64Array.from([1, 10, 100, 2, 20, 200]));
    const s = binary('add', t64([2], []), t64([3], []), 'float64');
    expect([s.shape, s.storage[0]]).toEqual([[], 5]);
    const e = binary('add', t64([], [0, 3]), t64([1, 2, 3]), 'float64');
    expect([e.shape, e.numel()]).toEqual([[0, 3], 0]);
    expect(where(i32([], [0]), t64([1]), t64([2]), 'float64').shape).toEqual([0]);
    expect(() => binary('add', a, t64([1, 2]), 'float64')).toThrow(/^add: shapes \[2,3\] and \[2\] cannot be broadcast together$/);
    expect(() => compare('lt', a, t64([1, 2]))).toThrow(/^lt: shapes \[2,3\] and \[2\] cannot be broadcast together$/);
  });

  test('results are written in the requested dtype: mixed inputs, float32 rounding, int32 truncation', () => {
    const y = binary('add', t32([0.1]), t64([0.2]), 'float64');
    expect(y.storage[0]).toBe(Math.fround(0.1) + 0.2);
    expect(binary('mul', t64([0.1]), t64([3]), 'float32').storage[0]).toBe(Math.fround(0.1 * 3));
    expect(binary('div', i32([7, -7]), i32([2, 2]), 'float32').storage).toEqual(Float32Array.from([3.5, -3.5]));
    expect(binary('pow', i32([2, 2]), i32([3, -1]), 'int32').storage).toEqual(Int32Array.from([8, 0]));
    // int32 arithmetic wraps around like Int32Array stores do
    expect(binary('add', i32([2 ** 31 - 1]), i32([1]), 'int32').storage[0]).toBe(-(2 ** 31));
  });

  test('relu, its backward and addRelu at ±0, ±∞ and NaN (branch-free, but exactly the select they stand for)', () => {
    const specials = [-Infinity, -1, -0, 0, 2, Infinity, NaN];
    for (const dtype of ['float32', 'float64'] as const) {
      const x = new Tensor(dtype === 'float32' ? Float32Array.from(specials) : Float64Array.from(specials), [7]);
      expect(Array.from(unary('relu', x).storage)).toEqual([0, 0, 0, 0, 2, Infinity, NaN]);
      const g = new Tensor(dtype === 'float32' ? Float32Array.from([Infinity, NaN, -Infinity, -0, 3, NaN, 5]) : Float64Array.from([Infinity, NaN, -Infinity, -0, 3, NaN, 5]), [7]);
      // g where x > 0, else 0 — an infinite or NaN g at a masked place included
      expect(Array.from(binary('reluBackward', g, x, dtype).storage)).toEqual([0, 0, 0, 0, 3, NaN, 0]);
      const y = new Tensor(dtype === 'float32' ? Float32Array.from([Infinity, 1, 0, 0, -2.5, -Infinity, 1]) : Float64Array.from([Infinity, 1, 0, 0, -2.5, -Infinity, 1]), [7]);
      expect(Array.from(binary('addRelu', x, y, dtype).storage)).toEqual([NaN, 0, 0, 0, 0, NaN, NaN]);
    }
  });

  test('maximum and minimum propagate NaN from either side', () => {
    const a = t64([NaN, 1, NaN, 2]);
    const b = t64([1, NaN, NaN, 3]);
    expect([...binary('maximum', a, b, 'float64').storage]).toEqual([NaN, NaN, NaN, 3]);
    expect([...binary('minimum', a, b, 'float64').storage]).toEqual([NaN, NaN, NaN, 2]);
    expect([...binary('maximum', a, t64([0]), 'float64').storage]).toEqual([NaN, 1, NaN, 2]);
  });
});

describe('unary kernels', () => {
  const REF: Record<UnaryOp, (x: number) => number> = {
    neg: (x) => -x,
    exp: Math.exp,
    log: Math.log,
    sqrt: Math.sqrt,
    rsqrt: (x) => 1 / Math.sqrt(x),
    abs: Math.abs,
    sign: Math.sign,
    sin: Math.sin,
    cos: Math.cos,
    tanh: Math.tanh,
    sigmoid: (x) => 1 / (1 + Math.exp(-x)),
    relu: (x) => Math.max(x, 0),
    erf,
    softplus: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
    square: (x) => x * x,
    reciprocal: (x) => 1 / x,
    floor: Math.floor,
    ceil: Math.ceil,
    round: (x) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x)),
    gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
    geluTanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  };
  const xs = [-25, -3.7, -2.5, -1.5, -0.5, -0.3, 0, 0.3, 0.5, 1.5, 2.5, 3.7, 19, 21, 100];

  for (const op of Object.keys(REF) as UnaryOp[]) {
    test(`${op} matches its Math.* definition in float64 and float32`, () => {
      const domain = op === 'log' || op === 'sqrt' || op === 'rsqrt' ? xs.map(Math.abs) : xs;
      const y = unary(op, t64(domain));
      expect(y.dtype).toBe('float64');
      const rtol = op === 'gelu' ? 1e-13 : 1e-15; // gelu: x/√2 against x·√½, then 1 + erf cancels for x < 0
      domain.forEach((x, i) => {
        const want = REF[op](x);
        const got = y.storage[i]!;
        expect(Object.is(got, want) || Math.abs(got - want) <= rtol * Math.abs(want), `${op}(${x}) = ${got}, expected ${want}`).toBe(true);
      });
      const y32 = unary(op, t32(domain));
      expect(y32.dtype).toBe('float32');
      domain.forEach((x, i) => {
        const want = Math.fround(REF[op](Math.fround(x)));
        const got = y32.storage[i]!;
        // erf and gelu use float32 fits (erf-float32.ts), tested there to 2.2e-7 relative: 2 ulp, not 1.
        const rtol32 = op === 'erf' || op === 'gelu' ? 2.2e-7 : 1e-7;
        expect(Object.is(got, want) || Math.abs(got - want) <= rtol32 * Math.abs(want), `float32 ${op}(${x}) = ${got}, expected ${want}`).toBe(true);
      });
    });
  }

  test('round halves to even, as PyTorch; sign keeps NaN and −0', () => {
    const y = unary('round', t64([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4, 2.6, -2.6]));
    expect([...y.storage]).toEqual([-2, -2, -0, 0, 2, 2, 2, 3, -3]);
    const s = unary('sign', t64([-3, -0, 0, 4, NaN]));
    expect([...s.storage]).toEqual([-1, -0, 0, 1, NaN]);
    expect(Object.is(s.storage[1], -0)).toBe(true);
  });

  test('int32 unary kernels stay int32', () => {
    const y = unary('neg', i32([1, -2]));
    expect([y.dtype, [...y.storage]]).toEqual(['int32', [-1, 2]]);
    expect([...unary('abs', i32([-3, 3])).storage]).toEqual([3, 3]);
  });

  test('leakyRelu, elu and clamp with their parameters', () => {
    const x = t64([-2, -0.5, 0, 0.5, 2]);
    expect([...unaryParam({ kind: 'leakyRelu', slope: 0.1 }, x).storage]).toEqual([-0.2, -0.05, 0, 0.5, 2]);
    expect([...unaryParam({ kind: 'elu', alpha: 2 }, x).storage]).toEqual([2 * (Math.exp(-2) - 1), 2 * (Math.exp(-0.5) - 1), 0, 0.5, 2]);
    expect([...unaryParam({ kind: 'clamp', min: -1, max: 1 }, x).storage]).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect([...unaryParam({ kind: 'clamp', min: -Infinity, max: 0 }, t64([NaN, 3, -3])).storage]).toEqual([NaN, 0, -3]);
  });
});

describe('erf', () => {
  test('matches libm to 1e-15 relative, including tiny and large arguments', () => {
    // Python 3's math.erf (the C library's), printed with repr.
    const cases: readonly (readonly [number, number])[] = [
      [1e-300, 1.1283791670955126e-300], [1e-10, 1.1283791670955126e-10], [1e-5, 1.1283791670579e-05],
      [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527],
      [2.4999, 0.9995928300996666], [2.5, 0.999593047982555], [3, 0.9999779095030014], [4, 0.9999999845827421],
      [5.5, 0.9999999999999927], [5.9999, 1.0], [6, 1.0],
    ];
    for (const [x, want] of cases) {
      expect(Math.abs(erf(x) - want) <= 1e-15 * want, `erf(${x}) = ${erf(x)}, expected ${want}`).toBe(true);
      expect(erf(-x)).toBe(-erf(x));
    }
    expect(erf(0)).toBe(0);
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect([erf(Infinity), erf(-Infinity), erf(1e300)]).toEqual([1, -1, 1]);
    expect(erf(NaN)).toBeNaN();
  });

  test('is monotone across the switch between the series and the continued fraction', () => {
    let previous = erf(2.49);
    for (let x = 2.49; x < 2.51; x += 1e-4) {
      const y = erf(x);
      expect(y).toBeGreaterThanOrEqual(previous);
      previous = y;
    }
  });
});

describe('cast and allFinite', () => {
  test('cast rounds to float32, truncates toward zero for int32 (refusing NaN and values out of range), and keeps the shape', () => {
    expect(cast(t64([0.1, 1e-50], [1, 2]), 'float32').storage).toEqual(Float32Array.from([Math.fround(0.1), 0]));
    expect(cast(t64([0.1], [1, 1]), 'float32').shape).toEqual([1, 1]);
    expect([...cast(t64([-1.7, -0.5, 0.5, 1.7, 2.5]), 'int32').storage]).toEqual([-1, 0, 0, 1, 2]);
    // NaN and values int32 cannot hold are refused, never wrapped (dtype.ts, toInt32)
    expect(() => cast(t64([1, NaN]), 'int32')).toThrow(/to\('int32'\): NaN \(element 1\)/);
    expect(() => cast(t64([-3e9]), 'int32')).toThrow(/to\('int32'\): -3000000000 \(element 0\)/);
    expect(cast(i32([3, -4]), 'float64').storage).toEqual(Float64Array.from([3, -4]));
    const x = t64([1, 2]);
    const c = cast(x, 'float64');
    expect(c.storage).not.toBe(x.storage); // a copy, even to the same dtype
  });

  test('allFinite', () => {
    expect(allFinite(t64([1, -2, 1e308]))).toBe(true);
    expect(allFinite(t64([1, NaN]))).toBe(false);
    expect(allFinite(t32([Infinity]))).toBe(false);
    expect(allFinite(t64([-Infinity, 0]))).toBe(false);
    expect(allFinite(i32([2 ** 31 - 1]))).toBe(true);
    expect(allFinite(t64([], [0]))).toBe(true);
  });
});

describe('iterate: coalesce and forEachRow', () => {
  test('contiguous operands merge into one row', () => {
    expect(coalesce([2, 3, 4], [[12, 4, 1], [12, 4, 1]])).toEqual({ shape: [24], strides: [[1], [1]] });
  });

  test('a broadcast operand keeps the axes apart; size-1 axes vanish; 0-d becomes one element', () => {
    // out [3, 4] contiguous, b [4] broadcast over rows (stride 0 on axis 0)
    expect(coalesce([3, 4], [[4, 1], [0, 1]])).toEqual({ shape: [3, 4], strides: [[4, 1], [0, 1]] });
    // b [3, 1] broadcast along columns: axis 1 has stride 0
    expect(coalesce([3, 4], [[4, 1], [1, 0]])).toEqual({ shape: [3, 4], strides: [[4, 1], [1, 0]] });
    // [1, 3, 1, 4] with both contiguous: size-1 axes drop, the rest merge
    expect(coalesce([1, 3, 1, 4], [[12, 4, 4, 1], [12, 4, 4, 1]])).toEqual({ shape: [12], strides: [[1], [1]] });
    // [2, 3, 4] + [4]: the two leading axes merge for both (the broadcast stride is 0 on each)
    expect(coalesce([2, 3, 4], [[12, 4, 1], [0, 0, 1]])).toEqual({ shape: [6, 4], strides: [[4, 1], [0, 1]] });
    expect(coalesce([], [[], []])).toEqual({ shape: [1], strides: [[0], [0]] });
    expect(coalesce([1, 1], [[1, 1]])).toEqual({ shape: [1], strides: [[0]] });
  });

  test('forEachRow visits every row once, in row-major order, with each operand offset', () => {
    const rows: [number[], number][] = [];
    forEachRow({ shape: [2, 2, 3], strides: [[6, 3, 1], [0, 3, 1]] }, (offsets, n) => rows.push([[...offsets], n]));
    expect(rows).toEqual([[[0, 0], 3], [[3, 3], 3], [[6, 0], 3], [[9, 3], 3]]);
    const single: number[][] = [];
    forEachRow({ shape: [5], strides: [[1]] }, (offsets, n) => single.push([...offsets, n]));
    expect(single).toEqual([[0, 5]]);
  });
});

describe('float32 exp (the fast path)', () => {
  test('is within 1.2e-7 relative of the correctly rounded value over [-105, 105], specials included', () => {
    const n = 100001;
    const xs = new Float32Array(n);
    for (let i = 0; i < n; i++) xs[i] = -105 + (210 * i) / (n - 1);
    const y = unary('exp', new Tensor(xs, [n])).storage;
    for (let i = 0; i < n; i++) {
      const want = Math.fround(Math.exp(xs[i]!));
      const err = want === 0 || !Number.isFinite(want) ? Math.abs(y[i]! - want) : Math.abs(y[i]! - want) / want;
      if (!(err <= 1.2e-7) && !(y[i] === want)) throw new Error(`exp(${xs[i]}) = ${y[i]}, want ${want}`);
    }
    const specials = unary('exp', new Tensor(new Float32Array([NaN, Infinity, -Infinity, 0, 89, -200]), [6])).storage;
    expect(Array.from(specials)).toEqual([NaN, Infinity, 0, 1, Infinity, 0]);
  });
});
