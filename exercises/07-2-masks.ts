/**
 * Exercise 7.2 — masks (docs/course/07-attention-and-transformers.md, §3).
 *
 * Keep-masks are int32 tensors of 0s and 1s, 1 where a (query, key) pair takes part, as
 * `scaledDotProductAttention`'s attnMask reads them:
 *   causalMask(T)              [T, T]     1 where key j ≤ query i (the lower triangle)
 *   paddingMask(lengths, S)    [N, 1, S]  1 where key j < lengths[n]; the 1 broadcasts over queries
 * Build them with tensor ops (`arange`, comparisons such as `le` and `lt`, `reshape`), or with
 * `ones(…).tril()`, not with loops over numbers. Then attention under a keep-mask, composed:
 *   maskedAttention(q, k, v, keep) = softmax(c·QKᵀ with −∞ where keep is 0) · V,  c = 1/√E
 * (`maskedFill(keep.eq(0), -Infinity)`). A query whose keys are all masked would give NaN here;
 * the tests never ask for one (Sapling's fused op defines that row as 0).
 *
 * Check your work: npm run exercise -- 7
 */
import { arange, ones, type Tensor } from '../src/index.js'; // what you may need

/** [T, T] int32: 1 where key j ≤ query i. */
export function causalMask(T: number): Tensor {
  throw new Error('not implemented yet: causalMask — ones([T, T], { dtype: \'int32\' }).tril(), or compare arange(T) as a column with arange(T) as a row');
}

/** [N, 1, S] int32: 1 where key j < lengths[n] (lengths is int32 [N]). */
export function paddingMask(lengths: Tensor, S: number): Tensor {
  throw new Error('not implemented yet: paddingMask — arange(S) reshaped to [1, 1, S], compared (lt) with lengths reshaped to [N, 1, 1]');
}

/** softmax(QKᵀ/√E, with −∞ where keep = 0)·V; keep broadcasts to [..., L, S]. */
export function maskedAttention(q: Tensor, k: Tensor, v: Tensor, keep: Tensor): Tensor {
  throw new Error('not implemented yet: maskedAttention — scores = q·kᵀ/√E, then scores.maskedFill(keep.eq(0), -Infinity).softmax(-1).matmul(v)');
}
