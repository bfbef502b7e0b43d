/**
 * maskedFill, tril and triu: values worked out by hand, gradcheck in float64 (broadcast masks,
 * batches of matrices, both signs of the diagonal), int32 inputs, and errors.
 */
import { describe, expect, test } from 'vitest';
import { ones, randn, tensor } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expectClose } from '../test-utils.js';
import { maskedFill, triangleMask, tril, triu } from './mask.js';
import { sum } from './reduce.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });
const int32 = (values: Parameters<typeof tensor>[0]): Tensor => tensor(values, { dtype: 'int32' });
const m3 = (): Tensor => tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], { dtype: 'float64' });

describe('maskedFill', () => {
  test('writes the value where the mask is non-zero, broadcasting the mask (worked out by hand)', () => {
    expectClose(maskedFill(m3(), int32([[0, 1, 0]]), -1), [[1, -1, 3], [4, -1, 6], [7, -1, 9]]);
    expectClose(maskedFill(m3(), int32([[1], [0], [0]]), -Infinity), [[-Infinity, -Infinity, -Infinity], [4, 5, 6], [7, 8, 9]]);
    expect(maskedFill(int32([1, 2]), int32([1, 0]), 7).toArray()).toEqual([7, 2]);
    expect(maskedFill(m3().to('float32'), int32([1, 0, 0]), 0).dtype).toBe('float32');
  });

  test('backward: gradcheck in float64; the filled elements get no gradient', () => {
    const random = seededRandom(1);
    const mask = int32([[1, 0, 1, 0]]);
    expect(gradcheck((x) => maskedFill(x!, mask, 5), [leaf([3, 4], random)])).toBe(true);
    expect(gradcheck((x) => maskedFill(x!, int32(1), 5).add(x!), [leaf([2], random)])).toBe(true);
    const x = leaf([2, 4], random);
    sum(maskedFill(x, mask, 0)).backward();
    expect(x.grad!.toArray()).toEqual([[0, 1, 0, 1], [0, 1, 0, 1]]);
  });

  test('errors name the op and the shapes', () => {
    expect(() => maskedFill(m3(), int32([1, 0]), 0)).toThrow(/maskedFill/);
    expect(() => maskedFill(m3(), int32([[[1, 0, 0]]]), 0)).toThrow(/mask \[1,1,3\] must broadcast to the input's shape \[3,3\]/);
    expect(() => maskedFill(int32([1]), int32([1]), 0.5)).toThrow(/cannot fill an int32 tensor \[1\] with 0.5/);
  });
});

describe('tril and triu', () => {
  test('keep j − i ≤ d (tril) or j − i ≥ d (triu), on the last two axes (worked out by hand)', () => {
    expectClose(tril(m3()), [[1, 0, 0], [4, 5, 0], [7, 8, 9]]);
    expectClose(tril(m3(), -1), [[0, 0, 0], [4, 0, 0], [7, 8, 0]]);
    expectClose(tril(m3(), 1), [[1, 2, 0], [4, 5, 6], [7, 8, 9]]);
    expectClose(triu(m3()), [[1, 2, 3], [0, 5, 6], [0, 0, 9]]);
    expectClose(triu(m3(), 1), [[0, 2, 3], [0, 0, 6], [0, 0, 0]]);
    expectClose(triu(m3(), -1), [[1, 2, 3], [4, 5, 6], [0, 8, 9]]);
    expect(triu(ones([2, 4], { dtype: 'int32' }), 2).toArray()).toEqual([[0, 0, 1, 1], [0, 0, 0, 1]]);
    expect(triangleMask(2, 3, 0, 'lower').toArray()).toEqual([[1, 0, 0], [1, 1, 0]]);
  });

  test('a batch of matrices: each is cut the same way', () => {
    const x = randn([2, 3, 3, 4], { dtype: 'float64', random: seededRandom(2) });
    const y = tril(x);
    const data = x.dataSync();
    const out = y.dataSync();
    for (let i = 0; i < data.length; i++) {
      const r = Math.floor(i / 4) % 3;
      const c = i % 4;
      expect(out[i]).toBe(c - r <= 0 ? data[i] : 0);
    }
  });

  test('backward: gradcheck in float64 (square, wide, tall, batched)', () => {
    const random = seededRandom(3);
    for (const shape of [[3, 3], [2, 5], [4, 2], [2, 3, 3]] as const) {
      for (const d of [-1, 0, 2]) {
        expect(gradcheck((x) => tril(x!, d), [leaf(shape, random)])).toBe(true);
        expect(gradcheck((x) => triu(x!, d), [leaf(shape, random)])).toBe(true);
      }
    }
  });

  test('errors', () => {
    expect(() => tril(tensor([1, 2]))).toThrow(/tril: input must have at least 2 dimensions, got \[2\]/);
    expect(() => triu(m3(), 0.5)).toThrow(/triu: diagonal must be an integer/);
  });
});
