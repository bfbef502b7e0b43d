/**
 * scaledDotProductAttention — O = dropout(softmax(c·QKᵀ + mask)) · V as ONE op with a hand-derived
 * backward (Vaswani et al. 2017, §3.2.1), PyTorch 2.x's F.scaled_dot_product_attention.
 *
 * Shapes: Q [..., L, E], K [..., S, E], V [..., S, Ev] → O [..., L, Ev]; batch axes broadcast.
 *   A = c·QKᵀ (+ B, a float mask)  [..., L, S]     c = 1/√E unless given
 *   P = softmax over the kept keys of each row (masked-softmax.ts: a row that keeps no key is 0)
 *   O = (P ⊙ D) · V                 D: dropout's mask, 0 or 1/(1 − p), drawn from the seeded RNG
 * Masks: an int32 0/1 mask keeps the pairs where it is 1 (PyTorch's boolean convention), a float
 * mask is added to A; isCausal keeps j ≤ i. A query that keeps no key gets O = 0 and no gradient.
 *
 * Backward (dO given; write P_d = P ⊙ D and dP for ∂L/∂P):
 *   dV = P_dᵀ dO      dP = (dO Vᵀ) ⊙ D      dA = P ⊙ (dP − rowsum(dP ⊙ P))    (softmax's Jacobian)
 *   dQ = c · dA K     dK = c · dAᵀ Q        dB = dA, summed over B's broadcast axes
 * rowsum(dP ⊙ P)_i = Σ_j P_ij D_ij (dO_i · V_j) = dO_i · O_i (FlashAttention's D_i, Dao et al.
 * 2022, §B.2): recorded ops take it from dO and O, [L, Ev]; unrecorded, the softmax and its
 * backward are one kernel each (softmaxLastAxis, softmaxBackward), which reads it off each row.
 */
