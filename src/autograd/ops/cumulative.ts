/**
 * cumulative — cumsum and cumprod along one axis: y_i = x_0 + … + x_i and y_i = x_0 · … · x_i
 * (the `scan` kernel; an int32 result int32 cannot hold is refused, where PyTorch would widen
 * to int64).
 *
 * Backward of cumsum. x_j appears in every y_i with i ≥ j, with coefficient 1:
 *   dX_j = Σ_{i ≥ j} dY_i        a cumsum from the end: dX = flip(cumsum(flip(dY)))
 * Backward of cumprod. ∂y_i/∂x_j = Π_{k ≤ i, k ≠ j} x_k for i ≥ j, so
 *   dX_j = Σ_{i ≥ j} dY_i · Π_{k ≤ i, k ≠ j} x_k.
 * Where no x_k is 0 the product is y_i / x_j and dX = flip(cumsum(flip(dY ⊙ Y))) / x, O(n).
 * A zero makes that 0/0, so then (as PyTorch does) we use the definition itself: with the axis
 * last, P[j, i] = cumprod over k of (x_k, or 1 at k = j) is Π_{k ≤ i, k ≠ j} x_k, and
 *   dX_j = Σ_i [i ≥ j] · dY_i · P[j, i]      an [n, n] matrix per line: O(n²), exact with zeros.
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import type { ScanOp } from '../backends/types.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, eq, mul, where } from './elementwise.js';
import { checkTensor } from './helpers.js';
import { triangleMask } from './mask.js';
import { sum } from './reduce.js';
import { broadcastTo, reshape, transpose, unsqueeze } from './shape.js';
import { flip } from './flip.js';
import { eye } from '../creation.js';

/** Σ_{i ≥ j} t_i along `axis`: a cumsum from the end. */
const reverseCumsum = (t: Tensor, axis: number): Tensor => flip(cumsum(flip(t, axis), axis), axis);

const CumSum: OpDef<readonly [Tensor], number> = {
  name: 'CumSum',
  forward(_ctx, [x], axis) {
    return kernels().scan('sum', x, axis);
  },
  backward(_ctx, dY, axis) {
    return [reverseCumsum(dY, axis)];
  },
};

const CumProd: OpDef<readonly [Tensor], number> = {
  name: 'CumProd',
  forward(ctx, [x], axis) {
    const y = kernels().scan('prod', x, axis);
    ctx.save(x, y);
    return y;
  },
  backward(ctx, dY, axis) {
    const [x, y] = ctx.saved as [Tensor, Tensor];
    const hasZero = sum(eq(x, 0)).item() > 0;
    if (!hasZero) return [div(reverseCumsum(mul(dY, y), axis), x)];
    // The O(n²) form, with the axis moved last: x [..., n] → P [..., n(j), n(i)].
    const last = transpose(x, axis, -1);
    const n = last.shape[last.ndim - 1]!;
    const rows = broadcastTo(unsqueeze(last, -2), [...last.shape.slice(0, -1), n, n]); // rows[j] = x
    const withOne = where(eye(n, n, { dtype: 'int32' }), 1, rows); //                   x_k, or 1 at k = j
    const p = cumprod(withOne, -1); //                                                  P[j, i] = Π_{k ≤ i, k ≠ j} x_k
    const upper = triangleMask(n, n, 0, 'upper'); //                                    [i ≥ j]
    const dLast = sum(where(upper, mul(unsqueeze(transpose(dY, axis, -1), -2), p), 0), -1); // Σ_i [i ≥ j] dY_i P[j, i]
    return [transpose(dLast, axis, -1)];
  },
};

function scanOp(def: OpDef<readonly [Tensor], number>, op: ScanOp, x: Tensor, dim: number): Tensor {
  checkTensor(x, `cum${op}`);
  const axis = normalizeAxis(dim, x.ndim, `cum${op}`);
  return x.ndim === 0 ? reshape(apply(def, [reshape(x, [1])], 0), []) : apply(def, [x], axis);
}

/**
 * The running sum along `dim`: y_i = x_0 + … + x_i (torch.cumsum).
 * @example cumsum(tensor([1, 2, 3, 4]), 0).toArray()  // [1, 3, 6, 10]
 */
export const cumsum = (x: Tensor, dim: number): Tensor => scanOp(CumSum, 'sum', x, dim);

/**
 * The running product along `dim`: y_i = x_0 · … · x_i (torch.cumprod; exact gradients with zeros).
 * @example cumprod(tensor([1, 2, 3, 4]), 0).toArray()  // [1, 2, 6, 24]
 */
export const cumprod = (x: Tensor, dim: number): Tensor => scanOp(CumProd, 'prod', x, dim);
