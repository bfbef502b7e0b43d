/**
 * interpolate — PyTorch's `F.interpolate` (nearest, nearest-exact, linear, bilinear, trilinear),
 * one spatial axis at a time: x [N, C, *in] → y [N, C, *out], out = size or ⌊in · scale⌋.
 * Nearest reads source index src(i) (PyTorch 1.13's float32 arithmetic; r = 1/scale if a scale
 * is given, else in/out): nearest min(⌊i·r⌋, in − 1), nearest-exact min(⌊(i + ½)·r⌋, in − 1) —
 * an indexSelect (backward: indexAdd), or a broadcast when each source repeats k times.
 * Linear: y_i = Σ_j A_ij x_j, two taps per row, so an axis is a matrix A [out, in] applied along
 * it (bilinear: Y = A_h · X · A_wᵀ per image). With λ = s − i0, i0 = ⌊s⌋, i1 = min(i0 + 1, in − 1):
 *   alignCorners true   s(i) = i·(in − 1)/(out − 1)     false (default)  s(i) = max((i + ½)·r − ½, 0)
 *   y_i = (1 − λ)·x[i0] + λ·x[i1]
 * Backward: ∂L/∂x_j = Σ_i A_ij ∂L/∂y_i, so dX = Aᵀ ×_axis dY (bilinear: A_hᵀ · dY · A_w). We apply
 * A as a matrix product on the last axis (the op below) and as two weighted whole-slice
 * selections on the others, where a selection copies contiguous rows instead of single numbers.
 */
import { apply, type OpDef } from '../function.js';
import { tensor } from '../creation.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { clone } from './cast.js';
import { add, mul } from './elementwise.js';
import { requireFloat } from './helpers.js';
import { indexSelect } from './indexing.js';
import { matmul } from './matmul.js';
import { broadcastTo, reshape, transpose } from './shape.js';

/**
 * How `interpolate` fills the new pixels: nearest neighbour (PyTorch's 'nearest' or the exact 'nearest-exact'), or linear in 1, 2 or 3 spatial axes.
 */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'trilinear';

/** Options of `interpolate`: the output size or a scale factor, the mode, and the align-corners rule. */
export interface InterpolateOptions {
  /** The output's spatial size: one number for every axis, or one per axis. Give this or scaleFactor. */
  readonly size?: number | readonly number[];
  /** Multiplier of the spatial size (output ⌊in · scale⌋): one for every axis, or one per axis. */
  readonly scaleFactor?: number | readonly number[];
  /** Default 'nearest'. 'linear', 'bilinear' and 'trilinear' need 1, 2 and 3 spatial axes. */
  readonly mode?: InterpolateMode;
  /** Linear modes only: align the corner pixels' centres (true) or their outer edges (false, the default). */
  readonly alignCorners?: boolean;
  /** With scaleFactor: sample with in/out, the ratio of the rounded sizes, instead of 1/scaleFactor. */
  readonly recomputeScaleFactor?: boolean;
}

interface ResampleAttrs {
  /** A [out, in], in x's dtype. */
  readonly matrix: Tensor;
}

/** y = A ×_last x = x · Aᵀ on the view [rows, in], and dX = dY · A. */
const ResampleLast: OpDef<readonly [Tensor], ResampleAttrs> = {
  name: 'ResampleLast',
  forward(_ctx, [x], { matrix }) {
    const rows = reshape(x, [-1, x.shape[x.ndim - 1]!]);
    return reshape(matmul(rows, transpose(matrix)), [...x.shape.slice(0, -1), matrix.shape[0]!]);
  },
  backward(_ctx, dY, { matrix }) {
    const rows = reshape(dY, [-1, matrix.shape[0]!]);
    return [reshape(matmul(rows, matrix), [...dY.shape.slice(0, -1), matrix.shape[1]!])];
  },
};

