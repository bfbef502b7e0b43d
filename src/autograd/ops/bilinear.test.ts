import { describe, expect, test } from 'vitest';
import { ones, randn, tensor, zeros } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { bilinear } from './bilinear.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });

describe('bilinear', () => {
  test('y_k = x₁ᵀ A_k x₂ + b_k, worked out by hand; the JSDoc example', () => {
    // x₁ = [1, 2], x₂ = [3, −1], A_0 = [[1, 0], [0, 1]] (x₁·x₂ = 1), A_1 = [[0, 1], [1, 0]] (1·(−1) + 2·3 = 5), b = [0.5, 0].
    const A = tensor([[[1, 0], [0, 1]], [[0, 1], [1, 0]]], { dtype: 'float64' });
    const y = bilinear(tensor([[1, 2]], { dtype: 'float64' }), tensor([[3, -1]], { dtype: 'float64' }), A, tensor([0.5, 0], { dtype: 'float64' }));
    expect(y.toArray()).toEqual([[1.5, 5]]);
    expect(bilinear(tensor([[1, 2]]), tensor([[3]]), ones([1, 2, 1])).toArray()).toEqual([[9]]);
  });

  test('leading axes are kept; a 1-D pair gives [O]', () => {
    const random = seededRandom(1);
    const w = randn([4, 3, 2], { random });
    expect(bilinear(randn([2, 5, 3], { random }), randn([2, 5, 2], { random }), w).shape).toEqual([2, 5, 4]);
    expect(bilinear(randn([3], { random }), randn([2], { random }), w).shape).toEqual([4]);
  });

  test('backward passes gradcheck, with and without leading axes', () => {
    const random = seededRandom(2);
    gradcheck((a: Tensor, b: Tensor, w: Tensor, bias: Tensor) => bilinear(a, b, w, bias), [leaf([4, 3], random), leaf([4, 2], random), leaf([5, 3, 2], random), leaf([5], random)]);
    gradcheck((a: Tensor, b: Tensor, w: Tensor) => bilinear(a, b, w), [leaf([2, 1, 2], random), leaf([2, 1, 3], random), leaf([1, 2, 3], random)]);
  });

  test('errors name the op and the shapes', () => {
    expect(() => bilinear(zeros([2, 3]), zeros([2, 2]), zeros([4, 3, 3]))).toThrow(/bilinear: inputs \[2,3\] and \[2,2\] must be \[\*, 3\] and \[\*, 3\] with the same leading axes, for weight \[4,3,3\]/);
    expect(() => bilinear(zeros([2, 3]), zeros([3, 2]), zeros([4, 3, 2]))).toThrow(/same leading axes/);
    expect(() => bilinear(zeros([2, 3]), zeros([2, 2]), zeros([4, 3, 2]), zeros([3]))).toThrow(/bias must have shape \[4\]/);
    expect(() => bilinear(zeros([2, 3]), zeros([2, 2]), zeros([3, 2]))).toThrow(/weight must be 3-D/);
  });
});
