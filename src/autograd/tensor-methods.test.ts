/**
 * The fluent methods added with the PyTorch-shaped ops: each one is its function with the tensor
 * first (values worked out by hand), and the in-place ones return the same tensor.
 */
import { describe, expect, test } from 'vitest';
import { arange, tensor, zeros } from './creation.js';
import { seededRandom } from './random.js';

const int = (values: number[] | number[][]) => tensor(values, { dtype: 'int32' });

describe('fluent methods', () => {
  test('max/min along a dim, amax/amin, sort, argsort, topk, cumsum, cumprod, norm', () => {
    const x = tensor([[3, 1, 2], [0, 5, 4]]);
    expect(x.max().item()).toBe(5);
    expect(x.max(1).indices.toArray()).toEqual([0, 1]);
    expect(x.min(0, true).values.toArray()).toEqual([[0, 1, 2]]);
    expect(x.amax(1).toArray()).toEqual([3, 5]);
    expect(x.amin([0, 1]).item()).toBe(0);
    expect(x.sort().values.toArray()).toEqual([[1, 2, 3], [0, 4, 5]]);
    expect(x.argsort(1, true).toArray()).toEqual([[0, 2, 1], [1, 2, 0]]);
    expect(x.topk(1).values.toArray()).toEqual([[3], [5]]);
    expect(x.cumsum(1).toArray()).toEqual([[3, 4, 6], [0, 5, 9]]);
    expect(x.cumprod(0).toArray()).toEqual([[3, 1, 2], [0, 5, 8]]);
    expect(tensor([3, 4]).norm().item()).toBe(5);
    expect(x.norm(1).item()).toBe(6);
  });

  test('flip, roll, repeat, tile, maskedFill, tril, triu', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(x.flip(0).toArray()).toEqual([[3, 4], [1, 2]]);
    expect(x.roll(1, 1).toArray()).toEqual([[2, 1], [4, 3]]);
    expect(x.repeat([1, 2]).toArray()).toEqual([[1, 2, 1, 2], [3, 4, 3, 4]]);
    expect(x.tile([2]).toArray()).toEqual([[1, 2, 1, 2], [3, 4, 3, 4]]);
    expect(x.maskedFill(int([[0, 1], [1, 0]]), 0).toArray()).toEqual([[1, 0], [0, 4]]);
    expect(x.tril().toArray()).toEqual([[1, 0], [3, 4]]);
    expect(x.triu(1).toArray()).toEqual([[0, 2], [0, 0]]);
  });

  test('scatter, scatterAdd, nonzero, unique, bincount, multinomial, isclose, allclose', () => {
    expect(zeros([3]).scatter(0, int([2]), 7).toArray()).toEqual([0, 0, 7]);
    expect(zeros([3]).scatterAdd(0, int([1, 1]), tensor([2, 3])).toArray()).toEqual([0, 5, 0]);
    expect(tensor([0, 2, 0, 3]).nonzero().toArray()).toEqual([[1], [3]]);
    expect(tensor([2, 1, 2]).unique().toArray()).toEqual([1, 2]);
    expect(tensor([2, 1, 2]).unique({ returnCounts: true }).counts.toArray()).toEqual([1, 2]);
    expect(int([1, 1, 3]).bincount().toArray()).toEqual([0, 2, 0, 1]);
    expect(tensor([0, 0, 1]).multinomial(2, { replacement: true, random: seededRandom(0) }).toArray()).toEqual([2, 2]);
    expect(tensor([1, 2]).isclose(tensor([1, 3])).toArray()).toEqual([1, 0]);
    expect(tensor([1, 2]).allclose(tensor([1, 2]))).toBe(true);
  });

  test('in place: each returns the tensor itself', () => {
    const x = arange(4, undefined, 1, { dtype: 'float32' });
    expect(x.add_(1)).toBe(x);
    expect(x.sub_(tensor([1, 1, 1, 1]), 2).mul_(2).div_(4).toArray()).toEqual([-0.5, 0, 0.5, 1]);
    expect(x.clamp_(0, 0.75).toArray()).toEqual([0, 0, 0.5, 0.75]);
    expect(x.fill_(3).toArray()).toEqual([3, 3, 3, 3]);
    expect(x.copy_(tensor([9])).toArray()).toEqual([9, 9, 9, 9]);
    expect(x.zero_().toArray()).toEqual([0, 0, 0, 0]);
  });
});
