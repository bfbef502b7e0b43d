import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { erf as erfScalar } from '../backends/cpu/elementwise.js';
import { linspace, rand, randn, tensor } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import { Tensor, type NestedArray } from '../tensor.js';
import { add } from './elementwise.js';
import { abs, clamp, cos, elu, erf, exp, gelu, leakyRelu, log, relu, rsqrt, sigmoid, sign, sin, softplus, sqrt, tanh } from './unary.js';
import { neg } from './elementwise.js';
import { expectClose } from '../test-utils.js';

const f64 = (values: NestedArray): Tensor => tensor(values, { dtype: 'float64' });


/** A float64 leaf whose values are `f` of standard normal draws. */
type Gen = (shape: Shape, random: Random) => Tensor;
const mapped = (f: (v: number) => number): Gen => (shape, random) =>
  tensor(Float64Array.from(randn(shape, { dtype: 'float64', random }).storage, f), shape, { requiresGrad: true });
/** Normal draws moved at least 0.05 away from the points where f is not differentiable. */
const avoiding = (...kinks: number[]): Gen => mapped((v) => (kinks.some((k) => Math.abs(v - k) < 0.05) ? v + 0.1 : v));
const normal = avoiding();
/** In [0.5, 2.5), for log, sqrt and rsqrt. */
const positive: Gen = (shape, random) => tensor(Float64Array.from(rand(shape, { dtype: 'float64', random }).storage, (v) => 0.5 + 2 * v), shape, { requiresGrad: true });

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const sigmoidRef = (x: number): number => 1 / (1 + Math.exp(-x));
const geluTanhRef = (x: number): number => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x ** 3)));
const normalCdf = (x: number): number => 0.5 * (1 + erfScalar(x / Math.SQRT2)); // erf itself is checked against libm below

interface UnaryCase {
  readonly name: string;
  readonly fn: (x: Tensor) => Tensor;
  /** f from Math.* (undefined: checked against fixtures instead). */
  readonly f?: (x: number) => number;
  /** f′ from Math.*, to check the gradient to float64 precision. */
  readonly df: (x: number) => number;
  readonly gen: Gen;
}

