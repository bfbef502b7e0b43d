import { describe, expect, test } from 'vitest';
import { ones, randn, tensor, zeros } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { batchNorm } from './batch-norm.js';
import { add, mul, sub } from './elementwise.js';
import { mean, sum } from './reduce.js';
import { reshape } from './shape.js';
import { rsqrt } from './unary.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });

function expectClose(actual: Tensor, expected: Tensor | readonly number[], tol = 1e-12): void {
  const want = expected instanceof Tensor ? [...expected.dataSync()] : expected;
  const got = [...actual.dataSync()];
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `element ${i}: got ${g}, expected ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!))));
}

/** Batch norm from the primitive ops (their backward passes are proven elsewhere). */
function composed(x: Tensor, weight: Tensor, bias: Tensor, eps = 1e-5): Tensor {
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const shape = x.shape.map((d, i) => (i === 1 ? d : 1));
  const xc = sub(x, mean(x, axes, true));
  const xHat = mul(xc, rsqrt(add(mean(mul(xc, xc), axes, true), eps)));
  return add(mul(xHat, reshape(weight, shape)), reshape(bias, shape));
}

describe('batchNorm: forward', () => {
  test('values worked out by hand', () => {
    // Channel 0 holds 1, 3 (μ = 2, σ² = 1); channel 1 holds 2, 4 (μ = 3, σ² = 1).
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    const y = batchNorm(x, tensor([2, 1], { dtype: 'float64' }), tensor([0.5, -1], { dtype: 'float64' }), { training: true, eps: 0 });
    expect(y.toArray()).toEqual([[-1.5, -2], [2.5, 0]]);
  });

  test('running statistics: momentum average, with the UNBIASED batch variance', () => {
    const x = tensor([[1], [3], [5]], { dtype: 'float64' }); // μ = 3, biased σ² = 8/3, unbiased 4
    const runningMean = tensor([1], { dtype: 'float64' });
    const runningVar = tensor([2], { dtype: 'float64' });
    const y = batchNorm(x, null, null, { training: true, runningMean, runningVar, momentum: 0.25, eps: 0 });
    expect(runningMean.item()).toBeCloseTo(0.75 * 1 + 0.25 * 3, 14);
    expect(runningVar.item()).toBeCloseTo(0.75 * 2 + 0.25 * 4, 14);
    // ...while the output is normalised with the biased variance.
    expectClose(y, [-2, 0, 2].map((v) => v / Math.sqrt(8 / 3)));
  });

  test('eval mode uses the running statistics and leaves them alone', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    const runningMean = tensor([1, -1], { dtype: 'float64' });
    const runningVar = tensor([4, 0.25], { dtype: 'float64' });
    const y = batchNorm(x, null, tensor([0, 10], { dtype: 'float64' }), { training: false, runningMean, runningVar, eps: 0 });
    expect(y.toArray()).toEqual([[0, 16], [1, 20]]);
    expect(runningMean.toArray()).toEqual([1, -1]);
    expect(runningVar.toArray()).toEqual([4, 0.25]);
  });

  test('matches the composition of primitive ops on [N, C, H, W]', () => {
    const random = seededRandom(3);
    const x = randn([3, 4, 2, 5], { dtype: 'float64', random });
    const w = randn([4], { dtype: 'float64', random });
    const b = randn([4], { dtype: 'float64', random });
    expectClose(batchNorm(x, w, b, { training: true }), composed(x, w, b));
  });

  test('errors name the op and the shapes', () => {
    const x = zeros([4, 3]);
    expect(() => batchNorm(zeros([1, 3]), null, null, { training: true })).toThrow(/more than 1 value per channel.*\[1,3\]/);
    expect(() => batchNorm(x, ones([2]), null, { training: true })).toThrow(/batchNorm: weight must be \[3\] for input \[4,3\], got \[2\]/);
    expect(() => batchNorm(x, null, null, { training: false })).toThrow(/eval mode .* needs runningMean/);
    expect(() => batchNorm(zeros([4]), null, null, { training: true })).toThrow(/at least 2-D/);
    expect(() => batchNorm(x, ones([3], { dtype: 'float64' }), null, { training: true })).toThrow(/weight is float64 but the input is float32/);
  });
});

describe('batchNorm: backward passes gradcheck', () => {
  const random = seededRandom(11);
  for (const shape of [[4, 3], [2, 1, 3], [2, 3, 2, 2], [1, 2, 3, 1]] as const) {
    test(`training, x ${JSON.stringify(shape)} with weight and bias`, () => {
      const C = shape[1];
      gradcheck((x, w, b) => batchNorm(x!, w!, b!, { training: true }), [leaf(shape, random), leaf([C], random), leaf([C], random)]);
    });
  }

  test('training without weight and bias', () => {
    gradcheck((x) => batchNorm(x!, null, null, { training: true, eps: 1e-3 }), [leaf([5, 2, 3], random)]);
  });

  test('eval, with running statistics as constants', () => {
    const runningMean = randn([3], { dtype: 'float64', random });
    const runningVar = randn([3], { dtype: 'float64', random }).abs().add(0.5);
    gradcheck((x, w, b) => batchNorm(x!, w!, b!, { training: false, runningMean, runningVar }), [leaf([2, 3, 2], random), leaf([3], random), leaf([3], random)]);
  });

  test('the gradient of x sums to zero per channel in training (the mean is subtracted)', () => {
    const x = leaf([4, 2, 3], random);
    sum(mul(batchNorm(x, null, null, { training: true }), randn([4, 2, 3], { dtype: 'float64', random }))).backward();
    expectClose(sum(x.grad!, [0, 2]), [0, 0], 1e-12);
  });

  test('double backward (createGraph) matches the composition of primitive ops', () => {
    for (const training of [true, false]) {
      const r = seededRandom(5);
      const runningMean = randn([3], { dtype: 'float64', random: r });
      const runningVar = randn([3], { dtype: 'float64', random: r }).abs().add(0.5);
      const c = randn([4, 3, 2], { dtype: 'float64', random: r });
      const v = randn([4, 3, 2], { dtype: 'float64', random: r });
      const secondOrder = (fn: (x: Tensor, w: Tensor, b: Tensor) => Tensor): Tensor[] => {
        const g = seededRandom(9);
        const [x, w, b] = [leaf([4, 3, 2], g), leaf([3], g), leaf([3], g)];
        sum(mul(fn(x, w, b), c)).backward(undefined, { createGraph: true });
        const dx = x.grad!;
        for (const t of [x, w, b]) t.grad = null;
        sum(mul(dx, v)).backward();
        // In eval mode dX = dY·γ·s does not depend on x, so x gets no second-order gradient.
        return [x.grad ?? zeros(x.shape, { dtype: 'float64' }), w.grad!];
      };
      const fused = secondOrder((x, w, b) => batchNorm(x, w, b, { training, runningMean, runningVar }));
      const reference = secondOrder((x, w, b) => {
        if (training) return composed(x, w, b);
        const shape = [1, 3, 1];
        return add(mul(mul(sub(x, reshape(runningMean, shape)), rsqrt(add(reshape(runningVar, shape), 1e-5))), reshape(w, shape)), reshape(b, shape));
      });
      expectClose(fused[0]!, reference[0]!, 1e-10);
      expectClose(fused[1]!, reference[1]!, 1e-10);
    }
  });
});

describe('batchNorm: the fused kernels agree with the composed formulas', () => {
  /**
   * The op as it was written before its per-channel kernels (x̂ = (x − μ)·s stored, y = γ x̂ + β,
   * dX = (γ s / m)(m·dY − dβ − x̂·dγ) or dY·γ·s in eval), in elementwise ops on plain tensors.
   */
  function composedStep(x: Tensor, w: Tensor, b: Tensor, dY: Tensor, training: boolean, rm: Tensor, rv: Tensor, eps = 1e-5) {
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const shape = x.shape.map((d, i) => (i === 1 ? d : 1));
    const C = x.shape[1]!;
    const m = x.numel() / C;
    const mu = training ? mean(x, axes, true) : reshape(rm, shape);
    const xc = sub(x, mu);
    const variance = training ? mean(mul(xc, xc), axes, true) : reshape(rv, shape);
    const s = rsqrt(add(variance, eps));
    const xHat = mul(xc, s);
    const gamma = reshape(w, shape);
    const y = add(mul(xHat, gamma), reshape(b, shape));
    const dBeta = sum(dY, axes, true);
    const dGamma = sum(mul(dY, xHat), axes, true);
    const dX = training ? mul(sub(sub(mul(dY, m), dBeta), mul(xHat, dGamma)), mul(mul(gamma, s), 1 / m)) : mul(dY, mul(gamma, s));
    const runningMean = training ? add(mul(rm, 0.9), mul(reshape(mu, [C]), 0.1)) : rm;
    const runningVar = training ? add(mul(rv, 0.9), mul(reshape(variance, [C]), 0.1 * m / (m - 1))) : rv;
    return { y, dX, dGamma: reshape(dGamma, [C]), dBeta: reshape(dBeta, [C]), runningMean, runningVar };
  }

  const cases = [[6, 3], [4, 3, 2, 5], [1, 2, 7], [5, 1, 3, 3]] as const;
  for (const training of [true, false]) {
    for (const shape of cases) {
      test(`${training ? 'training' : 'eval'}, x ${JSON.stringify(shape)}: output, all three gradients, running statistics`, () => {
        const random = seededRandom(21);
        const C = shape[1];
        const [x, w, b] = [leaf(shape, random), leaf([C], random), leaf([C], random)];
        const dY = randn(shape, { dtype: 'float64', random });
        const rm = randn([C], { dtype: 'float64', random });
        const rv = randn([C], { dtype: 'float64', random }).abs().add(0.5);
        const want = composedStep(x.detach(), w.detach(), b.detach(), dY, training, rm, rv);
        const [runningMean, runningVar] = [rm.clone(), rv.clone()];
        const y = batchNorm(x, w, b, { training, runningMean, runningVar });
        y.backward(dY);
        expectClose(y, want.y);
        expectClose(x.grad!, want.dX);
        expectClose(w.grad!, want.dGamma);
        expectClose(b.grad!, want.dBeta);
        expectClose(runningMean, want.runningMean, 1e-14);
        expectClose(runningVar, want.runningVar, 1e-14);
      });
    }
    test(`${training ? 'training' : 'eval'}: any subset of the inputs may need a gradient`, () => {
      const random = seededRandom(22);
      const shape = [3, 2, 4] as const;
      const rm = randn([2], { dtype: 'float64', random });
      const rv = randn([2], { dtype: 'float64', random }).abs().add(0.5);
      const values = [randn(shape, { dtype: 'float64', random }), randn([2], { dtype: 'float64', random }), randn([2], { dtype: 'float64', random })] as const;
      const dY = randn(shape, { dtype: 'float64', random });
      const want = composedStep(...values, dY, training, rm, rv);
      for (const needs of [[true, false, false], [false, true, false], [false, false, true], [false, true, true]]) {
        const [x, w, b] = values.map((t, i) => (needs[i] ? t.detach().requiresGrad_() : t));
        batchNorm(x!, w!, b!, { training, runningMean: rm.clone(), runningVar: rv.clone() }).backward(dY);
        [want.dX, want.dGamma, want.dBeta].forEach((g, i) => (needs[i] ? expectClose([x, w, b][i]!.grad!, g) : expect([x, w, b][i]!.grad).toBeNull()));
      }
    });
  }

  test('float32 keeps its digits when |μ| ≫ σ (the per-channel coefficients are float64)', () => {
    // x = 1000 + N(0, 1): a float32 a·x + b or B·x + C would lose ~1e-4 to cancellation (the
    // composed float32 formulas lost 7e-5); ours should be within a few float32 roundings of the
    // float64 answer for the same float32 inputs.
    const random = seededRandom(23);
    const shape = [8, 3, 4, 4] as const;
    const x32 = randn(shape, { random }).add(1000);
    const [w32, b32, dY32] = [randn([3], { random }), randn([3], { random }), randn(shape, { random })];
    const step = (x: Tensor, w: Tensor, b: Tensor, dY: Tensor): Tensor[] => {
      const leaves = [x, w, b].map((t) => t.detach().requiresGrad_());
      const y = batchNorm(leaves[0]!, leaves[1]!, leaves[2]!, { training: true });
      y.backward(dY);
      return [y, ...leaves.map((t) => t.grad!)];
    };
    const got = step(x32, w32, b32, dY32);
    const want = step(x32.to('float64'), w32.to('float64'), b32.to('float64'), dY32.to('float64'));
    got.forEach((g, i) => {
      expect(g.dtype).toBe('float32');
      expectClose(g, want[i]!, 3e-7);
    });
  });
});
