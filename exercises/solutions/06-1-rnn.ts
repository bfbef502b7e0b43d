/** Reference solution of exercise 6.1 (exercises/06-1-rnn.ts). */
import { stack, type Tensor } from '../../src/index.js';

export interface RnnWeights {
  readonly wIh: Tensor;
  readonly wHh: Tensor;
  readonly b: Tensor;
}

export function rnnForward(xs: readonly Tensor[], h0: Tensor, weights: RnnWeights): Tensor {
  const { wIh, wHh, b } = weights;
  const [wIhT, wHhT] = [wIh.transpose(), wHh.transpose()]; // once, not once per step
  const states: Tensor[] = [];
  let h = h0;
  for (const x of xs) {
    h = x.matmul(wIhT).add(h.matmul(wHhT)).add(b).tanh(); // [N, H]
    states.push(h);
  }
  return stack(states); // [T, N, H]
}
