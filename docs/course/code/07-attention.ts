/**
 * Attention from a dot product: one query looking up three keys, then the matrix form checked
 * against scaledDotProductAttention, then why the scores are divided by √E.
 * Chapter 7 (docs/course/07-attention-and-transformers.md). Run: npx tsx docs/course/code/07-attention.ts
 */
import { randn, scaledDotProductAttention, seededRandom, tensor, type Tensor } from '../../../src/index.js';
import { lineChart } from '../../../src/utils/index.js';

const show = (t: Tensor): string => JSON.stringify(t.toArray(), (_, v: unknown) => (typeof v === 'number' ? Number(v.toFixed(3)) : v));

// #region lookup
const query = tensor([1, 0]); //                   what this position is looking for
const keys = tensor([[1, 0], [0, 1], [1, 1]]); //  what each of 3 positions offers, [S, E]
const values = tensor([[10, 0], [0, 10], [5, 5]]); // what each of them hands over, [S, Ev]
const scores = keys.matmul(query); //              a_j = k_j · q: how well key j matches, [S]
const weights = scores.softmax(0); //              positive, summing to 1
const answer = weights.matmul(values); //          Σ_j p_j v_j: a blend of the values, [Ev]
console.log(`scores ${show(scores)}, weights ${show(weights)}, answer ${show(answer)}`);
// #endregion

// #region matrices
/** softmax(QKᵀ/√E)·V for Q [..., L, E], K [..., S, E], V [..., S, Ev], from five generic ops. */
function attention(q: Tensor, k: Tensor, v: Tensor): Tensor {
  const e = q.shape.at(-1)!;
  const a = q.matmul(k.transpose(-2, -1)).div(Math.sqrt(e)); // [..., L, S]: every query against every key
  return a.softmax(-1).matmul(v); //                            [..., L, Ev]: one blend per query
}
const random = seededRandom(0);
const [q, k, v] = [[2, 5, 4], [2, 7, 4], [2, 7, 3]].map((shape) => randn(shape, { dtype: 'float64', random })) as [Tensor, Tensor, Tensor];
const o = attention(q, k, v);
console.log(`Q [2, 5, 4], K [2, 7, 4], V [2, 7, 3] → O [${o.shape.join(', ')}]; largest difference from scaledDotProductAttention: ${o.sub(scaledDotProductAttention(q, k, v)).abs().max().item().toExponential(1)}`);
// #endregion

// #region scale
/** Mean over 200 random queries of the largest weight of softmax(q·K / divisor) over 16 keys of dimension e. */
function largestWeight(e: number, divisor: number): number {
  const qs = randn([200, 1, e], { random });
  const ks = randn([200, 16, e], { random });
  return qs.matmul(ks.transpose(-2, -1)).div(divisor).softmax(-1).amax(-1).mean().item();
}
const dims = [1, 4, 16, 64, 256];
const unscaled = dims.map((e) => largestWeight(e, 1));
const scaled = dims.map((e) => largestWeight(e, Math.sqrt(e)));
for (const [i, e] of dims.entries()) {
  console.log(`E = ${String(e).padStart(3)}: largest of 16 weights on average ${unscaled[i]!.toFixed(2)} unscaled, ${scaled[i]!.toFixed(2)} divided by √E`);
}
// #endregion

export const figures = {
  '07-scale.svg': lineChart({
    title: 'The largest of 16 attention weights, mean over 200 random queries',
    series: [
      { name: 'softmax(q·k)', x: dims.map(Math.log2), y: unscaled },
      { name: 'softmax(q·k / √E)', x: dims.map(Math.log2), y: scaled },
    ],
    xLabel: 'log₂ E (dimension of queries and keys)',
    yLabel: 'largest weight',
    yRange: [0, 1],
  }),
};
