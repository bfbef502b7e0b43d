import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { rand, randn, tensor } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import { sizeOf, type Shape } from '../shape.js';
import { Tensor, type NestedArray } from '../tensor.js';
import { add, addRelu, div, eq, ge, gt, le, lt, maximum, minimum, mul, ne, neg, sub, where } from './elementwise.js';
import { pow } from './pow.js';
import { broadcastTo } from './shape.js';
import { sum } from './reduce.js';
import { expectClose } from '../test-utils.js';

const f64 = (values: NestedArray): Tensor => tensor(values, { dtype: 'float64' });


/** A float64 leaf whose values are `f` of standard normal draws. */
type Gen = (shape: Shape, random: Random) => Tensor;
const mapped = (f: (v: number) => number): Gen => (shape, random) =>
  tensor(Float64Array.from(randn(shape, { dtype: 'float64', random }).storage, f), shape, { requiresGrad: true });
const normal: Gen = mapped((v) => v);
/** |b| ≥ 0.5, for divisors. */
const awayFromZero: Gen = mapped((v) => (v >= 0 ? 1 : -1) * (0.5 + Math.abs(v)));
/** In [0.5, 2), for bases of real powers. */
const positive: Gen = (shape, random) => tensor(Float64Array.from(rand(shape, { dtype: 'float64', random }).storage, (v) => 0.5 + 1.5 * v), shape, { requiresGrad: true });

/** Operand shapes: same non-square shape, broadcast both ways, a 0-d operand, missing leading axes. */
const SHAPES: readonly (readonly [string, Shape, Shape])[] = [
  ['same non-square shape [2,3]', [2, 3], [2, 3]],
  ['broadcast both ways with size-1 axes [2,1,3]·[4,1]', [2, 1, 3], [4, 1]],
  ['a 0-d operand [1,4]·[]', [1, 4], []],
  ['missing leading axes [3]·[2,3]', [3], [2, 3]],
];

const abs = (x: Tensor): Tensor => maximum(x, neg(x));

interface BinaryCase {
  readonly name: string;
  readonly fn: (a: Tensor, b: Tensor) => Tensor;
  readonly a: Gen;
  readonly b: Gen;
}

const BINARY: readonly BinaryCase[] = [
  { name: 'add', fn: add, a: normal, b: normal },
  { name: 'sub', fn: sub, a: normal, b: normal },
  { name: 'mul', fn: mul, a: normal, b: normal },
  { name: 'div', fn: div, a: normal, b: awayFromZero },
  { name: 'pow (tensor exponent, positive base)', fn: pow, a: positive, b: normal },
  // Standard normal draws are distinct with probability 1, so there are no ties (see the tie tests).
  { name: 'maximum', fn: maximum, a: normal, b: normal },
  { name: 'addRelu', fn: addRelu, a: normal, b: normal },
  { name: 'minimum', fn: minimum, a: normal, b: normal },
];

