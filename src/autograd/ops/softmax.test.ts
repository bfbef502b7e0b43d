import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { randn, tensor } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import { Tensor, type NestedArray } from '../tensor.js';
import { add, mul } from './elementwise.js';
import { sum } from './reduce.js';
import { logSoftmax, softmax } from './softmax.js';
import { exp, log } from './unary.js';
import { expectClose } from '../test-utils.js';

const f64 = (values: NestedArray): Tensor => tensor(values, { dtype: 'float64' });


const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });

describe('softmax and logSoftmax: forward values', () => {
  test('values worked out by hand', () => {
    // softmax of log 1 … log 4 is (1, 2, 3, 4) / 10.
    const x = f64([0, Math.log(2), Math.log(3), Math.log(4)]);
    expectClose(softmax(x), [0.1, 0.2, 0.3, 0.4], { rtol: 1e-15, atol: 0 });
    expectClose(logSoftmax(x), [Math.log(0.1), Math.log(0.2), Math.log(0.3), Math.log(0.4)], { rtol: 1e-15, atol: 0 });
    expect(softmax(f64([0, 0])).toArray()).toEqual([0.5, 0.5]);
    expect(softmax(f64([7])).toArray()).toEqual([1]);
    expect(logSoftmax(f64([7])).toArray()).toEqual([0]);
  });

  test('match exp(x_i) / Σ exp(x_j) from Math.*, along any axis', () => {
    const rows = [[1, 2, 3], [-1, 0, 4]];
    const ref = (v: number[]): number[] => v.map((a) => Math.exp(a) / v.reduce((s, b) => s + Math.exp(b), 0));
    const x = f64(rows);
    expectClose(softmax(x), rows.map(ref), { rtol: 1e-15, atol: 1e-17 });
    expectClose(softmax(x, 1), rows.map(ref), { rtol: 1e-15, atol: 1e-17 });
    const cols = [0, 1, 2].map((j) => ref([rows[0]![j]!, rows[1]![j]!]));
    expectClose(softmax(x, 0), [cols.map((c) => c[0]!), cols.map((c) => c[1]!)], { rtol: 1e-15, atol: 1e-17 });
    expectClose(softmax(x, -2), softmax(x, 0), { rtol: 0, atol: 0 });
    expectClose(logSoftmax(x, 0), log(softmax(x, 0)), { rtol: 1e-14, atol: 1e-15 });
    expectClose(x.logSoftmax(), rows.map((r) => ref(r).map(Math.log)), { rtol: 1e-14, atol: 1e-15 });
  });

  test('a middle axis of a [2,3,2] tensor', () => {
    const x = randn([2, 3, 2], { dtype: 'float64', random: seededRandom(1) });
    const y = softmax(x, 1);
    const s = sum(y, 1);
    expectClose(s, [[1, 1], [1, 1]], { rtol: 0, atol: 1e-15 });
    // element [1][2][0] by hand from its column
    const column = [0, 1, 2].map((j) => x.storage[6 + j * 2]!);
    const denominator = column.reduce((t, v) => t + Math.exp(v), 0);
    expect(y.storage[6 + 2 * 2]).toBeCloseTo(Math.exp(column[2]!) / denominator, 15);
  });

  test('a 0-d tensor is a one-element distribution (axis 0 or −1, as PyTorch)', () => {
    const x = tensor(3, { dtype: 'float64', requiresGrad: true });
    expect([softmax(x).shape, softmax(x).item(), logSoftmax(x, 0).item()]).toEqual([[], 1, 0]);
    softmax(x).backward();
    expect(x.grad!.item()).toBe(0);
  });

  test('an empty tensor gives an empty result (and an empty gradient)', () => {
    for (const fn of [softmax, logSoftmax]) {
      for (const axis of [0, 1]) {
        const x = tensor([], [0, 3], { dtype: 'float64', requiresGrad: true });
        const y = fn(x, axis);
        expect(y.shape).toEqual([0, 3]);
        y.sum().backward();
        expect(x.grad!.shape).toEqual([0, 3]);
      }
    }
  });

  test('float32 gives the float64 values to float32 precision', () => {
    const x64 = randn([3, 5], { dtype: 'float64', random: seededRandom(2) }).mul(3).to('float32').to('float64');
    for (const fn of [softmax, logSoftmax]) {
      for (const axis of [0, -1]) {
        const y32 = fn(x64.to('float32'), axis);
        expect(y32.dtype).toBe('float32');
        expectClose(y32, fn(x64, axis), { rtol: 1e-6, atol: 1e-7 });
      }
    }
  });
});

