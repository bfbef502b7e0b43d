/**
 * scatter — write or add values into a tensor at positions an index gives along one axis
 * (torch.scatter, torch.scatter_add, torch.bincount), the adjoints of gather.
 *
 * For dim 1 and every position (i, j, k) of `index`:
 *   scatterAdd(x, 1, index, src)   y = x, then y[i][index[i][j][k]][k] += src[i][j][k]
 *   scatter(x, 1, index, src)      y = x, then y[i][index[i][j][k]][k]  = src[i][j][k]
 *   bincount(v, weights)           y[v_i] += weights_i (or 1), y of length max(v) + 1
 * `src` may be larger than `index` (only the part index covers is read, as PyTorch); scatter
 * refuses an index that sends two values to one place, where PyTorch leaves the winner undefined.
 *
 * Backward. y is x plus (or x overwritten by) a copy of src moved by the index, so
 *   scatterAdd   dX = dY                      dSrc = gather(dY, index)
 *   scatter      dX = dY where nothing landed, 0 where a value did; dSrc = gather(dY, index)
 * bincount counts integers: not differentiable (as in PyTorch).
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { full, onesLike } from '../creation.js';
import { fmt, normalizeAxis, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { gt, where } from './elementwise.js';
import { checkTensor, requireInt } from './helpers.js';
import { gather, slice } from './indexing.js';
import { amax } from './reduce.js';

interface ScatterAttrs {
  readonly axis: number;
  readonly index: Tensor;
}

const ScatterAdd: OpDef<readonly [Tensor, Tensor], ScatterAttrs> = {
  name: 'ScatterAdd',
  forward(_ctx, [x, src], { axis, index }) {
    const k = kernels();
    return k.binary('add', x, k.scatterAdd(src, axis, index, x.shape), x.dtype);
  },
  backward(_ctx, dY, { axis, index }) {
    return [dY, gather(dY, axis, index)];
  },
};

interface OverwriteAttrs extends ScatterAttrs {
  /** 1 where a value landed (int32, x's shape). */
  readonly hit: Tensor;
}

const Scatter: OpDef<readonly [Tensor, Tensor], OverwriteAttrs> = {
  name: 'Scatter',
  forward(_ctx, [x, src], { axis, index, hit }) {
    const k = kernels();
    return k.where(hit, k.scatterAdd(src, axis, index, x.shape), x, x.dtype);
  },
  backward(_ctx, dY, { axis, index, hit }) {
    return [where(hit, 0, dY), gather(dY, axis, index)];
  },
};

/** Checks PyTorch's rules for scatter's operands; returns the axis and the part of src that index covers. */
function operands(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor): { axis: number; part: Tensor } {
  checkTensor(x, op);
  requireInt(index, op);
  checkTensor(src, op, 'src');
  if (index.ndim !== x.ndim || src.ndim !== x.ndim) {
    throw new RangeError(`${op}: the input ${fmt(x.shape)}, index ${fmt(index.shape)} and src ${fmt(src.shape)} must have the same number of dimensions`);
  }
  if (src.dtype !== x.dtype) throw new TypeError(`${op}: src is ${src.dtype} but the input is ${x.dtype}; convert one with .to()`);
  const axis = normalizeAxis(dim, x.ndim, op);
  index.shape.forEach((d, a) => {
    if (d > src.shape[a]! || (a !== axis && d > x.shape[a]!)) {
      throw new RangeError(`${op}: index ${fmt(index.shape)} is larger than src ${fmt(src.shape)} or, outside axis ${axis}, than the input ${fmt(x.shape)}`);
    }
  });
  const covers = index.shape.every((d, a) => d === src.shape[a]);
  return { axis, part: covers ? src : slice(src, index.shape.map((d) => ({ stop: d }))) };
}

/**
 * x with src's values added at the positions `index` gives along `dim` (torch.scatter_add);
 * repeated positions accumulate. Differentiable in x and src.
 * @example scatterAdd(zeros([3]), 0, tensor([0, 2, 0], { dtype: 'int32' }), tensor([1, 2, 3])).toArray()  // [4, 0, 2]
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const { axis, part } = operands('scatterAdd', x, dim, index, src);
  return apply(ScatterAdd, [x, part], { axis, index });
}

/**
 * x with src's values (or one number) written at the positions `index` gives along `dim`
 * (torch.scatter). An index that sends two values to one place is refused. Differentiable in x
 * and src.
 * @example scatter(zeros([2, 3]), 1, tensor([[2], [0]], { dtype: 'int32' }), 5).toArray()  // [[0, 0, 5], [5, 0, 0]]
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  checkTensor(x, 'scatter');
  const source = src instanceof Tensor ? src : full(index.shape, src, { dtype: x.dtype });
  const { axis, part } = operands('scatter', x, dim, index, source);
  const counts = kernels().scatterAdd(onesLike(index), axis, index, x.shape); // int32: how many values land on each place
  const most = counts.numel() === 0 ? 0 : amax(counts).item();
  if (most > 1) {
    throw new RangeError(`scatter: index ${fmt(index.shape)} sends ${most} values to one place along axis ${axis}, where PyTorch leaves the winner undefined; use scatterAdd, or an index without repeats`);
  }
  return apply(Scatter, [x, part], { axis, index, hit: gt(counts, 0) });
}

/**
 * How often each value 0 … max occurs in a 1-D int32 tensor (or the sum of its `weights`), with
 * at least `minlength` bins (torch.bincount). int32 counts, or the weights' dtype; not
 * differentiable.
 * @example bincount(tensor([0, 1, 1, 3], { dtype: 'int32' })).toArray()  // [1, 2, 0, 1]
 */
export function bincount(x: Tensor, weights: Tensor | null = null, minlength = 0): Tensor {
  requireInt(x, 'bincount', 'input');
  if (x.ndim !== 1) throw new RangeError(`bincount: the input must be 1-D, got ${fmt(x.shape)}`);
  if (!Number.isInteger(minlength) || minlength < 0) throw new RangeError(`bincount: minlength must be a non-negative integer, got ${minlength}`);
  if (weights !== null) {
    checkTensor(weights, 'bincount', 'weights');
    if (weights.ndim !== 1 || weights.shape[0] !== x.shape[0]) throw new RangeError(`bincount: weights ${fmt(weights.shape)} must be 1-D with the input's length ${x.shape[0]}`);
  }
  const n = x.numel();
  const lo = n === 0 ? 0 : kernels().reduce('min', x, [0], false).item();
  if (lo < 0) throw new RangeError(`bincount: the input must be non-negative, got ${lo}`);
  const bins: Shape = [Math.max(minlength, n === 0 ? 0 : kernels().reduce('max', x, [0], false).item() + 1)];
  return kernels().scatterAdd(weights === null ? onesLike(x) : weights, 0, x, bins);
}
