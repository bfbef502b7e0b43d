import { describe, expect, test } from 'vitest';
import { randn, tensor, zeros } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import { bincount, scatter, scatterAdd } from './scatter.js';

const random = seededRandom(31);
const leaf = (shape: readonly number[]) => randn(shape, { dtype: 'float64', random, requiresGrad: true });
const int = (values: number[] | number[][]) => tensor(values, { dtype: 'int32' });

describe('scatterAdd and scatter (worked out by hand)', () => {
  test('scatterAdd accumulates repeated positions; src larger than index reads only its covered part', () => {
    expect(scatterAdd(zeros([3]), 0, int([0, 2, 0]), tensor([1, 2, 3])).toArray()).toEqual([4, 0, 2]);
    const x = tensor([[1, 1, 1], [1, 1, 1]]);
    const src = tensor([[10, 20, 30], [40, 50, 60]]);
    expect(scatterAdd(x, 1, int([[2], [0]]), src).toArray()).toEqual([[1, 1, 11], [41, 1, 1]]);
    expect(scatterAdd(x, 0, int([[1, 0, 1]]), src).toArray()).toEqual([[1, 21, 1], [11, 1, 31]]);
  });

  test('scatter overwrites, with a tensor or a number; repeats are refused', () => {
    expect(scatter(zeros([2, 3]), 1, int([[2], [0]]), 5).toArray()).toEqual([[0, 0, 5], [5, 0, 0]]);
    const src = tensor([[10, 20], [30, 40]]);
    expect(scatter(tensor([[1, 1, 1], [1, 1, 1]]), 1, int([[2, 0], [1, 2]]), src).toArray()).toEqual([[20, 1, 10], [1, 30, 40]]);
    expect(() => scatter(zeros([3]), 0, int([1, 1]), tensor([1, 2]))).toThrow(
      new RangeError('scatter: index [2] sends 2 values to one place along axis 0, where PyTorch leaves the winner undefined; use scatterAdd, or an index without repeats'),
    );
  });

  test('operands are checked: ranks, dtypes, sizes, index range', () => {
    expect(() => scatterAdd(zeros([3]), 0, int([[0]]), zeros([1, 1]))).toThrow(/scatterAdd: the input \[3\], index \[1,1\] and src \[1,1\] must have the same number of dimensions/);
    expect(() => scatterAdd(zeros([3]), 0, int([0]), zeros([1], { dtype: 'float64' }))).toThrow(/scatterAdd: src is float64 but the input is float32/);
    expect(() => scatterAdd(zeros([3]), 0, int([0, 1]), zeros([1]))).toThrow(/scatterAdd: index \[2\] is larger than src \[1\]/);
    expect(() => scatterAdd(zeros([3]), 0, int([3]), zeros([1]))).toThrow(/index 3 is out of bounds for axis 0 with size 3/);
    expect(() => scatter(zeros([3]), 0, tensor([0]), 1)).toThrow(/scatter: index must be int32, got float32/);
  });

  test('gradients: dX = dY (or dY where nothing landed), dSrc = gather(dY, index); gradcheck', () => {
    const index = int([[0, 2], [1, 1], [2, 0]]);
    gradcheck((x, src) => scatterAdd(x, 1, index, src), [leaf([3, 3]), leaf([3, 4])]);
    const once = int([[0, 2], [1, 0], [2, 1]]);
    gradcheck((x, src) => scatter(x, 1, once, src), [leaf([3, 3]), leaf([3, 2])]);
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const src = tensor([7, 8], { dtype: 'float64', requiresGrad: true });
    scatter(x, 0, int([2, 0]), src).backward(tensor([10, 20, 30], { dtype: 'float64' }));
    expect([x.grad!.toArray(), src.grad!.toArray()]).toEqual([[0, 20, 0], [30, 10]]);
  });
});

describe('bincount', () => {
  test('counts, weights, minlength, empty input (as torch.bincount)', () => {
    expect(bincount(int([0, 1, 1, 3])).toArray()).toEqual([1, 2, 0, 1]);
    expect(bincount(int([0, 1, 1, 3])).dtype).toBe('int32');
    const weighted = bincount(int([0, 1, 1, 3]), tensor([0.5, 1, 1, 2], { dtype: 'float64' }));
    expect([weighted.dtype, weighted.toArray()]).toEqual(['float64', [0.5, 2, 0, 2]]);
    expect(bincount(int([1]), null, 4).toArray()).toEqual([0, 1, 0, 0]);
    expect(bincount(int([]), null, 2).toArray()).toEqual([0, 0]);
    expect(() => bincount(int([1, -1]))).toThrow(/bincount: the input must be non-negative, got -1/);
    expect(() => bincount(tensor([1]))).toThrow(/bincount: input must be int32, got float32/);
  });
});