describe('softmax and logSoftmax: numerical stability', () => {
  test('logits of ±1e4 give no NaN or Inf and the right values', () => {
    const x = f64([[1e4, -1e4, 1e4], [-1e4, -1e4, -1e4 + Math.log(2)]]);
    expectClose(softmax(x), [[0.5, 0, 0.5], [0.25, 0.25, 0.5]], { rtol: 1e-12, atol: 0 });
    expectClose(logSoftmax(x), [[-Math.LN2, -2e4 - Math.LN2, -Math.LN2], [-Math.log(4), -Math.log(4), -Math.LN2]], { rtol: 1e-12, atol: 1e-12 });
    for (const dtype of ['float32', 'float64'] as const) {
      const big = tensor([[1e4, 0, -1e4], [-1e4, -1e4, -1e4]], { dtype });
      for (const y of [softmax(big), logSoftmax(big)]) expect([...y.storage].every(Number.isFinite)).toBe(true);
      expect(softmax(big).toArray()).toEqual([[1, 0, 0], [1 / 3, 1 / 3, 1 / 3].map((v) => (dtype === 'float32' ? Math.fround(v) : v))]);
    }
  });

  test('float32 logSoftmax near the max keeps float32 precision at logits of 1e4', () => {
    // x − logSumExp(x) would round logSumExp = 1e4 + ln 2 to the float32 ulp of 1e4 (0.001) first.
    const y = logSoftmax(tensor([[1e4, 1e4], [1e4, 1e4 - 1]], { dtype: 'float32' }));
    const l = Math.log1p(Math.exp(-1)); // log(1 + e⁻¹)
    expectClose(y, [[-Math.LN2, -Math.LN2], [-l, -1 - l]], { rtol: 1e-7, atol: 0 });
  });

  test('−Infinity masks an entry out', () => {
    const x = f64([[0, -Infinity, 0]]);
    expect(softmax(x).toArray()).toEqual([[0.5, 0, 0.5]]);
    expect(logSoftmax(x).toArray()).toEqual([[-Math.LN2, -Infinity, -Math.LN2]]);
  });

  test('gradients at ±1e4 are finite', () => {
    for (const fn of [softmax, logSoftmax]) {
      const x = f64([[1e4, -1e4, 0], [-1e4, -1e4, -1e4]]).requiresGrad_();
      fn(x).backward(f64([[1, 2, 3], [4, 5, 6]]));
      expect([...x.grad!.storage].every(Number.isFinite)).toBe(true);
    }
  });
});

describe('softmax and logSoftmax: backward passes gradcheck (float64)', () => {
  const CASES: readonly (readonly [string, Shape, number])[] = [
    ['[2,3], last axis', [2, 3], -1],
    ['[2,3], axis 0', [2, 3], 0],
    ['[2,3,4], middle axis', [2, 3, 4], 1],
    ['[2,3,4], axis −3', [2, 3, 4], -3],
    ['a size-1 axis [3,1,2] (output constant 1)', [3, 1, 2], 1],
    ['[3,1,2], last axis', [3, 1, 2], 2],
    ['1-D [5]', [5], 0],
  ];
  for (const [name, fn] of [['softmax', softmax], ['logSoftmax', logSoftmax]] as const) {
    for (const [label, shape, axis] of CASES) {
      test(`${name}: ${label}`, () => {
        gradcheck((x) => fn(x, axis), [leaf(shape, seededRandom(shape.length * 10 + axis))]);
      });
    }
    test(`${name}: through a broadcast, and large logits`, () => {
      const random = seededRandom(3);
      gradcheck((x, b) => fn(add(x, b), -1), [leaf([2, 3], random), leaf([3], random)]);
      gradcheck((x, b) => fn(add(x, b), 0), [leaf([2, 3], random), leaf([2, 1], random)]);
      gradcheck((x) => fn(mul(x, 20), -1), [leaf([2, 4], random)]);
    });
  }

  test('the gradient of Σ softmax is zero; of Σ logSoftmax is 1 − n·softmax', () => {
    const x = randn([2, 4], { dtype: 'float64', requiresGrad: true, random: seededRandom(4) });
    softmax(x).sum().backward();
    expectClose(x.grad!, [[0, 0, 0, 0], [0, 0, 0, 0]], { rtol: 0, atol: 1e-15 });
    const z = x.detach().requiresGrad_();
    logSoftmax(z).sum().backward();
    expectClose(z.grad!, add(mul(softmax(z.detach()), -4), 1), { rtol: 1e-14, atol: 1e-15 });
  });
});