/** The two taps of every output sample of one axis (see the header). */
interface Taps {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly lambda: Float64Array;
}

function linearTaps(inSize: number, outSize: number, alignCorners: boolean, scale: number | undefined): Taps {
  const ratio = alignCorners
    ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0)
    : (scale !== undefined && scale > 0 ? 1 / scale : inSize / outSize);
  const taps = { i0: new Int32Array(outSize), i1: new Int32Array(outSize), lambda: new Float64Array(outSize) };
  for (let i = 0; i < outSize; i++) {
    const s = alignCorners ? ratio * i : Math.max(ratio * (i + 0.5) - 0.5, 0);
    const i0 = Math.min(Math.floor(s), inSize - 1);
    taps.i0[i] = i0;
    taps.i1[i] = i0 < inSize - 1 ? i0 + 1 : i0;
    taps.lambda[i] = Math.min(Math.max(s - i0, 0), 1);
  }
  return taps;
}

/** y = A ×_axis x for the two-tap matrix A of `taps`. */
function linearAlong(x: Tensor, axis: number, inSize: number, { i0, i1, lambda }: Taps): Tensor {
  const out = lambda.length;
  if (axis === x.ndim - 1) {
    const a = new Float64Array(out * inSize);
    for (let i = 0; i < out; i++) {
      a[i * inSize + i0[i]!]! += 1 - lambda[i]!;
      a[i * inSize + i1[i]!]! += lambda[i]!;
    }
    return apply(ResampleLast, [x], { matrix: tensor(a, [out, inSize], { dtype: x.dtype }) });
  }
  const weightShape = [out, ...x.shape.slice(axis + 1).map(() => 1)]; //            [out, 1, …]: broadcast over the later axes
  const w0 = tensor(lambda.map((l) => 1 - l), weightShape, { dtype: x.dtype });
  const w1 = tensor(lambda, weightShape, { dtype: x.dtype });
  const index = (v: Int32Array): Tensor => tensor(v, [out], { dtype: 'int32' });
  return add(mul(indexSelect(x, axis, index(i0)), w0), mul(indexSelect(x, axis, index(i1)), w1));
}

/** The source indices of one axis, in PyTorch's float32 arithmetic. */
function nearestIndex(inSize: number, outSize: number, exact: boolean, scale: number | undefined): Int32Array {
  const f = Math.fround;
  const ratio = scale !== undefined && scale > 0 ? f(1 / scale) : f(inSize / outSize);
  return Int32Array.from({ length: outSize }, (_, i) => {
    if (!exact && outSize === inSize) return i; //                                  PyTorch's two shortcuts for 'nearest'
    if (!exact && outSize === 2 * inSize) return i >> 1;
    return Math.min(Math.floor(f((exact ? i + 0.5 : i) * ratio)), inSize - 1);
  });
}

/** An axis that keeps its size and reads every sample where it is: nothing to do. */
const isIdentity = (src: Int32Array, inSize: number): boolean => src.length === inSize && src.every((j, i) => j === i);

/** y = x[…, src(i), …] along `axis`; when src(i) = ⌊i/k⌋ (each source repeated k times) a broadcast. */
function nearestAlong(x: Tensor, axis: number, src: Int32Array): Tensor {
  const inSize = x.shape[axis]!;
  const k = src.length / inSize;
  if (Number.isInteger(k) && src.every((j, i) => j === Math.floor(i / k))) {
    const before = x.shape.slice(0, axis + 1);
    const after = x.shape.slice(axis + 1);
    const repeated = broadcastTo(reshape(x, [...before, 1, ...after]), [...before, k, ...after]); // [… , in, k, …]
    return reshape(repeated, [...x.shape.slice(0, axis), inSize * k, ...after]);
  }
  return indexSelect(x, axis, tensor(src, [src.length], { dtype: 'int32' }));
}

const LINEAR_RANK: Partial<Record<InterpolateMode, number>> = { linear: 1, bilinear: 2, trilinear: 3 };

