import { describe, expect, test } from 'vitest';
import { arange, randn, tensor } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import { flip, roll } from './flip.js';

const random = seededRandom(29);
const leaf = (shape: readonly number[]) => randn(shape, { dtype: 'float64', random, requiresGrad: true });

describe('flip (worked out by hand)', () => {
  test('one axis, several, negative; a 0-d tensor is copied', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(flip(x, 1).toArray()).toEqual([[3, 2, 1], [6, 5, 4]]);
    expect(flip(x, 0).toArray()).toEqual([[4, 5, 6], [1, 2, 3]]);
    expect(flip(x, [0, -1]).toArray()).toEqual([[6, 5, 4], [3, 2, 1]]);
    expect(flip(tensor(3), 0).item()).toBe(3);
    expect(() => flip(x, 2)).toThrow(/^flip: axis 2 is out of range/);
  });

  test('backward flips dY back; gradcheck', () => {
    gradcheck((t) => flip(t, [0, 2]), [leaf([2, 3, 4])]);
  });
});

describe('roll (worked out by hand)', () => {
  test('forward, backward, wrapping, several dims, and the flattened roll', () => {
    expect(roll(tensor([1, 2, 3, 4]), 1, 0).toArray()).toEqual([4, 1, 2, 3]);
    expect(roll(tensor([1, 2, 3, 4]), -1, 0).toArray()).toEqual([2, 3, 4, 1]);
    expect(roll(tensor([1, 2, 3, 4]), 6, 0).toArray()).toEqual([3, 4, 1, 2]);
    const x = tensor([[1, 2], [3, 4]]);
    expect(roll(x, [1, -1], [0, 1]).toArray()).toEqual([[4, 3], [2, 1]]);
    expect(roll(x, 1).toArray()).toEqual([[4, 1], [2, 3]]); // no dims: flattened, rolled, reshaped
    expect(roll(arange(6).reshape([2, 3]), 0, 1).toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(() => roll(x, [1, 2], 0)).toThrow(/^roll: 2 shifts for 1 dims/);
  });

  test('backward rolls dY back; gradcheck', () => {
    gradcheck((t) => roll(t, [2, -1], [1, 0]), [leaf([3, 5])]);
    gradcheck((t) => roll(t, 4), [leaf([2, 3])]);
  });
});
