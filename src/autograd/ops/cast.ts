/**
 * cast and clone — copies that keep the graph.
 *
 * Cast: y = x in another dtype. Between float dtypes the derivative is the identity, so
 * dX = dY cast back to x's dtype. Casting to int32 truncates toward zero: a step function,
 * whose gradient is zero almost everywhere, so, as in PyTorch, the result is a plain int32
 * tensor that records no graph (only float tensors may require gradients).
 * Clone: y = x, dX = dY.
 */
import { apply, noGrad, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { isDType, isFloat, type DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './helpers.js';

const Cast: OpDef<readonly [Tensor], DType> = {
  name: 'Cast',
  forward(ctx, [x], dtype) {
    ctx.save(x); // backward reads only x's dtype
    return kernels().cast(x, dtype);
  },
  backward(ctx, dY) {
    // Only reached for float → float: an int32 input never requires grad, and cast to int32 records no graph.
    const [x] = ctx.saved as [Tensor];
    return [cast(dY, x.dtype)];
  },
};

/** The values converted to `dtype` (same tensor when it already is). */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor(x, 'to');
  if (!isDType(dtype)) throw new TypeError(`to: unknown dtype '${String(dtype)}' (use float32, float64 or int32)`);
  if (x.dtype === dtype) return x;
  if (!isFloat(dtype)) return noGrad(() => apply(Cast, [x], dtype));
  return apply(Cast, [x], dtype);
}

const Clone: OpDef<readonly [Tensor]> = {
  name: 'Clone',
  forward(_ctx, [x]) {
    return kernels().cast(x, x.dtype);
  },
  backward(_ctx, dY) {
    return [dY];
  },
};

/**
 * A copy of `x` that stays in the graph: the gradient flows back unchanged.
 * @example clone(tensor([1, 2])).toArray()  // [1, 2]
 */
export const clone = (x: Tensor): Tensor => apply(Clone, [x], undefined);
