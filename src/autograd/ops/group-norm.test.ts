import { describe, expect, test } from 'vitest';
import { ones, randn, tensor, zeros } from '../creation.js';
import { enableGrad } from '../function.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul, sub } from './elementwise.js';
import { groupNorm, instanceNorm } from './group-norm.js';
import { layerNorm } from './layer-norm.js';
import { mean, sum } from './reduce.js';
import { reshape } from './shape.js';
import { rsqrt } from './unary.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });

function expectClose(actual: Tensor, expected: Tensor | readonly number[], tol = 1e-12): void {
  const want = Array.isArray(expected) ? expected : [...(expected as Tensor).dataSync()];
  const got = [...actual.dataSync()];
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `element ${i}: got ${g}, expected ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!))));
}

/** Group norm from the primitive ops. */
function composed(x: Tensor, groups: number, w: Tensor | null, b: Tensor | null, eps = 1e-5): Tensor {
  const xg = reshape(x, [x.shape[0]!, groups, -1]);
  const xc = sub(xg, mean(xg, [2], true));
  let y = reshape(mul(xc, rsqrt(add(mean(mul(xc, xc), [2], true), eps))), x.shape);
  const channel = x.shape.map((d, i) => (i === 1 ? d : 1));
  if (w) y = mul(y, reshape(w, channel));
  return b ? add(y, reshape(b, channel)) : y;
}

describe('groupNorm', () => {
  test('values worked out by hand and the JSDoc example', () => {
    // Groups [1, 3] and [0, 4]: μ = 2 and σ² = 1, 4, so both normalise to [−1, 1]; γ = [2, 2, 1, 1], β = [0, 0, 0, 1].
    const x = tensor([[1, 3, 0, 4]], { dtype: 'float64' });
    expect(groupNorm(x, 2, tensor([2, 2, 1, 1], { dtype: 'float64' }), tensor([0, 0, 0, 1], { dtype: 'float64' }), 0).toArray()).toEqual([[-2, 2, -1, 2]]);
    expectClose(groupNorm(tensor([[1, 3, 0, 4]]), 2), [-1, 1, -1, 1], 1e-5);
  });

  test('matches the primitive ops; one group is layer norm over [C, *]', () => {
    const random = seededRandom(2);
    const x = randn([2, 6, 3, 2], { dtype: 'float64', random });
    const w = randn([6], { dtype: 'float64', random });
    const b = randn([6], { dtype: 'float64', random });
    expectClose(groupNorm(x, 3, w, b), composed(x, 3, w, b));
    expectClose(groupNorm(x, 1), layerNorm(x, [6, 3, 2]));
  });

  const CASES: readonly [string, Shape, number][] = [
    ['[N, C, H, W], 2 groups', [2, 4, 3, 2], 2],
    ['[N, C], 3 groups of 2', [3, 6], 3],
    ['[N, C, L], one channel per group (instance norm)', [2, 3, 4], 3],
    ['one group, batch 1', [1, 2, 2, 3], 1],
  ];
  for (const [name, shape, groups] of CASES) {
    test(`backward passes gradcheck: ${name}`, () => {
      const random = seededRandom(3);
      const C = shape[1]!;
      gradcheck((x: Tensor, w: Tensor, b: Tensor) => groupNorm(x, groups, w, b), [leaf(shape, random), leaf([C], random), leaf([C], random)]);
      gradcheck((x: Tensor) => groupNorm(x, groups), [leaf(shape, random)]);
    });
  }

  test('double backward (createGraph) matches the composition of primitive ops', () => {
    const c = randn([2, 4, 3], { dtype: 'float64', random: seededRandom(4) });
    const v = randn([2, 4, 3], { dtype: 'float64', random: seededRandom(5) });
    const secondOrder = (fn: (x: Tensor, w: Tensor, b: Tensor) => Tensor): Tensor[] => {
      const g = seededRandom(9);
      const [x, w, b] = [leaf([2, 4, 3], g), leaf([4], g), leaf([4], g)];
      enableGrad(() => sum(mul(fn(x, w, b), c))).backward(undefined, { createGraph: true });
      const dx = x.grad!;
      for (const t of [x, w, b]) t.grad = null;
      sum(mul(dx, v)).backward();
      return [x.grad!, w.grad!];
    };
    const fused = secondOrder((x, w, b) => groupNorm(x, 2, w, b));
    const reference = secondOrder((x, w, b) => composed(x, 2, w, b));
    expectClose(fused[0]!, reference[0]!, 1e-10);
    expectClose(fused[1]!, reference[1]!, 1e-10);
  });

  test('errors name the op and the shapes', () => {
    expect(() => groupNorm(zeros([2, 6, 3]), 4)).toThrow(/groupNorm: numGroups must be a positive integer dividing the 6 channels of input \[2,6,3\], got 4/);
    expect(() => groupNorm(zeros([6]), 2)).toThrow(/at least 2-D/);
    expect(() => groupNorm(zeros([2, 6, 3]), 2, zeros([3]))).toThrow(/weight must have shape \[6\]/);
    expect(() => groupNorm(zeros([2, 6, 3]), 2, zeros([6], { dtype: 'float64' }))).toThrow(/weight is float64 but the input is float32/);
  });
});

describe('instanceNorm', () => {
  test('normalises each channel of each sample; the JSDoc example', () => {
    expectClose(instanceNorm(tensor([[[1, 3], [0, 4]]])), [-1, 1, -1, 1], 1e-5);
    const random = seededRandom(6);
    const x = randn([3, 2, 4, 2], { dtype: 'float64', random });
    expectClose(instanceNorm(x), groupNorm(x, 2));
  });

  test('updates the running statistics with the batch mean of the instance means and unbiased variances', () => {
    // Instances (channel 0): [1, 3] → μ 2, unbiased σ² 2; [2, 6] → μ 4, σ² 8. Channel 1: [0, 0] → 0, 0; [1, 1] → 1, 0.
    const x = tensor([[[1, 3], [0, 0]], [[2, 6], [1, 1]]], { dtype: 'float64' });
    const runningMean = zeros([2], { dtype: 'float64' });
    const runningVar = ones([2], { dtype: 'float64' });
    instanceNorm(x, { runningMean, runningVar, momentum: 0.5 });
    expect(runningMean.toArray()).toEqual([0.5 * 3, 0.5 * 0.5]);
    expect(runningVar.toArray()).toEqual([0.5 + 0.5 * 5, 0.5 + 0]);
  });

  test('with useInputStats false it is the per-channel affine map of the running statistics', () => {
    const x = tensor([[[1, 3]]], { dtype: 'float64' });
    const y = instanceNorm(x, { useInputStats: false, runningMean: tensor([1], { dtype: 'float64' }), runningVar: tensor([4], { dtype: 'float64' }), eps: 0, weight: tensor([2], { dtype: 'float64' }), bias: tensor([1], { dtype: 'float64' }) });
    expect(y.toArray()).toEqual([[[1, 3]]]);
  });

  test('backward passes gradcheck in both modes', () => {
    const random = seededRandom(7);
    const rm = randn([3], { dtype: 'float64', random });
    const rv = add(mul(randn([3], { dtype: 'float64', random }), 0.1), 1);
    gradcheck((x: Tensor, w: Tensor, b: Tensor) => instanceNorm(x, { weight: w, bias: b }), [leaf([2, 3, 2, 2], random), leaf([3], random), leaf([3], random)]);
    gradcheck((x: Tensor, w: Tensor, b: Tensor) => instanceNorm(x, { weight: w, bias: b, useInputStats: false, runningMean: rm, runningVar: rv }), [leaf([2, 3, 4], random), leaf([3], random), leaf([3], random)]);
  });

  test('errors name the op and the shapes', () => {
    expect(() => instanceNorm(zeros([2, 3]))).toThrow(/instanceNorm: input must be at least 3-D \[N, C, \*\], got \[2,3\]/);
    expect(() => instanceNorm(zeros([2, 3, 1]))).toThrow(/expected more than 1 spatial element per channel .* got input \[2,3,1\]/);
    expect(() => instanceNorm(zeros([2, 3, 4]), { useInputStats: false })).toThrow(/useInputStats false needs runningMean and runningVar/);
    expect(() => instanceNorm(zeros([2, 3, 4]), { runningMean: zeros([3]) })).toThrow(/give both runningMean and runningVar/);
  });
});
