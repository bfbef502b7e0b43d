/**
 * losses — the training objectives, as functions (also in `F`) and as Module classes, with
 * PyTorch's definitions, options and reductions ('mean' | 'sum' | 'none').
 *
 *   crossEntropy(x, y)   ℓᵢ = −w[yᵢ] · log softmax(xᵢ)[yᵢ]          x [N, C, *] logits, y [N, *] int32
 *   nllLoss(p, y)        ℓᵢ = −w[yᵢ] · p[i, yᵢ]                     p = log-probabilities
 *   mseLoss              ℓᵢ = (xᵢ − yᵢ)²
 *   l1Loss               ℓᵢ = |xᵢ − yᵢ|
 *   smoothL1Loss(β)      ℓᵢ = ½d²/β if |d| < β, else |d| − ½β          (d = xᵢ − yᵢ)
 *   huberLoss(δ)         ℓᵢ = ½d² if |d| < δ, else δ(|d| − ½δ)          (= δ · smoothL1 with β = δ)
 *   bceWithLogits        ℓᵢ = (1 − yᵢ)·xᵢ + (1 + (pw − 1)·yᵢ) · softplus(−xᵢ)
 * The weighted 'mean' of crossEntropy/nllLoss divides by Σ w[yᵢ] over the targets that are not
 * `ignoreIndex` — not by N — exactly as PyTorch does. Label smoothing ε mixes in the uniform
 * distribution: ℓ = (1 − ε)·ℓ_nll + ε/C · Σ_c −w_c log p_c, each part reduced the same way.
 *
 * Stability: crossEntropy goes through logSoftmax (shifted by the row max) and BCE through
 * softplus(−x) = log(1 + e^(−x)) with the identity log σ(x) = −softplus(−x), so logits of
 * ±1e4 give exact finite losses and gradients where the naive log(sigmoid(x)) gives −∞ and NaN.
 */
import { add, div, lt, mul, ne, sub, where } from '../autograd/ops/elementwise.js';
import { requireFloat } from '../autograd/ops/helpers.js';
import { gather, indexSelect } from '../autograd/ops/indexing.js';
import { mean, sum } from '../autograd/ops/reduce.js';
import { reshape, squeeze, unsqueeze } from '../autograd/ops/shape.js';
import { logSoftmax } from '../autograd/ops/softmax.js';
import { abs, softplus } from '../autograd/ops/unary.js';
import { broadcastShapes, fmt, shapesEqual, stridesOf } from '../autograd/shape.js';
import { Tensor } from '../autograd/tensor.js';
import { Module } from './module.js';

/** How a loss reduces its per-example values: 'mean' (the default), 'sum' or 'none'. */
export type Reduction = 'mean' | 'sum' | 'none';

/** The reduction option every loss takes. */
export interface ReductionOptions {
  /** 'mean' (default), 'sum', or 'none' for the per-element losses. */
  readonly reduction?: Reduction;
}

/** Options of `nllLoss`: reduction, class weights and the ignored index. */
export interface NllLossOptions extends ReductionOptions {
  /** A weight per class [C] (default: all 1). */
  readonly weight?: Tensor | null;
  /** Targets equal to this contribute nothing, to the sum or to the mean's divisor (default −100). */
  readonly ignoreIndex?: number;
}

/** Options of `crossEntropy`: those of `nllLoss`, and label smoothing. */
export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: the target becomes (1 − ε)·one-hot + ε/C (default 0). */
  readonly labelSmoothing?: number;
}

/** Options of `smoothL1Loss`: reduction and β, where the loss turns from quadratic to linear. */
export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss switches from quadratic to linear (default 1; 0 gives l1Loss). */
  readonly beta?: number;
}

/** Options of `huberLoss`: reduction and δ. */
export interface HuberOptions extends ReductionOptions {
  /** Where the loss switches from quadratic to linear (default 1, must be > 0). */
  readonly delta?: number;
}

/** Options of `binaryCrossEntropyWithLogits`: reduction, per-element weights and the positive-class weight. */
export interface BceWithLogitsOptions extends ReductionOptions {
  /** A weight for each element's loss, broadcast to the input's shape. */
  readonly weight?: Tensor | null;
  /** A weight for the positive term per class (broadcast over the last axis): > 1 raises recall. */
  readonly posWeight?: Tensor | null;
}

