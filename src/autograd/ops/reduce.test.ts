import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { arange, ones, randn, tensor } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import { sizeOf, type Shape } from '../shape.js';
import { Tensor, type NestedArray } from '../tensor.js';
import { add, mul, sub } from './elementwise.js';
import { amax, amin, argmax, argmin, logSumExp, max, mean, min, std, sum, sumToShape, variance, type VarOptions } from './reduce.js';
import { expectClose } from '../test-utils.js';

const f64 = (values: NestedArray): Tensor => tensor(values, { dtype: 'float64' });
const x32 = (): Tensor => tensor([[1, 2], [3, 4]]);


type Axes = number | readonly number[] | undefined;
type Reduction = (x: Tensor, axes: Axes, keepDim: boolean) => Tensor;
const varOf = (unbiased: boolean): Reduction => (x, axes, keepDim) => variance(x, axes, { unbiased, keepDim });
const stdOf = (unbiased: boolean): Reduction => (x, axes, keepDim) => std(x, axes, { unbiased, keepDim });

const REDUCTIONS: readonly (readonly [string, Reduction])[] = [
  ['sum', sum], ['mean', mean], ['amax', amax], ['amin', amin],
  ['var (unbiased)', varOf(true)], ['var (biased)', varOf(false)],
  ['std (unbiased)', stdOf(true)], ['std (biased)', stdOf(false)],
  ['logSumExp', logSumExp],
];

