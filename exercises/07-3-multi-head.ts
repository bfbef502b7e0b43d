/**
 * Exercise 7.3 — multi-head self-attention from reshapes (docs/course/07-attention-and-transformers.md, §4).
 *
 *   splitHeads(x, H)   [N, T, E] → reshape [N, T, H, d] → permute [N, H, T, d]     (d = E/H)
 *   mergeHeads(x)      [N, H, T, d] → permute [N, T, H, d] → reshape [N, T, H·d]
 * Then self-attention with a batch-first `MultiheadAttention`'s own weights, as in §4:
 *   Q, K, V = x·W_iᵀ + b_i with W_i = rows [iE, (i+1)E) of mha.inProjWeight (i = 0, 1, 2), b_i
 *   the same slice of mha.inProjBias; split each into heads; one scaledDotProductAttention call
 *   for all heads; merge; mha.outProj.forward(…). No loop over heads.
 * Throw a RangeError naming the shape when E is not divisible by H.
 *
 * Check your work: npm run exercise -- 7
 */
import { scaledDotProductAttention, type MultiheadAttention, type Tensor } from '../src/index.js'; // what you will need

/** [N, T, E] → [N, H, T, E/H]. */
export function splitHeads(x: Tensor, numHeads: number): Tensor {
  throw new Error('not implemented yet: splitHeads — x.reshape([N, T, H, E / H]).permute([0, 2, 1, 3]); RangeError when E % H ≠ 0');
}

/** [N, H, T, d] → [N, T, H·d]. */
export function mergeHeads(x: Tensor): Tensor {
  throw new Error('not implemented yet: mergeHeads — x.permute([0, 2, 1, 3]).reshape([N, T, H·d])');
}

/** mha.forward(x, x, x).output for a batch-first MultiheadAttention, written out. */
export function multiHeadSelfAttention(x: Tensor, mha: MultiheadAttention): Tensor {
  throw new Error('not implemented yet: multiHeadSelfAttention — project with row slices of mha.inProjWeight / inProjBias, splitHeads, scaledDotProductAttention, mergeHeads, mha.outProj.forward');
}
