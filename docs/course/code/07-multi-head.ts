/**
 * Multi-head attention as reshapes: the projections of all heads in one matmul, the heads made a
 * batch axis by reshape + permute, one attention call, and back; checked against
 * MultiheadAttention. Chapter 7 (docs/course/07-attention-and-transformers.md).
 * Run: npx tsx docs/course/code/07-multi-head.ts
 */
import { MultiheadAttention, randn, scaledDotProductAttention, seededRandom, type Tensor } from '../../../src/index.js';

const random = seededRandom(7);

// #region heads
const [N, T, E, H] = [2, 5, 8, 2]; // batch, positions, model width, heads
const d = E / H; //                  each head works in d = 4 dimensions
const mha = new MultiheadAttention(E, H, { batchFirst: true, dtype: 'float64', random });
const x = randn([N, T, E], { dtype: 'float64', random });

const project = (i: number): Tensor => { // rows [iE, (i+1)E) of in_proj_weight: Q, K or V for ALL heads at once
  const rows = { start: i * E, stop: (i + 1) * E };
  return x.matmul(mha.inProjWeight.slice([rows]).transpose()).add(mha.inProjBias!.slice([rows])); // [N, T, E]
};
const split = (t: Tensor): Tensor => t.reshape([N, T, H, d]).permute([0, 2, 1, 3]); //                [N, H, T, d]
const [q, k, v] = [0, 1, 2].map((i) => split(project(i))) as [Tensor, Tensor, Tensor];
const heads = scaledDotProductAttention(q, k, v); //      one call attends in all N·H (batch, head) pairs: [N, H, T, d]
const merged = heads.permute([0, 2, 1, 3]).reshape([N, T, E]); //                                   [N, T, H·d]
const out = mha.outProj.forward(merged); //               mixes the heads back together             [N, T, E]
// #endregion

// #region check
const expected = mha.forward(x, x, x, { needWeights: false }).output;
console.log(`q, k, v per head: [${q.shape.join(', ')}]; merged: [${merged.shape.join(', ')}]`);
console.log(`by hand against MultiheadAttention: largest difference ${out.sub(expected).abs().max().item().toExponential(1)}`);
console.log(`${mha.numParameters()} parameters = 4E² + 4E = ${4 * E * E + 4 * E}, whatever the number of heads`);
// #endregion
