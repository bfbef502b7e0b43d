/**
 * Exercise 6.1 — a tanh RNN over a sequence (docs/course/06-recurrent-networks.md, §1).
 *
 *   h_t = tanh(x_t · W_ihᵀ + h_(t−1) · W_hhᵀ + b)        x_t [N, I], h_t [N, H]
 * Loop over the steps with tensor ops and return every h_t stacked along a new first axis:
 * [T, N, H]. Because the loop is made of differentiable ops, backpropagation through time comes
 * for free; W_hh's gradient will be the sum of its T contributions.
 * (The sequence arrives as a list of T tensors: slicing one [T, N, I] tensor per step would make
 * each slice's backward as large as the whole input, T² work in all.)
 *
 * Check your work: npm run exercise -- 6
 */
import { stack, type Tensor } from '../src/index.js'; // stack: the states into [T, N, H]

export interface RnnWeights {
  readonly wIh: Tensor; // [H, I]
  readonly wHh: Tensor; // [H, H]
  readonly b: Tensor; //   [H]
}

/** All hidden states of the RNN over xs (T tensors [N, I]) from h0 [N, H]: [T, N, H]. */
export function rnnForward(xs: readonly Tensor[], h0: Tensor, weights: RnnWeights): Tensor {
  throw new Error('not implemented yet: rnnForward — h = h0; for each x: h = tanh(x·W_ihᵀ + h·W_hhᵀ + b), keep it; return stack(states)');
}
