/**
 * softmax and logSoftmax along one axis, numerically stable.
 *
 * softmax: y_i = exp(x_i − m) / Σ_j exp(x_j − m), with m = max x (the shift cancels, and keeps
 * every exp ≤ 1). Since ∂y_i/∂x_k = y_i (δ_ik − y_k),
 *   ∂L/∂x_k = Σ_i dY_i · y_i (δ_ik − y_k) = y_k (dY_k − Σ_i dY_i y_i)
 *   ⇒ dX = y ⊙ (dY − sum(dY ⊙ y, axis, keepDim))
 * logSoftmax: y_i = x_i − logSumExp(x). Since ∂y_i/∂x_k = δ_ik − softmax_k,
 *   dX = dY − exp(y) ⊙ sum(dY, axis, keepDim)
 * We compute it as (x_i − m) − log Σ_j exp(x_j − m) rather than x_i − logSumExp(x): the shifted
 * x − m is exact near the max and the log term lies in [0, log n], whereas logSumExp(x) ≈ m is
 * rounded to the ulp of m (in float32, 1e-3 for logits of 1e4) before the subtraction.
 */
import { apply, type Context, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, mul, sub } from './elementwise.js';
import { requireFloat } from './helpers.js';
import { amax, sum } from './reduce.js';
import { exp, log } from './unary.js';

/** An empty input has nothing to normalise: the output is a fresh empty tensor, and so is dX. */
function empty(ctx: Context, x: Tensor): Tensor {
  const y = kernels().cast(x, x.dtype);
  ctx.save(y);
  return y;
}

const Softmax: OpDef<readonly [Tensor], number> = {
  name: 'Softmax',
  forward(ctx, [x], axis) {
    if (x.numel() === 0) return empty(ctx, x);
    const e = exp(sub(x, amax(x, axis, true)));
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
    if (x.numel() === 0) return empty(ctx, x);
    const shifted = sub(x, amax(x, axis, true)); // ≤ 0, with 0 at the max
    const y = sub(shifted, log(sum(exp(shifted), axis, true)));
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