describe('reductions: forward values', () => {
  const x = f64([[1, 2, 3], [4, 5, 6]]);

  test('sum, mean, max, min, amax, amin of [[1,2,3],[4,5,6]] (worked out by hand)', () => {
    expect(sum(x).toArray()).toBe(21);
    expect(sum(x, 0).toArray()).toEqual([5, 7, 9]);
    expect(sum(x, 1).toArray()).toEqual([6, 15]);
    expect(sum(x, -1, true).toArray()).toEqual([[6], [15]]);
    expect(sum(x, [0, 1]).toArray()).toBe(21);
    expect(sum(x, [-1, -2], true).toArray()).toEqual([[21]]);
    expect(mean(x).toArray()).toBe(3.5);
    expect(mean(x, 0).toArray()).toEqual([2.5, 3.5, 4.5]);
    expect(mean(x, -1, true).toArray()).toEqual([[2], [5]]);
    expect(max(x).toArray()).toBe(6);
    expect(amax(x, 0).toArray()).toEqual([4, 5, 6]);
    expect(amax(x, 1, true).toArray()).toEqual([[3], [6]]);
    expect(min(x).toArray()).toBe(1);
    expect(amin(x, -2).toArray()).toEqual([1, 2, 3]);
    expect(amin(x, 1).toArray()).toEqual([1, 4]);
    // along one dim, max and min return { values, indices }, as torch.max(x, dim)
    expect(max(x, 0).values.toArray()).toEqual([4, 5, 6]);
    expect(max(x, 0).indices.toArray()).toEqual([1, 1, 1]);
    expect(max(x, 1, true).values.toArray()).toEqual([[3], [6]]);
    expect(max(x, 1, true).indices.toArray()).toEqual([[2], [2]]);
    expect(min(x, -2).indices.toArray()).toEqual([0, 0, 0]);
    expect(min(x, 1).values.toArray()).toEqual([1, 4]);
  });

  test('var and std, unbiased and biased (worked out by hand)', () => {
    // Each row has mean 2 (or 5) and squared deviations 1 + 0 + 1 = 2.
    expect(variance(x, 1).toArray()).toEqual([1, 1]);
    expectClose(variance(x, 1, { unbiased: false }), [2 / 3, 2 / 3]);
    // Each column: deviations ±1.5, squares sum to 4.5.
    expect(variance(x, 0).toArray()).toEqual([4.5, 4.5, 4.5]);
    expect(variance(x, 0, { unbiased: false, keepDim: true }).toArray()).toEqual([[2.25, 2.25, 2.25]]);
    // All six: mean 3.5, squared deviations 6.25 + 2.25 + 0.25 (twice each) = 17.5.
    expectClose(variance(x), 3.5);
    expectClose(variance(x, undefined, { unbiased: false }), 17.5 / 6);
    expectClose(std(x), Math.sqrt(3.5));
    expectClose(std(x, [0, 1], { unbiased: false }), Math.sqrt(17.5 / 6));
    expect(std(x, 0, { keepDim: true }).toArray()).toEqual([[Math.sqrt(4.5), Math.sqrt(4.5), Math.sqrt(4.5)]]);
    expect(x.var(1).toArray()).toEqual([1, 1]);
    expect(x.std(-1, { unbiased: false }).shape).toEqual([2]);
    // One element: the unbiased estimate divides 0 by 0 (NaN, as PyTorch); the biased one is 0.
    expect(Number.isNaN(variance(f64([3])).item())).toBe(true);
    expect(variance(f64([3]), 0, { unbiased: false }).item()).toBe(0);
  });

  test('logSumExp matches log Σ exp from Math.*', () => {
    expectClose(logSumExp(x, 1), [Math.log(Math.E + Math.exp(2) + Math.exp(3)), Math.log(Math.exp(4) + Math.exp(5) + Math.exp(6))]);
    expectClose(logSumExp(x, 0, true), [[Math.log(Math.E + Math.exp(4)), Math.log(Math.exp(2) + Math.exp(5)), Math.log(Math.exp(3) + Math.exp(6))]]);
    expectClose(logSumExp(x), Math.log([1, 2, 3, 4, 5, 6].reduce((s, v) => s + Math.exp(v), 0)));
    expectClose(logSumExp(f64([0, 0, 0, 0])), Math.log(4));
  });

  test('non-adjacent axes of a [2,3,4] tensor', () => {
    const t = arange(0, 24, 1, { dtype: 'float64' }).reshape([2, 3, 4]); // t[i][j][k] = 12i + 4j + k
    // Worked out by hand: Σ_i Σ_k (12i + 4j + k) = 8·4j + 4·12 + 2·6 = 32j + 60.
    expect(sum(t, [0, 2]).toArray()).toEqual([60, 92, 124]);
    expect(sum(t, [2, 0], true).toArray()).toEqual([[[60], [92], [124]]]);
    expect(mean(t, [0, -1]).toArray()).toEqual([7.5, 11.5, 15.5]);
    expect(amax(t, [0, 2]).toArray()).toEqual([15, 19, 23]); //  12 + 4j + 3
    expect(amin(t, [-1, -3]).toArray()).toEqual([0, 4, 8]); //   4j
    expect(sum(t, [1]).toArray()).toEqual([[12, 15, 18, 21], [48, 51, 54, 57]]);
    // Over j and k for i = 0: 0 … 11, sum 66; for i = 1: 12 … 23, sum 210.
    expect(sum(t, [1, 2]).toArray()).toEqual([66, 210]);
  });

  test('output shapes with keepDim, negative axes, all axes, and an empty list of axes', () => {
    const t = ones([2, 3, 4], { dtype: 'float64' });
    for (const [, fn] of REDUCTIONS) {
      expect(fn(t, undefined, false).shape).toEqual([]);
      expect(fn(t, undefined, true).shape).toEqual([1, 1, 1]);
      expect(fn(t, -1, false).shape).toEqual([2, 3]);
      expect(fn(t, [0, -1], true).shape).toEqual([1, 3, 1]);
      expect(fn(t, [0, 1, 2], false).shape).toEqual([]);
    }
    // No axes at all reduces nothing (NumPy's axis=()), and a 0-d tensor reduces to itself.
    expect(sum(f64([[1, 2]]), []).toArray()).toEqual([[1, 2]]);
    expect(sum(f64(5)).item()).toBe(5);
    expect(max(f64(-2)).item()).toBe(-2);
    expect([sum(f64(5), -1).shape, mean(f64(5), 0, true).shape, logSumExp(f64(5), -1).item()]).toEqual([[], [], 5]);
  });

  test('over no elements: sum 0, mean NaN, logSumExp −Infinity, max and min throw (as PyTorch)', () => {
    const empty = tensor([], [0, 3], { dtype: 'float64' });
    expect(sum(empty, 0).toArray()).toEqual([0, 0, 0]);
    expect(sum(empty).item()).toBe(0);
    expect(Number.isNaN(mean(empty).item())).toBe(true);
    expect(logSumExp(empty, 0).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(logSumExp(empty).item()).toBe(-Infinity);
    expect(() => max(empty)).toThrow(/^max: cannot reduce an empty axis of \[0,3\]$/);
    expect(() => min(empty, 0)).toThrow(/^min: cannot reduce an empty axis of \[0,3\]$/);
    // Reducing a non-empty axis of an empty tensor gives an empty result, not an error.
    for (const fn of [amax, amin, logSumExp, sum]) expect(fn(empty, 1, false).shape).toEqual([0]);
    expect([max(empty, 1).values.shape, min(empty, 1).indices.shape]).toEqual([[0], [0]]);
    expect(argmax(empty, 1).shape).toEqual([0]);
    expect(() => argmax(empty, 0)).toThrow(/^argmax: cannot reduce an empty axis of \[0,3\]$/);
  });
});

describe('reductions: dtypes', () => {
  test('sum, max and min keep int32; mean, var, std and logSumExp need floats', () => {
    const i = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    expect([sum(i).dtype, sum(i).item()]).toEqual(['int32', 10]);
    expect(sum(i, 0).toArray()).toEqual([4, 6]);
    expect([amax(i, 1).dtype, amax(i, 1).toArray()]).toEqual(['int32', [2, 4]]);
    expect([max(i, 1).values.dtype, max(i, 1).values.toArray(), max(i, 1).indices.toArray()]).toEqual(['int32', [2, 4], [1, 1]]);
    expect(min(i).item()).toBe(1);
    expect(() => mean(i)).toThrow(/^mean: input must be float32 or float64, got int32 \[2,2\]/);
    expect(() => variance(i)).toThrow(/^var: input must be float32 or float64, got int32 \[2,2\]/);
    expect(() => std(i, 0)).toThrow(/^std: input must be float32 or float64, got int32 \[2,2\]/);
    expect(() => logSumExp(i)).toThrow(/^logSumExp: input must be float32 or float64, got int32 \[2,2\]/);
  });

  test('float32 gives the float64 values to float32 precision', () => {
    const x64 = randn([3, 4, 2], { dtype: 'float64', random: seededRandom(4) }).to('float32').to('float64');
    const x32 = x64.to('float32');
    for (const [name, fn] of REDUCTIONS) {
      for (const axes of [undefined, 1, [0, 2]] as const) {
        const y32 = fn(x32, axes, false);
        expect(y32.dtype, name).toBe('float32');
        // var and std subtract the mean before squaring, so float32 rounding of x − μ shows.
        expectClose(y32, fn(x64, axes, false), { rtol: 1e-5, atol: 1e-6 });
      }
    }
  });
});

describe('reductions: backward passes gradcheck (float64)', () => {
  const AXES: readonly Axes[] = [undefined, 0, 1, -1, [0, 2], [-1, 0], [0, 1, 2], [-3, -2]];
  for (const [name, fn] of REDUCTIONS) {
    test(`${name}: every axis choice of a [2,3,4] tensor, keepDim true and false`, () => {
      const random = seededRandom(name.length);
      for (const axes of AXES) {
        for (const keepDim of [false, true]) {
          gradcheck((x) => fn(x, axes, keepDim), [randn([2, 3, 4], { dtype: 'float64', requiresGrad: true, random })]);
        }
      }
    });

    test(`${name}: a size-1 axis [3,1,2], a 1-D input, and a broadcast input`, () => {
      const random = seededRandom(name.length + 100);
      const leaf = (shape: Shape): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });
      // Reducing over the size-1 axis alone would leave one element per output: n − 1 = 0 for the
      // unbiased estimates, so we reduce it together with another axis.
      for (const axes of [[1, 2], [0, 1], undefined, -3] as const) gradcheck((x) => fn(x, axes, false), [leaf([3, 1, 2])]);
      gradcheck((x) => fn(x, 0, true), [leaf([5])]);
      // x [2,3] + b [3] reduced over rows: b feeds both rows.
      gradcheck((x, b) => fn(add(x, b), 0, false), [leaf([2, 3]), leaf([3])]);
    });
  }

  test('sum and mean over a single-element axis pass the gradient straight through', () => {
    const x = f64([[1], [2]]).requiresGrad_();
    mean(x, 1).backward(f64([3, 4]));
    expect(x.grad!.toArray()).toEqual([[3], [4]]);
  });
});

