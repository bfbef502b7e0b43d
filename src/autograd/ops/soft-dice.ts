/**
 * softDice — the soft Dice coefficient of each class (Milletari et al. 2016, "V-Net", eq. 1, with
 * the smoothing term of later practice), between probabilities P and targets T, both [N, C, *]:
 *   I_c = Σ_{n,*} P·T     S_c = Σ_{n,*} P + Σ_{n,*} T     D_c = (2·I_c + ε) / (S_c + ε)     D [C]
 * Sums run over the whole batch ("batch Dice"), so a class missing from one image does not give
 * that image a 0/0. With hard 0/1 values D_c is the Dice score 2|A∩B| / (|A| + |B|).
 *
 * Backward. D_c depends on P only through I_c and S_c, with ∂I_c/∂P_i = T_i and ∂S_c/∂P_i = 1
 * for each element i of class c, so by the quotient rule
 *   ∂D_c/∂P_i = (2·T_i·(S_c + ε) − (2·I_c + ε)) / (S_c + ε)² = (2·T_i − D_c) / (S_c + ε)
 * and symmetrically ∂D_c/∂T_i = (2·P_i − D_c) / (S_c + ε). Every element belongs to exactly one
 * class, so with g_c = dD_c / (S_c + ε) broadcast as [1, C, 1, …]:
 *   dP = g ⊙ (2·T − D)     dT = g ⊙ (2·P − D)                  (shapes [N, C, *], like the inputs)
 */
import { apply, type OpDef } from '../function.js';
import { fmt, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from './elementwise.js';
import { requireFloat } from './helpers.js';
import { sum } from './reduce.js';
import { reshape } from './shape.js';

interface SoftDiceAttrs {
  readonly smooth: number;
}

/** Every axis but the class axis 1. */
const nonClassAxes = (x: Tensor): number[] => x.shape.map((_, i) => i).filter((i) => i !== 1);
/** [1, C, 1, …]: how a per-class [C] vector broadcasts against [N, C, *]. */
const classShape = (x: Tensor): number[] => x.shape.map((d, i) => (i === 1 ? d : 1));

const SoftDice: OpDef<readonly [Tensor, Tensor], SoftDiceAttrs> = {
  name: 'SoftDice',
  forward(ctx, [p, t], { smooth }) {
    const axes = nonClassAxes(p);
    const intersection = sum(mul(p, t), axes); //                       I [C]
    const denominator = add(add(sum(p, axes), sum(t, axes)), smooth); // S + ε [C]
    const dice = div(add(mul(intersection, 2), smooth), denominator); // D [C]
    ctx.save(p, t, dice, denominator);
    return dice;
  },
  backward(ctx, dD) {
    const [p, t, dice, denominator] = ctx.saved as [Tensor, Tensor, Tensor, Tensor];
    const g = reshape(div(dD, denominator), classShape(p)); //          [1, C, 1, …]
    const d = reshape(dice, classShape(p));
    return [mul(g, sub(mul(t, 2), d)), mul(g, sub(mul(p, 2), d))];
  },
};

/**
 * The soft Dice coefficient per class [C] of probabilities and targets [N, C, *], summed over the batch.
 * @example softDice(tensor([[[1, 0]], [[0, 1]]]).reshape([1, 2, 2]), tensor([[1, 1], [0, 0]]).reshape([1, 2, 2]), 0).toArray()  // [0.6667, 0]
 */
export function softDice(probabilities: Tensor, target: Tensor, smooth = 1): Tensor {
  requireFloat(probabilities, 'softDice', 'probabilities');
  requireFloat(target, 'softDice', 'target');
  if (probabilities.ndim < 2) throw new RangeError(`softDice: probabilities must be [N, C, *], got ${fmt(probabilities.shape)}`);
  if (!shapesEqual(probabilities.shape, target.shape)) {
    throw new RangeError(`softDice: target ${fmt(target.shape)} must have the shape of probabilities ${fmt(probabilities.shape)}`);
  }
  if (probabilities.dtype !== target.dtype) throw new TypeError(`softDice: probabilities are ${probabilities.dtype} but target is ${target.dtype}`);
  if (!(smooth >= 0) || !Number.isFinite(smooth)) throw new RangeError(`softDice: smooth must be a finite number ≥ 0, got ${smooth}`);
  return apply(SoftDice, [probabilities, target], { smooth });
}
