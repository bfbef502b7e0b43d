/**
 * MultiheadAttention — PyTorch 1.13's nn.MultiheadAttention (Vaswani et al. 2017, §3.2.2):
 *   Q = query·W_qᵀ + b_q, K = key·W_kᵀ + b_k, V = value·W_vᵀ + b_v    (W_q, W_k, W_v: rows of in_proj_weight)
 *   head_h = softmax(Q_h K_hᵀ/√d + mask) V_h,  d = embedDim / numHeads
 *   output = concat(head_1 … head_H)·W_oᵀ + b_o                        (out_proj)
 * Shapes (time-first, PyTorch's default): query [L, N, E], key and value [S, N, E] → output
 * [L, N, E] and weights [N, L, S] (head-averaged) or [N, H, L, S]; batchFirst puts N first; an
 * unbatched [L, E] gives [L, E]. Masks follow nn.MultiheadAttention, NOT scaledDotProductAttention:
 * an int32 1 means "may not attend"; a float mask is added to the scores. keyPaddingMask [N, S]
 * hides padding keys; attnMask is [L, S] or [N·H, L, S]. A query left with no key gets a zero
 * attention output (PyTorch 1.13 gives NaN there). Parameters (PyTorch's names): in_proj_weight
 * [3E, E] (Xavier-uniform), in_proj_bias [3E] (0), out_proj.weight [E, E], out_proj.bias [E] (0).
 * With needWeights the weights are computed by composed ops (attentionWeights); without, by the
 * fused op (ops/attention.ts), which is what TransformerEncoderLayer asks for.
 */
import { zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { attentionWeights, scaledDotProductAttention } from '../autograd/ops/attention.js';
import { add, eq, mul } from '../autograd/ops/elementwise.js';
import { slice } from '../autograd/ops/indexing.js';
import { maskedFill } from '../autograd/ops/mask.js';
import { matmul } from '../autograd/ops/matmul.js';
import { mean } from '../autograd/ops/reduce.js';
import { permute, reshape, squeeze, unsqueeze } from '../autograd/ops/shape.js';
import type { Random } from '../autograd/random.js';
import { fmt, shapesEqual } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { dropout } from './dropout.js';
import { xavierUniform } from './init.js';
import { Linear, linear, requireSize } from './linear.js';
import { Module, type Parameter } from './module.js';

/** Options of `MultiheadAttention`: dropout, biases, batch-first layout, dtype and the generator. */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training (default 0). */
  readonly dropout?: number;
  /** Biases on the input and output projections (default true). */
  readonly bias?: boolean;
  /** Inputs and output are [N, T, E] instead of [T, N, E] (default false, as PyTorch). */
  readonly batchFirst?: boolean;
  readonly dtype?: FloatDType;
  /** Generator for the initial weights and the dropout masks (default: the global one). */
  readonly random?: Random;
}

/**
 * Options of `MultiheadAttention.forward`: padding and attention masks, whether to return the weights and average them over heads.
 */
export interface MultiheadAttentionForwardOptions {
  /** [N, S] ([S] unbatched): int32 1 marks a padding key no query may attend to; or a float mask, added. */
  readonly keyPaddingMask?: Tensor | null;
  /** [L, S] or [N·numHeads, L, S]: int32 1 = may not attend; or a float mask, added to the scores. */
  readonly attnMask?: Tensor | null;
  /** Also return the attention weights (default true, as PyTorch). */
  readonly needWeights?: boolean;
  /** Average the returned weights over the heads (default true). */
  readonly averageAttnWeights?: boolean;
}

/** What `MultiheadAttention.forward` returns: the output and, when asked, the attention weights. */
export interface MultiheadAttentionOutput {
  readonly output: Tensor;
  /** [N, L, S] averaged over heads, or [N, H, L, S]; null unless needWeights. */
  readonly weights: Tensor | null;
}

/**
 * [N, T, E] (or [T, N, E] with batchFirst false) → [N, H, T, E/H]: the heads become a batch axis,
 * so one batched matmul serves them all.
 * @example splitHeads(zeros([2, 5, 8]), 4).shape  // [2, 4, 5, 2]
 */