describe('amax, amin and max, min over everything: the gradient goes to the arg-extremum; ties share it evenly', () => {
  test('along an axis (worked out by hand)', () => {
    const x = f64([[1, 3, 3], [2, 2, 2], [0, 5, -1]]).requiresGrad_();
    amax(x, 1).backward(f64([6, 3, 7]));
    expect(x.grad!.toArray()).toEqual([[0, 3, 3], [1, 1, 1], [0, 7, 0]]);
    const y = f64([[1, 3, 3], [2, 2, 2], [0, 5, -1]]).requiresGrad_();
    amin(y, -1, true).backward(f64([[6], [3], [7]]));
    expect(y.grad!.toArray()).toEqual([[6, 0, 0], [1, 1, 1], [0, 0, 7]]);
  });

  test('max and min along a dim send the whole gradient to the index they return (the first on ties), as PyTorch', () => {
    const x = f64([[1, 3, 3], [2, 2, 2], [0, 5, -1]]).requiresGrad_();
    max(x, 1).values.backward(f64([6, 3, 7]));
    expect(x.grad!.toArray()).toEqual([[0, 6, 0], [3, 0, 0], [0, 7, 0]]);
    const y = f64([[1, 3, 3], [2, 2, 2], [0, 5, -1]]).requiresGrad_();
    min(y, -1, true).values.backward(f64([[6], [3], [7]]));
    expect(y.grad!.toArray()).toEqual([[6, 0, 0], [3, 0, 0], [0, 0, 7]]);
    const random = seededRandom(9);
    for (const [dim, keepDim] of [[0, false], [1, true], [-1, false]] as const) {
      gradcheck((t) => max(t, dim, keepDim).values, [randn([3, 4], { dtype: 'float64', random, requiresGrad: true })]);
      gradcheck((t) => min(t, dim, keepDim).values, [randn([3, 1, 2], { dtype: 'float64', random, requiresGrad: true })]);
    }
  });

  test('max and min along a dim: a 0-d tensor, NaN, an empty axis, and several axes point to amax', () => {
    expect(max(tensor(3), 0).values.item()).toBe(3);
    expect(max(tensor(3), -1, true).indices.shape).toEqual([]);
    const nan = max(tensor([1, Number.NaN, 5]), 0);
    expect([nan.values.item(), nan.indices.item()]).toEqual([Number.NaN, 1]); // NaN wins, as in PyTorch
    expect(() => max(tensor([[1], [2]]).reshape([2, 1]).slice([null, { stop: 0 }]), 1)).toThrow(/^max: cannot reduce an empty axis of \[2,0\]$/);
    expect(() => max(x32(), [0, 1] as unknown as number)).toThrow(new TypeError('max: dim must be one axis (a number), got an array: use amax/amin for several axes'));
    expect(() => min(x32(), 2)).toThrow(/^min: axis 2 is out of range for a tensor with 2 dimensions$/);
  });

  test('over all axes, ties in different rows share one gradient', () => {
    const x = f64([[4, 1], [0, 4]]).requiresGrad_();
    max(x).backward();
    expect(x.grad!.toArray()).toEqual([[0.5, 0], [0, 0.5]]);
  });

  test('shares are exact in float64 (1/3 is not rounded to float32)', () => {
    const x = f64([2, 2, 2, 1]).requiresGrad_();
    max(x).backward();
    expect(x.grad!.toArray()).toEqual([1 / 3, 1 / 3, 1 / 3, 0]);
    const y = f64([[5, 5, 5, 5, 5, 5, 5]]).requiresGrad_();
    amin(y, 1).backward(f64([1]));
    expect([...y.grad!.storage]).toEqual(new Array(7).fill(1 / 7));
  });

  test('float32 ties keep float32 gradients', () => {
    const x = tensor([1, 1], { requiresGrad: true });
    max(x).backward();
    expect([x.grad!.dtype, x.grad!.toArray()]).toEqual(['float32', [0.5, 0.5]]);
  });
});

