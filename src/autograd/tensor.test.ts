import { describe, expect, test } from 'vitest';
import { Tensor } from './tensor.js';
import { tensor, zeros, arange, randn } from './creation.js';
import { seededRandom } from './random.js';

describe('Tensor', () => {
  test('the typed array follows the dtype', () => {
    expect(tensor([1, 2]).storage).toBeInstanceOf(Float32Array);
    expect(tensor([1, 2], { dtype: 'float64' }).storage).toBeInstanceOf(Float64Array);
    expect(tensor([1, 2], { dtype: 'int32' }).storage).toBeInstanceOf(Int32Array);
  });

  test('shape, numel, size, dim, ndim, item, toArray, tolist', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.numel()).toBe(6);
    expect(t.size()).toEqual([2, 3]);
    expect([t.size(0), t.size(1), t.size(-1), t.size(-2)]).toEqual([2, 3, 3, 2]);
    expect(() => t.size(2)).toThrow(new RangeError('size: dim 2 is out of range for a tensor of shape [2,3] (expected -2…1)'));
    expect(() => tensor(7).size(0)).toThrow(/size: dim 0 is out of range for a tensor of shape \[\]/);
    expect(tensor(7).size()).toEqual([]);
    expect(t.dim()).toBe(2);
    expect(tensor(7).dim()).toBe(0);
    expect(t.ndim).toBe(2);
    expect(t.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor(7).tolist()).toBe(7);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tensor(7).item()).toBe(7);
    expect(tensor(7).shape).toEqual([]);
    expect(() => t.item()).toThrow(/item: only a tensor with one element has an item, got shape \[2,3\]/);
  });

  test('the shape is frozen', () => {
    const t = zeros([2, 2]);
    expect(() => (t.shape as number[]).push(1)).toThrow();
  });

  test('the constructor refuses data that does not fill the shape', () => {
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(/5 values cannot fill shape \[2,3\] \(needs 6\)/);
  });

  test('dataSync and data return copies', async () => {
    const t = tensor([1, 2, 3]);
    const copy = t.dataSync();
    copy[0] = 99;
    expect(t.toArray()).toEqual([1, 2, 3]);
    expect(Array.from(await t.data())).toEqual([1, 2, 3]);
  });

  test('detach shares values but leaves the graph; clone copies and stays in it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.creator).toBeNull();
    const c = x.clone();
    expect(c.creator?.name).toBe('Clone');
    c.sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 1]);
  });

  test('to(dtype) converts and is differentiable between float dtypes', () => {
    const x = tensor([1.5, -2.5], { requiresGrad: true });
    const y = x.to('float64');
    expect(y.dtype).toBe('float64');
    y.mul(y).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(x.grad!.toArray()).toEqual([3, -5]);
    expect(tensor([1.7, -1.7]).to('int32').toArray()).toEqual([1, -1]); // toward zero, as PyTorch
  });

  test('only float tensors may require grad', () => {
    expect(() => tensor([1], { dtype: 'int32' }).requiresGrad_()).toThrow(/only float32\/float64 tensors can require gradients, got int32/);
  });

  test('methods and functions agree', () => {
    const a = randn([3, 4], { random: seededRandom(1) });
    const b = randn([4], { random: seededRandom(2) });
    expect(a.add(b).mul(2).exp().sum(1).toArray()).toEqual(a.add(b).mul(2).exp().sum([1]).toArray());
    expect(a.matmul(b.reshape([4, 1])).shape).toEqual([3, 1]);
    expect(a.transpose().shape).toEqual([4, 3]);
  });

  test('assign replaces values in place after checking shape and dtype', () => {
    const p = zeros([2]);
    p.assign(tensor([3, 4]));
    expect(p.toArray()).toEqual([3, 4]);
    expect(() => p.assign(tensor([1, 2, 3]))).toThrow(/assign: cannot assign float32\[3\] to float32\[2\]/);
  });

  test('toString looks like PyTorch and summarises large tensors', () => {
    expect(tensor([[1, 2.5], [3, 4]]).toString()).toBe('tensor([[1.0000, 2.5000],\n        [3.0000, 4.0000]])');
    expect(tensor([1, 2], { dtype: 'float64' }).toString()).toBe('tensor([1., 2.], dtype=float64)');
    expect(arange(3).toString()).toBe('tensor([0, 1, 2], dtype=int32)');
    expect(tensor([1], { requiresGrad: true }).mul(2).toString()).toBe('tensor([2.], gradFn=<Mul>)');
    const big = arange(2000).toString();
    expect(big).toBe('tensor([   0,    1,    2, ..., 1997, 1998, 1999], dtype=int32)');
  });
});
