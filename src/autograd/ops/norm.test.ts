import { describe, expect, test } from 'vitest';
import { randn, tensor, zeros } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import type { NestedArray } from '../tensor.js';
import { matrixNorm, norm, vectorNorm } from './norm.js';

const random = seededRandom(37);
const leaf = (shape: readonly number[]) => randn(shape, { dtype: 'float64', random, requiresGrad: true });
const f64 = (values: NestedArray, requiresGrad = false) => tensor(values, { dtype: 'float64', requiresGrad });

describe('vectorNorm (worked out by hand)', () => {
  test('p = 2, 1, 3, ∞, −∞, 0, over all axes or some, keepDim', () => {
    const x = f64([[3, -4], [0, 12]]);
    expect(vectorNorm(x).item()).toBe(13);
    expect(vectorNorm(x, 2, 1).toArray()).toEqual([5, 12]);
    expect(vectorNorm(x, 1, 0, true).toArray()).toEqual([[3, 16]]);
    expect(vectorNorm(f64([1, 2, 2]), 3).item()).toBeCloseTo(17 ** (1 / 3), 14);
    expect(vectorNorm(x, Infinity).item()).toBe(12);
    expect(vectorNorm(x, -Infinity, 1).toArray()).toEqual([3, 0]);
    expect(vectorNorm(x, 0).item()).toBe(3);
    expect(vectorNorm(f64([4, 0, 1]), 0.5).item()).toBe(9); // (2 + 0 + 1)²
  });

  test('gradients: gradcheck for several p; 0 at the zero vector and ties shared for ∞, as PyTorch', () => {
    for (const p of [2, 1, 3, 0.5, -1.5]) gradcheck((t) => vectorNorm(t, p, 1), [leaf([3, 4])], { atol: 1e-5, rtol: 1e-4 });
    gradcheck((t) => vectorNorm(t, 2, [0, 2], true), [leaf([2, 3, 2])]);
    const z = zeros([3], { dtype: 'float64', requiresGrad: true });
    vectorNorm(z).backward();
    expect(z.grad!.toArray()).toEqual([0, 0, 0]);
    const t = f64([1, -3, 3], true);
    vectorNorm(t, Infinity).backward();
    expect(t.grad!.toArray()).toEqual([0, -0.5, 0.5]); // torch: tensor([ 0.0000, -0.5000,  0.5000])
  });
});

describe('matrixNorm and norm (worked out by hand)', () => {
  const m = f64([[1, -2], [3, 4]]);
  test("'fro', 1, −1, ∞, −∞; batched; other axes", () => {
    expect(matrixNorm(m).item()).toBeCloseTo(Math.sqrt(30), 14);
    expect(matrixNorm(m, 1).item()).toBe(6); //          column sums 4, 6
    expect(matrixNorm(m, -1).item()).toBe(4);
    expect(matrixNorm(m, Infinity).item()).toBe(7); //   row sums 3, 7
    expect(matrixNorm(m, -Infinity).item()).toBe(3);
    const batch = f64([[[1, -2], [3, 4]], [[0, 1], [1, 0]]]);
    expect(matrixNorm(batch, 1).toArray()).toEqual([6, 1]);
    expect(matrixNorm(batch, Infinity, [0, 2], true).shape).toEqual([1, 2, 1]);
    expect(() => matrixNorm(m, 2)).toThrow(/matrixNorm: ord 2 needs singular values, which are not differentiable here; linalg.norm\(matrix, 2\) gives its value/);
    expect(() => matrixNorm(m, 'nuc')).toThrow(/linalg.norm\(matrix, 'nuc'\)/);
    expect(() => matrixNorm(f64([1, 2]))).toThrow(/at least 2 dimensions/);
  });

  test('gradients: gradcheck, and tied columns share the gradient as in PyTorch', () => {
    for (const ord of ['fro', 1, -1, Infinity, -Infinity] as const) gradcheck((t) => matrixNorm(t, ord), [leaf([2, 3, 4])]);
    const t = f64([[1, -3], [3, 1]], true);
    matrixNorm(t, 1).backward();
    expect(t.grad!.toArray()).toEqual([[0.5, -0.5], [0.5, 0.5]]); // torch.linalg.matrix_norm(t, 1).backward()
  });

  test('norm dispatches as torch.linalg.norm', () => {
    expect(norm(m).item()).toBeCloseTo(Math.sqrt(30), 14); //   no ord, no dim: 2-norm of everything
    expect(norm(m, 1).item()).toBe(6); //                       2-D with ord: the matrix norm
    expect(norm(f64([3, 4]), 1).item()).toBe(7); //             1-D with ord: the vector norm
    expect(norm(m, 1, 1).toArray()).toEqual([3, 7]); //         one axis: a vector norm
    expect(norm(m, Infinity, [1, 0]).item()).toBe(6); //        two axes: a matrix norm (rows and columns swapped)
    expect(() => norm(f64([[[1]]]), 2)).toThrow(/norm: with ord and without dim the input must be 1-D or 2-D, got \[1,1,1\]/);
    expect(() => norm(f64([1, 2]), 'fro', 0)).toThrow(/norm: ord 'fro' is a matrix norm/);
    expect(() => norm(tensor([1, 2], { dtype: 'int32' }))).toThrow(/norm: input must be float32 or float64, got int32/);
  });
});
