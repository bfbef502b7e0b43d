/**
 * shape — ops that change how values are arranged, not what they are.
 *
 *   reshape   same values, new shape: a view of the same storage (no copy).
 *             dX = reshape(dY, x.shape)
 *   permute   out[…i_j…] = x[…i_perm[j]…].  Its adjoint is the inverse permutation:
 *             dX = permute(dY, perm⁻¹), where perm⁻¹[perm[j]] = j
 *   broadcastTo / expand   copies x along broadcast axes; each x value feeds many outputs,
 *             so dX = sumToShape(dY, x.shape)
 * flatten, squeeze, unsqueeze and view are reshapes; transpose is a permute of two axes.
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { fmt, normalizeAxes, normalizeAxis, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './helpers.js';
import { reshape } from './reshape.js';

// reshape and broadcastTo live in files of their own (reshape.ts; broadcast.ts, beside its
// adjoint sumToShape), so that the ops' imports form no cycle; they are part of this family.
export { reshape } from './reshape.js';
export { broadcastTo } from './broadcast.js';

/** Merges axes startDim … endDim into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor(x, 'flatten');
  if (x.ndim === 0) return reshape(x, [1]);
  const start = normalizeAxis(startDim, x.ndim, 'flatten');
  const end = normalizeAxis(endDim, x.ndim, 'flatten');
  if (start > end) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim} for ${fmt(x.shape)}`);
  return reshape(x, [...x.shape.slice(0, start), sizeOf(x.shape.slice(start, end + 1)), ...x.shape.slice(end + 1)]);
}

/** Removes size-1 axes (all of them, or those listed; listed axes of another size are kept, as PyTorch). */
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  checkTensor(x, 'squeeze');
  const list = normalizeAxes(axes, x.ndim, 'squeeze');
  return reshape(x, x.shape.filter((d, i) => !(d === 1 && list.includes(i))));
}

/** Inserts a size-1 axis at `axis` (−1 appends). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor(x, 'unsqueeze');
  const at = normalizeAxis(axis, x.ndim + 1, 'unsqueeze');
  return reshape(x, [...x.shape.slice(0, at), 1, ...x.shape.slice(at)]);
}

const Permute: OpDef<readonly [Tensor], readonly number[]> = {
  name: 'Permute',
  forward(_ctx, [x], perm) {
    return kernels().permute(x, perm);
  },
  backward(_ctx, dY, perm) {
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, j) => (inverse[p] = j));
    return [permute(dY, inverse)];
  },
};

/** Reorders the axes: out.shape[j] = x.shape[perm[j]]. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  checkTensor(x, 'permute');
  const normal = perm.map((p) => normalizeAxis(p, x.ndim, 'permute'));
  if (normal.length !== x.ndim || new Set(normal).size !== x.ndim) {
    throw new RangeError(`permute: [${perm.join(',')}] is not a permutation of the ${x.ndim} axes of ${fmt(x.shape)}`);
  }
  if (normal.every((p, i) => p === i)) return x;
  return apply(Permute, [x], normal);
}

/** Swaps two axes (the last two by default). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  checkTensor(x, 'transpose');
  if (x.ndim < 2 && axis0 === -2 && axis1 === -1) return x; // a 0-d or 1-d tensor is its own transpose
  const a = normalizeAxis(axis0, x.ndim, 'transpose');
  const b = normalizeAxis(axis1, x.ndim, 'transpose');
  const perm = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, perm);
}