describe('binary ops: forward values', () => {
  const x = f64([[1, 2, 3], [4, 5, 6]]);
  const row = f64([10, 20, 30]);

  test('add, sub, mul, div broadcast a row over a [2,3] matrix', () => {
    // Worked out by hand.
    expect(add(x, row).toArray()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(sub(x, row).toArray()).toEqual([[-9, -18, -27], [-6, -15, -24]]);
    expect(mul(x, row).toArray()).toEqual([[10, 40, 90], [40, 100, 180]]);
    expect(div(row, x).toArray()).toEqual([[10, 10, 10], [2.5, 4, 5]]);
    expect(add(f64([[1], [2]]), f64([10, 20, 30])).toArray()).toEqual([[11, 21, 31], [12, 22, 32]]);
  });

  test('a plain number on either side', () => {
    expect(add(x, 1).toArray()).toEqual([[2, 3, 4], [5, 6, 7]]);
    expect(sub(10, f64([1, 2])).toArray()).toEqual([9, 8]);
    expect(div(1, f64([2, 4])).toArray()).toEqual([0.5, 0.25]);
    expect(mul(f64([1, -2]), -3).toArray()).toEqual([-3, 6]);
    expect(x.add(1).mul(2).sub(2).div(2).toArray()).toEqual(x.toArray());
  });

  test('pow with tensor, scalar and number-base exponents', () => {
    // Worked out by hand.
    expect(pow(f64([[1, 2], [3, 4]]), 2).toArray()).toEqual([[1, 4], [9, 16]]);
    expect(pow(f64([4, 9, 0.25]), 0.5).toArray()).toEqual([2, 3, 0.5]);
    expect(pow(f64([2, 4]), -1).toArray()).toEqual([0.5, 0.25]);
    expect(pow(2, f64([0, 1, 3, -2])).toArray()).toEqual([1, 2, 8, 0.25]);
    expect(pow(f64([2, 3]), f64([[1], [2]])).toArray()).toEqual([[2, 3], [4, 9]]);
    expect(pow(f64([-2]), 3).item()).toBe(-8);
    expect(Number.isNaN(pow(f64([-2]), 0.5).item())).toBe(true); // a real power of a negative base
    expect(x.pow(1).toArray()).toEqual(x.toArray());
  });

  test('addRelu(a, b) equals relu(a + b), broadcasting included', () => {
    const a = tensor([[1, -3, 0.5], [-1, 2, -0.25]]);
    const b = tensor([1, 1, -1]);
    expect(addRelu(a, b).toArray()).toEqual([[2, 0, 0], [0, 3, 0]]);
    expect(addRelu(b, a).toArray()).toEqual((add(a, b).toArray() as number[][]).map((row) => row.map((v) => Math.max(v, 0))));
  });

  test('maximum and minimum, with NaN propagating', () => {
    const a = f64([1, 5, 3, NaN, 0]);
    const b = f64([4, 2, 3, 1, NaN]);
    expect(maximum(a, b).toArray()).toEqual([4, 5, 3, NaN, NaN]);
    expect(minimum(a, b).toArray()).toEqual([1, 2, 3, NaN, NaN]);
    expect(maximum(f64([-1, 0.5, 2]), 0).toArray()).toEqual([0, 0.5, 2]);
    expect(minimum(1, f64([[-1], [3]])).toArray()).toEqual([[-1], [1]]);
  });

  test('neg', () => {
    expect(neg(f64([1, -2, 0])).toArray()).toEqual([-1, 2, -0]);
    expect(f64([[3]]).neg().toArray()).toEqual([[-3]]);
    const i = neg(tensor([1, -2], { dtype: 'int32' }));
    expect([i.dtype, i.toArray()]).toEqual(['int32', [-1, 2]]);
  });

  test('comparisons give int32 0/1 masks, broadcasting', () => {
    const v = f64([1, 2, 3]);
    expect(eq(v, 2).toArray()).toEqual([0, 1, 0]);
    expect(ne(v, 2).toArray()).toEqual([1, 0, 1]);
    expect(lt(v, 2).toArray()).toEqual([1, 0, 0]);
    expect(le(v, 2).toArray()).toEqual([1, 1, 0]);
    expect(gt(v, 2).toArray()).toEqual([0, 0, 1]);
    expect(ge(v, 2).toArray()).toEqual([0, 1, 1]);
    expect(lt(2, v).toArray()).toEqual([0, 0, 1]);
    expect(gt(v, f64([[0], [2]])).toArray()).toEqual([[1, 1, 1], [0, 0, 1]]);
    expect(eq(f64([NaN]), f64([NaN])).toArray()).toEqual([0]);
    expect(v.ge(2).dtype).toBe('int32');
    const leaf = f64([1, 2]).requiresGrad_();
    expect(gt(leaf, 1).requiresGrad).toBe(false); // a step function records no graph
  });

  test('where picks from a where the mask is non-zero, broadcasting all three', () => {
    const mask = tensor([[1, 0], [0, 1]], { dtype: 'int32' });
    expect(where(mask, f64([[1, 2], [3, 4]]), -1).toArray()).toEqual([[1, -1], [-1, 4]]);
    expect(where(tensor([[1], [0]], { dtype: 'int32' }), f64([1, 2, 3]), f64([-1, -2, -3])).toArray())
      .toEqual([[1, 2, 3], [-1, -2, -3]]);
    expect(where(f64([0.5, 0, -2]), 1, 0).toArray()).toEqual([1, 0, 1]); // any non-zero counts
    expect(where(mask, 1, 0).dtype).toBe('float32'); // two numbers and an int mask: the default float
    expect(where(mask, 7, f64([0])).dtype).toBe('float64');
  });
});

describe('binary ops: backward passes gradcheck (float64)', () => {
  for (const op of BINARY) {
    for (const [label, shapeA, shapeB] of SHAPES) {
      test(`${op.name}: ${label}`, () => {
        const random = seededRandom(sizeOf(shapeA) * 31 + shapeB.length);
        gradcheck(op.fn, [op.a(shapeA, random), op.b(shapeB, random)]);
        gradcheck(op.fn, [op.a(shapeB, random), op.b(shapeA, random)]); // the broadcast on the other side
      });
    }
  }

  test('pow with a scalar exponent, and a number base', () => {
    const random = seededRandom(7);
    gradcheck((x) => pow(x, 3), [normal([2, 3], random)]); // negative bases are fine for integer powers
    gradcheck((x) => pow(x, 2), [normal([3, 1], random)]);
    gradcheck((x) => pow(x, 2.5), [positive([2, 3], random)]);
    gradcheck((x) => pow(x, -1.5), [positive([1, 4], random)]);
    gradcheck((x) => pow(x, 0), [normal([2, 2], random)]);
    gradcheck((x) => pow(2, x), [normal([2, 3], random)]);
  });

  test('where: gradients reach a and b through a broadcast mask', () => {
    const random = seededRandom(8);
    const mask = tensor([[[1, 0, 1]], [[0, 0, 1]]], { dtype: 'int32' }); // [2,1,3]
    gradcheck((a, b) => where(mask, a, b), [normal([4, 1], random), normal([3], random)]);
    gradcheck((a) => where(mask, a, 0), [normal([2, 4, 3], random)]);
    gradcheck((b) => where(mask, -1, b), [normal([1, 3], random)]);
  });

  test('neg, and an op with the same tensor on both sides', () => {
    const random = seededRandom(9);
    gradcheck(neg, [normal([2, 3], random)]);
    gradcheck((x) => mul(x, x), [normal([3, 1], random)]);
    gradcheck((x) => div(x, x.add(3)), [positive([2, 2], random)]);
  });

  test('where: the exact gradient split and no gradient for the mask', () => {
    const a = f64([1, 2, 3]).requiresGrad_();
    const b = f64([[10], [20]]).requiresGrad_();
    where(tensor([1, 0, 1], { dtype: 'int32' }), a, b).backward(f64([[1, 2, 3], [4, 5, 6]]));
    // Worked out by hand: a gets columns 0 and 2 summed over rows; b gets column 1 of each row.
    expect(a.grad!.toArray()).toEqual([5, 0, 9]);
    expect(b.grad!.toArray()).toEqual([[2], [5]]);
  });

  test('an int32 operand gets no gradient, the float operand does', () => {
    const x = f64([1, 2, 3]).requiresGrad_();
    const k = tensor([2, 3, 4], { dtype: 'int32' });
    mul(x, k).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 3, 4]);
    expect(k.grad).toBeNull();
  });
});