const UNARY: readonly UnaryCase[] = [
  { name: 'neg', fn: neg, f: (x) => -x, df: () => -1, gen: normal },
  { name: 'exp', fn: exp, f: Math.exp, df: Math.exp, gen: normal },
  { name: 'log', fn: log, f: Math.log, df: (x) => 1 / x, gen: positive },
  { name: 'sqrt', fn: sqrt, f: Math.sqrt, df: (x) => 0.5 / Math.sqrt(x), gen: positive },
  { name: 'rsqrt', fn: rsqrt, f: (x) => 1 / Math.sqrt(x), df: (x) => -0.5 * x ** -1.5, gen: positive },
  { name: 'abs', fn: abs, f: Math.abs, df: Math.sign, gen: avoiding(0) },
  { name: 'sin', fn: sin, f: Math.sin, df: Math.cos, gen: normal },
  { name: 'cos', fn: cos, f: Math.cos, df: (x) => -Math.sin(x), gen: normal },
  { name: 'tanh', fn: tanh, f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2, gen: normal },
  { name: 'sigmoid', fn: sigmoid, f: sigmoidRef, df: (x) => sigmoidRef(x) * (1 - sigmoidRef(x)), gen: normal },
  { name: 'relu', fn: relu, f: (x) => Math.max(x, 0), df: (x) => (x > 0 ? 1 : 0), gen: avoiding(0) },
  { name: 'leakyRelu (slope 0.01, the default)', fn: (x) => leakyRelu(x), f: (x) => (x > 0 ? x : 0.01 * x), df: (x) => (x > 0 ? 1 : 0.01), gen: avoiding(0) },
  { name: 'leakyRelu (slope 0.2)', fn: (x) => leakyRelu(x, 0.2), f: (x) => (x > 0 ? x : 0.2 * x), df: (x) => (x > 0 ? 1 : 0.2), gen: avoiding(0) },
  { name: 'elu (alpha 1)', fn: (x) => elu(x), f: (x) => (x > 0 ? x : Math.expm1(x)), df: (x) => (x > 0 ? 1 : Math.exp(x)), gen: avoiding(0) },
  { name: 'elu (alpha 1.5)', fn: (x) => elu(x, 1.5), f: (x) => (x > 0 ? x : 1.5 * Math.expm1(x)), df: (x) => (x > 0 ? 1 : 1.5 * Math.exp(x)), gen: avoiding(0) },
  {
    name: 'gelu (exact)', fn: (x) => gelu(x),
    df: (x) => normalCdf(x) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI), gen: normal,
  },
  {
    name: "gelu ('tanh')", fn: (x) => gelu(x, 'tanh'), f: geluTanhRef,
    df: (x) => {
      const t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x ** 3));
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
    },
    gen: normal,
  },
  { name: 'softplus', fn: softplus, f: (x) => Math.log1p(Math.exp(x)), df: sigmoidRef, gen: normal },
  {
    name: 'clamp to [−0.5, 0.8]', fn: (x) => clamp(x, -0.5, 0.8), f: (x) => Math.min(Math.max(x, -0.5), 0.8),
    df: (x) => (x >= -0.5 && x <= 0.8 ? 1 : 0), gen: avoiding(-0.5, 0.8),
  },
  { name: 'clamp below only', fn: (x) => clamp(x, 0.1, null), f: (x) => Math.max(x, 0.1), df: (x) => (x >= 0.1 ? 1 : 0), gen: avoiding(0.1) },
  { name: 'clamp above only', fn: (x) => clamp(x, null, -0.2), f: (x) => Math.min(x, -0.2), df: (x) => (x <= -0.2 ? 1 : 0), gen: avoiding(-0.2) },
  { name: 'erf', fn: erf, df: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x), gen: normal },
];

const SHAPES: readonly Shape[] = [[2, 3], [1, 4], [3, 1, 2]];