function checkReduction(reduction: Reduction, loss: string): void {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new RangeError(`${loss}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? loss : reduction === 'sum' ? sum(loss) : mean(loss);
}

/** The multi-index of flat position i in `shape`, for error messages. */
function position(i: number, shape: readonly number[]): string {
  const strides = stridesOf(shape);
  return `[${shape.map((d, a) => Math.floor(i / strides[a]!) % d).join(',')}]`;
}

/** Checks an int32 class-index target against input [N, C, *] (target [N, *]). */
function checkClassTarget(loss: string, input: Tensor, target: Tensor, ignoreIndex: number): void {
  const expected = [input.shape[0]!, ...input.shape.slice(2)];
  if (!shapesEqual(target.shape, expected)) {
    throw new RangeError(`${loss}: target ${fmt(target.shape)} does not match input ${fmt(input.shape)}; class indices must be ${fmt(expected)}`);
  }
  const C = input.shape[1]!;
  const labels = target.dataSync();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y !== ignoreIndex && (y < 0 || y >= C)) {
      throw new RangeError(`${loss}: label ${y} at ${position(i, target.shape)} is out of range for ${C} classes (input ${fmt(input.shape)}, target ${fmt(target.shape)})`);
    }
  }
}

function checkClassWeight(loss: string, weight: Tensor | null, input: Tensor): Tensor | null {
  if (!weight) return null;
  requireFloat(weight, loss, 'weight');
  const C = input.shape[1]!;
  if (weight.ndim !== 1 || weight.shape[0] !== C) throw new RangeError(`${loss}: weight must be [${C}] (one per class) for input ${fmt(input.shape)}, got ${fmt(weight.shape)}`);
  return weight.to(input.dtype);
}

/**
 * An unbatched input [C] with a 0-d target is treated as a batch of one (as PyTorch does);
 * returns the batched pair and whether to squeeze the 'none' result back.
 */
function batched(loss: string, input: Tensor, target: Tensor): [Tensor, Tensor, boolean] {
  requireFloat(input, loss, 'input');
  if (!(target instanceof Tensor)) throw new TypeError(`${loss}: target must be a Tensor, got ${target === null ? 'null' : typeof target}`);
  if (input.ndim === 0) throw new RangeError(`${loss}: input must be [N, C, *] (or [C]), got a 0-d tensor`);
  if (input.ndim === 1) {
    const isProbabilities = target.dtype !== 'int32';
    if (isProbabilities ? target.ndim !== 1 : target.ndim !== 0) {
      throw new RangeError(`${loss}: for an unbatched input ${fmt(input.shape)} the target must be a 0-d class index or [C] probabilities, got ${target.dtype} ${fmt(target.shape)}`);
    }
    return [unsqueeze(input, 0), unsqueeze(target, 0), true];
  }
  return [input, target, false];
}

/**
 * −w[yᵢ]·logp[i, yᵢ] per target element and the sum of the weights that count (the weighted
 * mean's divisor); ignored targets get loss 0 and weight 0.
 */
function pickNegativeLogLikelihood(logp: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number): { losses: Tensor; weights: Tensor } {
  const valid = ne(target, ignoreIndex); //                                       int32 0/1 [N, *]
  const safe = where(valid, target, 0); //                                        ignored → class 0 (masked below)
  const picked = squeeze(gather(logp, 1, unsqueeze(safe, 1)), 1); //             logp[i, yᵢ] [N, *]
  const classWeight = weight ? reshape(indexSelect(weight, 0, reshape(safe, [safe.numel()])), target.shape) : null;
  const weights = classWeight ? mul(classWeight, valid) : valid.to(logp.dtype); // w[yᵢ] or 0
  return { losses: mul(picked, weights).neg(), weights };
}

function reduceWeighted(losses: Tensor, weights: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return losses;
  const total = sum(losses);
  return reduction === 'sum' ? total : div(total, sum(weights)); // 0/0 = NaN when every target is ignored, as PyTorch
}

/**
 * The negative log-likelihood of int32 class targets under log-probabilities `input` [N, C, *].
 * @example nllLoss(tensor([[-1, -2]]), tensor([1], { dtype: 'int32' })).item()  // 2
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  const loss = 'nllLoss';
  const { weight = null, ignoreIndex = -100, reduction = 'mean' } = options;
  checkReduction(reduction, loss);
  const [x, y, unbatched] = batched(loss, input, target);
  if (y.dtype !== 'int32') throw new TypeError(`${loss}: target must hold int32 class indices, got ${y.dtype} ${fmt(target.shape)} (convert with .to('int32'))`);
  checkClassTarget(loss, x, y, ignoreIndex);
  const { losses, weights } = pickNegativeLogLikelihood(x, y, checkClassWeight(loss, weight, x), ignoreIndex);
  const out = reduceWeighted(losses, weights, reduction);
  return unbatched && reduction === 'none' ? squeeze(out, 0) : out;
}

/**
 * Cross-entropy between logits `input` [N, C, *] and int32 class indices [N, *] — or class
 * probabilities of the input's shape — with class weights, label smoothing and ignoreIndex.
 * @example crossEntropy(tensor([[0, 0]]), tensor([0], { dtype: 'int32' })).item()  // 0.6931… (log 2)
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const loss = 'crossEntropy';
  const { weight = null, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 } = options;
  checkReduction(reduction, loss);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new RangeError(`${loss}: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  const [x, y, unbatched] = batched(loss, input, target);
  const w = checkClassWeight(loss, weight, x);
  const C = x.shape[1]!;
  const logp = logSoftmax(x, 1); //                                                [N, C, *]
  const classShape = x.shape.map((d, i) => (i === 1 ? d : 1)); //                  [1, C, 1, …]
  let out: Tensor;
  if (y.dtype !== 'int32') {
    // Probabilities: ℓᵢ = −Σ_c w_c · q_c · log p_c, with q smoothed towards uniform; the mean
    // is over the N·∏* positions (PyTorch does not divide by weights here).
    if (!shapesEqual(y.shape, x.shape)) {
      throw new RangeError(`${loss}: target ${y.dtype} ${fmt(target.shape)} must be int32 class indices ${fmt([x.shape[0]!, ...x.shape.slice(2)])} or probabilities shaped like the input ${fmt(x.shape)}`);
    }
    let q = y.to(x.dtype);
    if (labelSmoothing > 0) q = add(mul(q, 1 - labelSmoothing), labelSmoothing / C);
    const terms = mul(logp, w ? mul(q, reshape(w, classShape)) : q);
    out = reduce(sum(terms, 1).neg(), reduction);
  } else {
    checkClassTarget(loss, x, y, ignoreIndex);
    const { losses, weights } = pickNegativeLogLikelihood(logp, y, w, ignoreIndex);
    out = reduceWeighted(losses, weights, reduction);
    if (labelSmoothing > 0) {
      // The uniform part: −Σ_c w_c log p_c per position, zero where the target is ignored.
      const weighted = w ? mul(logp, reshape(w, classShape)) : logp;
      const smooth = mul(sum(weighted, 1).neg(), ne(y, ignoreIndex)); //       [N, *]
      const smoothOut = reduceWeighted(smooth, weights, reduction);
      out = add(mul(out, 1 - labelSmoothing), mul(smoothOut, labelSmoothing / C));
    }
  }
  return unbatched && reduction === 'none' ? squeeze(out, 0) : out;
}

/** Both operands float and of one shape; target cast to the input's dtype. */
function pair(loss: string, input: Tensor, target: Tensor): Tensor {
  requireFloat(input, loss, 'input');
  requireFloat(target, loss, 'target');
  if (!shapesEqual(input.shape, target.shape)) {
    throw new RangeError(`${loss}: input ${fmt(input.shape)} and target ${fmt(target.shape)} must have the same shape`);
  }
  return target.to(input.dtype);
}

/** Mean squared error. @example mseLoss(tensor([1, 2]), tensor([1, 4])).item()  // 2 */
export function mseLoss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const { reduction = 'mean' } = options;
  checkReduction(reduction, 'mseLoss');
  const d = sub(input, pair('mseLoss', input, target));
  return reduce(mul(d, d), reduction);
}