describe('maximum and minimum: ties split the gradient in half', () => {
  test('element by element, with a broadcast operand', () => {
    const a = f64([1, 2, 3]).requiresGrad_();
    const b = f64([1, 5, 0]).requiresGrad_();
    maximum(a, b).backward(f64([4, 4, 4]));
    // Worked out by hand: a tie at 0 (2 each), b wins at 1, a wins at 2.
    expect(a.grad!.toArray()).toEqual([2, 0, 4]);
    expect(b.grad!.toArray()).toEqual([2, 4, 0]);

    const c = f64([1, 2, 3]).requiresGrad_();
    const d = f64([1, 5, 0]).requiresGrad_();
    minimum(c, d).backward(f64([4, 4, 4]));
    expect(c.grad!.toArray()).toEqual([2, 4, 0]);
    expect(d.grad!.toArray()).toEqual([2, 0, 4]);
  });

  test('a broadcast threshold collects half of every tie', () => {
    const x = f64([-1, 0, 0, 2]).requiresGrad_();
    const t = f64(0).requiresGrad_();
    maximum(x, t).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0.5, 0.5, 1]);
    expect(t.grad!.item()).toBe(2); // 1 (from −1) + ½ + ½
  });
});

describe('pow: gradients at a zero base or a zero exponent are 0, not NaN (as PyTorch)', () => {
  test('x^0 at x = 0', () => {
    const x = f64([0, 2, -1]).requiresGrad_();
    pow(x, 0).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
  });

  test('0^b with a tensor exponent', () => {
    const a = f64([0, 0, 2]).requiresGrad_();
    const b = f64([0, 2, 3]).requiresGrad_();
    pow(a, b).sum().backward();
    // Worked out by hand: dA = b·a^(b−1) = [0 (masked), 2·0 = 0, 3·4 = 12]; dB = a^b·ln a = [0, 0, 8 ln 2].
    expect(a.grad!.toArray()).toEqual([0, 0, 12]);
    expectClose(b.grad!, [0, 0, 8 * Math.LN2]);
  });
});