describe('unary ops: forward values', () => {
  test('values worked out by hand', () => {
    expect(exp(f64([0, 1])).toArray()).toEqual([1, Math.E]);
    expect(log(f64([1, Math.E])).toArray()).toEqual([0, 1]);
    expect(sqrt(f64([4, 0.25, 0])).toArray()).toEqual([2, 0.5, 0]);
    expect(rsqrt(f64([4, 0.25])).toArray()).toEqual([0.5, 2]);
    expect(abs(f64([-3, 0, 2])).toArray()).toEqual([3, 0, 2]);
    expect(relu(f64([-1, 0, 2])).toArray()).toEqual([0, 0, 2]);
    expect(leakyRelu(f64([-2, 3]), 0.1).toArray()).toEqual([-0.2, 3]);
    expect(elu(f64([2, 0])).toArray()).toEqual([2, 0]);
    expect(sigmoid(f64([0])).item()).toBe(0.5);
    expect(tanh(f64([0])).item()).toBe(0);
    expect(softplus(f64([0])).item()).toBe(Math.LN2);
    expect(gelu(f64([0])).item()).toBe(0);
    expect(clamp(f64([-2, 0.5, 3]), -1, 1).toArray()).toEqual([-1, 0.5, 1]);
    expect(erf(f64([0])).item()).toBe(0);
    expect(sin(f64([0, Math.PI / 2])).toArray()).toEqual([0, 1]);
    expect(cos(f64([0, Math.PI])).toArray()).toEqual([1, -1]);
  });

  // x from −2.9 to 2.9 plus a few sizes, within each op's domain.
  const values = [...linspace(-2.9, 2.9, 13, { dtype: 'float64' }).storage, 1e-3, -1e-3, 0.5, 7];
  for (const op of UNARY) {
    if (op.f === undefined) continue;
    test(`${op.name} matches Math.*`, () => {
      const xs = op.gen === positive ? values.map((v) => Math.abs(v) + 0.01) : values;
      expectClose(op.fn(f64(xs)), xs.map(op.f!), { rtol: 1e-14, atol: 1e-15 });
    });
  }

  test('erf matches libm to 1e-15 (relative), tiny arguments included', () => {
    // Python 3's math.erf (the C library's erf), printed with repr.
    const xs = [-3, -1.5, -0.5, -1e-5, 0, 1e-5, 0.25, 1, 2, 2.5, 3.5, 5.9];
    const expected = [
      -0.9999779095030014, -0.9661051464753108, -0.5204998778130465, -1.1283791670579e-05, 0, 1.1283791670579e-05,
      0.2763263901682369, 0.8427007929497149, 0.9953222650189527, 0.999593047982555, 0.9999992569016276, 0.9999999999999999,
    ];
    expectClose(erf(f64(xs)), expected, { rtol: 1e-15, atol: 0 });
    expect(erf(f64([-7, 7, Infinity, -Infinity])).toArray()).toEqual([-1, 1, 1, -1]);
    expect(Number.isNaN(erf(f64([NaN])).item())).toBe(true);
  });

  test('gelu, exact and tanh, match PyTorch-formula references', () => {
    const xs = [-3, -1, -0.5, 0, 0.5, 1, 3];
    // Python: 0.5·x·(1 + math.erf(x/√2)), and the tanh form with math.tanh (torch.nn.functional.gelu's formulas).
    // At x = −3, 1 + erf(−2.12) = 0.0027 cancels two digits, so the last ulps of erf show up ×400.
    expectClose(gelu(f64(xs)), [
      -0.00404969409489031, -0.15865525393145707, -0.15426876936299344, 0, 0.34573123063700656, 0.8413447460685429, 2.99595030590511,
    ], { rtol: 1e-12, atol: 1e-16 });
    expectClose(gelu(f64(xs), 'tanh'), [
      -0.0036373920817729943, -0.15880800939172324, -0.15428599017485606, 0, 0.34571400982514394, 0.8411919906082768, 2.996362607918227,
    ], { rtol: 1e-14, atol: 1e-16 });
  });

  test('sign gives −1, 0 or 1, keeps NaN, and records no graph', () => {
    const x = f64([-2, 0, 3, NaN]).requiresGrad_();
    const s = sign(x);
    expect(s.toArray()).toEqual([-1, 0, 1, NaN]);
    expect(s.requiresGrad).toBe(false);
    expect(sign(tensor([-5, 5], { dtype: 'int32' })).toArray()).toEqual([-1, 1]);
  });

  test('method forms call the same ops', () => {
    const x = f64([[-1.5, 0.5], [2, -0.25]]);
    expect(x.exp().toArray()).toEqual(exp(x).toArray());
    expect(x.abs().sqrt().log().toArray()).toEqual(log(sqrt(abs(x))).toArray());
    expect(x.abs().rsqrt().toArray()).toEqual(rsqrt(abs(x)).toArray());
    expect(x.sin().cos().tanh().sigmoid().toArray()).toEqual(sigmoid(tanh(cos(sin(x)))).toArray());
    expect(x.relu().toArray()).toEqual(relu(x).toArray());
    expect(x.leakyRelu(0.3).toArray()).toEqual(leakyRelu(x, 0.3).toArray());
    expect(x.elu(2).toArray()).toEqual(elu(x, 2).toArray());
    expect(x.gelu('tanh').toArray()).toEqual(gelu(x, 'tanh').toArray());
    expect(x.softplus().toArray()).toEqual(softplus(x).toArray());
    expect(x.clamp(null, 0).toArray()).toEqual([[-1.5, 0], [0, -0.25]]);
  });
});