export function splitHeads(x: Tensor, numHeads: number, batchFirst = true): Tensor {
  const [a, b, e] = x.shape as [number, number, number];
  if (x.ndim !== 3 || e % numHeads !== 0) throw new RangeError(`splitHeads: expected [N, T, E] with E divisible by ${numHeads} heads, got ${fmt(x.shape)}`);
  const split = reshape(x, [a, b, numHeads, e / numHeads]); //                     [N, T, H, d] or [T, N, H, d]
  return permute(split, batchFirst ? [0, 2, 1, 3] : [1, 2, 0, 3]);
}

/**
 * The inverse of splitHeads: [N, H, T, d] → [N, T, H·d] (or [T, N, H·d] with batchFirst false).
 * @example mergeHeads(zeros([2, 4, 5, 2])).shape  // [2, 5, 8]
 */
export function mergeHeads(x: Tensor, batchFirst = true): Tensor {
  const [n, h, t, d] = x.shape as [number, number, number, number];
  if (x.ndim !== 4) throw new RangeError(`mergeHeads: expected [N, H, T, d], got ${fmt(x.shape)}`);
  return reshape(permute(x, batchFirst ? [0, 2, 1, 3] : [2, 0, 1, 3]), batchFirst ? [n, t, h * d] : [t, n, h * d]);
}

/**
 * Multi-head attention with PyTorch 1.13's parameters, masks and layouts.
 * @example new MultiheadAttention(8, 2).forward(x, x, x).output.shape  // x's shape [L, N, 8]
 */
