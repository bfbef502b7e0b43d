/**
 * Masks: padding keys that no query may read, and the causal mask that hides the future; the
 * same masks as −∞ added to the scores and as int32 keep-masks given to the fused op.
 * Chapter 7 (docs/course/07-attention-and-transformers.md). Run: npx tsx docs/course/code/07-masks.ts
 */
import { arange, cat, ones, randn, scaledDotProductAttention, seededRandom, tensor, type Tensor } from '../../../src/index.js';
import { heatmap } from '../../../src/utils/index.js';

const random = seededRandom(5);
const gap = (a: Tensor, b: Tensor): string => a.sub(b).abs().max().item().toExponential(1);
const rows = (t: Tensor): string => (t.toArray() as number[][]).map((r) => r.map((x) => x.toFixed(2)).join(' ')).join(' | ');

// #region padding
const [N, T, E] = [2, 4, 8];
const x = randn([N, T, E], { dtype: 'float64', random }); // two sequences padded to 4 positions
const lengths = tensor([4, 2], { dtype: 'int32' }); //        the second has only 2 real ones
const keep = arange(T, undefined, 1, { dtype: 'int32' }).reshape([1, 1, T]).lt(lengths.reshape([N, 1, 1])); // [N, 1, T]: key j < length
const scores = x.matmul(x.transpose(1, 2)).div(Math.sqrt(E)); //                                              [N, T, T]
const weights = scores.maskedFill(keep.eq(0), -Infinity).softmax(-1); // exp(−∞) = 0: a padding key gets weight 0
console.log(`keep mask of sequence 2: ${JSON.stringify(keep.slice([1]).toArray())}`);
console.log(`its attention weights: ${rows(weights.slice([1]))}`);
const fused = scaledDotProductAttention(x, x, x, { attnMask: keep }); // int32 1 = this pair takes part
console.log(`composed against the fused op: ${gap(weights.matmul(x), fused)}`);
// #endregion

// #region causal
const L = 6;
const h = randn([L, E], { dtype: 'float64', random });
const causal = ones([L, L], { dtype: 'int32' }).tril(); //           1 where key j ≤ query i
const before = scaledDotProductAttention(h, h, h, { attnMask: causal });
const changed = cat([h.slice([{ stop: 4 }]), randn([L - 4, E], { dtype: 'float64', random })]); // new positions 4 and 5
const after = scaledDotProductAttention(changed, changed, changed, { isCausal: true }); // the same mask, by name
console.log(`positions 0–3 after rewriting positions 4–5: changed by ${gap(before.slice([{ stop: 4 }]), after.slice([{ stop: 4 }]))}; positions 4–5 by ${gap(before.slice([{ start: 4 }]), after.slice([{ start: 4 }]))}`);
// #endregion

const causalWeights = h.matmul(h.transpose()).div(Math.sqrt(E)).maskedFill(causal.eq(0), -Infinity).softmax(-1);
const labels = Array.from({ length: L }, (_, i) => String(i));
export const figures = {
  '07-causal.svg': heatmap({
    title: 'Causal attention weights',
    values: causalWeights.toArray() as number[][],
    rowLabels: labels,
    columnLabels: labels,
    yLabel: 'query position i',
    xLabel: 'key position j',
    format: (w) => w.toFixed(2),
  }),
};
