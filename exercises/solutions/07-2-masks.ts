/** Reference solution of exercise 7.2 (exercises/07-2-masks.ts). */
import { arange, ones, type Tensor } from '../../src/index.js';

export function causalMask(T: number): Tensor {
  return ones([T, T], { dtype: 'int32' }).tril();
}

export function paddingMask(lengths: Tensor, S: number): Tensor {
  const N = lengths.shape[0]!;
  return arange(S, undefined, 1, { dtype: 'int32' }).reshape([1, 1, S]).lt(lengths.reshape([N, 1, 1]));
}

export function maskedAttention(q: Tensor, k: Tensor, v: Tensor, keep: Tensor): Tensor {
  const scores = q.matmul(k.transpose(-2, -1)).div(Math.sqrt(q.shape.at(-1)!));
  return scores.maskedFill(keep.eq(0), -Infinity).softmax(-1).matmul(v);
}
