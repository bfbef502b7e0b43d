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