describe('dtypes', () => {
  const i32 = (values: NestedArray): Tensor => tensor(values, { dtype: 'int32' });

  test('int32 with int32 stays int32, except true division (float32)', () => {
    const a = i32([7, -7, 3]);
    const b = i32([2, 2, 3]);
    for (const [fn, expected] of [
      [add, [9, -5, 6]], [sub, [5, -9, 0]], [mul, [14, -14, 9]], [maximum, [7, 2, 3]], [minimum, [2, -7, 3]], [pow, [49, 49, 27]],
    ] as const) {
      const y = fn(a, b);
      expect(y.dtype).toBe('int32');
      expect(y.toArray()).toEqual(expected);
    }
    const q = div(a, b);
    expect(q.dtype).toBe('float32');
    expect(q.toArray()).toEqual([3.5, -3.5, 1]);
  });

  test('float32 with float64 promotes to float64, in either order; gradients keep each input dtype', () => {
    const a = tensor([0.1, 0.2], { dtype: 'float32', requiresGrad: true });
    const b = tensor([0.3, 0.4], { dtype: 'float64', requiresGrad: true });
    expect(add(a, b).dtype).toBe('float64');
    expect(mul(b, a).dtype).toBe('float64');
    expect(add(a, tensor([1], { dtype: 'int32' })).dtype).toBe('float32');
    const y = mul(a, b);
    expect(y.storage[0]).toBe(Math.fround(0.1) * 0.3); // a is widened, not b narrowed
    y.sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(b.grad!.dtype).toBe('float64');
    expect(b.grad!.toArray()).toEqual([Math.fround(0.1), Math.fround(0.2)]);
  });

  test("a plain number takes the tensor's dtype", () => {
    const x64 = add(f64([0.1]), 0.2);
    expect(x64.dtype).toBe('float64');
    expect(x64.item()).toBe(0.1 + 0.2);
    const x32 = add(tensor([0.1], { dtype: 'float32' }), 0.2);
    expect(x32.dtype).toBe('float32');
    expect(x32.item()).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
    expect(mul(2, tensor([3], { dtype: 'int32' })).dtype).toBe('int32');
    // A fractional number cannot be an int32: it lifts to float32, as PyTorch's default float.
    const half = add(tensor([1], { dtype: 'int32' }), 0.5);
    expect([half.dtype, half.item()]).toEqual(['float32', 1.5]);
  });

  test('float32 gives the float64 values to float32 precision', () => {
    const random = seededRandom(11);
    const a64 = randn([3, 4], { dtype: 'float64', random }).to('float32').to('float64');
    const b64 = awayFromZero([4], random).detach().to('float32').to('float64');
    const [a32, b32] = [a64.to('float32'), b64.to('float32')];
    for (const fn of [add, sub, mul, div, maximum, minimum, (a: Tensor, b: Tensor) => pow(abs(a), b)]) {
      const y32 = fn(a32, b32);
      expect(y32.dtype).toBe('float32');
      expectClose(y32, fn(a64, b64), { rtol: 1e-6, atol: 1e-7 });
    }
  });
});

