/**
 * mask — ops that keep some elements and replace the rest: maskedFill, tril and triu.
 *
 *   maskedFill(x, mask, v)   y = v where mask ≠ 0, else x      (PyTorch's Tensor.masked_fill)
 *   tril(x, d)               y_ij = x_ij where j − i ≤ d, else 0 (on the last two axes)
 *   triu(x, d)               y_ij = x_ij where j − i ≥ d, else 0
 *
 * Backward. Each output element either copies one element of x (∂y/∂x = 1) or is a constant
 * (∂y/∂x = 0), so dX is dY where the element was kept and 0 where it was replaced:
 *   maskedFill   dX = where(mask, 0, dY)           tril/triu   dX = tril(dY, d) / triu(dY, d)
 * The mask is a constant (0/1 int32 values, as comparisons return) and gets no gradient.
 * Boolean masks in Sapling are int32 0/1 tensors: there is no bool dtype.
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { arange } from '../creation.js';
import { broadcastShapes, fmt, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { ge, le, sub, where } from './elementwise.js';
import { checkTensor, lift } from './helpers.js';
import { reshape } from './shape.js';

/** Replaces x by a constant where `drop` ≠ 0; the gradient flows only where it did not. */
const MaskedFill: OpDef<readonly [Tensor], { readonly drop: Tensor; readonly value: number }> = {
  name: 'MaskedFill',
  forward(_ctx, [x], { drop, value }) {
    return kernels().where(drop, lift(value, x, 'maskedFill'), x, x.dtype);
  },
  backward(_ctx, dY, { drop }) {
    return [where(drop, 0, dY)];
  },
};

/**
 * x with `value` written wherever `mask` is non-zero; the mask broadcasts to x's shape.
 * @example maskedFill(tensor([1, 2, 3]), tensor([0, 1, 0], { dtype: 'int32' }), -1).toArray()  // [1, -1, 3]
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  checkTensor(x, 'maskedFill');
  checkTensor(mask, 'maskedFill', 'mask');
  if (typeof value !== 'number') throw new TypeError(`maskedFill: value must be a number, got ${typeof value}`);
  if (x.dtype === 'int32' && !Number.isInteger(value)) throw new TypeError(`maskedFill: cannot fill an int32 tensor ${fmt(x.shape)} with ${value}`);
  if (!shapesEqual(broadcastShapes(mask.shape, x.shape, 'maskedFill'), x.shape)) {
    throw new RangeError(`maskedFill: mask ${fmt(mask.shape)} must broadcast to the input's shape ${fmt(x.shape)}`);
  }
  return apply(MaskedFill, [x], { drop: mask, value });
}

/**
 * The int32 [rows, cols] mask of a triangle: 1 where j − i ≤ diagonal (lower) or j − i ≥
 * diagonal (upper). `triangleMask(T, T, 0, 'lower')` is a causal mask: position i sees j ≤ i.
 * @example triangleMask(2, 3, 0, 'lower').toArray()  // [[1, 0, 0], [1, 1, 0]]
 */
export function triangleMask(rows: number, cols: number, diagonal: number, part: 'lower' | 'upper'): Tensor {
  const offset = sub(reshape(arange(cols, undefined, 1, { dtype: 'int32' }), [1, cols]), reshape(arange(rows, undefined, 1, { dtype: 'int32' }), [rows, 1])); // j − i
  return part === 'lower' ? le(offset, diagonal) : ge(offset, diagonal);
}

/** Keeps x where `keep` ≠ 0 (keep broadcasts to x), zero elsewhere; dX = the same of dY. */
function keepWhere(name: 'Tril' | 'Triu'): OpDef<readonly [Tensor], Tensor> {
  return {
    name,
    forward(_ctx, [x], keep) {
      return kernels().where(keep, x, lift(0, x, name), x.dtype);
    },
    backward(_ctx, dY, keep) {
      return [where(keep, dY, 0)];
    },
  };
}
const Tril = keepWhere('Tril');
const Triu = keepWhere('Triu');

function triangle(x: Tensor, diagonal: number, part: 'lower' | 'upper', op: 'tril' | 'triu'): Tensor {
  checkTensor(x, op);
  if (x.ndim < 2) throw new RangeError(`${op}: input must have at least 2 dimensions, got ${fmt(x.shape)}`);
  if (!Number.isInteger(diagonal)) throw new RangeError(`${op}: diagonal must be an integer, got ${diagonal}`);
  const keep = triangleMask(x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!, diagonal, part);
  return apply(part === 'lower' ? Tril : Triu, [x], keep);
}

/**
 * The lower triangle of the last two axes (j − i ≤ diagonal), zeros above it (torch.tril).
 * @example tril(ones([2, 2])).toArray()  // [[1, 0], [1, 1]]
 */
export const tril = (x: Tensor, diagonal = 0): Tensor => triangle(x, diagonal, 'lower', 'tril');

/**
 * The upper triangle of the last two axes (j − i ≥ diagonal), zeros below it (torch.triu).
 * @example triu(ones([2, 2]), 1).toArray()  // [[0, 1], [0, 0]]
 */
export const triu = (x: Tensor, diagonal = 0): Tensor => triangle(x, diagonal, 'upper', 'triu');
