/**
 * Exercise 2.3 — your own gradcheck (docs/course/02-engine.md, §5).
 *
 *   1. Reduce f's output to one number with a random weighting, L(x) = Σ c ⊙ f(x), c drawn once
 *      from randn with the given seed (a plain sum can hide gradients in the wrong places).
 *   2. Run L.backward() once and read each input's .grad (the analytic gradients).
 *   3. For every element i of every input that requires grad, compute the central difference
 *      (L(x + ε eᵢ) − L(x − ε eᵢ)) / 2ε under noGrad, and compare it with the analytic value:
 *      a mismatch is |analytic − numeric| > atol + rtol·|numeric|.
 * To move one element, build a new tensor from a copy of the storage
 * (`const data = x.storage.slice(); data[i] += eps; x.assign(new Tensor(data, x.shape))`),
 * and put the original values back when you are done with that input.
 *
 * Check your work: npm run exercise -- 2
 */
import { noGrad, randn, seededRandom, Tensor } from '../src/index.js'; // what you will need

export interface GradcheckOptions {
  readonly eps?: number; //  default 1e-6
  readonly atol?: number; // default 1e-5
  readonly rtol?: number; // default 1e-3
  readonly seed?: number; // seed of the weighting c, default 0
}

/** The first mismatch found, or null when every checked element agrees. */
export interface Mismatch {
  /** Which input (its position in `inputs`) and which element (flat, row-major index). */
  readonly input: number;
  readonly element: number;
  readonly analytic: number;
  readonly numeric: number;
}

export function findGradientMismatch(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): Mismatch | null {
  throw new Error('not implemented yet: findGradientMismatch — weight the output with c = randn(shape, { dtype: "float64", random: seededRandom(seed) }), backward once, then compare every element\'s .grad with a central difference');
}
