/** Reference solution of exercise 2.3 (exercises/02-3-gradcheck.ts). */
import { noGrad, randn, seededRandom, Tensor } from '../../src/index.js';

export interface GradcheckOptions {
  readonly eps?: number;
  readonly atol?: number;
  readonly rtol?: number;
  readonly seed?: number;
}

export interface Mismatch {
  readonly input: number;
  readonly element: number;
  readonly analytic: number;
  readonly numeric: number;
}

export function findGradientMismatch(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): Mismatch | null {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0 } = options;
  const c = randn(noGrad(() => f(...inputs)).shape, { dtype: 'float64', random: seededRandom(seed) });
  const loss = (): number => noGrad(() => f(...inputs).mul(c).sum()).item();

  for (const x of inputs) x.grad = null;
  f(...inputs).mul(c).sum().backward();

  for (const [k, x] of inputs.entries()) {
    if (!x.requiresGrad) continue;
    const analytic = x.grad?.storage;
    const original = x.storage;
    const moved = (i: number, delta: number): number => {
      const data = original.slice();
      data[i] = original[i]! + delta;
      x.assign(new Tensor(data, x.shape));
      return loss();
    };
    try {
      for (let i = 0; i < original.length; i++) {
        const numeric = (moved(i, eps) - moved(i, -eps)) / (2 * eps);
        const got = analytic ? analytic[i]! : 0; // no gradient at all counts as zeros
        if (!(Math.abs(got - numeric) <= atol + rtol * Math.abs(numeric))) return { input: k, element: i, analytic: got, numeric };
      }
    } finally {
      x.assign(new Tensor(original, x.shape));
    }
  }
  return null;
}
