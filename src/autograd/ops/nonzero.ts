/**
 * nonzero and unique — ops whose output size depends on the values: stream compaction.
 *
 * Compaction keeps the entries of a 1-D tensor where a 0/1 mask is 1, in order, with a prefix
 * sum (the way GPUs do it): slot = cumsum(mask) − 1 numbers the kept entries 0, 1, 2, …, and a
 * scatter sends entry i to slot_i (the dropped ones to a spare slot past the end, which we cut).
 *   nonzero(x)   the positions where x ≠ 0, as rows of coordinates [count, ndim] (torch.nonzero)
 *   unique(x)    sort the values, keep each first of a run (s_i ≠ s_{i−1}): the distinct values;
 *                counts are the distances between those firsts, and the inverse sends each
 *                original element to its run's slot (torch.unique, sorted)
 * The count of kept entries is read back (`item()`): it fixes the output's shape, as in PyTorch,
 * where these ops synchronise with the device too. Neither op is differentiable.
 */
import { kernels } from '../backends/index.js';
import { arange, ones, zeros } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { ne, sub, where } from './elementwise.js';
import { checkTensor } from './helpers.js';
import { cat, indexSelect, slice, stack } from './indexing.js';
import { cumsum } from './cumulative.js';
import { sum } from './reduce.js';
import { reshape } from './reshape.js';
import { argsort } from './sort.js';

/** The positions where the 1-D int32 0/1 `mask` is 1, in increasing order (int32). */
function compact(mask: Tensor): Tensor {
  const n = mask.numel();
  const count = n === 0 ? 0 : sum(mask).item();
  const slot = where(mask, sub(cumsum(mask, 0), 1), count); //         kept entry i → its slot; the rest → slot `count`
  const positions = where(mask, arange(n, undefined, 1, { dtype: 'int32' }), 0); // the dropped add 0 to the spare slot
  const out = kernels().scatterAdd(positions, 0, slot, [count + 1]);
  return slice(out, [{ stop: count }]);
}

/**
 * The coordinates of the non-zero entries, one row per entry in row-major order: int32
 * [count, x.ndim] (torch.nonzero).
 * @example nonzero(tensor([[1, 0], [0, 2]])).toArray()  // [[0, 0], [1, 1]]
 */
export function nonzero(x: Tensor): Tensor {
  checkTensor(x, 'nonzero');
  const flat = compact(ne(reshape(x, [x.numel()]), 0)); // flat positions
  if (x.ndim === 0) return zeros([flat.numel(), 0], { dtype: 'int32' }); // a 0-d tensor has no coordinates, as PyTorch
  // The coordinate along axis a of flat position p is ⌊p / stride_a⌋ mod size_a: we read it from
  // the grid of every position's coordinates, so no division is needed.
  const coordinates = x.shape.map((size, a) => {
    const grid = reshape(kernels().broadcastTo(reshape(arange(size, undefined, 1, { dtype: 'int32' }), x.shape.map((d, b) => (b === a ? d : 1))), x.shape), [x.numel()]);
    return indexSelect(grid, 0, flat);
  });
  return stack(coordinates, 1);
}

/** What unique returns besides the values (both are computed either way). */
export interface UniqueOptions {
  /** Also return, for each input element, the index of its value in `values` (default false). */
  readonly returnInverse?: boolean;
  /** Also return how often each value occurs (default false). */
  readonly returnCounts?: boolean;
}

/** unique's full answer: the values, each element's index into them, and their counts. */
export interface UniqueResult {
  /** The distinct values, sorted ascending (1-D). */
  readonly values: Tensor;
  /** For each element of the input (its shape), the index of its value in `values` (int32). */
  readonly inverse: Tensor;
  /** How often each value occurs (int32, values' length). */
  readonly counts: Tensor;
}

/**
 * The distinct values of x, sorted ascending, as a 1-D tensor (torch.unique over the flattened
 * input; the `dim` form is not offered). With options, `{ values, inverse, counts }` (both
 * computed: each costs one pass). Each NaN counts as distinct. Not differentiable.
 * @example unique(tensor([3, 1, 3, 2])).toArray()  // [1, 2, 3]
 * @example unique(tensor([3, 1, 3]), { returnCounts: true }).counts.toArray()  // [1, 2]
 */
export function unique(x: Tensor): Tensor;
export function unique(x: Tensor, options: UniqueOptions): UniqueResult;
export function unique(x: Tensor, options?: UniqueOptions): Tensor | UniqueResult {
  checkTensor(x, 'unique');
  const n = x.numel();
  const flat = reshape(x, [n]);
  const order = argsort(flat); //                                                         [n]
  const sorted = kernels().gather(flat, 0, order);
  // 1 where a run of equal values starts: the first element, and wherever s_i ≠ s_{i−1}
  const first = n === 0 ? zeros([0], { dtype: 'int32' }) : cat([ones([1], { dtype: 'int32' }), ne(slice(sorted, [{ start: 1 }]), slice(sorted, [{ stop: -1 }]))]);
  const starts = compact(first); //                                                       [count]
  const values = indexSelect(sorted, 0, starts);
  if (options === undefined) return values;
  if (typeof options !== 'object' || options === null) throw new TypeError(`unique: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const slot = sub(cumsum(first, 0), 1); //                                               sorted element k lies in run slot_k
  const inverse = reshape(kernels().scatterAdd(slot, 0, order, [n]), x.shape); //         inverse[order_k] = slot_k
  const ends = cat([slice(starts, [{ start: 1 }]), arange(n, n + 1, 1, { dtype: 'int32' })]);
  return { values, inverse, counts: sub(ends, starts) };
}
