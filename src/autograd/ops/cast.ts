/**
 * cast and clone — copies that keep the graph.
 *
 * Cast: y = x in another dtype. Between float dtypes the derivative is the identity, so
 * dX = dY cast back to x's dtype. Casting to int32 truncates toward zero: a step function,
 * whose gradient is zero almost everywhere, so we return no gradient (as PyTorch refuses to).
 * Clone: y = x, dX = dY.
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { isDType, isFloat, type DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './helpers.js';

const Cast: OpDef<readonly [Tensor], DType> = {
  name: 'Cast',
  forward(ctx, [x], dtype) {
    ctx.save(x);
    return x.dtype === dtype ? x : kernels().cast(x, dtype);
  },
  backward(ctx, dY, dtype) {
    const [x] = ctx.saved as [Tensor];
    return [isFloat(dtype) && isFloat(x.dtype) ? cast(dY, x.dtype) : null];
  },
};

/** The values converted to `dtype` (same tensor when it already is). */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor(x, 'to');
  if (!isDType(dtype)) throw new TypeError(`to: unknown dtype '${String(dtype)}' (use float32, float64 or int32)`);
  if (x.dtype === dtype) return x;
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

export const clone = (x: Tensor): Tensor => apply(Clone, [x], undefined);
