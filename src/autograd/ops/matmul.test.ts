import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { eye, randn, tensor } from '../creation.js';
import { enableGrad, noGrad } from '../function.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import { useKernels } from '../backends/index.js';
import { cpuKernels } from '../backends/cpu/index.js';
import { broadcastShapes, fmt, sizeOf, stridesOf, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul } from './elementwise.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });

/**
 * The textbook triple loop with PyTorch's rules spelled out: 1-D arguments become a row /
 * column, batch axes broadcast, and the added axes are dropped from the result.
 */
function naiveMatmul(a: Tensor, b: Tensor): { shape: number[]; values: number[] } {
  const aShape = a.ndim === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bShape = b.ndim === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const [m, k] = aShape.slice(-2) as [number, number];
  const n = bShape[bShape.length - 1]!;
  const batch = broadcastShapes(aShape.slice(0, -2), bShape.slice(0, -2), 'naive');
  const aStrides = stridesOf(aShape);
  const bStrides = stridesOf(bShape);
  /** Offset of batch index `idx` in an operand whose batch shape is `own` (broadcast on the left and where size 1). */
  const batchOffset = (idx: number[], own: number[], strides: number[]): number => {
    let offset = 0;
    own.forEach((d, i) => (offset += (d === 1 ? 0 : idx[idx.length - own.length + i]!) * strides[i]!));
    return offset;
  };
  const values: number[] = [];
  for (let flat = 0; flat < sizeOf(batch); flat++) {
    const idx = batch.map((_, i) => Math.floor(flat / sizeOf(batch.slice(i + 1))) % batch[i]!);
    const aOff = batchOffset(idx, aShape.slice(0, -2), aStrides);
    const bOff = batchOffset(idx, bShape.slice(0, -2), bStrides);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.storage[aOff + i * k + p]! * b.storage[bOff + p * n + j]!;
        values.push(s);
      }
    }
  }
  const shape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  return { shape, values };
}