export class MultiheadAttention extends Module<[query: Tensor, key: Tensor, value: Tensor, options?: MultiheadAttentionForwardOptions], MultiheadAttentionOutput> {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly inProjWeight: Parameter;
  readonly inProjBias: Parameter | null;
  readonly outProj: Linear;
  readonly #random: Random | undefined;

  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    requireSize('MultiheadAttention', 'embedDim', embedDim);
    requireSize('MultiheadAttention', 'numHeads', numHeads);
    if (embedDim % numHeads !== 0) throw new RangeError(`MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    const { dropout: p = 0, bias = true, batchFirst = false, dtype = 'float32', random } = options;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`MultiheadAttention: dropout must be a probability in [0, 1], got ${p}`);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.dropout = p;
    this.batchFirst = batchFirst;
    this.#random = random;
    const withRandom = random ? { random } : {};
    this.inProjWeight = this.param('in_proj_weight', xavierUniform(zeros([3 * embedDim, embedDim], { dtype }), withRandom));
    this.inProjBias = bias ? this.param('in_proj_bias', zeros([3 * embedDim], { dtype })) : null;
    this.outProj = this.child('out_proj', new Linear(embedDim, embedDim, { bias, dtype, ...withRandom }));
    this.outProj.bias?.assign(zeros([embedDim], { dtype })); //                          PyTorch zeroes it
  }

  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): MultiheadAttentionOutput {
    const { keyPaddingMask = null, attnMask = null, needWeights = true, averageAttnWeights = true } = options;
    const batched = this.#checkInputs(query, key, value);
    // An unbatched input gets a batch axis of 1, removed again at the end.
    const batchAxis = this.batchFirst ? 0 : 1;
    const [q0, k0, v0] = batched ? [query, key, value] : [query, key, value].map((t) => unsqueeze(t, batchAxis)) as [Tensor, Tensor, Tensor];
    const N = q0.shape[batchAxis]!;
    const L = q0.shape[1 - batchAxis]!;
    const S = k0.shape[1 - batchAxis]!;
    const mask = this.#mergeMasks(attnMask, keyPaddingMask, N, L, S, batched, this.inProjWeight.dtype as FloatDType);
    const [q, k, v] = [q0, k0, v0].map((t, i) => splitHeads(this.#project(t, i), this.numHeads, this.batchFirst)) as [Tensor, Tensor, Tensor]; // [N, H, T, d]
    const p = this.training ? this.dropout : 0;
    const random = this.#random ? { random: this.#random } : {};
    let heads: Tensor;
    let weights: Tensor | null = null;
    if (needWeights) {
      const w = dropout(attentionWeights(q, k, { attnMask: mask }), p, p > 0, this.#random); //   [N, H, L, S]
      heads = matmul(w, v);
      weights = averageAttnWeights ? mean(w, 1) : w; //                                      PyTorch returns the dropped weights
      if (!batched) weights = squeeze(weights, 0);
    } else {
      heads = scaledDotProductAttention(q, k, v, { attnMask: mask, dropoutP: p, ...random });
    }
    const output = this.outProj.forward(mergeHeads(heads, this.batchFirst)); //     [N, L, E] or [L, N, E]
    return { output: batched ? output : squeeze(output, batchAxis), weights };
  }

  /** x · W_iᵀ + b_i for i = 0 (query), 1 (key), 2 (value): rows [iE, (i+1)E) of the packed weights. */
  #project(x: Tensor, i: number): Tensor {
    const rows = { start: i * this.embedDim, stop: (i + 1) * this.embedDim };
    return linear(x, slice(this.inProjWeight, [rows]), this.inProjBias ? slice(this.inProjBias, [rows]) : null);
  }

  /** Checks the three inputs against each other; returns whether they are batched (3-D). */
  #checkInputs(query: Tensor, key: Tensor, value: Tensor): boolean {
    const E = this.embedDim;
    const layout = this.batchFirst ? '[N, T, E]' : '[T, N, E]';
    const ok = (query.ndim === 3 || query.ndim === 2) && key.ndim === query.ndim && value.ndim === query.ndim &&
      [query, key, value].every((t) => t.shape[t.ndim - 1] === E) && shapesEqual(key.shape, value.shape) &&
      (query.ndim === 2 || query.shape[this.batchFirst ? 0 : 1] === key.shape[this.batchFirst ? 0 : 1]);
    if (!ok) {
      throw new RangeError(`MultiheadAttention: expected query, key and value ${layout} (or unbatched [T, E]) with E = ${E}, one batch size and key and value of one shape; got ${fmt(query.shape)}, ${fmt(key.shape)}, ${fmt(value.shape)}`);
    }
    return query.ndim === 3;
  }

  /**
   * Both masks in scaledDotProductAttention's terms, broadcasting to [N, H, L, S]: an int32 keep
   * mask when both are boolean (a pair is kept when neither forbids it), else one float mask,
   * each boolean one turned into 0 / −∞ first (what PyTorch 1.13 does, then it adds).
   */
  #mergeMasks(attnMask: Tensor | null, keyPaddingMask: Tensor | null, N: number, L: number, S: number, batched: boolean, dtype: FloatDType): Tensor | null {
    const H = this.numHeads;
    const masks: Tensor[] = [];
    if (attnMask !== null) {
      const full = batched ? [N * H, L, S] : [H, L, S];
      if (shapesEqual(attnMask.shape, [L, S])) masks.push(attnMask);
      else if (shapesEqual(attnMask.shape, full)) masks.push(reshape(attnMask, [N, H, L, S]));
      else throw new RangeError(`MultiheadAttention: attnMask must be [${L}, ${S}] or [${full.join(', ')}], got ${fmt(attnMask.shape)}`);
    }
    if (keyPaddingMask !== null) {
      const want = batched ? [N, S] : [S];
      if (!shapesEqual(keyPaddingMask.shape, want)) throw new RangeError(`MultiheadAttention: keyPaddingMask must be [${want.join(', ')}], got ${fmt(keyPaddingMask.shape)}`);
      masks.push(reshape(keyPaddingMask, [N, 1, 1, S]));
    }
    for (const m of masks) {
      if (m.dtype !== 'int32' && m.dtype !== dtype) throw new TypeError(`MultiheadAttention: a float mask must have the input's dtype ${dtype}, got ${m.dtype} (an int32 0/1 mask is boolean)`);
    }
    if (masks.length === 0) return null;
    if (masks.every((m) => m.dtype === 'int32')) return masks.map((m) => eq(m, 0)).reduce((a, b) => mul(a, b)); // kept where no mask forbids
    return masks.map((m) => (m.dtype === 'int32' ? maskedFill(zeros(m.shape, { dtype }), m, -Infinity) : m)).reduce((a, b) => add(a, b));
  }

  protected override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, dropout=${this.dropout}, batchFirst=${this.batchFirst}`;
  }
}
