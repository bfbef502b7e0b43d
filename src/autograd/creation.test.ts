import { describe, expect, test } from 'vitest';
import { arange, eye, full, linspace, logspace, ones, onesLike, rand, randint, randn, tensor, zeros, zerosLike } from './creation.js';
import { manualSeed, seededRandom } from './random.js';

describe('creation', () => {
  test('from nested arrays, typed arrays and flat arrays with a shape', () => {
    expect(tensor([[1, 2], [3, 4]]).shape).toEqual([2, 2]);
    expect(tensor(new Float64Array([1, 2, 3, 4]), [2, 2]).dtype).toBe('float64');
    expect(tensor([1, 2, 3, 4, 5, 6], [3, 2]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(tensor([]).shape).toEqual([0]);
  });

  test('ragged input, wrong counts and bad shapes are refused', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged nested array/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/3 values cannot fill shape \[2,2\]/);
    expect(() => zeros([2, -1])).toThrow(/invalid shape \[2,-1\]/);
    expect(() => zeros([Number.NaN])).toThrow(/invalid shape/);
    expect(() => zeros([1.5])).toThrow(/invalid shape/);
    expect(() => zeros([2], { dtype: 'int8' as never })).toThrow(/unknown dtype 'int8'/);
  });

  test('fills, likes, eye', () => {
    expect(full([2], 7).toArray()).toEqual([7, 7]);
    expect(ones([2], { dtype: 'int32' }).toArray()).toEqual([1, 1]);
    expect(zerosLike(tensor([1.5], { dtype: 'float64' })).dtype).toBe('float64');
    expect(onesLike(tensor([[1, 2]])).toArray()).toEqual([[1, 1]]);
    expect(eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });

  test('arange and linspace', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(() => arange(0, 1, 0)).toThrow(/step must be a non-zero/);
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  test('logspace, as torch.logspace: base^linspace, ends included', () => {
    expect(logspace(0, 2, 3).toArray()).toEqual([1, 10, 100]);
    expect(logspace(0, 2, 3, 2).toArray()).toEqual([1, 2, 4]);
    expect(logspace(-1, 1, 3, 10, { dtype: 'float64' }).toArray()).toEqual([0.1, 1, 10]);
    expect(logspace(0, 3, 4, 10, { dtype: 'int32' }).toArray()).toEqual([1, 10, 100, 1000]);
    expect(logspace(1, 1, 1).toArray()).toEqual([10]);
    expect(logspace(0, 1, 0).shape).toEqual([0]);
    expect(() => logspace(0, 10, 2, 10, { dtype: 'int32' })).toThrow(/logspace: 10000000000 cannot be stored as int32/);
  });

  test('the same seed gives the same numbers; manualSeed resets the global generator', () => {
    expect(randn([5], { random: seededRandom(7) }).toArray()).toEqual(randn([5], { random: seededRandom(7) }).toArray());
    manualSeed(3);
    const first = rand([4]).toArray();
    manualSeed(3);
    expect(rand([4]).toArray()).toEqual(first);
  });

  test('random draws have the right moments and ranges', () => {
    const n = randn([20000], { dtype: 'float64', random: seededRandom(1) });
    expect(Math.abs(n.mean().item())).toBeLessThan(0.03);
    expect(Math.abs(n.std().item() - 1)).toBeLessThan(0.03);
    const u = rand([20000], { random: seededRandom(2) });
    expect(u.min().item()).toBeGreaterThanOrEqual(0);
    expect(u.max().item()).toBeLessThan(1);
    const r = randint(-2, 3, [1000], { random: seededRandom(3) });
    expect(r.dtype).toBe('int32');
    expect(r.min().item()).toBe(-2);
    expect(r.max().item()).toBe(2);
    expect(() => randint(3, 3, [2])).toThrow(/low < high/);
    expect(() => randn([2], { dtype: 'int32' })).toThrow(/randn: dtype must be float32 or float64/);
  });
});
