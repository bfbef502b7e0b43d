import { describe, expect, test } from 'vitest';
import { randn, tensor } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import { argsort, sort, topk } from './sort.js';

const random = seededRandom(17);
const leaf = (shape: readonly number[]) => randn(shape, { dtype: 'float64', random, requiresGrad: true });

describe('sort and argsort (worked out by hand)', () => {
  test('along the last axis by default, and along axis 0; descending', () => {
    const x = tensor([[3, 1, 2], [0, 5, 4]]);
    expect(sort(x).values.toArray()).toEqual([[1, 2, 3], [0, 4, 5]]);
    expect(sort(x).indices.toArray()).toEqual([[1, 2, 0], [0, 2, 1]]);
    expect(sort(x, 0).values.toArray()).toEqual([[0, 1, 2], [3, 5, 4]]);
    expect(sort(x, 0).indices.toArray()).toEqual([[1, 0, 0], [0, 1, 1]]);
    expect(sort(x, 1, true).values.toArray()).toEqual([[3, 2, 1], [5, 4, 0]]);
    expect(argsort(x, -1, true).toArray()).toEqual([[0, 2, 1], [1, 2, 0]]);
    expect(sort(x).indices.dtype).toBe('int32');
    expect(sort(tensor([2, 1], { dtype: 'int32' })).values.toArray()).toEqual([1, 2]);
  });

  test('stable: equal values keep their order, ascending and descending', () => {
    const x = tensor([1, 0, 1, 0, 1]);
    expect(argsort(x).toArray()).toEqual([1, 3, 0, 2, 4]);
    expect(argsort(x, 0, true).toArray()).toEqual([0, 2, 4, 1, 3]);
  });

  test('NaN sorts as the largest value (last, first descending) as in PyTorch; -0 ties with 0', () => {
    const x = tensor([2, Number.NaN, -1, 0, -0]);
    expect(argsort(x).toArray()).toEqual([2, 3, 4, 0, 1]);
    expect(argsort(x, 0, true).toArray()).toEqual([1, 0, 3, 4, 2]);
  });

  test('a 0-d tensor sorts to itself, with index 0; an axis out of range names the op', () => {
    expect(sort(tensor(4)).values.item()).toBe(4);
    expect(sort(tensor(4)).indices.shape).toEqual([]);
    expect(() => sort(tensor([1, 2]), 1)).toThrow(/^sort: axis 1 is out of range for a tensor with 1 dimensions$/);
  });

  test('values pass gradcheck: each dY goes back to where its value came from', () => {
    gradcheck((t) => sort(t).values, [leaf([3, 4])]);
    gradcheck((t) => sort(t, 0, true).values, [leaf([5, 1, 2])]);
    const x = tensor([3, 1, 2], { dtype: 'float64', requiresGrad: true });
    sort(x).values.backward(tensor([10, 20, 30], { dtype: 'float64' }));
    expect(x.grad!.toArray()).toEqual([30, 10, 20]);
  });
});

describe('topk', () => {
  test('the k largest (or smallest), sorted, with their indices', () => {
    const x = tensor([[1, 5, 3, 4], [9, 2, 8, 0]]);
    expect(topk(x, 2).values.toArray()).toEqual([[5, 4], [9, 8]]);
    expect(topk(x, 2).indices.toArray()).toEqual([[1, 3], [0, 2]]);
    expect(topk(x, 1, 0, false).values.toArray()).toEqual([[1, 2, 3, 0]]);
    expect(topk(x, 3, 1, false).indices.toArray()).toEqual([[0, 2, 3], [3, 1, 2]]);
    expect(topk(x, 0).values.shape).toEqual([2, 0]);
  });

  test('k out of range is refused, naming the axis size', () => {
    expect(() => topk(tensor([1, 2, 3]), 4)).toThrow(new RangeError('topk: k must be an integer in [0, 3] (the size of axis 0 of [3]), got 4'));
    expect(() => topk(tensor([1, 2, 3]), 1.5)).toThrow(/topk: k must be an integer/);
  });

  test('values pass gradcheck', () => {
    gradcheck((t) => topk(t, 2).values, [leaf([3, 5])]);
    gradcheck((t) => topk(t, 3, 0, false).values, [leaf([4, 2])]);
  });
});
