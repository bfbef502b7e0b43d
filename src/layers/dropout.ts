/**
 * Dropout — during training, zero each element with probability p and scale the survivors by
 * 1/(1 − p) (Srivastava et al. 2014, with the "inverted" scaling every framework uses), so the
 * expected value of each element is unchanged and eval mode is simply the identity.
 *
 *   y = x ⊙ mask / (1 − p),   mask_i ~ Bernoulli(1 − p)        dX = dY ⊙ mask / (1 − p)
 *
 * The mask is a constant, so this is the elementwise product of two tensors, whose backward
 * (in ops/elementwise.ts) is exactly the line above: no new op is needed. Masks are drawn from
 * the seeded generator (src/autograd/random.ts): the layer's own `random` if given, else the
 * global one at the time of the call, so `manualSeed(n)` makes a run repeatable.
 */
import { rand } from '../autograd/creation.js';
import { ge, mul } from '../autograd/ops/elementwise.js';
import { requireFloat } from '../autograd/ops/helpers.js';
import { defaultRandom, type Random } from '../autograd/random.js';
import type { Tensor } from '../autograd/tensor.js';
import { Module } from './module.js';

function checkP(p: number, where: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${where}: p must be a probability in [0, 1], got ${p}`);
}

/**
 * Functional dropout: x itself when not training or p = 0; zeros when p = 1.
 * @example dropout(ones([4]), 0.5, true, seededRandom(0)).toArray()  // each entry 0 or 2
 */
export function dropout(x: Tensor, p = 0.5, training = true, random?: Random): Tensor {
  checkP(p, 'dropout');
  requireFloat(x, 'dropout');
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const u = rand(x.shape, { dtype: x.dtype, random: random ?? defaultRandom() });
  const mask = mul(ge(u, p).to(x.dtype), 1 / (1 - p)); // u ≥ p with probability 1 − p
  return mul(x, mask);
}

/** Options of `Dropout`: the generator of the masks. */
export interface DropoutOptions {
  /** The generator for the masks (default: the global one, read at each call). */
  readonly random?: Random;
}

/**
 * Randomly zeroes elements in training; the identity in eval mode.
 * @example new Dropout(0.5).eval().forward(x) === x  // true
 */
export class Dropout extends Module {
  readonly p: number;
  readonly #random: Random | undefined;

  constructor(p = 0.5, options: DropoutOptions = {}) {
    super();
    checkP(p, 'Dropout');
    this.p = p;
    this.#random = options.random;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.#random);
  }

  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}
