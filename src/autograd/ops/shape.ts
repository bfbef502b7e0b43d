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
import { broadcastShapes, checkShape, fmt, normalizeAxes, normalizeAxis, shapesEqual, sizeOf, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './helpers.js';
import { sumToShape } from './reduce.js';

const Reshape: OpDef<readonly [Tensor], Shape> = {
  name: 'Reshape',
  forward(ctx, [x], shape) {
    ctx.save(x);
    // Metadata only: the new tensor shares x's storage, as a PyTorch view does.
    return new Tensor(x.storage, shape);
  },
  backward(ctx, dY) {
    return [reshape(dY, ctx.saved[0]!.shape)];
  },
};

/**
 * The same values in a new shape; one size may be −1 and is inferred.
 * @example reshape(arange(6), [2, -1]).shape  // [2, 3]
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  checkTensor(x, 'reshape');
  if (!Array.isArray(shape) || shape.some((d) => d !== -1 && !(Number.isInteger(d) && d >= 0))) {
    throw new RangeError(`reshape: invalid shape ${Array.isArray(shape) ? fmt(shape) : String(shape)}: sizes must be non-negative integers or one -1`);
  }
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw new RangeError(`reshape: only one size may be -1, got ${fmt(shape)}`);
  const known = sizeOf(shape.filter((d) => d !== -1));
  if (unknown === 1 && known === 0) {
    throw new RangeError(`reshape: cannot infer the -1 in ${fmt(shape)}: the other sizes multiply to 0 (input ${fmt(x.shape)})`);
  }
  // x.size / known is fractional when the other sizes do not divide x.size; sizeOf then differs.
  const resolved = shape.map((d) => (d === -1 ? x.size / known : d));
  if (!resolved.every(Number.isInteger) || sizeOf(resolved) !== x.size) {
    throw new RangeError(`reshape: cannot reshape ${fmt(x.shape)} (${x.size} elements) into ${fmt(shape)}`);
  }
  if (shapesEqual(resolved, x.shape)) return x;
  return apply(Reshape, [x], resolved);
}

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

const BroadcastTo: OpDef<readonly [Tensor], Shape> = {
  name: 'BroadcastTo',
  forward(ctx, [x], shape) {
    ctx.save(x);
    return kernels().broadcastTo(x, shape);
  },
  backward(ctx, dY) {
    return [sumToShape(dY, ctx.saved[0]!.shape)];
  },
};

/** Repeats x along size-1 (or missing leading) axes to `shape`; −1 keeps a size (torch.expand). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  checkTensor(x, 'broadcastTo');
  const offset = shape.length - x.ndim;
  if (offset < 0) throw new RangeError(`broadcastTo: cannot broadcast ${fmt(x.shape)} to fewer dimensions ${fmt(shape)}`);
  const target = shape.map((d, i) => (d === -1 && i >= offset ? x.shape[i - offset]! : d));
  checkShape(target, 'broadcastTo');
  const result = broadcastShapes(x.shape, target, 'broadcastTo');
  if (!shapesEqual(result, target)) throw new RangeError(`broadcastTo: cannot broadcast ${fmt(x.shape)} to ${fmt(shape)}`);
  if (shapesEqual(target, x.shape)) return x;
  return apply(BroadcastTo, [x], target);
}
