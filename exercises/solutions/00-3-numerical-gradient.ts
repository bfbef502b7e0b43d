/** Reference solution of exercise 0.3 (exercises/00-3-numerical-gradient.ts). */
import { Value } from '../../docs/course/code/00-value.js';

export function numericalGradient(f: (xs: readonly number[]) => number, xs: readonly number[], eps = 1e-6): number[] {
  return xs.map((x, i) => {
    const moved = (delta: number): number => f(xs.map((v, j) => (j === i ? x + delta : v)));
    return (moved(eps) - moved(-eps)) / (2 * eps);
  });
}

export interface GradientComparison {
  readonly analytic: number[];
  readonly numeric: number[];
  readonly maxError: number;
}

export function compareGradients(f: (xs: readonly Value[]) => Value, xs: readonly number[]): GradientComparison {
  const values = xs.map((x) => new Value(x));
  f(values).backward();
  const analytic = values.map((v) => v.grad);
  const numeric = numericalGradient((ys) => f(ys.map((y) => new Value(y))).data, xs);
  const maxError = Math.max(0, ...analytic.map((a, i) => Math.abs(a - numeric[i]!)));
  return { analytic, numeric, maxError };
}