describe('logSumExp: numerical stability', () => {
  test('logits of ±1e4 give no NaN or Inf and the right values', () => {
    const y = logSumExp(f64([[1e4, 1e4], [-1e4, -1e4], [1e4, -1e4], [-1e4, 0]]), 1);
    expectClose(y, [1e4 + Math.LN2, -1e4 + Math.LN2, 1e4, 0], { rtol: 1e-15, atol: 0 });
    const y32 = logSumExp(tensor([[1e4, 1e4], [-1e4, -1e4]]), -1);
    expect([...y32.storage]).toEqual([Math.fround(1e4 + Math.LN2), Math.fround(-1e4 + Math.LN2)]);
  });

  test('a row of −Infinity gives −Infinity, not NaN; one −Infinity entry is ignored', () => {
    const y = logSumExp(f64([[-Infinity, -Infinity], [-Infinity, 0], [Infinity, 0]]), 1);
    expect(y.toArray()).toEqual([-Infinity, 0, Infinity]);
    expect(logSumExp(tensor([-Infinity, -Infinity, -Infinity])).item()).toBe(-Infinity);
  });

  test('the gradient at ±1e4 is the softmax, finite', () => {
    const x = f64([[1e4, 1e4], [1e4, -1e4]]).requiresGrad_();
    logSumExp(x, 1).sum().backward();
    // exp(x − y) with y = 1e4 + ln 2 stored to the ulp of 1e4 (1.8e-12): 0.5 to about 1e-12.
    expectClose(x.grad!, [[0.5, 0.5], [1, 0]], { rtol: 1e-11, atol: 0 });
  });
});