/** Mean absolute error. @example l1Loss(tensor([1, 2]), tensor([1, 4])).item()  // 1 */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}): Tensor {
  const { reduction = 'mean' } = options;
  checkReduction(reduction, 'l1Loss');
  return reduce(abs(sub(input, pair('l1Loss', input, target))), reduction);
}

/** Quadratic below β, linear above (Fast R-CNN's loss). @example smoothL1Loss(tensor([0, 3]), zeros([2])).item()  // 1.5 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  const { reduction = 'mean', beta = 1 } = options;
  checkReduction(reduction, 'smoothL1Loss');
  if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be ≥ 0, got ${beta}`);
  const d = sub(input, pair('smoothL1Loss', input, target));
  const ad = abs(d);
  if (beta === 0) return reduce(ad, reduction);
  return reduce(where(lt(ad, beta), mul(mul(d, d), 0.5 / beta), sub(ad, 0.5 * beta)), reduction);
}

/** Quadratic below δ, linear (slope δ) above. @example huberLoss(tensor([0, 3]), zeros([2]), { delta: 2 }).item()  // 2 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  const { reduction = 'mean', delta = 1 } = options;
  checkReduction(reduction, 'huberLoss');
  if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be > 0, got ${delta}`);
  const d = sub(input, pair('huberLoss', input, target));
  const ad = abs(d);
  return reduce(where(lt(ad, delta), mul(mul(d, d), 0.5), mul(sub(ad, 0.5 * delta), delta)), reduction);
}

/**
 * Binary cross-entropy on logits: −[pw·y·log σ(x) + (1 − y)·log(1 − σ(x))], computed as
 * (1 − y)·x + (1 + (pw − 1)·y)·softplus(−x) so that no logit overflows.
 * @example binaryCrossEntropyWithLogits(tensor([0]), tensor([1])).item()  // 0.6931… (log 2)
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BceWithLogitsOptions = {}): Tensor {
  const loss = 'binaryCrossEntropyWithLogits';
  const { weight = null, posWeight = null, reduction = 'mean' } = options;
  checkReduction(reduction, loss);
  requireFloat(input, loss, 'input');
  if (target instanceof Tensor && target.dtype === 'int32') {
    throw new TypeError(`${loss}: target must be float probabilities in [0, 1], got int32 ${fmt(target.shape)} (convert with .to('${input.dtype}'))`);
  }
  const y = pair(loss, input, target);
  for (const [name, t] of [['weight', weight], ['posWeight', posWeight]] as const) {
    if (!t) continue;
    requireFloat(t, loss, name);
    const shape = broadcastShapes(t.shape, input.shape, loss);
    if (!shapesEqual(shape, input.shape)) throw new RangeError(`${loss}: ${name} ${fmt(t.shape)} does not broadcast to input ${fmt(input.shape)}`);
  }
  const logWeight = posWeight ? add(mul(sub(posWeight.to(input.dtype), 1), y), 1) : null; // 1 + (pw − 1)·y
  const negLogSigmoid = softplus(input.neg()); //                                  −log σ(x) = log(1 + e^(−x))
  let losses = add(mul(sub(1, y), input), logWeight ? mul(logWeight, negLogSigmoid) : negLogSigmoid);
  if (weight) losses = mul(losses, weight.to(input.dtype));
  return reduce(losses, reduction);
}

// ── the same losses as modules (their `weight` / `pos_weight` are buffers, as in PyTorch) ──

type LossArgs = [input: Tensor, target: Tensor];

/**
 * Cross-entropy of logits [N, C] against class indices [N] (or probabilities), as a module: PyTorch's `nn.CrossEntropyLoss`.
 * @example new CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(logits, labels)
 */