describe('errors name the op and the shapes', () => {
  test('shapes that cannot be broadcast', () => {
    const a = f64([[1, 2, 3], [4, 5, 6]]);
    const b = f64([1, 2, 3, 4]);
    expect(() => add(a, b)).toThrow(/^add: shapes \[2,3\] and \[4\] cannot be broadcast together$/);
    expect(() => add(a, b)).toThrow(RangeError);
    for (const [name, fn] of [['sub', sub], ['mul', mul], ['div', div], ['pow', pow], ['maximum', maximum], ['minimum', minimum], ['lt', lt], ['eq', eq]] as const) {
      expect(() => fn(a, b)).toThrow(new RegExp(`^${name}: shapes \\[2,3\\] and \\[4\\] cannot be broadcast together$`));
    }
    expect(() => add(f64([[1, 2]]), f64([[1], [2], [3]]).reshape([3, 1, 1]).mul(f64([1, 2, 3])))).toThrow(/add: shapes \[1,2\] and \[3,1,3\]/);
    expect(() => where(tensor([1, 0, 1], { dtype: 'int32' }), f64([1, 2]), 0)).toThrow(/^where: shapes \[3\] and \[2\] cannot be broadcast together$/);
  });

  test('arguments that are not tensors', () => {
    const x = f64([1, 2]);
    expect(() => add(null as unknown as Tensor, 1)).toThrow(/^add: first argument must be a Tensor or a number, got null$/);
    expect(() => mul(x, 'two' as unknown as Tensor)).toThrow(/^mul: second argument must be a Tensor or a number, got string$/);
    expect(() => sub([1, 2] as unknown as Tensor, x)).toThrow(/^sub: first argument must be a Tensor or a number, got an array$/);
    expect(() => div(1, undefined as unknown as Tensor)).toThrow(/^div: second argument must be a Tensor or a number, got undefined$/);
    expect(() => add(1, 2)).toThrow(/^add: at least one argument must be a Tensor, got two numbers$/);
    expect(() => eq(1, 2)).toThrow(/^eq: at least one argument must be a Tensor/);
    expect(() => lt(null as unknown as Tensor, x)).toThrow(/^lt: first argument must be a Tensor or a number, got null$/);
    expect(() => neg(3 as unknown as Tensor)).toThrow(/^neg: input must be a Tensor, got number$/);
    expect(() => where([1, 0] as unknown as Tensor, x, x)).toThrow(/^where: condition must be a Tensor, got object$/);
    expect(() => where(tensor([1, 0], { dtype: 'int32' }), x, {} as unknown as Tensor)).toThrow(/^where: expected a Tensor or a number, got object$/);
    for (const fn of [add, sub, mul, div, pow, maximum, minimum]) expect(() => fn(x, null as unknown as Tensor)).toThrow(TypeError);
  });
});

/** Three shapes that broadcast together: the output shape and two operand shapes made from it by
 *  dropping leading axes and setting random axes to 1; plus a seed for the values. */
const broadcastable = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }).chain((out) => {
  const operand = fc.tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[drop + i] ? 1 : d)));
  return fc.tuple(fc.constant(out), operand, operand, fc.integer());
});

describe('properties', () => {
  test('broadcasting is symmetric: add(a, b) = add(b, a) (and mul, maximum, minimum)', () => {
    fc.assert(fc.property(broadcastable, ([, shapeA, shapeB, seed]) => {
      const random = seededRandom(seed);
      const a = randn(shapeA, { dtype: 'float64', random });
      const b = randn(shapeB, { dtype: 'float64', random });
      for (const fn of [add, mul, maximum, minimum]) {
        const ab = fn(a, b);
        const ba = fn(b, a);
        expect(ab.shape).toEqual(ba.shape);
        expect(ab.toArray()).toEqual(ba.toArray());
      }
      expect(sub(a, b).toArray()).toEqual(neg(sub(b, a)).toArray());
    }), { seed: 42, numRuns: 100 });
  });

  test('the broadcast shape is the NumPy one, and broadcasting first changes nothing', () => {
    fc.assert(fc.property(broadcastable, ([, shapeA, shapeB, seed]) => {
      const random = seededRandom(seed);
      const a = randn(shapeA, { dtype: 'float64', random });
      const b = randn(shapeB, { dtype: 'float64', random });
      const y = sub(a, b);
      // NumPy's rule, written out: right-align, each output size is the non-1 size (or 1).
      const n = Math.max(shapeA.length, shapeB.length);
      const expected = Array.from({ length: n }, (_, i) => Math.max(shapeA[shapeA.length - n + i] ?? 1, shapeB[shapeB.length - n + i] ?? 1));
      expect(y.shape).toEqual(expected);
      expect(y.toArray()).toEqual(sub(broadcastTo(a, expected), broadcastTo(b, expected)).toArray());
    }), { seed: 42, numRuns: 100 });
  });

  test('the gradient of a broadcast operand counts the copies it fed', () => {
    fc.assert(fc.property(broadcastable, ([, shapeA, shapeB]) => {
      const a = tensor(new Float64Array(sizeOf(shapeA)).fill(1), shapeA, { requiresGrad: true });
      const b = tensor(new Float64Array(sizeOf(shapeB)).fill(2), shapeB, { requiresGrad: true });
      const y = add(a, b);
      sum(y).backward();
      expect(a.grad!.shape).toEqual(shapeA);
      expect([...a.grad!.storage].every((g) => g === y.numel() / a.numel())).toBe(true);
      expect([...b.grad!.storage].every((g) => g === y.numel() / b.numel())).toBe(true);
    }), { seed: 42, numRuns: 100 });
  });
});
