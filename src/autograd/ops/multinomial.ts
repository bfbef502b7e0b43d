/**
 * multinomial — draws category indices from rows of non-negative weights (torch.multinomial),
 * with the one seeded generator (random.ts), so the same seed gives the same draws.
 *
 * With replacement (inverse transform sampling): with c = cumsum(w) and u uniform in [0, c_last),
 * the draw is the number of c_k ≤ u, i.e. the k with c_{k−1} ≤ u < c_k — category k with
 * probability w_k / Σw, and never one of weight 0 (its interval is empty).
 * Without replacement (the default, as PyTorch's): Efraimidis and Spirakis's exponential race.
 * Category k "arrives" at time E_k / w_k with E_k ~ Exp(1) (= −log u); the first n arrivals, in
 * order, are distributed as n draws one after another, each without the ones already drawn. So we
 * take the n smallest keys (topk). A weight of 0 never arrives (key ∞): n may not exceed the
 * number of positive weights in a row.
 */
import { rand } from '../creation.js';
import type { Random } from '../random.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, gt, le, minimum, mul, neg } from './elementwise.js';
import { requireFloat } from './helpers.js';
import { cumsum } from './cumulative.js';
import { amin, sum } from './reduce.js';
import { reshape } from './reshape.js';
import { slice } from './indexing.js';
import { topk } from './sort.js';
import { log } from './unary.js';

/** How multinomial draws: with or without replacement, and from which generator. */
export interface MultinomialOptions {
  /** Draw with replacement (default false, as PyTorch). */
  readonly replacement?: boolean;
  /** The generator to draw from (default: the global one, see `manualSeed`). */
  readonly random?: Random;
}

/**
 * `numSamples` category indices (int32) drawn from each row of non-negative `weights` ([K], or
 * [N, K] for N rows), in proportion to the weights (they need not sum to 1), torch.multinomial.
 * @example multinomial(tensor([0, 1, 0]), 2, { replacement: true }).toArray()  // [1, 1]
 */
export function multinomial(weights: Tensor, numSamples: number, options: MultinomialOptions = {}): Tensor {
  requireFloat(weights, 'multinomial', 'weights');
  const { replacement = false, random } = options;
  if (weights.ndim !== 1 && weights.ndim !== 2) throw new RangeError(`multinomial: weights must be 1-D or 2-D, got ${fmt(weights.shape)}`);
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new RangeError(`multinomial: numSamples must be a positive integer, got ${numSamples}`);
  const w = reshape(weights, weights.ndim === 1 ? [1, weights.numel()] : weights.shape).to('float64'); // [N, K]
  const [n, k] = w.shape as [number, number];
  if (k === 0 || n === 0) throw new RangeError(`multinomial: weights ${fmt(weights.shape)} have no categories to draw from`);
  const lowest = amin(w).item();
  if (!(lowest >= 0) || !Number.isFinite(amin(neg(w)).item())) throw new RangeError(`multinomial: weights must be finite and non-negative (found ${lowest < 0 ? lowest : 'NaN or Infinity'})`);
  const positives = amin(sum(gt(w, 0), 1)).item(); // the fewest positive weights in a row
  if (positives === 0) throw new RangeError('multinomial: a row of weights sums to 0; every row needs a positive weight');
  let draws: Tensor; // [N, numSamples]
  if (replacement) {
    const c = cumsum(w, 1); //                                                   [N, K]
    const total = slice(c, [null, { start: k - 1 }]); //                          [N, 1]
    const u = mul(rand([n, numSamples], { dtype: 'float64', ...(random ? { random } : {}) }), total); // [N, S] in [0, total)
    const below = sum(le(reshape(c, [n, 1, k]), reshape(u, [n, numSamples, 1])), 2); // how many c_k ≤ u
    draws = minimum(below, k - 1); // u rounds up to the total only by a last-bit accident
  } else {
    if (numSamples > positives) {
      throw new RangeError(`multinomial: cannot draw ${numSamples} samples without replacement from a row with only ${positives} positive weights`);
    }
    const keys = div(neg(log(rand([n, k], { dtype: 'float64', ...(random ? { random } : {}) }))), w); // E_k / w_k (∞ where w_k = 0)
    draws = topk(keys, numSamples, 1, false).indices;
  }
  return weights.ndim === 1 ? reshape(draws, [numSamples]) : draws;
}
