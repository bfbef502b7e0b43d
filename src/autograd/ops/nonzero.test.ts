import { describe, expect, test } from 'vitest';
import { tensor, zeros } from '../creation.js';
import { nonzero, unique } from './nonzero.js';

describe('nonzero (worked out by hand)', () => {
  test('coordinates of the non-zero entries, row-major; any rank; none', () => {
    expect(nonzero(tensor([[1, 0], [0, 2]])).toArray()).toEqual([[0, 0], [1, 1]]);
    expect(nonzero(tensor([0, 3, 0, -1])).toArray()).toEqual([[1], [3]]);
    const x = zeros([2, 3, 2]).mutate((d) => { d[3] = 1; d[10] = Number.NaN; });
    expect(nonzero(x).toArray()).toEqual([[0, 1, 1], [1, 2, 0]]); // NaN is not zero
    expect(nonzero(zeros([2, 2])).shape).toEqual([0, 2]);
    expect(nonzero(tensor(3)).shape).toEqual([1, 0]);
    expect(nonzero(tensor(0)).shape).toEqual([0, 0]);
    expect(nonzero(tensor([5, 0], { dtype: 'int32' })).dtype).toBe('int32');
  });
});

describe('unique (worked out by hand)', () => {
  test('sorted distinct values of the flattened input', () => {
    expect(unique(tensor([3, 1, 3, 2])).toArray()).toEqual([1, 2, 3]);
    expect(unique(tensor([[2, 2], [2, 2]], { dtype: 'int32' })).toArray()).toEqual([2]);
    expect(unique(zeros([0])).shape).toEqual([0]);
  });

  test('inverse and counts', () => {
    const x = tensor([[3, 1], [3, 2]]);
    const { values, inverse, counts } = unique(x, { returnInverse: true, returnCounts: true });
    expect(values.toArray()).toEqual([1, 2, 3]);
    expect(inverse.toArray()).toEqual([[2, 0], [2, 1]]);
    expect(counts.toArray()).toEqual([1, 1, 2]);
    expect(values.indexSelect(0, inverse.reshape([4])).toArray()).toEqual([3, 1, 3, 2]); // values[inverse] rebuilds x
  });

  test('each NaN is its own value, sorted last', () => {
    const { values, counts } = unique(tensor([Number.NaN, 1, Number.NaN]), { returnCounts: true });
    expect(values.toArray()).toEqual([1, Number.NaN, Number.NaN]);
    expect(counts.toArray()).toEqual([1, 1, 1]);
  });
});