function perAxis(op: string, name: string, value: number | readonly number[], spatial: number, x: Tensor): readonly number[] {
  const list = typeof value === 'number' ? Array<number>(spatial).fill(value) : value;
  if (!Array.isArray(list) || list.length !== spatial) {
    throw new RangeError(`${op}: ${name} must be a number or ${spatial} numbers (one per spatial axis of input ${fmt(x.shape)}), got ${JSON.stringify(value)}`);
  }
  return list;
}

/**
 * Resizes the spatial axes of x [N, C, *] by nearest-neighbour or (bi/tri)linear interpolation,
 * with PyTorch 1.13's sizes, sampling positions and gradients.
 * @example interpolate(tensor([[[1, 2]]]), { scaleFactor: 2, mode: 'linear' }).toArray()  // [[[1, 1.25, 1.75, 2]]]
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  const op = 'interpolate';
  requireFloat(x, op);
  const { size, scaleFactor, mode = 'nearest', alignCorners, recomputeScaleFactor = false } = options;
  const spatial = x.ndim - 2;
  if (spatial < 1 || spatial > 3) throw new RangeError(`${op}: input must be 3-D, 4-D or 5-D [N, C, *spatial], got ${fmt(x.shape)}`);
  const linearRank = LINEAR_RANK[mode];
  if (mode !== 'nearest' && mode !== 'nearest-exact' && linearRank === undefined) {
    throw new RangeError(`${op}: unknown mode '${String(mode)}' (use 'nearest', 'nearest-exact', 'linear', 'bilinear' or 'trilinear')`);
  }
  if (linearRank !== undefined && linearRank !== spatial) {
    throw new RangeError(`${op}: mode '${mode}' needs a ${linearRank + 2}-D input, got ${fmt(x.shape)}`);
  }
  if (linearRank === undefined && alignCorners !== undefined) {
    throw new RangeError(`${op}: alignCorners can only be set with the linear modes ('linear', 'bilinear', 'trilinear'), not '${mode}'`);
  }
  if ((size === undefined) === (scaleFactor === undefined)) throw new RangeError(`${op}: give exactly one of size and scaleFactor`);
  if (recomputeScaleFactor && size !== undefined) throw new RangeError(`${op}: recomputeScaleFactor is meaningless with an explicit size`);
  const inSizes = x.shape.slice(2);
  let outSizes: readonly number[];
  let scales: readonly (number | undefined)[] = inSizes.map(() => undefined);
  if (size !== undefined) {
    outSizes = perAxis(op, 'size', size, spatial, x);
  } else {
    const factors = perAxis(op, 'scaleFactor', scaleFactor!, spatial, x);
    if (!factors.every((f) => Number.isFinite(f) && f > 0)) throw new RangeError(`${op}: scaleFactor must be positive, got ${JSON.stringify(scaleFactor)}`);
    outSizes = inSizes.map((d, i) => Math.floor(d * factors[i]!));
    if (!recomputeScaleFactor) scales = factors;
  }
  if (!outSizes.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${op}: the output size must be positive integers, got [${outSizes.join(',')}] for input ${fmt(x.shape)}`);
  }
  let y = x;
  inSizes.forEach((inSize, i) => {
    const axis = i + 2;
    const outSize = outSizes[i]!;
    if (linearRank === undefined) {
      const src = nearestIndex(inSize, outSize, mode === 'nearest-exact', scales[i]);
      if (!isIdentity(src, inSize)) y = nearestAlong(y, axis, src);
    } else {
      const taps = linearTaps(inSize, outSize, alignCorners ?? false, scales[i]);
      if (!isIdentity(taps.i0, inSize) || taps.lambda.some((l) => l !== 0)) y = linearAlong(y, axis, inSize, taps);
    }
  });
  return y === x ? clone(x) : y; //                                               a new tensor, as PyTorch returns
}
