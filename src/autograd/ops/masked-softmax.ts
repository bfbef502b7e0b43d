/**
 * maskedSoftmax and maskedLogSoftmax — softmax over the kept entries of each row, with a defined
 * result for a row that keeps nothing (torch.masked.softmax's convention: the mask marks the
 * entries that take part, as in scaled-dot-product attention's boolean masks).
 *
 * Forward. z = x where kept, −∞ elsewhere; m = max z (0 instead when the whole row is −∞);
 *   p = exp(z − m) / s,  s = Σ exp(z − m)  (s = 1 instead when it is 0)
 * so a dropped entry gets p = 0, and a row with no kept entry gets p = 0 everywhere, not the
 * 0/0 = NaN of a plain softmax over −∞. log p is (z − m) − log s: −∞ at every dropped entry.
 *
 * Backward: softmax.ts's, restricted to the kept entries K of a row. For p,
 *   dX = p ⊙ (dY − Σ_j dY_j p_j)             (p = 0 off K, so dX = 0 there, and in empty rows)
 * and for log p, since ∂(log p_i)/∂x_k = δ_ik − p_k for i, k ∈ K,
 *   dX = keep ⊙ (dY − p ⊙ Σ_{i∈K} dY_i)      (dY at dropped entries, where log p = −∞, is ignored)
 */
import { apply, isGradEnabled, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { broadcastShapes, fmt, normalizeAxis, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, eq, mul, sub, where } from './elementwise.js';
import { checkTensor, requireFloat } from './helpers.js';
import { amax, sum } from './reduce.js';
import { exp, log } from './unary.js';

interface MaskedAttrs {
  /** 0/1 (int32) where 1 keeps the entry; broadcasts to x. Null keeps everything. */
  readonly keep: Tensor | null;
  readonly axis: number;
}

/**
 * The shifted logits z − m and the safe normaliser s of a row softmax over the kept entries
 * (see the file header), computed with whatever recording mode is on. Shared with the attention
 * op, whose forward normalises its scores this way. With `guard` false (no mask, no −∞ in x) the
 * two guards for empty rows are skipped: it is then the plain softmax of softmax.ts.
 */
export function shiftedAndNormaliser(x: Tensor, keep: Tensor | null, axis: number, guard: boolean): { shifted: Tensor; normaliser: Tensor } {
  const z = keep ? where(keep, x, -Infinity) : x;
  const m = amax(z, axis, true);
  // A row with nothing kept has max −∞: we shift it by 0 so that exp(−∞ − 0) = 0, not NaN.
  const shift = guard ? where(eq(m, -Infinity), 0, m) : m;
  const shifted = sub(z, shift);
  const s = sum(exp(shifted), axis, true);
  return { shifted, normaliser: guard ? where(eq(s, 0), 1, s) : s }; // 0 / 1 = 0 in an empty row
}

/**
 * p of the file header: exp(z − m) / s. Unrecorded along the last axis it is one kernel
 * (softmaxLastAxis), which always applies the guards: without them a row of x that is −∞
 * throughout would give NaN instead of 0.
 */
export function keptSoftmax(x: Tensor, keep: Tensor | null, axis: number, guard: boolean): Tensor {
  if (!isGradEnabled() && normalizeAxis(axis, x.ndim, 'keptSoftmax') === x.ndim - 1) return kernels().softmaxLastAxis(x, keep);
  const { shifted, normaliser } = shiftedAndNormaliser(x, keep, axis, guard);
  return div(exp(shifted), normaliser);
}

const MaskedSoftmax: OpDef<readonly [Tensor], MaskedAttrs> = {
  name: 'MaskedSoftmax',
  forward(ctx, [x], { keep, axis }) {
    const p = keptSoftmax(x, keep, axis, true);
    ctx.save(x, p);
    return p;
  },
  backward(ctx, dY, { keep, axis }) {
    const [x, saved] = ctx.saved as [Tensor, Tensor];
    // With createGraph we recompute p with a recorded op, so second derivatives see it depend on x.
    if (!isGradEnabled()) return [axis === x.ndim - 1 ? kernels().softmaxBackward(saved, dY) : mul(saved, sub(dY, sum(mul(dY, saved), axis, true)))];
    const p = maskedSoftmax(x, keep, axis);
    return [mul(p, sub(dY, sum(mul(dY, p), axis, true)))];
  },
};

const MaskedLogSoftmax: OpDef<readonly [Tensor], MaskedAttrs> = {
  name: 'MaskedLogSoftmax',
  forward(ctx, [x], { keep, axis }) {
    const { shifted, normaliser } = shiftedAndNormaliser(x, keep, axis, true);
    ctx.save(x);
    return sub(shifted, log(normaliser)); //                               −∞ at dropped entries
  },
  backward(ctx, dY, { keep, axis }) {
    const x = ctx.saved[0]!;
    const p = maskedSoftmax(x, keep, axis);
    const dYKept = keep ? where(keep, dY, 0) : dY;
    const dX = sub(dYKept, mul(p, sum(dYKept, axis, true)));
    return [keep ? where(keep, dX, 0) : dX];
  },
};

function check(x: Tensor, mask: Tensor | null, axis: number, op: string): MaskedAttrs {
  requireFloat(x, op);
  if (mask !== null) {
    checkTensor(mask, op, 'mask');
    if (!shapesEqual(broadcastShapes(mask.shape, x.shape, op), x.shape)) {
      throw new RangeError(`${op}: mask ${fmt(mask.shape)} must broadcast to the input's shape ${fmt(x.shape)}`);
    }
  }
  if (x.ndim === 0) throw new RangeError(`${op}: input must have at least one dimension, got a 0-d tensor`);
  return { keep: mask, axis: normalizeAxis(axis, x.ndim, op) };
}

/**
 * softmax over the entries where `mask` ≠ 0 (mask broadcasts to x; null keeps all): 0 at the
 * others, and 0 across a row that keeps none.
 * @example maskedSoftmax(tensor([1, 5, 1]), tensor([1, 0, 1], { dtype: 'int32' })).toArray()  // [0.5, 0, 0.5]
 */
export function maskedSoftmax(x: Tensor, mask: Tensor | null, axis = -1): Tensor {
  const attrs = check(x, mask, axis, 'maskedSoftmax');
  if (x.numel() === 0) return mul(x, 1);
  return apply(MaskedSoftmax, [x], attrs);
}

/**
 * log of maskedSoftmax, computed without the round trip through exp: −∞ at dropped entries
 * and across a row that keeps none.
 * @example maskedLogSoftmax(tensor([0, 9, 0]), tensor([1, 0, 1], { dtype: 'int32' })).toArray()  // [-0.693…, -Infinity, -0.693…]
 */
export function maskedLogSoftmax(x: Tensor, mask: Tensor | null, axis = -1): Tensor {
  const attrs = check(x, mask, axis, 'maskedLogSoftmax');
  if (x.numel() === 0) return mul(x, 1);
  return apply(MaskedLogSoftmax, [x], attrs);
}
