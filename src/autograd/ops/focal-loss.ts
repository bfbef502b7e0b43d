/**
 * sigmoidFocalLoss — the focal loss of Lin, Goyal, Girshick, He & Dollár (2017, "Focal Loss for
 * Dense Object Detection", §3.2), torchvision's `ops.sigmoid_focal_loss`, as one op.
 *
 * Per element, with logit x, target y in [0, 1], p = σ(x):
 *   ce = −y·log p − (1 − y)·log(1 − p) = y·softplus(−x) + (1 − y)·softplus(x)   (BCE on logits)
 *   q  = 1 − p_t = p·(1 − y) + (1 − p)·y          (how wrong the model is: 1 − p_t, p_t = p·y + (1 − p)(1 − y))
 *   ℓ  = α_t · q^γ · ce,   α_t = α·y + (1 − α)·(1 − y)   (α_t = 1 when α < 0, torchvision's "off")
 * γ > 0 shrinks the loss of examples already classified well (q small), so training spends its
 * effort on the hard ones; γ = 0 is weighted BCE.
 *
 * Backward. dce/dx = p − y (BCE's gradient on logits); dp/dx = p(1 − p), so
 *   dq/dx = p(1 − p)·(1 − y) − p(1 − p)·y = p(1 − p)(1 − 2y)
 *   dℓ/dx = α_t·[ (p − y)·q^γ + γ·q^(γ−1)·p(1 − p)(1 − 2y)·ce ]
 * (the second term vanishes for γ = 0; for γ < 1 we set q^(γ−1) to 0 where q = 0, which only
 * happens when σ rounds to exactly 0 or 1, i.e. the example is already perfect). Both terms are
 * elementwise, so dX has the input's shape. Targets are data: they get no gradient.
 */
import { apply, type OpDef } from '../function.js';
import { fmt, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, gt, mul, sub, where } from './elementwise.js';
import { pow } from './pow.js';
import { requireFloat } from './helpers.js';
import { mean, sum } from './reduce.js';
import { sigmoid, softplus } from './unary.js';

/**
 * Options of `sigmoidFocalLoss`: the class weight α, the focusing parameter γ and the reduction (torchvision's defaults).
 */
export interface SigmoidFocalLossOptions {
  /** The weight of the positive class, in [0, 1]; negative turns weighting off (default 0.25, torchvision's). */
  readonly alpha?: number;
  /** The focusing parameter γ ≥ 0 (default 2). */
  readonly gamma?: number;
  /** 'none' (default, as torchvision), 'mean' or 'sum'. */
  readonly reduction?: 'none' | 'mean' | 'sum';
}

interface FocalAttrs {
  readonly alpha: number;
  readonly gamma: number;
}

/** α_t for targets y, or null when weighting is off. */
function alphaT(y: Tensor, alpha: number): Tensor | null {
  return alpha < 0 ? null : add(mul(y, 2 * alpha - 1), 1 - alpha); //            α·y + (1 − α)(1 − y)
}

const SigmoidFocal: OpDef<readonly [Tensor, Tensor], FocalAttrs> = {
  name: 'SigmoidFocalLoss',
  forward(ctx, [x, y], { alpha, gamma }) {
    ctx.save(x, y);
    const p = sigmoid(x);
    const pm = sigmoid(x.neg()); //                                               1 − p, without cancellation
    const ce = add(mul(y, softplus(x.neg())), mul(sub(1, y), softplus(x)));
    const q = add(mul(p, sub(1, y)), mul(pm, y));
    const loss = gamma === 0 ? ce : mul(pow(q, gamma), ce);
    const weight = alphaT(y, alpha);
    return weight ? mul(weight, loss) : loss;
  },
  backward(ctx, dY, { alpha, gamma }) {
    const [x, y] = ctx.saved as [Tensor, Tensor];
    const p = sigmoid(x);
    const pm = sigmoid(x.neg());
    let dX = sub(p, y); //                                                        dce/dx
    if (gamma !== 0) {
      const ce = add(mul(y, softplus(x.neg())), mul(sub(1, y), softplus(x)));
      const q = add(mul(p, sub(1, y)), mul(pm, y));
      const qPowLess = gamma < 1 ? where(gt(q, 0), pow(q, gamma - 1), 0) : pow(q, gamma - 1); // q^(γ−1)
      const dq = mul(mul(p, pm), sub(1, mul(y, 2))); //                           p(1 − p)(1 − 2y)
      dX = add(mul(dX, pow(q, gamma)), mul(mul(mul(qPowLess, dq), ce), gamma));
    }
    const weight = alphaT(y, alpha);
    return [mul(dY, weight ? mul(weight, dX) : dX), null];
  },
};

/**
 * The focal loss of logits `input` against targets in [0, 1] of the same shape; per element
 * unless `reduction` says otherwise (torchvision's defaults: α 0.25, γ 2, 'none').
 * @example sigmoidFocalLoss(tensor([0]), tensor([1])).item()  // 0.25 · 0.5² · log 2 = 0.0433…
 */
export function sigmoidFocalLoss(input: Tensor, target: Tensor, options: SigmoidFocalLossOptions = {}): Tensor {
  const op = 'sigmoidFocalLoss';
  const { alpha = 0.25, gamma = 2, reduction = 'none' } = options;
  requireFloat(input, op, 'input');
  requireFloat(target, op, 'target');
  if (!shapesEqual(input.shape, target.shape)) throw new RangeError(`${op}: input ${fmt(input.shape)} and target ${fmt(target.shape)} must have the same shape`);
  if (!(gamma >= 0) || !Number.isFinite(gamma)) throw new RangeError(`${op}: gamma must be a finite number ≥ 0, got ${gamma}`);
  if (!(alpha <= 1)) throw new RangeError(`${op}: alpha must be at most 1 (negative turns it off), got ${alpha}`);
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') throw new RangeError(`${op}: reduction must be 'none', 'mean' or 'sum', got '${String(reduction)}'`);
  const loss = apply(SigmoidFocal, [input, target.to(input.dtype)], { alpha, gamma });
  return reduction === 'none' ? loss : reduction === 'sum' ? sum(loss) : mean(loss);
}
