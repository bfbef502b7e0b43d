/**
 * Gradient clipping by hand. (Against PyTorch for 1-, 2-, 3- and ∞-norms: torch-parity.test.ts.)
 */
import { describe, expect, test } from 'vitest';
import { tensor, zeros } from '../autograd/creation.js';
import type { Tensor } from '../autograd/tensor.js';
import { clipGradNorm, clipGradValue } from './clip-grad.js';

const withGrad = (grad: number[]): Tensor => {
  const p = zeros([grad.length], { dtype: 'float64' }).requiresGrad_();
  p.grad = tensor(grad, { dtype: 'float64' });
  return p;
};
const grad = (p: Tensor): number[] => Array.from(p.grad!.dataSync());

describe('clipGradNorm', () => {
  test('treats all gradients as one vector: [3] and [4] have joint 2-norm 5', () => {
    const a = withGrad([3]);
    const b = withGrad([0, 4]);
    const total = clipGradNorm([a, b], 1);
    expect(total.item()).toBe(5);
    const c = 1 / (5 + 1e-6);
    expect(grad(a)[0]).toBeCloseTo(3 * c, 15);
    expect(grad(b)[1]).toBeCloseTo(4 * c, 15);
  });

  test('leaves gradients under the limit unchanged (coefficient clamped to 1)', () => {
    const a = withGrad([0.3, -0.4]);
    const gradBefore = a.grad;
    expect(clipGradNorm([a], 1).item()).toBeCloseTo(0.5, 15);
    expect(grad(a)).toEqual([0.3, -0.4]);
    expect(a.grad).toBe(gradBefore); // in place: the same tensor
  });

  test('the ∞-norm is the largest magnitude; the 1-norm the sum of magnitudes', () => {
    expect(clipGradNorm([withGrad([1, -7]), withGrad([2])], 100, Infinity).item()).toBe(7);
    expect(clipGradNorm([withGrad([1, -7]), withGrad([2])], 100, 1).item()).toBe(10);
  });

  test('ignores parameters without a gradient; with none the norm is 0', () => {
    const bare = zeros([2]).requiresGrad_();
    expect(clipGradNorm([bare], 1).item()).toBe(0);
    expect(clipGradNorm([bare, withGrad([6, 8])], 100).item()).toBe(10);
  });

  test('errorIfNonfinite refuses a NaN or infinite norm; otherwise it scales by it', () => {
    expect(() => clipGradNorm([withGrad([Infinity, 1])], 1, 2, { errorIfNonfinite: true })).toThrow(/total 2-norm of the gradients is Infinity/);
    const p = withGrad([Infinity, 1]);
    clipGradNorm([p], 1);
    expect(grad(p)).toEqual([NaN, 0]); // ∞·(1/∞) and 1·0, as PyTorch
  });

  test('refuses a normType ≤ 0', () => {
    expect(() => clipGradNorm([withGrad([1])], 1, 0)).toThrow(/normType must be > 0 or Infinity/);
  });
});

describe('clipGradValue', () => {
  test('clamps each element to [−v, v] in place', () => {
    const p = withGrad([-3, 0.5, 2]);
    clipGradValue([p], 1);
    expect(grad(p)).toEqual([-1, 0.5, 1]);
  });

  test('refuses a negative clip value', () => {
    expect(() => clipGradValue([withGrad([1])], -1)).toThrow(/clipValue must be a number ≥ 0/);
  });
});
