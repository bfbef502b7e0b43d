/**
 * softmax and logSoftmax along one axis, numerically stable.
 *
 * softmax: y_i = exp(x_i − m) / Σ_j exp(x_j − m), with m = max x (the shift cancels, and keeps
 * every exp ≤ 1). Since ∂y_i/∂x_k = y_i (δ_ik − y_k),
 *   ∂L/∂x_k = Σ_i dY_i · y_i (δ_ik − y_k) = y_k (dY_k − Σ_i dY_i y_i)
 *   ⇒ dX = y ⊙ (dY − sum(dY ⊙ y, axis, keepDim))
 * logSoftmax: y_i = x_i − logSumExp(x). Since ∂y_i/∂x_k = δ_ik − softmax_k,
 *   dX = dY − exp(y) ⊙ sum(dY, axis, keepDim)
 */
import { apply, type OpDef } from '../function.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, mul, sub } from './elementwise.js';
import { requireFloat } from './helpers.js';
import { logSumExp, max, sum } from './reduce.js';
import { exp } from './unary.js';

const Softmax: OpDef<readonly [Tensor], number> = {
  name: 'Softmax',
  forward(ctx, [x], axis) {
    const e = exp(sub(x, max(x, axis, true)));
    const y = div(e, sum(e, axis, true));
    ctx.save(y);
    return y;
  },
  backward(ctx, dY, axis) {
    const y = ctx.saved[0]!;
    return [mul(y, sub(dY, sum(mul(dY, y), axis, true)))];
  },
};

const LogSoftmax: OpDef<readonly [Tensor], number> = {
  name: 'LogSoftmax',
  forward(ctx, [x], axis) {
    const y = sub(x, logSumExp(x, axis, true));
    ctx.save(y);
    return y;
  },
  backward(ctx, dY, axis) {
    const y = ctx.saved[0]!;
    return [sub(dY, mul(exp(y), sum(dY, axis, true)))];
  },
};

/** exp(x) normalised to sum to 1 along `axis`. @example softmax(tensor([0, 0])).toArray()  // [0.5, 0.5] */
export function softmax(x: Tensor, axis = -1): Tensor {
  requireFloat(x, 'softmax');
  return apply(Softmax, [x], normalizeAxis(axis, x.ndim, 'softmax'));
}

/** log(softmax(x)) without the round trip through exp, so it never takes log(0) for finite x. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  requireFloat(x, 'logSoftmax');
  return apply(LogSoftmax, [x], normalizeAxis(axis, x.ndim, 'logSoftmax'));
}
