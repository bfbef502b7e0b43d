/**
 * unary — elementwise functions of one tensor and their derivatives.
 *
 * For y = f(x) applied elementwise, ∂L/∂x_i = ∂L/∂y_i · f′(x_i): the backward is dY times the
 * derivative, elementwise. Where f′ is neatest in terms of the output we save y instead of x:
 *   exp      f′ = y                   sigmoid  f′ = y (1 − y)
 *   tanh     f′ = 1 − y²              sqrt     f′ = 1 / (2y)
 *   rsqrt    f′ = −½ x^(−3/2) = −½ y³  relu     f′ = [x > 0] = [y > 0] (PyTorch's choice too:
 *            the layer before may then drop its output, and y is usually kept anyway by the next op)
 * and otherwise x:
 *   log      f′ = 1/x                 abs      f′ = sign(x)
 *   sin      f′ = cos x               cos      f′ = −sin x
 *   leakyRelu f′ = [x > 0] + slope · [x ≤ 0]
 *   elu      f′ = 1 if x > 0 else y + α        softplus  f′ = sigmoid(x)
 *   clamp    f′ = [min ≤ x ≤ max]      erf      f′ = 2/√π · e^(−x²)
 *   gelu     y = x Φ(x)               f′ = Φ(x) + x φ(x)   (Φ, φ: standard normal cdf, pdf)
 *   gelu, tanh approximation  y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³)
 *            f′ = ½(1 + tanh u) + ½x(1 − tanh²u) · √(2/π)(1 + 3·0.044715x²)
 */
import { apply, isGradEnabled, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import type { ParamUnaryOp, UnaryOp } from '../backends/types.js';
import type { Tensor } from '../tensor.js';
import { add, div, ge, gt, le, mul, neg, reluBackward, sub, where } from './elementwise.js';
import { requireFloat } from './helpers.js';

type One = readonly [Tensor];

/** Which tensor backward reads: the input x or the output y. */
type Uses = 'x' | 'y';

function unaryDef<A>(name: string, uses: Uses, forward: (x: Tensor, attrs: A) => Tensor, derivative: (dY: Tensor, saved: Tensor, attrs: A) => Tensor): OpDef<One, A> {
  return {
    name,
    forward(ctx, [x], attrs) {
      const y = forward(x, attrs);
      ctx.save(uses === 'x' ? x : y);
      return y;
    },
    backward(ctx, dY, attrs) {
      return [derivative(dY, ctx.saved[0]!, attrs)];
    },
  };
}

const k = (op: UnaryOp) => (x: Tensor): Tensor => kernels().unary(op, x);
const kp = (x: Tensor, op: ParamUnaryOp): Tensor => kernels().unaryParam(op, x);

const Exp = unaryDef('Exp', 'y', k('exp'), (dY, y) => mul(dY, y));
const Log = unaryDef('Log', 'x', k('log'), (dY, x) => div(dY, x));
const Sqrt = unaryDef('Sqrt', 'y', k('sqrt'), (dY, y) => div(mul(dY, 0.5), y));
const Rsqrt = unaryDef('Rsqrt', 'y', k('rsqrt'), (dY, y) => mul(dY, mul(mul(mul(y, y), y), -0.5)));
const Abs = unaryDef('Abs', 'x', k('abs'), (dY, x) => mul(dY, sign(x)));
const Sin = unaryDef('Sin', 'x', k('sin'), (dY, x) => mul(dY, cos(x)));
const Cos = unaryDef('Cos', 'x', k('cos'), (dY, x) => neg(mul(dY, sin(x))));
const Tanh = unaryDef('Tanh', 'y', k('tanh'), (dY, y) => mul(dY, sub(1, mul(y, y))));
const Sigmoid = unaryDef('Sigmoid', 'y', k('sigmoid'), (dY, y) => mul(dY, mul(y, sub(1, y))));
const Relu = unaryDef('Relu', 'y', k('relu'), (dY, y) => reluBackward(dY, y));

export { reluBackward } from './elementwise.js';
const Erf = unaryDef('Erf', 'x', k('erf'), (dY, x) => mul(dY, mul(exp(mul(mul(x, x), -1)), 2 / Math.sqrt(Math.PI))));
const Softplus = unaryDef('Softplus', 'x', k('softplus'), (dY, x) => mul(dY, sigmoid(x)));
const LeakyRelu = unaryDef<number>('LeakyRelu', 'x', (x, slope) => kp(x, { kind: 'leakyRelu', slope }),
  (dY, x, slope) => where(gt(x, 0), dY, mul(dY, slope))); // not a mask of 1 and slope: that would be float32
const Clamp = unaryDef<readonly [number, number]>('Clamp', 'x', (x, [min, max]) => kp(x, { kind: 'clamp', min, max }),
  (dY, x, [min, max]) => mul(dY, mul(ge(x, min), le(x, max))));

// ELU's derivative needs both: 1 where x > 0, else y + α.
const Elu: OpDef<One, number> = {
  name: 'Elu',
  forward(ctx, [x], alpha) {
    const y = kp(x, { kind: 'elu', alpha });
    ctx.save(x, y);
    return y;
  },
  backward(ctx, dY, alpha) {
    const [x, y] = ctx.saved as [Tensor, Tensor];
    return [mul(dY, where(gt(x, 0), 1, add(y, alpha)))];
  },
};

const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)
const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)
/** GELU's derivative from x in recorded ops (the exact form, or the tanh form's). */
function geluDerivative(x: Tensor, approximate: 'none' | 'tanh'): Tensor {
  if (approximate === 'none') {
    const cdf = mul(add(erf(mul(x, Math.SQRT1_2)), 1), 0.5); //               Φ(x)
    const pdf = mul(exp(mul(mul(x, x), -0.5)), INV_SQRT_2PI); //                  φ(x)
    return add(cdf, mul(x, pdf));
  }
  const x2 = mul(x, x);
  const t = tanh(mul(mul(x, add(mul(x2, 0.044715), 1)), SQRT_2_OVER_PI)); //  tanh u
  const du = mul(add(mul(x2, 3 * 0.044715), 1), SQRT_2_OVER_PI); //           du/dx
  return add(mul(add(t, 1), 0.5), mul(mul(mul(x, sub(1, mul(t, t))), du), 0.5));
}

