/**
 * meshgrid — coordinate grids from 1-D tensors (torch.meshgrid): for inputs of lengths
 * n₀, n₁, …, output k has shape [n₀, n₁, …] and holds input k's value along its own axis,
 *   'ij' (matrix indexing, the default):  out_k[i₀, i₁, …] = t_k[i_k]
 *   'xy' (Cartesian, as NumPy's default): the first two axes swapped, [n₁, n₀, n₂, …]
 * Each output is t_k viewed with its length on axis k (1 elsewhere) and broadcast to the grid: a
 * reshape and an expand, so the backward is theirs: dT_k sums dOut_k over the other axes.
 */
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './helpers.js';
import { broadcastTo, reshape } from './shape.js';

/**
 * Coordinate grids from 1-D (or 0-d) tensors, one per input, all of the grid's shape.
 * @example meshgrid([tensor([1, 2]), tensor([3, 4, 5])])[1].toArray()  // [[3, 4, 5], [3, 4, 5]]
 */
export function meshgrid(tensors: readonly Tensor[], indexing: 'ij' | 'xy' = 'ij'): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('meshgrid: needs a non-empty list of tensors');
  if (indexing !== 'ij' && indexing !== 'xy') throw new RangeError(`meshgrid: indexing must be 'ij' or 'xy', got ${JSON.stringify(indexing)}`);
  tensors.forEach((t, i) => {
    checkTensor(t, 'meshgrid', `tensor ${i}`);
    if (t.ndim > 1) throw new RangeError(`meshgrid: every input must be 1-D (or 0-d), got ${fmt(t.shape)} for tensor ${i}`);
  });
  // The grid axis of each input: with 'xy' the first two inputs trade places.
  const axisOf = (k: number): number => (indexing === 'xy' && tensors.length > 1 && k < 2 ? 1 - k : k);
  const grid: number[] = [];
  tensors.forEach((t, k) => (grid[axisOf(k)] = t.numel()));
  return tensors.map((t, k) => broadcastTo(reshape(t, grid.map((n, a) => (a === axisOf(k) ? n : 1))), grid));
}
