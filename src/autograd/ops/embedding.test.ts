import { describe, expect, test } from 'vitest';
import { randn, tensor } from '../creation.js';
import { enableGrad } from '../function.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import { Tensor } from '../tensor.js';
import { embedding } from './embedding.js';
import { mul } from './elementwise.js';
import { sum } from './reduce.js';

const int = (values: number[] | number[][], shape?: number[]): Tensor => (shape ? tensor(values.flat(), shape, { dtype: 'int32' }) : tensor(values, { dtype: 'int32' }));

describe('embedding', () => {
  const W = tensor([[0, 1], [10, 11], [20, 21]], { dtype: 'float64' });

  test('looks up rows: [*] indices give [*, D]', () => {
    expect(embedding(int([[2, 0], [1, 1]]), W).toArray()).toEqual([[[20, 21], [0, 1]], [[10, 11], [10, 11]]]);
    expect(embedding(int([1]), W).shape).toEqual([1, 2]);
    expect(embedding(int([], [0]), W).shape).toEqual([0, 2]);
    expect(embedding(tensor(2, [], { dtype: 'int32' }), W).toArray()).toEqual([20, 21]);
  });

  test('dW adds up the upstream rows of repeated indices (worked out by hand)', () => {
    const w = W.detach().requiresGrad_();
    const y = embedding(int([1, 2, 1]), w);
    y.backward(tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' }));
    expect(w.grad!.toArray()).toEqual([[0, 0], [6, 8], [3, 4]]);
  });

  test('rows that look up paddingIdx send no gradient (negative paddingIdx counts from the end)', () => {
    for (const paddingIdx of [1, -2]) {
      const w = W.detach().requiresGrad_();
      const y = embedding(int([1, 2, 1, 0]), w, paddingIdx);
      expect(y.toArray()).toEqual([[10, 11], [20, 21], [10, 11], [0, 1]]); // the forward still reads the row
      y.backward(tensor([[1, 2], [3, 4], [5, 6], [7, 8]], { dtype: 'float64' }));
      expect(w.grad!.toArray()).toEqual([[7, 8], [0, 0], [3, 4]]);
    }
  });

  test('backward passes gradcheck, with and without paddingIdx, and so does double backward', () => {
    const random = seededRandom(4);
    const index = int([[0, 3, 3], [1, 0, 2]]);
    // With a paddingIdx that is looked up, the gradient is zero BY DEFINITION (not the true
    // derivative; the test above covers it), so gradcheck runs on an index without it.
    for (const [idx, paddingIdx] of [[index, null], [int([[0, 1, 1], [1, 0, 2]]), 3]] as const) {
      gradcheck((w) => embedding(idx, w!, paddingIdx), [randn([4, 3], { dtype: 'float64', requiresGrad: true, random })]);
    }
    // EmbeddingBackward is linear in dY: differentiate dW·v with respect to the upstream gradient.
    const v = randn([4, 3], { dtype: 'float64', random });
    // (enableGrad: gradcheck evaluates the function under noGrad for its finite differences.)
    gradcheck((dY) => enableGrad(() => {
      const w = randn([4, 3], { dtype: 'float64', requiresGrad: true, random: seededRandom(1) });
      embedding(index, w, 3).backward(dY!, { createGraph: true });
      return sum(mul(w.grad!, v));
    }), [randn([2, 3, 3], { dtype: 'float64', requiresGrad: true, random })]);
  });

  test('errors name the op, the index and the table size', () => {
    expect(() => embedding(int([0, 3]), W)).toThrow(/embedding: index 3 is out of range for 3 embeddings/);
    expect(() => embedding(int([-1]), W)).toThrow(/index -1 is out of range/);
    expect(() => embedding(tensor([0]), W)).toThrow(/index must be int32, got float32/);
    expect(() => embedding(int([0]), W, 3)).toThrow(/paddingIdx 3 is out of range for 3 embeddings/);
    expect(() => embedding(int([0]), tensor([1, 2]))).toThrow(/weight must be 2-D/);
  });
});