/**
 * GELU saves x and, when x needs a gradient, the derivative y′ that one kernel pass computes
 * beside y (geluWithDerivative): the backward is then dY ⊙ y′, one product. With createGraph it
 * rebuilds y′ from x in recorded ops, so that second derivatives see it depend on x.
 */
function geluDef(name: string, approximate: 'none' | 'tanh'): OpDef<One> {
  return {
    name,
    forward(ctx, [x]) {
      if (!ctx.needsInputGrad[0]) return kernels().unary(approximate === 'none' ? 'gelu' : 'geluTanh', x);
      const { y, dydx } = kernels().geluWithDerivative(x, approximate);
      ctx.save(x, dydx);
      return y;
    },
    backward(ctx, dY) {
      const [x, dydx] = ctx.saved as [Tensor, Tensor];
      return [mul(dY, isGradEnabled() ? geluDerivative(x, approximate) : dydx)];
    },
  };
}
const GeluExact = geluDef('Gelu', 'none');
const GeluTanh = geluDef('GeluTanh', 'tanh');

function float(def: OpDef<One>, op: string) {
  return (x: Tensor): Tensor => {
    requireFloat(x, op);
    return apply(def, [x], undefined);
  };
}

/** eˣ elementwise. @example exp(tensor([0])).item()  // 1 */
export const exp = float(Exp, 'exp');
/**
 * The natural logarithm, elementwise.
 * @example log(tensor([1])).item()  // 0
 */
export const log = float(Log, 'log');
/**
 * The square root, elementwise.
 * @example sqrt(tensor([4, 9])).toArray()  // [2, 3]
 */
export const sqrt = float(Sqrt, 'sqrt');
/**
 * 1 / √x, elementwise.
 * @example rsqrt(tensor([4])).item()  // 0.5
 */
export const rsqrt = float(Rsqrt, 'rsqrt');
/** The sine, elementwise. */
export const sin = float(Sin, 'sin');
/** The cosine, elementwise. */
export const cos = float(Cos, 'cos');
/**
 * The hyperbolic tangent, elementwise.
 * @example tanh(tensor([0])).item()  // 0
 */
export const tanh = float(Tanh, 'tanh');
/**
 * σ(x) = 1 / (1 + e^−x), elementwise.
 * @example sigmoid(tensor([0])).item()  // 0.5
 */
export const sigmoid = float(Sigmoid, 'sigmoid');
/**
 * max(x, 0), elementwise.
 * @example relu(tensor([-1, 2])).toArray()  // [0, 2]
 */
export const relu = float(Relu, 'relu');
/** log(1 + eˣ), elementwise, computed without overflow for large x. */
export const softplus = float(Softplus, 'softplus');
/**
 * |x|, elementwise (the gradient at 0 is 0, as PyTorch).
 * @example abs(tensor([-2, 3])).toArray()  // [2, 3]
 */
export const abs = float(Abs, 'abs');
/** The error function, 2/√π ∫₀ˣ e^(−t²) dt (derivative 2/√π · e^(−x²)). */
export const erf = float(Erf, 'erf');

/** sign(x) ∈ {−1, 0, 1}: not differentiable (its derivative is 0 almost everywhere). */
export const sign = (x: Tensor): Tensor => kernels().unary('sign', x);

/** max(x, 0) + slope · min(x, 0) (PyTorch's default slope is 0.01). */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  requireFloat(x, 'leakyRelu');
  return apply(LeakyRelu, [x], slope);
}

/** x for x > 0, α(eˣ − 1) otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  requireFloat(x, 'elu');
  return apply(Elu, [x], alpha);
}

/** GELU: x·Φ(x) exactly (default), or its tanh approximation. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  requireFloat(x, 'gelu');
  if (approximate !== 'none' && approximate !== 'tanh') throw new RangeError(`gelu: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  return apply(approximate === 'tanh' ? GeluTanh : GeluExact, [x], undefined);
}

/** Limits x to [min, max]; either bound may be null. */
export function clamp(x: Tensor, min: number | null, max: number | null): Tensor {
  requireFloat(x, 'clamp');
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (lo > hi) throw new RangeError(`clamp: min ${lo} is greater than max ${hi}`);
  return apply(Clamp, [x], [lo, hi] as const);
}

