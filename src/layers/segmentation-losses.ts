/**
 * Segmentation losses — soft Dice on logits, and Dice plus pixel-wise cross-entropy.
 *
 *   diceLoss(x, y)             1 − Σ_c w_c·D_c / Σ_c w_c,  D = softDice(softmax(x, 1), oneHot(y))
 *   diceCrossEntropyLoss(x, y) λ_ce · crossEntropy(x, y, { weight }) + λ_dice · diceLoss(x, y)
 * x [N, C, *] logits, y [N, *] int32 classes. Pixel-wise cross-entropy with class weights is
 * `crossEntropy` itself (losses.ts), which already takes [N, C, *] inputs and a weight [C].
 * Dice is summed over the whole batch (see src/autograd/ops/soft-dice.ts): each class counts the
 * same whatever its share of pixels, so it resists the background's majority without weights,
 * while cross-entropy gives smooth per-pixel gradients from the first step. `includeBackground:
 * false` averages over classes 1 … C−1 only. Neither has a PyTorch counterpart in torch.nn
 * (MONAI's DiceLoss(softmax=True, batch=True) is this diceLoss with its smoothing split in two).
 */
import { mul } from '../autograd/ops/elementwise.js';
import { requireFloat } from '../autograd/ops/helpers.js';
import { oneHot, slice } from '../autograd/ops/indexing.js';
import { mean, sum } from '../autograd/ops/reduce.js';
import { permute } from '../autograd/ops/shape.js';
import { softDice } from '../autograd/ops/soft-dice.js';
import { softmax } from '../autograd/ops/softmax.js';
import { fmt, shapesEqual } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { crossEntropy } from './losses.js';
import { Module } from './module.js';

/** Options of the soft Dice loss (`DiceLoss`, `F.diceLoss`). */
export interface DiceLossOptions {
  /** ε added to the numerator and denominator of each class's Dice (default 1). */
  readonly smooth?: number;
  /** Average over every class (true, the default) or over classes 1 … C−1 only. */
  readonly includeBackground?: boolean;
  /** A weight per class [C] for the average of the Dice coefficients (default: all equal). */
  readonly weight?: Tensor | null;
}

/** Options of cross-entropy + soft Dice (`DiceCrossEntropyLoss`, `F.diceCrossEntropyLoss`): Dice's, plus the cross-entropy's class weights. */
export interface DiceCrossEntropyOptions extends DiceLossOptions {
  /** Multiplier of the cross-entropy term (default 1). */
  readonly ceWeight?: number;
  /** Multiplier of the Dice term (default 1). */
  readonly diceWeight?: number;
  /** Class weights [C] for the cross-entropy term (PyTorch's `weight`; default none). */
  readonly classWeight?: Tensor | null;
}

/** The one-hot target [N, C, *] of int32 classes [N, *], in the logits' dtype. */
function oneHotTarget(loss: string, input: Tensor, target: Tensor): Tensor {
  requireFloat(input, loss, 'input');
  if (input.ndim < 2) throw new RangeError(`${loss}: input must be [N, C, *] logits, got ${fmt(input.shape)}`);
  const expected = [input.shape[0]!, ...input.shape.slice(2)];
  if (target.dtype !== 'int32' || !shapesEqual(target.shape, expected)) {
    throw new RangeError(`${loss}: target must be int32 classes ${fmt(expected)} for input ${fmt(input.shape)}, got ${target.dtype} ${fmt(target.shape)}`);
  }
  const C = input.shape[1]!;
  const labels = target.dataSync();
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! < 0 || labels[i]! >= C) throw new RangeError(`${loss}: label ${labels[i]} at flat index ${i} is out of range for ${C} classes (input ${fmt(input.shape)})`);
  }
  const last = input.ndim - 1;
  const perm = [0, last, ...Array.from({ length: last - 1 }, (_, i) => i + 1)]; // [N, *, C] → [N, C, *]
  return permute(oneHot(target, C, input.dtype), perm);
}

/**
 * 1 − the (weighted) mean soft Dice coefficient of softmax(input, 1) against the target classes.
 * @example diceLoss(zeros([1, 2, 4]), tensor([[0, 0, 1, 1]], { dtype: 'int32' }), { smooth: 0 }).item()  // 0.5
 */
export function diceLoss(input: Tensor, target: Tensor, options: DiceLossOptions = {}): Tensor {
  const loss = 'diceLoss';
  const { smooth = 1, includeBackground = true, weight = null } = options;
  const C = input.shape[1] ?? 0;
  const t = oneHotTarget(loss, input, target);
  let dice = softDice(softmax(input, 1), t, smooth); //   [C]
  let w = weight;
  if (w) {
    requireFloat(w, loss, 'weight');
    if (w.ndim !== 1 || w.shape[0] !== C) throw new RangeError(`${loss}: weight must be [${C}] (one per class) for input ${fmt(input.shape)}, got ${fmt(w.shape)}`);
    w = w.to(input.dtype);
  }
  if (!includeBackground) {
    if (C < 2) throw new RangeError(`${loss}: includeBackground false needs at least 2 classes, got input ${fmt(input.shape)}`);
    dice = slice(dice, [{ start: 1 }]);
    if (w) w = slice(w, [{ start: 1 }]);
  }
  const average = w ? sum(mul(dice, w)).div(sum(w)) : mean(dice);
  return average.neg().add(1);
}

/**
 * ceWeight · crossEntropy(input, target, { weight: classWeight }) + diceWeight · diceLoss(input, target).
 * @example diceCrossEntropyLoss(zeros([1, 2, 4]), tensor([[0, 0, 1, 1]], { dtype: 'int32' }), { smooth: 0 }).item()  // 1.1931… (log 2 + 0.5)
 */
export function diceCrossEntropyLoss(input: Tensor, target: Tensor, options: DiceCrossEntropyOptions = {}): Tensor {
  const { ceWeight = 1, diceWeight = 1, classWeight = null, ...dice } = options;
  for (const [name, v] of [['ceWeight', ceWeight], ['diceWeight', diceWeight]] as const) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`diceCrossEntropyLoss: ${name} must be a finite number ≥ 0, got ${v}`);
  }
  const ce = crossEntropy(input, target, { weight: classWeight });
  return mul(ce, ceWeight).add(mul(diceLoss(input, target, dice), diceWeight));
}

type LossArgs = [input: Tensor, target: Tensor];

/** diceLoss as a module; a class weight is registered as a buffer. */
export class DiceLoss extends Module<LossArgs> {
  readonly options: DiceLossOptions;

  constructor(options: DiceLossOptions = {}) {
    super();
    const weight = options.weight ? this.buffer('weight', options.weight) : null;
    this.options = { ...options, weight };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return diceLoss(input, target, this.options);
  }
}

/** diceCrossEntropyLoss as a module; the class weights are registered as buffers. */
export class DiceCrossEntropyLoss extends Module<LossArgs> {
  readonly options: DiceCrossEntropyOptions;

  constructor(options: DiceCrossEntropyOptions = {}) {
    super();
    const weight = options.weight ? this.buffer('weight', options.weight) : null;
    const classWeight = options.classWeight ? this.buffer('classWeight', options.classWeight) : null;
    this.options = { ...options, weight, classWeight };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return diceCrossEntropyLoss(input, target, this.options);
  }
}