describe('matmul forward', () => {
  test('matches a product worked out by hand', () => {
    // Worked out by hand: row 1 = [1·0 + 2·(−3) + 3·2, 1·1 + 2·2 + 3·1] = [0, 8],
    //                     row 2 = [4·0 + 5·(−3) + 6·2, 4·1 + 5·2 + 6·1] = [−3, 20].
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    const b = tensor([[0, 1], [-3, 2], [2, 1]]);
    const c = matmul(a, b);
    expect(c.shape).toEqual([2, 2]);
    expect(Array.from(c.storage)).toEqual([0, 8, -3, 20]);
    expect(a.matmul(b).toArray()).toEqual([[0, 8], [-3, 20]]);
  });

  test('the JSDoc example prints what it says', () => {
    expect(matmul(eye(2), tensor([[1, 2], [3, 4]])).toArray()).toEqual([[1, 2], [3, 4]]);
  });

  test('1-D arguments: dot product, row times matrix, matrix times column (added axes dropped)', () => {
    const dot = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(dot.shape).toEqual([]);
    expect(dot.item()).toBe(32);
    expect(matmul(tensor([1, 2]), tensor([[1, 2, 3], [4, 5, 6]])).toArray()).toEqual([9, 12, 15]);
    expect(matmul(tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 0, -1])).toArray()).toEqual([-2, -2]);
    expect(matmul(tensor([1, 2]), randn([3, 2, 4])).shape).toEqual([3, 4]);
    expect(matmul(randn([3, 4, 2]), tensor([1, 2])).shape).toEqual([3, 4]);
  });

  test('batch axes broadcast as in PyTorch', () => {
    expect(matmul(randn([2, 1, 3, 4]), randn([5, 4, 2])).shape).toEqual([2, 5, 3, 2]);
    expect(matmul(randn([3, 4]), randn([2, 4, 5])).shape).toEqual([2, 3, 5]);
    expect(matmul(randn([1, 2, 3]), randn([4, 3, 2])).shape).toEqual([4, 2, 2]);
    expect(matmul(randn([0, 2, 3]), randn([3, 2])).shape).toEqual([0, 2, 2]);
  });

  test('promotes dtypes: int32 · int32 stays int32, a float operand wins', () => {
    const i = tensor([[1, 2]], { dtype: 'int32' });
    expect(matmul(i, tensor([[3], [4]], { dtype: 'int32' })).dtype).toBe('int32');
    expect(matmul(i, tensor([[3], [4]], { dtype: 'int32' })).item()).toBe(11);
    const mixed = matmul(i, tensor([[0.5], [4]], { dtype: 'float64' }));
    expect(mixed.dtype).toBe('float64');
    expect(mixed.item()).toBe(8.5);
    expect(matmul(tensor([[1]]), tensor([[2]], { dtype: 'float64' })).dtype).toBe('float64');
  });

  test('property: equals a naive triple loop in float64 on random batched shapes', () => {
    const size = fc.integer({ min: 1, max: 4 });
    const batchAxis = fc.integer({ min: 1, max: 3 });
    const args = fc.record({
      m: size, k: size, n: size,
      // Batch axes of each side, then some of them knocked down to 1 to broadcast.
      batch: fc.array(batchAxis, { maxLength: 2 }),
      onesA: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
      onesB: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
      dropA: fc.nat({ max: 2 }), dropB: fc.nat({ max: 2 }),
      vectorA: fc.boolean(), vectorB: fc.boolean(),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(args, ({ m, k, n, batch, onesA, onesB, dropA, dropB, vectorA, vectorB, seed }) => {
        const random = seededRandom(seed);
        const batchA = batch.map((d, i) => (onesA[i] ? 1 : d)).slice(Math.min(dropA, batch.length));
        const batchB = batch.map((d, i) => (onesB[i] ? 1 : d)).slice(Math.min(dropB, batch.length));
        const aShape = vectorA ? [k] : [...batchA, m, k];
        const bShape = vectorB ? [k] : [...batchB, k, n];
        const a = randn(aShape, { dtype: 'float64', random });
        const b = randn(bShape, { dtype: 'float64', random });
        const expected = naiveMatmul(a, b);
        const c = matmul(a, b);
        expect(c.shape).toEqual(expected.shape);
        const got = Array.from(c.storage);
        expected.values.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('matmul backward', () => {
  test('dA = dC·Bᵀ and dB = Aᵀ·dC on the hand-worked example', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64', requiresGrad: true });
    const b = tensor([[0, 1], [-3, 2], [2, 1]], { dtype: 'float64', requiresGrad: true });
    matmul(a, b).sum().backward();
    // dC is all ones: dA[i][p] = Σ_j B[p][j] (row sums of B), dB[p][j] = Σ_i A[i][p] (column sums of A).
    expect(a.grad!.toArray()).toEqual([[1, -1, 3], [1, -1, 3]]);
    expect(b.grad!.toArray()).toEqual([[5, 5], [7, 7], [9, 9]]);
  });

  test('passes gradcheck on 1-D and 2-D shapes (size-1 axes, non-square)', () => {
    const random = seededRandom(30);
    gradcheck(matmul, [leaf([3], random), leaf([3], random)]); // dot product
    gradcheck(matmul, [leaf([3], random), leaf([3, 2], random)]); // 1-D · 2-D
    gradcheck(matmul, [leaf([2, 3], random), leaf([3], random)]); // 2-D · 1-D
    for (const [m, k, n] of [[1, 1, 1], [2, 3, 4], [5, 1, 3], [1, 4, 1]] as const) {
      gradcheck(matmul, [leaf([m, k], random), leaf([k, n], random)]);
    }
  });

  test('passes gradcheck on batched 3-D and 4-D shapes with broadcast batch axes', () => {
    const random = seededRandom(31);
    gradcheck(matmul, [leaf([2, 3, 4], random), leaf([2, 4, 2], random)]);
    gradcheck(matmul, [leaf([2, 1, 3, 4], random), leaf([5, 4, 2], random)]);
    gradcheck(matmul, [leaf([3, 4], random), leaf([2, 4, 5], random)]); // a broadcast over the batch
    gradcheck(matmul, [leaf([1, 2, 3], random), leaf([3, 3, 2], random)]);
    gradcheck(matmul, [leaf([2, 1, 2, 3], random), leaf([1, 3, 3, 1], random)]);
    gradcheck(matmul, [leaf([4], random), leaf([2, 4, 3], random)]); // 1-D · 3-D
    gradcheck(matmul, [leaf([2, 3, 4], random), leaf([4], random)]); // 3-D · 1-D
  });

  test('a batched A times a plain matrix (a Linear on a sequence) runs as single 2-D products, forward and backward', () => {
    const random = seededRandom(34);
    const calls: string[] = [];
    const previous = useKernels({ ...cpuKernels, matmul: (x, y) => { calls.push(`${fmt(x.shape)}·${fmt(y.shape)}`); return cpuKernels.matmul(x, y); } });
    try {
      const a = leaf([2, 3, 4, 5], random);
      const b = leaf([5, 6], random);
      const c = matmul(a, b);
      expect(c.shape).toEqual([2, 3, 4, 6]);
      sum(c).backward();
      expect(calls).toEqual(['[24,5]·[5,6]', '[24,6]·[6,5]', '[5,24]·[24,6]']); //           C, dA = dC·Bᵀ, dB = Aᵀ·dC
      expect(matmul(randn([0, 3, 4]), randn([4, 2])).shape).toEqual([0, 3, 2]);
    } finally {
      useKernels(previous);
    }
    gradcheck(matmul, [leaf([2, 3, 4, 5], random), leaf([5, 6], random)]);
    gradcheck(matmul, [leaf([3, 1, 2], random), leaf([2, 1], random)]);
  });

  test('a broadcast operand gets a gradient of its own shape, summed over the batch', () => {
    const a = tensor([[1, 2]], { dtype: 'float64', requiresGrad: true }); // [1, 2], fed to 3 batches
    const b = tensor([[[1], [0]], [[0], [1]], [[1], [1]]], { dtype: 'float64', requiresGrad: true }); // [3, 2, 1]
    matmul(a, b).sum().backward();
    expect(a.grad!.shape).toEqual([1, 2]);
    expect(a.grad!.toArray()).toEqual([[2, 2]]); // Σ over the batch of Bᵀ rows: [1,0] + [0,1] + [1,1]
    expect(b.grad!.toArray()).toEqual([[[1], [2]], [[1], [2]], [[1], [2]]]);
  });

  test('only the inputs that require grad get one; x·x adds both contributions', () => {
    const random = seededRandom(32);
    const w = randn([3, 2], { dtype: 'float64', random });
    gradcheck((x) => matmul(x, w), [leaf([4, 3], random)]);
    gradcheck((x) => matmul(w, x), [leaf([2, 3], random)]);
    gradcheck((x) => matmul(x, x), [leaf([3, 3], random)]);
    gradcheck((x) => matmul(x, x), [leaf([2, 3, 3], random)]);
    const x = leaf([2, 3], random);
    matmul(x, w).sum().backward();
    expect(w.grad).toBeNull();
    expect(x.grad!.shape).toEqual([2, 3]);
  });

  test('is twice differentiable: the gradient of Σ w ⊙ (A·B)² passes gradcheck', () => {
    const random = seededRandom(33);
    const b = randn([2, 3, 2], { dtype: 'float64', random });
    const w = randn([2, 4, 2], { dtype: 'float64', random });
    // gradcheck evaluates fn under noGrad too, so we switch recording back on (enableGrad).
    const gradOf = (a: Tensor): Tensor => enableGrad(() => {
      const previous = a.grad;
      a.grad = null;
      const c = matmul(a, b);
      sum(mul(mul(c, c), w)).backward(undefined, { createGraph: true });
      const g = a.grad!;
      a.grad = previous;
      return g;
    });
    gradcheck(gradOf, [leaf([4, 3], random)]);
    expect(noGrad(() => gradOf(leaf([4, 3], random))).shape).toEqual([4, 3]);
  });
});

describe('matmul errors', () => {
  test('name the op and both shapes', () => {
    expect(() => matmul(randn([32, 784]), randn([128, 10]))).toThrow(/matmul: cannot multiply \[32,784\] by \[128,10\]/);
    expect(() => matmul(randn([3]), randn([4]))).toThrow(/matmul: cannot multiply \[3\] by \[4\]/);
    expect(() => matmul(randn([2, 3]), randn([2]))).toThrow(/matmul: cannot multiply \[2,3\] by \[2\]/);
    expect(() => matmul(randn([2, 3, 4]), randn([5, 4, 2]))).toThrow(/matmul: batch axes of \[2,3,4\] and \[5,4,2\]: shapes \[2\] and \[5\] cannot be broadcast together/);
    expect(() => matmul(tensor(2), randn([2]))).toThrow(/matmul: both arguments need at least one dimension, got \[\] and \[2\]/);
    expect(() => matmul(randn([2]), 3 as unknown as Tensor)).toThrow(/matmul: second argument must be a Tensor, got number/);
  });
});