describe('unary ops: backward', () => {
  for (const op of UNARY) {
    test(`${op.name}: gradcheck on [2,3], [1,4], [3,1,2] and through a broadcast`, () => {
      const random = seededRandom(op.name.length);
      for (const shape of SHAPES) gradcheck(op.fn, [op.gen(shape, random)]);
      // x [2,3] + b [3] feeds the op: b's gradient sums the op's gradient over rows.
      const x = op.gen([2, 3], random);
      const b = tensor(new Float64Array([0.01, -0.02, 0.015]), [3], { requiresGrad: true });
      gradcheck((x, b) => op.fn(add(x, b)), [x, b]);
    });

    test(`${op.name}: the gradient equals f′ from Math.* to float64 precision`, () => {
      const x = op.gen([12], seededRandom(3));
      op.fn(x).sum().backward();
      expectClose(x.grad!, [...x.storage].map(op.df), { rtol: 1e-13, atol: 1e-15 });
    });
  }

  test('gradients at the kinks follow PyTorch', () => {
    const grad = (fn: (x: Tensor) => Tensor, values: number[]): NestedArray => {
      const x = f64(values).requiresGrad_();
      fn(x).sum().backward();
      return x.grad!.toArray();
    };
    expect(grad(relu, [0])).toEqual([0]);
    expect(grad(abs, [0])).toEqual([0]);
    expect(grad((x) => leakyRelu(x, 0.2), [0])).toEqual([0.2]);
    expect(grad((x) => elu(x, 1.5), [0])).toEqual([1.5]);
    // clamp passes the gradient on the bounds themselves (min ≤ x ≤ max)
    expect(grad((x) => clamp(x, -1, 1), [-1, 1, -1.5, 1.5])).toEqual([1, 1, 0, 0]);
    expect(grad(sqrt, [0])).toEqual([Infinity]);
  });

  test('float32 inputs get float32 gradients close to the float64 ones', () => {
    for (const op of UNARY) {
      const x64 = op.gen([8], seededRandom(5)).detach().to('float32').to('float64').requiresGrad_();
      const x32 = x64.detach().to('float32').requiresGrad_();
      op.fn(x64).sum().backward();
      op.fn(x32).sum().backward();
      expect(x32.grad!.dtype).toBe('float32');
      expectClose(x32.grad!, x64.grad!, { rtol: 1e-5, atol: 1e-6 });
    }
  });
});

describe('unary ops: float32 and numerical stability', () => {
  test('float32 gives the float64 values rounded to float32', () => {
    const random = seededRandom(12);
    for (const op of UNARY) {
      const x64 = op.gen([10], random).detach().to('float32').to('float64');
      const y32 = op.fn(x64.to('float32'));
      expect(y32.dtype).toBe('float32');
      expectClose(y32, op.fn(x64), { rtol: 1e-7, atol: 1e-30 });
    }
  });

  test('no overflow at ±1000: softplus, sigmoid, tanh, exp, gelu, elu', () => {
    const x = f64([-1000, 1000]);
    expect(softplus(x).toArray()).toEqual([0, 1000]);
    expect(sigmoid(x).toArray()).toEqual([0, 1]);
    expect(tanh(x).toArray()).toEqual([-1, 1]);
    expect(exp(x).toArray()).toEqual([0, Infinity]);
    expect(gelu(x).toArray()).toEqual([-0, 1000]);
    expect(gelu(x, 'tanh').toArray()).toEqual([-0, 1000]);
    expect(elu(x, 2).toArray()).toEqual([-2, 1000]);
    const x32 = tensor([-1000, -50, 50, 1000], { dtype: 'float32' });
    expect(softplus(x32).toArray()).toEqual([0, Math.fround(Math.log1p(Math.exp(-50))), 50, 1000]);
    expect(sigmoid(x32).toArray()).toEqual([0, Math.fround(sigmoidRef(-50)), 1, 1]);
  });

  test('softplus of large x is x, and its gradient stays finite', () => {
    // Beyond 20, log(1 + eˣ) = x + log(1 + e⁻ˣ) and e⁻²⁰ ≈ 2e-9 is below float32 resolution.
    const x = f64([20.5, 30, 100, 1e5, 1e300]).requiresGrad_();
    const y = softplus(x);
    expect(y.toArray()).toEqual([20.5, 30, 100, 1e5, 1e300]);
    y.sum().backward();
    expectClose(x.grad!, [sigmoidRef(20.5), sigmoidRef(30), 1, 1, 1], { rtol: 1e-15, atol: 0 });
    expectClose(softplus(f64([20, 10])), [Math.log1p(Math.exp(20)), Math.log1p(Math.exp(10))], { rtol: 1e-15, atol: 0 });
  });

  test('gradients at ±1000 are finite', () => {
    for (const fn of [sigmoid, tanh, softplus, (x: Tensor) => gelu(x), (x: Tensor) => gelu(x, 'tanh'), (x: Tensor) => elu(x)]) {
      const x = f64([-1000, 1000]).requiresGrad_();
      fn(x).sum().backward();
      expect([...x.grad!.storage].every(Number.isFinite)).toBe(true);
    }
  });
});

