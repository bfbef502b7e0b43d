/**
 * Exercise 0.3 — check a gradient numerically (docs/course/00-scalar-autograd.md, §1).
 *
 * The derivative is a limit: f′(x) = lim (f(x + ε) − f(x − ε)) / 2ε as ε → 0. With a small ε the
 * central difference is an independent estimate of each partial derivative, which is how every
 * backward pass in Sapling is proven (src/autograd/gradcheck.ts). The central form is accurate
 * to O(ε²); the one-sided (f(x + ε) − f(x)) / ε only to O(ε).
 *
 * Check your work: npm run exercise -- 0
 */
import { Value } from '../docs/course/code/00-value.js';

/** ∂f/∂xᵢ for every i, by central differences with step `eps`. */
export function numericalGradient(f: (xs: readonly number[]) => number, xs: readonly number[], eps = 1e-6): number[] {
  throw new Error('not implemented yet: numericalGradient(f, xs, eps) — for each i, evaluate f with xs[i] moved by +eps and by −eps (copy xs each time) and return (f₊ − f₋) / (2·eps)');
}

export interface GradientComparison {
  /** The gradients backward() computed, one per input. */
  readonly analytic: number[];
  /** The central differences of numericalGradient. */
  readonly numeric: number[];
  /** max over i of |analytic[i] − numeric[i]|. */
  readonly maxError: number;
}

/**
 * Runs `f` on Values made from `xs`, calls backward() on the result, and compares each input's
 * grad with numericalGradient of the same function evaluated on plain numbers.
 */
export function compareGradients(f: (xs: readonly Value[]) => Value, xs: readonly number[]): GradientComparison {
  throw new Error('not implemented yet: compareGradients(f, xs) — make Values from xs, call f(values).backward(), read each .grad; then numericalGradient((ys) => f(ys.map((y) => new Value(y))).data, xs) and the largest difference');
}
