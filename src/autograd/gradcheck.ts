/**
 * gradcheck — proves a backward pass against the definition of the derivative.
 *
 * We reduce the output to a scalar with a fixed random weighting, L = Σ c ⊙ f(x), so that no
 * two wrong partial derivatives can cancel (as they could in a plain sum). Then, for every
 * element x_i of every input, the central difference
 *     (L(x + ε e_i) − L(x − ε e_i)) / 2ε  =  ∂L/∂x_i + O(ε²)
 * must match the gradient that backward() produced. Inputs must be float64: in float32 the
 * rounding error of L (≈ 1e-7 · |L|) divided by 2ε swamps the comparison.
 */
import { noGrad } from './function.js';
import { fmt, stridesOf } from './shape.js';
import { seededRandom } from './random.js';
import { Tensor } from './tensor.js';
import { randn } from './creation.js';
import { mul } from './ops/elementwise.js';
import { sum } from './ops/reduce.js';

/**
 * Options of `gradcheck`: the finite-difference step `eps`, the tolerances and the seed of the random output weighting.
 */
export interface GradcheckOptions {
  readonly eps?: number;
  readonly atol?: number;
  readonly rtol?: number;
  /** Seed of the random weighting c. */
  readonly seed?: number;
}

function multiIndex(flat: number, shape: readonly number[]): string {
  const strides = stridesOf(shape);
  return `[${shape.map((_, i) => Math.floor(flat / strides[i]!) % shape[i]!).join(',')}]`;
}

/**
 * Checks the gradients of `fn` with respect to every input that requires grad; throws an Error
 * naming the input, the element and both values at the first mismatch, returns true otherwise.
 * @example gradcheck((x) => x.mul(x), [tensor([1, 2], { dtype: 'float64', requiresGrad: true })])  // true
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0 } = options;
  inputs.forEach((x, i) => {
    if (x.requiresGrad && x.dtype !== 'float64') {
      throw new TypeError(`gradcheck: input ${i} is ${x.dtype}; gradcheck needs float64 inputs (use .to('float64'))`);
    }
  });
  const probe = noGrad(() => fn(...inputs));
  const c = randn(probe.shape, { dtype: 'float64', random: seededRandom(seed) });
  const loss = (): number => noGrad(() => sum(mul(fn(...inputs), c))).item();

  for (const x of inputs) x.grad = null;
  const out = fn(...inputs);
  if (!out.requiresGrad) throw new Error('gradcheck: the output does not depend on any input that requires grad');
  sum(mul(out, c)).backward();

  inputs.forEach((x, i) => {
    if (!x.requiresGrad) return;
    const analytic = x.grad?.storage;
    const original = x.storage;
    // Each probe gets its own copy of the values (assign), never a write into the storage a
    // kernel may have cached something for: storage is immutable by contract (see tensor.ts).
    const probe = (j: number, delta: number): number => {
      const data = original.slice();
      data[j] = original[j]! + delta;
      x.assign(new Tensor(data, x.shape));
      return loss();
    };
    try {
      for (let j = 0; j < original.length; j++) {
        const plus = probe(j, eps);
        const minus = probe(j, -eps);
        const numeric = (plus - minus) / (2 * eps);
        const got = analytic ? analytic[j]! : 0;
        if (!(Math.abs(got - numeric) <= atol + rtol * Math.abs(numeric))) {
          throw new Error(
            `gradcheck: input ${i} ${fmt(x.shape)}, element ${multiIndex(j, x.shape)}: backward gave ${got}, ` +
            `finite differences give ${numeric} (difference ${Math.abs(got - numeric).toExponential(2)})`,
          );
        }
      }
    } finally {
      x.assign(new Tensor(original, x.shape));
    }
  });
  return true;
}