export class CrossEntropyLoss extends Module<LossArgs> {
  readonly options: CrossEntropyOptions;

  constructor(options: CrossEntropyOptions = {}) {
    super();
    const weight = options.weight ? this.buffer('weight', options.weight) : null;
    this.options = { ...options, weight };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.options);
  }
}

/**
 * The negative log-likelihood of log-probabilities [N, C] at the target classes, as a module: PyTorch's `nn.NLLLoss`.
 * @example new NllLoss().forward(logSoftmax(logits, 1), labels)
 */
export class NllLoss extends Module<LossArgs> {
  readonly options: NllLossOptions;

  constructor(options: NllLossOptions = {}) {
    super();
    const weight = options.weight ? this.buffer('weight', options.weight) : null;
    this.options = { ...options, weight };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.options);
  }
}

/**
 * The mean squared error, as a module: PyTorch's `nn.MSELoss`.
 * @example new MseLoss().forward(tensor([1, 2]), tensor([1, 4])).item()  // 2
 */
export class MseLoss extends Module<LossArgs> {
  readonly options: ReductionOptions;

  constructor(options: ReductionOptions = {}) {
    super();
    this.options = { ...options };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }
}

/**
 * The mean absolute error, as a module: PyTorch's `nn.L1Loss`.
 * @example new L1Loss().forward(tensor([1, 2]), tensor([1, 4])).item()  // 1
 */
export class L1Loss extends Module<LossArgs> {
  readonly options: ReductionOptions;

  constructor(options: ReductionOptions = {}) {
    super();
    this.options = { ...options };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this.options);
  }
}

/** The smooth L1 loss (quadratic below β, linear above), as a module: PyTorch's `nn.SmoothL1Loss`. */
export class SmoothL1Loss extends Module<LossArgs> {
  readonly options: SmoothL1Options;

  constructor(options: SmoothL1Options = {}) {
    super();
    this.options = { ...options };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this.options);
  }
}

/** The Huber loss (quadratic below δ, linear above), as a module: PyTorch's `nn.HuberLoss`. */
export class HuberLoss extends Module<LossArgs> {
  readonly options: HuberOptions;

  constructor(options: HuberOptions = {}) {
    super();
    this.options = { ...options };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this.options);
  }
}

/** Binary cross-entropy on logits (PyTorch's BCEWithLogitsLoss). */
export class BceWithLogitsLoss extends Module<LossArgs> {
  readonly options: BceWithLogitsOptions;

  constructor(options: BceWithLogitsOptions = {}) {
    super();
    const weight = options.weight ? this.buffer('weight', options.weight) : null;
    const posWeight = options.posWeight ? this.buffer('pos_weight', options.posWeight) : null;
    this.options = { ...options, weight, posWeight };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this.options);
  }
}
