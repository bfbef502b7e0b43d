import { describe, expect, test } from 'vitest';
import { randn, tensor } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import { cumprod, cumsum } from './cumulative.js';

const random = seededRandom(23);
const leaf = (shape: readonly number[]) => randn(shape, { dtype: 'float64', random, requiresGrad: true });
const f64 = (values: number[], requiresGrad = true) => tensor(values, { dtype: 'float64', requiresGrad });

describe('cumsum and cumprod (worked out by hand)', () => {
  test('along each axis, negative dims, int32 kept', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(cumsum(x, 1).toArray()).toEqual([[1, 3, 6], [4, 9, 15]]);
    expect(cumsum(x, 0).toArray()).toEqual([[1, 2, 3], [5, 7, 9]]);
    expect(cumprod(x, -1).toArray()).toEqual([[1, 2, 6], [4, 20, 120]]);
    expect(cumprod(x, -2).toArray()).toEqual([[1, 2, 3], [4, 10, 18]]);
    const i = tensor([3, -1, 4], { dtype: 'int32' });
    expect([cumsum(i, 0).dtype, cumsum(i, 0).toArray()]).toEqual(['int32', [3, 2, 6]]);
    expect(cumsum(tensor(5), 0).item()).toBe(5);
  });

  test('an int32 result int32 cannot hold is refused, never wrapped', () => {
    expect(() => cumsum(tensor([2e9, 2e9], { dtype: 'int32' }), 0)).toThrow(/^cumsum: 4000000000 \(element 1\) cannot be stored as int32/);
    expect(() => cumprod(tensor([65536, 65536], { dtype: 'int32' }), 0)).toThrow(/^cumprod: 4294967296 \(element 1\)/);
  });

  test('cumsum backward is a cumsum from the end (by hand), and passes gradcheck', () => {
    const x = f64([1, 2, 3]);
    cumsum(x, 0).backward(f64([1, 10, 100], false));
    expect(x.grad!.toArray()).toEqual([111, 110, 100]);
    gradcheck((t) => cumsum(t, 1), [leaf([3, 4])]);
    gradcheck((t) => cumsum(t, 0), [leaf([5, 1, 2])]);
  });

  test('cumprod passes gradcheck without zeros, with one zero and with two', () => {
    gradcheck((t) => cumprod(t, -1), [leaf([2, 5])]);
    gradcheck((t) => cumprod(t, 0), [leaf([4, 3])]);
    gradcheck((t) => cumprod(t, 0), [f64([2, 0, 3, 0.5])]);
    gradcheck((t) => cumprod(t, 1), [tensor([[0, 0, 2, 1.5], [1, -2, 0, 3]], { dtype: 'float64', requiresGrad: true })]);
    // y = [2, 0, 0]: dX_1 = dY_1·x_0 + dY_2·x_0·x_2 = 1·2 + 1·2·3 = 8 (worked out by hand)
    const x = f64([2, 0, 3]);
    cumprod(x, 0).backward(f64([1, 1, 1], false));
    expect(x.grad!.toArray()).toEqual([1, 8, 0]);
  });
});
