import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { randint, randn, tensor } from '../../creation.js';
import { seededRandom } from '../../random.js';
import { broadcastShapes, sizeOf, stridesOf, type Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { matmul } from './matmul.js';

/** C[b, i, j] = Σ_p A[b, i, p] · B[b, p, j], batch b broadcast, in the textbook i-j-p order. */
function naive(a: Tensor, b: Tensor): { shape: number[]; values: number[] } {
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape[b.ndim - 1]!;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB, 'naive');
  const offset = (idx: readonly number[], own: Shape, matrix: number): number => {
    const strides = stridesOf(own);
    return own.reduce((acc, d, i) => acc + (d === 1 ? 0 : idx[idx.length - own.length + i]!) * strides[i]! * matrix, 0);
  };
  const values: number[] = [];
  const batchStrides = stridesOf(batch);
  for (let flat = 0; flat < sizeOf(batch); flat++) {
    const idx = batch.map((d, i) => Math.floor(flat / batchStrides[i]!) % d);
    const aOff = offset(idx, batchA, m * k);
    const bOff = offset(idx, batchB, k * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.storage[aOff + i * k + p]! * b.storage[bOff + p * n + j]!;
        values.push(s);
      }
    }
  }
  return { shape: [...batch, m, n], values };
}

describe('cpu matmul kernel', () => {
  test('multiplies the hand-worked example in every dtype', () => {
    // Worked out by hand: [[1,2,3],[4,5,6]] · [[0,1],[-3,2],[2,1]] = [[0,8],[-3,20]].
    for (const dtype of ['float32', 'float64', 'int32'] as const) {
      const c = matmul(tensor([[1, 2, 3], [4, 5, 6]], { dtype }), tensor([[0, 1], [-3, 2], [2, 1]], { dtype }));
      expect(c.dtype).toBe(dtype);
      expect(Array.from(c.storage)).toEqual([0, 8, -3, 20]);
    }
  });

  test('property: equals the naive triple loop on random batched shapes with broadcast batch axes', () => {
    const size = fc.integer({ min: 1, max: 5 });
    const args = fc.record({
      m: size, k: size, n: size,
      batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
      onesA: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      onesB: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      dropA: fc.nat({ max: 3 }), dropB: fc.nat({ max: 3 }),
      seed: fc.nat(),
    });
    fc.assert(fc.property(args, ({ m, k, n, batch, onesA, onesB, dropA, dropB, seed }) => {
      const random = seededRandom(seed);
      const a = randn([...batch.map((d, i) => (onesA[i] ? 1 : d)).slice(dropA), m, k], { dtype: 'float64', random });
      const b = randn([...batch.map((d, i) => (onesB[i] ? 1 : d)).slice(dropB), k, n], { dtype: 'float64', random });
      const expected = naive(a, b);
      const c = matmul(a, b);
      expect(c.shape).toEqual(expected.shape);
      const got = Array.from(c.storage);
      expected.values.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
    }), { seed: 42, numRuns: 200 });
  });

  test('int32 products are exact', () => {
    const random = seededRandom(60);
    const a = randint(-50, 50, [2, 3, 4], { random });
    const b = randint(-50, 50, [4, 5], { random });
    const c = matmul(a, b);
    expect(c.dtype).toBe('int32');
    expect(Array.from(c.storage)).toEqual(naive(a, b).values);
  });

  test('float32 rows accumulate in float64 and round once', () => {
    // In float32, 1e8 + 1 rounds back to 1e8 (the spacing there is 8), so a float32 running sum
    // of 1e8 + 1 − 1e8 gives 0; accumulated in float64 it is exactly 1.
    const c = matmul(tensor([[1e8, 1, -1e8]]), tensor([[1], [1], [1]]));
    expect(c.dtype).toBe('float32');
    expect(c.item()).toBe(1);
  });

  test('handles empty axes: zero rows, columns, batches, and k = 0 (a sum of nothing is 0)', () => {
    expect(matmul(randn([0, 3]), randn([3, 2])).shape).toEqual([0, 2]);
    expect(matmul(randn([2, 3]), randn([3, 0])).shape).toEqual([2, 0]);
    expect(matmul(randn([0, 2, 3]), randn([3, 2])).shape).toEqual([0, 2, 2]);
    expect(matmul(randn([2, 0]), randn([0, 3])).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  test('does not mutate its inputs', () => {
    const random = seededRandom(61);
    const a = randn([2, 1, 3, 4], { dtype: 'float64', random });
    const b = randn([5, 4, 2], { dtype: 'float64', random });
    const [aBefore, bBefore] = [Array.from(a.storage), Array.from(b.storage)];
    matmul(a, b);
    expect(Array.from(a.storage)).toEqual(aBefore);
    expect(Array.from(b.storage)).toEqual(bBefore);
  });
});