describe('argmax and argmin', () => {
  test('indices along an axis, first on ties, flattened when no axis is given', () => {
    const x = f64([[1, 3, 3], [5, 0, 5]]);
    expect(argmax(x, 1).toArray()).toEqual([1, 0]);
    expect(argmax(x, 1).dtype).toBe('int32');
    expect(argmin(x, 1).toArray()).toEqual([0, 1]);
    expect(argmax(x, 0, true).toArray()).toEqual([[1, 0, 1]]);
    expect(argmin(x, -2).toArray()).toEqual([0, 1, 0]);
    expect(argmax(x).item()).toBe(3); // the flattened index of the first 5
    expect(argmin(x).item()).toBe(4);
    expect(x.argmax(-1).toArray()).toEqual([1, 0]);
    expect(argmax(f64([1, NaN, 2, NaN])).item()).toBe(1); // the first NaN wins, as in PyTorch
  });

  test('errors', () => {
    expect(() => argmax(f64([1, 2]), 1)).toThrow(/^argmax: axis 1 is out of range for a tensor with 1 dimensions$/);
    expect(() => argmin(tensor([], [0]))).toThrow(/^argmin: cannot reduce an empty tensor \[0\]$/);
    expect(() => argmax([1, 2] as unknown as Tensor)).toThrow(/^argmax: input must be a Tensor, got object$/);
  });
});

describe('sumToShape: the adjoint of broadcasting', () => {
  test('sums leading axes and size-1 axes away', () => {
    const g = ones([2, 3, 4], { dtype: 'float64' });
    expect(sumToShape(g, [3, 1]).toArray()).toEqual([[8], [8], [8]]);
    expect(sumToShape(g, [4]).toArray()).toEqual([6, 6, 6, 6]);
    expect(sumToShape(g, []).item()).toBe(24);
    expect(sumToShape(g, [1, 1, 1]).toArray()).toEqual([[[24]]]);
    expect(sumToShape(g, [2, 3, 4])).toBe(g);
  });
});

