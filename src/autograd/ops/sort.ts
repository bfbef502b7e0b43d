/**
 * sort — sort, argsort and topk along one axis, PyTorch's names and results.
 *
 *   argsort(x, dim)   the permutation that sorts each line (int32): the `argsort` kernel
 *   sort(x, dim)      { values: x gathered at that permutation, indices: the permutation }
 *   topk(x, k, dim)   the first k of the descending (or ascending) permutation, and their values
 * The order is stable (equal values keep their order) and NaN sorts as the largest value, as
 * PyTorch's sort with stable=True; topk returns its k values sorted.
 *
 * Backward. The values are a gather of x, y_i = x[index_i] along the axis, so each dY element
 * goes back to the position it came from: dX = scatterAdd(dY, index) into zeros of x's shape,
 * which is gather's own backward (indexing.ts); the indices are integers and get no gradient.
 */
import { kernels } from '../backends/index.js';
import { fmt, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './helpers.js';
import { gather, slice } from './indexing.js';
import type { ValuesIndices } from './reduce.js';
import { reshape } from './reshape.js';

/** `f` on x seen as 1-D when x is 0-d (PyTorch accepts dim 0 or −1 there), its results read back as 0-d. */
function on0d<T>(x: Tensor, dim: number, op: string, f: (x: Tensor, axis: number) => T, back: (result: T) => T): T {
  const axis = normalizeAxis(dim, x.ndim, op);
  return x.ndim === 0 ? back(f(reshape(x, [1]), 0)) : f(x, axis);
}

const scalarPair = ({ values, indices }: ValuesIndices): ValuesIndices => ({ values: reshape(values, []), indices: reshape(indices, []) });

/**
 * The indices that sort x along `dim` (the last by default), int32 (torch.argsort, stable).
 * @example argsort(tensor([3, 1, 2])).toArray()  // [1, 2, 0]
 */
export function argsort(x: Tensor, dim = -1, descending = false): Tensor {
  checkTensor(x, 'argsort');
  return on0d(x, dim, 'argsort', (t, axis) => kernels().argsort(t, axis, descending), (i) => reshape(i, []));
}

/**
 * x sorted along `dim` (the last by default) and the indices of the sorted values (torch.sort,
 * stable; NaN sorts last, first when descending). The values are differentiable.
 * @example sort(tensor([3, 1, 2])).values.toArray()  // [1, 2, 3]
 * @example sort(tensor([3, 1, 2]), -1, true).indices.toArray()  // [0, 2, 1]
 */
export function sort(x: Tensor, dim = -1, descending = false): ValuesIndices {
  checkTensor(x, 'sort');
  return on0d(x, dim, 'sort', (t, axis) => {
    const indices = kernels().argsort(t, axis, descending);
    return { values: gather(t, axis, indices), indices };
  }, scalarPair);
}

/**
 * The k largest elements along `dim` (the last by default), or the k smallest with
 * `largest = false`, sorted, with their indices (torch.topk). The values are differentiable.
 * @example topk(tensor([1, 5, 3, 4]), 2).values.toArray()  // [5, 4]
 * @example topk(tensor([1, 5, 3, 4]), 2).indices.toArray()  // [1, 3]
 */
export function topk(x: Tensor, k: number, dim = -1, largest = true): ValuesIndices {
  checkTensor(x, 'topk');
  return on0d(x, dim, 'topk', (t, axis) => {
    const size = t.shape[axis]!;
    if (!Number.isInteger(k) || k < 0 || k > size) {
      throw new RangeError(`topk: k must be an integer in [0, ${size}] (the size of axis ${axis} of ${fmt(x.shape)}), got ${k}`);
    }
    const order = kernels().argsort(t, axis, largest);
    const indices = slice(order, t.shape.map((_, a) => (a === axis ? { stop: k } : null)));
    return { values: gather(t, axis, indices), indices };
  }, (pair) => (k === 1 ? scalarPair(pair) : pair));
}