describe('softmax and logSoftmax: errors', () => {
  test('int32 input, a bad axis, a non-Tensor', () => {
    const i = tensor([[1, 2]], { dtype: 'int32' });
    expect(() => softmax(i)).toThrow(/^softmax: input must be float32 or float64, got int32 \[1,2\]/);
    expect(() => logSoftmax(i)).toThrow(/^logSoftmax: input must be float32 or float64, got int32 \[1,2\]/);
    const x = f64([[1, 2]]);
    expect(() => softmax(x, 2)).toThrow(/^softmax: axis 2 is out of range for a tensor with 2 dimensions$/);
    expect(() => logSoftmax(x, -3)).toThrow(/^logSoftmax: axis -3 is out of range for a tensor with 2 dimensions$/);
    expect(() => softmax(x, 0.5)).toThrow(/^softmax: axis 0.5 is out of range/);
    expect(() => softmax([1, 2] as unknown as Tensor)).toThrow(/^softmax: input must be a Tensor, got object$/);
    expect(() => logSoftmax(null as unknown as Tensor)).toThrow(/^logSoftmax: input must be a Tensor, got null$/);
  });
});

describe('properties', () => {
  /** A shape of rank 1–4 (sizes 1–5), an axis of it, a logit scale up to 1e4, and a seed. */
  const cases = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
    fc.tuple(fc.constant(shape), fc.integer({ min: -shape.length, max: shape.length - 1 }), fc.constantFrom(0.1, 1, 30, 1e4), fc.integer()));

  test('softmax rows sum to 1 and lie in [0, 1], in float64 and float32, at any scale', () => {
    fc.assert(fc.property(cases, ([shape, axis, scale, seed]) => {
      const x = randn(shape, { dtype: 'float64', random: seededRandom(seed) }).mul(scale);
      for (const [dtype, atol] of [['float64', 1e-12], ['float32', 1e-5]] as const) {
        const y = softmax(x.to(dtype), axis);
        expect([...y.storage].every((v) => v >= 0 && v <= 1)).toBe(true);
        const s = sum(y, axis);
        expect([...s.storage].every((v) => Math.abs(v - 1) <= atol), `${dtype} sums ${[...s.storage]}`).toBe(true);
      }
    }), { seed: 42, numRuns: 100 });
  });

  test('logSoftmax = log softmax, and both are unchanged by adding a constant along the axis', () => {
    fc.assert(fc.property(cases, ([shape, axis, scale, seed]) => {
      const random = seededRandom(seed);
      const x = randn(shape, { dtype: 'float64', random }).mul(Math.min(scale, 30));
      const y = logSoftmax(x, axis);
      expectClose(exp(y), softmax(x, axis), { rtol: 1e-12, atol: 1e-15 });
      const shift = tensor(new Float64Array([random() * 1000 - 500]), []);
      expectClose(logSoftmax(add(x, shift), axis), y, { rtol: 1e-9, atol: 1e-9 });
      expectClose(softmax(add(x, shift), axis), softmax(x, axis), { rtol: 1e-9, atol: 1e-15 });
    }), { seed: 42, numRuns: 100 });
  });
});
