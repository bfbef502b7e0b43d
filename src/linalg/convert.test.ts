import ndarray from 'ndarray';
import { describe, expect, test } from 'vitest';
import { tensor } from '../autograd/index.js';
import { fromNdarray, fromTensor, toNdarray, toTensor } from './convert.js';
import { Matrix } from './matrix.js';
import { svd } from './svd.js';

describe('conversions at the edge', () => {
  test('tensor → matrix → tensor keeps every value, and the tensor is float64', () => {
    const t = tensor([[1.5, -2], [3, 4.25]], { dtype: 'float32' });
    const m = fromTensor(t);
    expect(m.toArray()).toEqual([[1.5, -2], [3, 4.25]]);
    const back = toTensor(m);
    expect(back.dtype).toBe('float64');
    expect(back.shape).toEqual([2, 2]);
    expect(Array.from(back.dataSync())).toEqual([1.5, -2, 3, 4.25]);
    expect(() => fromTensor(tensor([1, 2, 3]))).toThrow(/expected a 2-D tensor, got shape \[3\]/);
  });

  test('a 2-D tensor goes straight into svd', () => {
    const t = tensor([[3, 0], [4, 5]], { dtype: 'float64' });
    expect(svd(t).S[0]).toBeCloseTo(Math.sqrt(45), 14);
  });

  test('ndarray views are read through their strides (a transposed view stays transposed)', () => {
    const nd = ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(fromNdarray(nd).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(fromNdarray(nd.transpose(1, 0)).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(fromNdarray(nd.hi(2, 2).lo(1, 1)).toArray()).toEqual([[5]]);
    const out = toNdarray(Matrix.from([[1, 2], [3, 4]]), ndarray);
    expect(out.shape).toEqual([2, 2]);
    expect(out.get(1, 0)).toBe(3);
    expect(() => fromNdarray(ndarray(new Float64Array(3), [3]))).toThrow(/expected a 2-D ndarray/);
  });
});
