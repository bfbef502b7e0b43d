import { describe, expect, test } from 'vitest';
import { randn, tensor, zeros } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add, mul, sub } from './elementwise.js';
import { layerNorm } from './layer-norm.js';
import { mean, sum } from './reduce.js';
import { rsqrt } from './unary.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });

function expectClose(actual: Tensor, expected: Tensor | readonly number[], tol = 1e-12): void {
  const want = expected instanceof Tensor ? [...expected.dataSync()] : expected;
  const got = [...actual.dataSync()];
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `element ${i}: got ${g}, expected ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!))));
}

/** Layer norm from the primitive ops. */
function composed(x: Tensor, k: number, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  const axes = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const xc = sub(x, mean(x, axes, true));
  let y = mul(xc, rsqrt(add(mean(mul(xc, xc), axes, true), eps)));
  if (weight) y = mul(y, weight);
  return bias ? add(y, bias) : y;
}

describe('layerNorm: forward', () => {
  test('values worked out by hand', () => {
    // Row [1, 3]: μ = 2, σ² = 1; row [0, 4]: μ = 2, σ² = 4. Both normalise to [-1, 1].
    const x = tensor([[1, 3], [0, 4]], { dtype: 'float64' });
    expect(layerNorm(x, [2], tensor([2, 3], { dtype: 'float64' }), tensor([0, 1], { dtype: 'float64' }), 0).toArray()).toEqual([[-2, 4], [-2, 4]]);
  });

  test('matches the primitive ops over the last two axes', () => {
    const random = seededRandom(2);
    const x = randn([2, 3, 4, 5], { dtype: 'float64', random });
    const w = randn([4, 5], { dtype: 'float64', random });
    const b = randn([4, 5], { dtype: 'float64', random });
    expectClose(layerNorm(x, [4, 5], w, b), composed(x, 2, w, b));
    expectClose(layerNorm(x, [5]), composed(x, 1, null, null));
  });

  test('errors name the op and the shapes', () => {
    expect(() => layerNorm(zeros([2, 3]), [4])).toThrow(/layerNorm: input \[2,3\] does not end with normalizedShape \[4\]/);
    expect(() => layerNorm(zeros([2, 3]), [3], zeros([2]))).toThrow(/weight \[2\] must have normalizedShape \[3\]/);
    expect(() => layerNorm(zeros([2, 3]), [])).toThrow(/non-empty/);
    expect(() => layerNorm(zeros([2, 3], { dtype: 'int32' }), [3])).toThrow(/float32 or float64/);
  });
});

describe('layerNorm: backward passes gradcheck', () => {
  const random = seededRandom(7);
  for (const [shape, norm] of [[[3, 4], [4]], [[2, 1, 3], [1, 3]], [[2, 3, 2], [2]], [[5], [5]]] as const) {
    test(`x ${JSON.stringify(shape)} over ${JSON.stringify(norm)}, with weight and bias`, () => {
      gradcheck((x, w, b) => layerNorm(x!, norm, w!, b!), [leaf(shape, random), leaf(norm, random), leaf(norm, random)]);
    });
  }
  test('without weight, with bias only, and with weight only', () => {
    gradcheck((x) => layerNorm(x!, [3]), [leaf([2, 3], random)]);
    gradcheck((x, b) => layerNorm(x!, [3], null, b!), [leaf([2, 3], random), leaf([3], random)]);
    gradcheck((x, w) => layerNorm(x!, [3], w!, null), [leaf([2, 3], random), leaf([3], random)]);
  });

  test('double backward (createGraph) matches the composition of primitive ops', () => {
    const c = randn([3, 4], { dtype: 'float64', random });
    const v = randn([3, 4], { dtype: 'float64', random });
    const secondOrder = (fn: (x: Tensor, w: Tensor, b: Tensor) => Tensor): Tensor[] => {
      const g = seededRandom(9);
      const [x, w, b] = [leaf([3, 4], g), leaf([4], g), leaf([4], g)];
      sum(mul(fn(x, w, b), c)).backward(undefined, { createGraph: true });
      const dx = x.grad!;
      for (const t of [x, w, b]) t.grad = null;
      sum(mul(dx, v)).backward();
      return [x.grad!, w.grad!];
    };
    const fused = secondOrder((x, w, b) => layerNorm(x, [4], w, b));
    const reference = secondOrder((x, w, b) => composed(x, 1, w, b));
    expectClose(fused[0]!, reference[0]!, 1e-10);
    expectClose(fused[1]!, reference[1]!, 1e-10);
  });
});