describe('reductions: errors name the op and the axes', () => {
  const x = f64([[1, 2, 3], [4, 5, 6]]);
  test('an axis out of range', () => {
    expect(() => sum(x, 3)).toThrow(/^sum: axis 3 is out of range for a tensor with 2 dimensions$/);
    expect(() => sum(x, 3)).toThrow(RangeError);
    expect(() => mean(x, -3)).toThrow(/^mean: axis -3 is out of range for a tensor with 2 dimensions$/);
    expect(() => amax(x, [0, 2])).toThrow(/^amax: axis 2 is out of range/);
    expect(() => min(x, 0.5)).toThrow(/^min: axis 0.5 is out of range/);
    expect(() => variance(x, 2)).toThrow(/^var: axis 2 is out of range/);
    expect(() => std(x, -5)).toThrow(/^std: axis -5 is out of range/);
    expect(() => logSumExp(x, 9)).toThrow(/^logSumExp: axis 9 is out of range/);
    expect(() => x.sum(2)).toThrow(/^sum: axis 2 is out of range/);
  });

  test('a repeated axis, also when written once negative', () => {
    expect(() => sum(x, [0, 0])).toThrow(/^sum: repeated axis in \[0,0\]$/);
    expect(() => amax(x, [1, -1])).toThrow(/^amax: repeated axis in \[1,-1\]$/);
    for (const [name, fn] of [['mean', mean], ['amin', amin], ['logSumExp', logSumExp]] as const) {
      expect(() => fn(x, [-2, 0], false)).toThrow(new RegExp(`^${name}: repeated axis in \\[-2,0\\]$`));
    }
    expect(() => variance(x, [1, 1])).toThrow(/^var: repeated axis/);
    expect(() => std(x, [1, 1])).toThrow(/^std: repeated axis/);
  });

  test('a non-Tensor argument', () => {
    for (const [name, fn] of [['sum', sum], ['mean', mean], ['amax', amax], ['amin', amin], ['logSumExp', logSumExp]] as const) {
      expect(() => fn([1, 2] as unknown as Tensor, undefined, false)).toThrow(new RegExp(`^${name}: input must be a Tensor, got object$`));
      expect(() => fn(null as unknown as Tensor, undefined, false)).toThrow(new RegExp(`^${name}: input must be a Tensor, got null$`));
    }
    expect(() => variance(3 as unknown as Tensor)).toThrow(/^var: input must be a Tensor, got number$/);
    expect(() => std(undefined as unknown as Tensor, 0, {} as VarOptions)).toThrow(/^std: input must be a Tensor, got undefined$/);
  });
});

/** A shape of rank 1–4 with sizes 1–4, and a seed. */
const shapeAndSeed = fc.tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fc.integer());

describe('properties', () => {
  test('the sum over all axes equals the sum of sums over each axis in turn, in any order', () => {
    fc.assert(fc.property(shapeAndSeed, fc.integer(), ([shape, seed], orderSeed) => {
      const x = randn(shape, { dtype: 'float64', random: seededRandom(seed) });
      const order = shape.map((_, i) => i);
      const random = seededRandom(orderSeed);
      order.sort(() => random() - 0.5);
      // Reducing axis a of the original removes it, so later axes shift down by those already gone.
      let y = x;
      order.forEach((axis, k) => (y = sum(y, axis - order.slice(0, k).filter((a) => a < axis).length)));
      expect(y.shape).toEqual([]);
      expectClose(y, sum(x), { rtol: 1e-12, atol: 1e-12 });
      // …and equals keeping every axis and reducing them in turn with keepDim.
      let z = x;
      for (const axis of order) z = sum(z, axis, true);
      expectClose(z.reshape([]), sum(x), { rtol: 1e-12, atol: 1e-12 });
    }), { seed: 42, numRuns: 100 });
  });

  test('mean = sum / n, var (biased) = mean(x²) − mean(x)², max ≥ mean ≥ min, keepDim only reshapes', () => {
    fc.assert(fc.property(shapeAndSeed, fc.integer({ min: 0, max: 15 }), ([shape, seed], mask) => {
      const x = randn(shape, { dtype: 'float64', random: seededRandom(seed) });
      const axes = shape.map((_, i) => i).filter((i) => (mask >> i) & 1);
      const n = sizeOf(axes.map((a) => shape[a]!));
      expectClose(mean(x, axes), mul(sum(x, axes), 1 / n), { rtol: 1e-12, atol: 1e-12 });
      expectClose(variance(x, axes, { unbiased: false }), sub(mean(mul(x, x), axes), mul(mean(x, axes), mean(x, axes))), { rtol: 1e-9, atol: 1e-12 });
      const [hi, mid, lo] = [amax(x, axes), mean(x, axes), amin(x, axes)];
      for (let i = 0; i < mid.numel(); i++) expect(hi.storage[i]! >= mid.storage[i]! - 1e-12 && mid.storage[i]! >= lo.storage[i]! - 1e-12).toBe(true);
      for (const fn of [sum, amax, logSumExp]) expect(fn(x, axes, true).toArray()).toEqual(fn(x, axes, false).reshape(fn(x, axes, true).shape).toArray());
    }), { seed: 42, numRuns: 100 });
  });
});
