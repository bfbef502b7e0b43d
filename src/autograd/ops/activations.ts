/**
 * activations — the smooth and piecewise gates of modern networks, with their derivatives:
 *   silu        y = x·σ(x)                        f′ = σ(x)·(1 + x·(1 − σ(x)))
 *   mish        y = x·tanh(sp(x)), sp = softplus   f′ = t + x·σ(x)·(1 − t²),  t = tanh(sp(x))
 *   hardsigmoid y = relu6(x + 3)/6                 f′ = 1/6 on (−3, 3), else 0
 *   hardswish   y = x·relu6(x + 3)/6               f′ = 0 below −3, x/3 + ½ on [−3, 3], 1 above
 *   softplus    y = log(1 + e^(βx))/β, or x where βx > threshold      f′ = σ(βx), or 1 there
 * (σ is the logistic sigmoid; mish uses σ because sp′ = σ and tanh′ = 1 − tanh².) Elementwise,
 * so ∂L/∂x = dY ⊙ f′(x). The boundaries follow PyTorch 1.13's kernels: hardswish's derivative is
 * x/3 + ½ at x = ±3 exactly, hardsigmoid's is 0 there. Papers: SiLU — Elfwing et al. 2017
 * (and Hendrycks & Gimpel 2016); Mish — Misra 2019; hardswish — Howard et al. 2019 (MobileNetV3).
 * The forwards compose the unary and binary kernels; relu, gelu, elu and plain softplus live in unary.ts.
 */
import { apply, type OpDef } from '../function.js';
import type { Tensor } from '../tensor.js';
import { add, div, gt, le, lt, mul, sub, where } from './elementwise.js';
import { requireFloat } from './helpers.js';
import { clamp, sigmoid, softplus as softplusUnit, tanh } from './unary.js';

type One = readonly [Tensor];

const Silu: OpDef<One> = {
  name: 'Silu',
  forward(ctx, [x]) {
    ctx.save(x);
    return mul(x, sigmoid(x));
  },
  backward(ctx, dY) {
    const [x] = ctx.saved as [Tensor];
    const s = sigmoid(x);
    return [mul(dY, mul(s, add(mul(x, sub(1, s)), 1)))];
  },
};

const Mish: OpDef<One> = {
  name: 'Mish',
  forward(ctx, [x]) {
    ctx.save(x);
    return mul(x, tanh(softplusUnit(x)));
  },
  backward(ctx, dY) {
    const [x] = ctx.saved as [Tensor];
    const t = tanh(softplusUnit(x));
    return [mul(dY, add(t, mul(mul(x, sigmoid(x)), sub(1, mul(t, t)))))];
  },
};

const Hardsigmoid: OpDef<One> = {
  name: 'Hardsigmoid',
  forward(ctx, [x]) {
    ctx.save(x);
    return div(clamp(add(x, 3), 0, 6), 6);
  },
  backward(ctx, dY) {
    const [x] = ctx.saved as [Tensor];
    return [where(mul(gt(x, -3), lt(x, 3)), div(dY, 6), 0)];
  },
};

const Hardswish: OpDef<One> = {
  name: 'Hardswish',
  forward(ctx, [x]) {
    ctx.save(x);
    return div(mul(x, clamp(add(x, 3), 0, 6)), 6);
  },
  backward(ctx, dY) {
    const [x] = ctx.saved as [Tensor];
    const middle = mul(dY, add(div(x, 3), 0.5)); //                          x/3 + ½ on [−3, 3]
    return [where(lt(x, -3), 0, where(le(x, 3), middle, dY))];
  },
};

interface SoftplusAttrs {
  readonly beta: number;
  readonly threshold: number;
}

// Above the threshold log(1 + e^(βx))/β and x differ by less than e^(−threshold)/β, so PyTorch
// returns x there (exactly, and without computing e^(βx)); we follow it.
const Softplus: OpDef<One, SoftplusAttrs> = {
  name: 'Softplus',
  forward(ctx, [x], { beta, threshold }) {
    ctx.save(x);
    const bx = mul(x, beta);
    return where(gt(bx, threshold), x, div(softplusUnit(bx), beta));
  },
  backward(ctx, dY, { beta, threshold }) {
    const [x] = ctx.saved as [Tensor];
    const bx = mul(x, beta);
    return [where(gt(bx, threshold), dY, mul(dY, sigmoid(bx)))];
  },
};

function float(def: OpDef<One>, op: string) {
  return (x: Tensor): Tensor => {
    requireFloat(x, op);
    return apply(def, [x], undefined);
  };
}

/** SiLU (swish), x·σ(x). @example silu(tensor([0, 1])).toArray()  // [0, 0.7310585…] */
export const silu = float(Silu, 'silu');
/** Mish, x·tanh(softplus(x)). @example mish(tensor([0])).toArray()  // [0] */
export const mish = float(Mish, 'mish');
/** relu6(x + 3)/6, a piecewise-linear sigmoid. @example hardsigmoid(tensor([-4, 0, 4])).toArray()  // [0, 0.5, 1] */
export const hardsigmoid = float(Hardsigmoid, 'hardsigmoid');
/** x·relu6(x + 3)/6, MobileNetV3's cheap swish. @example hardswish(tensor([-4, 1, 4])).toArray()  // [0, 0.6666…, 4] */
export const hardswish = float(Hardswish, 'hardswish');

/**
 * Softplus with PyTorch's β and threshold: log(1 + e^(βx))/β, and x itself where βx > threshold.
 * @example softplus(tensor([0, 30]), 1, 20).toArray()  // [0.6931…, 30]
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  requireFloat(x, 'softplus');
  if (!Number.isFinite(beta) || beta === 0) throw new RangeError(`softplus: beta must be a finite non-zero number, got ${beta}`);
  if (Number.isNaN(threshold)) throw new RangeError(`softplus: threshold must be a number, got ${threshold}`);
  return apply(Softplus, [x], { beta, threshold });
}