import { apply, isGradEnabled, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { rand, zeros } from '../creation.js';
import { defaultRandom, type Random } from '../random.js';
import { broadcastShapes, fmt, shapesEqual, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { add, ge, mul, sub } from './elementwise.js';
import { checkTensor, requireFloat } from './helpers.js';
import { triangleMask } from './mask.js';
import { keptSoftmax, maskedSoftmax } from './masked-softmax.js';
import { matmul } from './matmul.js';
import { sum, sumToShape } from './reduce.js';
import { transpose } from './shape.js';

/** Options of `scaledDotProductAttention`: a mask or causal masking, attention dropout and the scale. */
export interface AttentionOptions {
  /** int32 0/1 (1 = the pair takes part) or a float mask added to the scores; broadcasts to [..., L, S]. */
  readonly attnMask?: Tensor | null;
  /** Keep only keys j ≤ i for query i (the upper-left triangle, as PyTorch); not with attnMask. */
  readonly isCausal?: boolean;
  /** Probability of dropping an attention weight, applied whenever > 0 (pass 0 in eval mode). */
  readonly dropoutP?: number;
  /** The factor c of QKᵀ (default 1/√E). */
  readonly scale?: number | null;
  /** The generator of the dropout mask (default: the global one, read at each call). */
  readonly random?: Random;
}

interface AttentionAttrs {
  readonly scale: number;
  /** 0/1 mask of the pairs that take part, broadcasting to [..., L, S]; null keeps all. */
  readonly keep: Tensor | null;
  readonly dropoutP: number;
  readonly random: Random;
  /** No key (S = 0) or an empty output: O = 0, computed without kernels. */
  readonly empty: boolean;
  readonly outShape: Shape;
}

/** A = c·QKᵀ (+ B); the transposed Kᵀ is [..., E, S], a small copy beside A. */
function scores(q: Tensor, k: Tensor, bias: Tensor | null, scale: number): Tensor {
  const a = matmul(mul(q, scale), transpose(k));
  return bias ? add(a, bias) : a;
}

/** D: 0 with probability p, else 1/(1 − p), in P's dtype. */
function dropoutMask(like: Tensor, p: number, random: Random): Tensor {
  const kept = cast(ge(rand(like.shape, { dtype: like.dtype, random }), p), like.dtype); // u ≥ p with probability 1 − p
  return mul(kept, p < 1 ? 1 / (1 - p) : 0);
}

/** What forward saves: the inputs, then (unless empty) O, P and D (when dropping). */
interface Saved {
  readonly q: Tensor;
  readonly k: Tensor;
  readonly v: Tensor;
  readonly bias: Tensor | null;
  readonly out: Tensor | null;
  readonly p: Tensor | null;
  readonly drop: Tensor | null;
}

function unpack(saved: readonly Tensor[], hasBias: boolean, dropping: boolean): Saved {
  const [q, k, v, ...rest] = saved as [Tensor, Tensor, Tensor, ...Tensor[]];
  const bias = hasBias ? rest.shift()! : null;
  const [out = null, p = null, drop = null] = rest;
  return { q, k, v, bias, out, p, drop: dropping ? drop : null };
}

const zerosOf = (t: Tensor, needed: boolean | undefined): Tensor | null => (needed ? zeros(t.shape, { dtype: t.dtype }) : null);

/**
 * Inputs: Q, K, V, then the float mask B when there is one (it gets a gradient too).
 *
 * The backward step by step, in index notation for one batch entry. O_iv = Σ_j P_ij D_ij V_jv, so
 *   dV_jv = Σ_i P_ij D_ij dO_iv                      and   dP_ij = D_ij Σ_v dO_iv V_jv.
 * Row i of P is the softmax of row i of A, with Jacobian ∂P_ij/∂A_ik = P_ij (δ_jk − P_ik), so
 *   dA_ik = Σ_j dP_ij P_ij (δ_jk − P_ik) = P_ik (dP_ik − Σ_j dP_ij P_ij).
 * A masked-out pair has P_ik = 0 and gets dA_ik = 0; a row that keeps nothing gets 0 throughout.
 * A_ij = c Σ_e Q_ie K_je (+ B_ij) gives dQ_ie = c Σ_j dA_ij K_je, dK_je = c Σ_i dA_ij Q_ie, dB = dA.
 */
const ScaledDotProductAttention: OpDef<readonly Tensor[], AttentionAttrs> = {
  name: 'ScaledDotProductAttention',
  forward(ctx, [q, k, v, bias], { scale, keep, dropoutP, random, empty, outShape }) {
    const inputs = [q!, k!, v!, ...(bias ? [bias] : [])];
    if (empty) {
      ctx.save(...inputs); //                        no key takes part in any row: O = 0 (see the header)
      return zeros(outShape, { dtype: q!.dtype });
    }
    const guard = keep !== null || bias !== undefined; // a mask may empty a whole row
    const p = keptSoftmax(scores(q!, k!, bias ?? null, scale), keep, -1, guard); //   [..., L, S]
    const drop = dropoutP > 0 ? dropoutMask(p, dropoutP, random) : null;
    const out = matmul(drop ? mul(p, drop) : p, v!); //                                [..., L, Ev]
    ctx.save(...inputs, out, p, ...(drop ? [drop] : []));
    return out;
  },
  backward(ctx, dO, { scale, keep, dropoutP }) {
    const hasBias = ctx.needsInputGrad.length === 4;
    const { q, k, v, bias, out: savedOut, p: savedP, drop } = unpack(ctx.saved, hasBias, dropoutP > 0);
    const [needQ, needK, needV, needBias] = ctx.needsInputGrad;
    if (savedOut === null || savedP === null) {
      return [zerosOf(q, needQ), zerosOf(k, needK), zerosOf(v, needV), ...(bias ? [zerosOf(bias, needBias)] : [])];
    }
    // With createGraph we recompute P and O with recorded ops, so second derivatives see them depend on the inputs.
    const recording = isGradEnabled();
    const p = recording ? maskedSoftmax(scores(q, k, bias, scale), keep) : savedP;
    const pd = drop ? mul(p, drop) : p;
    const out = recording ? matmul(pd, v) : savedOut;
    // dV = P_dᵀ dO, computed as (dOᵀ P_d)ᵀ: the transposes are of [L, Ev] and [Ev, S], not of P_d [L, S].
    const dV = needV ? sumToShape(transpose(matmul(transpose(dO), pd)), v.shape) : null;
    let dQ: Tensor | null = null;
    let dK: Tensor | null = null;
    let dB: Tensor | null = null;
    if (needQ || needK || needBias) {
      const dPd = matmul(dO, transpose(v)); //                                       [..., L, S]
      const dP = drop ? mul(dPd, drop) : dPd;
      // Unrecorded, softmax's backward is one kernel pass over each row of P and dP.
      const dA = recording ? mul(p, sub(dP, sum(mul(dO, out), -1, true))) : kernels().softmaxBackward(p, dP); // rowsum(dP ⊙ P) = dO_i · O_i
      if (needQ) dQ = sumToShape(matmul(dA, mul(k, scale)), q.shape);
      if (needK) dK = sumToShape(transpose(matmul(transpose(mul(q, scale)), dA)), k.shape); // (c·Qᵀ dA)ᵀ, as for dV
      if (needBias && bias) dB = sumToShape(dA, bias.shape);
    }
    return hasBias ? [dQ, dK, dV, dB] : [dQ, dK, dV];
  },
};

/** The checked inputs: the mask split into a keep mask (int32) or an additive float mask B. */
interface Resolved {
  readonly attrs: AttentionAttrs;
  readonly bias: Tensor | null;
}

const batchOf = (t: Tensor): Shape => t.shape.slice(0, -2);

function resolve(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions, op: string): Resolved {
  requireFloat(q, op, 'query');
  requireFloat(k, op, 'key');
  requireFloat(v, op, 'value');
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2) {
    throw new RangeError(`${op}: query, key and value need at least 2 dimensions ([..., L, E], [..., S, E], [..., S, Ev]), got ${fmt(q.shape)}, ${fmt(k.shape)}, ${fmt(v.shape)}`);
  }
  if (q.dtype !== k.dtype || q.dtype !== v.dtype) throw new TypeError(`${op}: query, key and value must have one dtype, got ${q.dtype}, ${k.dtype}, ${v.dtype}`);
  const [L, E] = q.shape.slice(-2) as [number, number];
  const [S, Ek] = k.shape.slice(-2) as [number, number];
  const [Sv, Ev] = v.shape.slice(-2) as [number, number];
  if (Ek !== E || Sv !== S) {
    throw new RangeError(`${op}: expected query [..., L, E], key [..., S, E], value [..., S, Ev], got ${fmt(q.shape)}, ${fmt(k.shape)}, ${fmt(v.shape)}`);
  }
  const batch = broadcastShapes(batchOf(q), batchOf(k), `${op}: batch axes of query ${fmt(q.shape)} and key ${fmt(k.shape)}`);
  const scoreShape = [...batch, L, S];
  const outShape = [...broadcastShapes(batch, batchOf(v), `${op}: batch axes of query/key and value ${fmt(v.shape)}`), L, Ev];
  const { attnMask = null, isCausal = false, dropoutP = 0, scale = null, random = defaultRandom() } = options;
  if (!(dropoutP >= 0 && dropoutP <= 1)) throw new RangeError(`${op}: dropoutP must be a probability in [0, 1], got ${dropoutP}`);
  if (scale !== null && !Number.isFinite(scale)) throw new RangeError(`${op}: scale must be a finite number, got ${scale}`);
  if (isCausal && attnMask !== null) throw new RangeError(`${op}: give attnMask or isCausal, not both (combine them into one mask)`);
  let keep: Tensor | null = isCausal ? triangleMask(L, S, 0, 'lower') : null;
  let bias: Tensor | null = null;
  if (attnMask !== null) {
    checkTensor(attnMask, op, 'attnMask');
    if (!shapesEqual(broadcastShapes(attnMask.shape, scoreShape, `${op}: attnMask`), scoreShape)) {
      throw new RangeError(`${op}: attnMask ${fmt(attnMask.shape)} must broadcast to the scores' shape ${fmt(scoreShape)}`);
    }
    if (attnMask.dtype === 'int32') keep = attnMask;
    else if (attnMask.dtype === q.dtype) bias = attnMask;
    else throw new TypeError(`${op}: a float attnMask must have the query's dtype ${q.dtype}, got ${attnMask.dtype} (an int32 0/1 mask is boolean)`);
  }
  const empty = S === 0 || outShape.includes(0);
  return { attrs: { scale: scale ?? 1 / Math.sqrt(E), keep, dropoutP, random, empty, outShape }, bias };
}

/**
 * softmax(c·QKᵀ + mask) · V with dropout on the weights, as one op (PyTorch's
 * F.scaled_dot_product_attention): q [..., L, E], k [..., S, E], v [..., S, Ev] → [..., L, Ev].
 * @example scaledDotProductAttention(q, k, v, { isCausal: true }).shape  // [..., L, Ev]
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  const { attrs, bias } = resolve(q, k, v, options, 'scaledDotProductAttention');
  return apply(ScaledDotProductAttention, bias ? [q, k, v, bias] : [q, k, v], attrs);
}

/**
 * The attention weights P = softmax(c·QKᵀ + mask) [..., L, S] that scaledDotProductAttention
 * multiplies V by (before dropout), composed of differentiable ops: for layers that return them
 * (MultiheadAttention's needWeights) and for pictures of what attends to what.
 * @example attentionWeights(q, k, { isCausal: true }).sum(-1)  // 1 in every row
 */
export function attentionWeights(q: Tensor, k: Tensor, options: Omit<AttentionOptions, 'dropoutP' | 'random'> = {}): Tensor {
  const { attrs, bias } = resolve(q, k, k, options, 'attentionWeights'); // (k stands in for V: only its shape is read)
  return maskedSoftmax(scores(q, k, bias, attrs.scale), attrs.keep);
}