describe('unary ops: errors', () => {
  const FLOAT_ONLY: readonly (readonly [string, (x: Tensor) => Tensor])[] = [
    ['exp', exp], ['log', log], ['sqrt', sqrt], ['rsqrt', rsqrt], ['abs', abs], ['sin', sin], ['cos', cos], ['tanh', tanh],
    ['sigmoid', sigmoid], ['relu', relu], ['leakyRelu', (x) => leakyRelu(x)], ['elu', (x) => elu(x)], ['gelu', (x) => gelu(x)],
    ['softplus', softplus], ['clamp', (x) => clamp(x, 0, 1)], ['erf', erf],
  ];

  test('a float op on int32 names the op, the dtype and the shape', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(() => exp(i)).toThrow(/^exp: input must be float32 or float64, got int32 \[2\] \(convert with \.to\('float32'\)\)$/);
    for (const [name, fn] of FLOAT_ONLY) {
      expect(() => fn(i)).toThrow(new RegExp(`^${name}: input must be float32 or float64, got int32 \\[2\\]`));
      expect(() => fn(i)).toThrow(TypeError);
    }
  });

  test('a non-Tensor argument', () => {
    for (const [name, fn] of FLOAT_ONLY) {
      expect(() => fn(2 as unknown as Tensor)).toThrow(new RegExp(`^${name}: input must be a Tensor, got number$`));
      expect(() => fn(null as unknown as Tensor)).toThrow(new RegExp(`^${name}: input must be a Tensor, got null$`));
    }
  });

  test('bad options', () => {
    const x = f64([1]);
    expect(() => gelu(x, 'erf' as 'none')).toThrow(/^gelu: approximate must be 'none' or 'tanh', got 'erf'$/);
    expect(() => clamp(x, 2, 1)).toThrow(/^clamp: min 2 is greater than max 1$/);
  });
});

describe('properties', () => {
  const finite = fc.double({ min: -50, max: 50, noNaN: true });
  test('identities: log∘exp = id, sigmoid(−x) = 1 − sigmoid(x), softplus(x) − softplus(−x) = x, gelu(x) − gelu(−x) = x', () => {
    fc.assert(fc.property(fc.array(finite, { minLength: 1, maxLength: 8 }), (values) => {
      const x = f64(values);
      expectClose(log(exp(x)), x, { rtol: 1e-12, atol: 1e-12 });
      expectClose(sigmoid(neg(x)), add(neg(sigmoid(x)), 1), { rtol: 1e-9, atol: 1e-15 });
      expectClose(add(softplus(x), neg(softplus(neg(x)))), x, { rtol: 1e-12, atol: 1e-12 });
      expectClose(gelu(x), add(x, gelu(neg(x))), { rtol: 1e-12, atol: 1e-12 }); // since Φ(x) + Φ(−x) = 1
    }), { seed: 42, numRuns: 100 });
  });
});
