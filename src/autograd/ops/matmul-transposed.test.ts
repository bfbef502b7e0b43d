import { describe, expect, test } from 'vitest';
import { randn, tensor } from '../creation.js';
import { enableGrad } from '../function.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import type { Tensor } from '../tensor.js';
import { matmul } from './matmul.js';
import { matmulTransposed } from './matmul-transposed.js';
import { transpose } from './shape.js';

const FLAGS = [[false, false], [false, true], [true, false], [true, true]] as const;

describe('matmulTransposed', () => {
  test('matches products worked out by hand, every operand plain and transposed', () => {
    // Worked out by hand: [[1, 2, 3], [4, 5, 6]] · [[0, 1], [-3, 2], [2, 1]] = [[0, 8], [-3, 20]];
    // the transposed cases store the same matrices transposed, so all four give that product.
    const a = [[1, 2, 3], [4, 5, 6]];
    const aT = [[1, 4], [2, 5], [3, 6]];
    const b = [[0, 1], [-3, 2], [2, 1]];
    const bT = [[0, -3, 2], [1, 2, 1]];
    for (const [transposeA, transposeB] of FLAGS) {
      const c = matmulTransposed(tensor(transposeA ? aT : a), tensor(transposeB ? bT : b), { transposeA, transposeB });
      expect(c.toArray(), `${transposeA} ${transposeB}`).toEqual([[0, 8], [-3, 20]]);
    }
  });

  test('the JSDoc example prints what it says', () => {
    expect(matmulTransposed(tensor([[1, 2]]), tensor([[3, 4]]), { transposeA: false, transposeB: true }).toArray()).toEqual([[11]]);
  });

  test('equals matmul of the materialised transposes in float32, on rectangular and size-1 shapes', () => {
    const random = seededRandom(2);
    for (const [m, k, n] of [[1, 1, 1], [3, 1, 4], [5, 7, 2], [17, 33, 9]] as const) {
      for (const [transposeA, transposeB] of FLAGS) {
        const a = randn(transposeA ? [k, m] : [m, k], { random });
        const b = randn(transposeB ? [n, k] : [k, n], { random });
        const want = matmul(transposeA ? transpose(a) : a, transposeB ? transpose(b) : b);
        const got = matmulTransposed(a, b, { transposeA, transposeB });
        expect(got.shape).toEqual([m, n]);
        got.storage.forEach((v, i) => expect(v).toBeCloseTo(want.storage[i]!, 4));
      }
    }
  });

  test('backward passes gradcheck for every pair of flags (float64), on a size-1 axis and non-square shapes', () => {
    const random = seededRandom(3);
    for (const [m, k, n] of [[1, 3, 2], [4, 2, 3], [2, 1, 5]] as const) {
      for (const [transposeA, transposeB] of FLAGS) {
        const a = randn(transposeA ? [k, m] : [m, k], { dtype: 'float64', random, requiresGrad: true });
        const b = randn(transposeB ? [n, k] : [k, n], { dtype: 'float64', random, requiresGrad: true });
        gradcheck((x: Tensor, y: Tensor) => matmulTransposed(x, y, { transposeA, transposeB }), [a, b]);
      }
    }
  });

  test('second derivatives pass gradcheck too (the backward is built of the same op)', () => {
    const random = seededRandom(4);
    for (const [transposeA, transposeB] of FLAGS) {
      const a = randn(transposeA ? [2, 3] : [3, 2], { dtype: 'float64', random, requiresGrad: true });
      const b = randn(transposeB ? [4, 2] : [2, 4], { dtype: 'float64', random, requiresGrad: true });
      const c = randn([3, 4], { dtype: 'float64', random });
      // The gradient of Σ c ⊙ C with respect to A, recorded, is itself checked (with respect to B).
      // (The inner backward must leave the leaves' .grad as it found them: gradcheck reads them.)
      gradcheck((x: Tensor, y: Tensor) => {
        const before = [x.grad, y.grad] as const;
        [x.grad, y.grad] = [null, null];
        enableGrad(() => matmulTransposed(x, y, { transposeA, transposeB })).backward(c, { createGraph: true });
        const g = x.grad!;
        [x.grad, y.grad] = before;
        return g;
      }, [a, b]);
    }
  });

  test('refuses non-matrices and mismatched inner sizes, naming the shapes', () => {
    expect(() => matmulTransposed(randn([2, 3, 4]), randn([4, 2]))).toThrow(/matmulTransposed: both arguments must be 2-D, got \[2,3,4\]/);
    expect(() => matmulTransposed(randn([2, 3]), randn([4, 2]), { transposeB: true })).toThrow(/cannot multiply \[2,3\] by \[4,2\]ᵀ \(inner sizes 3 and 2\)/);
  });
});
