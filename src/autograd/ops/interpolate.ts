/**
 * interpolate — PyTorch's `F.interpolate` (nearest, nearest-exact, linear, bilinear, trilinear),
 * built from one fact: resizing is separable, one spatial axis at a time.
 *
 * Shapes: x [N, C, *in] (1 to 3 spatial axes) → y [N, C, *out]; out = size, or ⌊in · scale⌋.
 * Nearest: each output index i reads source index src(i), so an axis is an `indexSelect` (whose
 * backward, indexAdd, sends dY back to the pixels that were read). PyTorch 1.13's rules, in
 * float32 arithmetic as in its kernels, with r = 1/scale if a scale is given, else in/out:
 *   nearest        src(i) = min(⌊i · r⌋, in − 1)      ('nearest-exact': min(⌊(i + ½) · r⌋, in − 1))
 * Linear: every output sample is a weighted average of two neighbours, y_i = Σ_j A_ij x_j, so an
 * axis is a matrix A [out, in] applied along it; bilinear is Y = A_h · X · A_wᵀ per image. With
 *   alignCorners true    s(i) = i · (in − 1)/(out − 1)          (corner centres meet)
 *   alignCorners false   s(i) = max((i + ½) · r − ½, 0)         (pixel areas meet; the default)
 *   i0 = ⌊s⌋, i1 = min(i0 + 1, in − 1), λ = s − i0:  A[i, i0] += 1 − λ,  A[i, i1] += λ.
 * Backward of y = A ×_axis x (the op below): ∂L/∂x_j = Σ_i A_ij ∂L/∂y_i, so dX = Aᵀ ×_axis dY:
 * bilinear's gradient is A_hᵀ · dY · A_w. The matrices are constants of the op.
 */
import { apply, type OpDef } from '../function.js';
import { tensor } from '../creation.js';
import { fmt, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { requireFloat } from './helpers.js';
import { indexSelect } from './indexing.js';
import { matmul } from './matmul.js';
import { reshape, transpose } from './shape.js';

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'trilinear';

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
  readonly axis: number;
  /** A [out, in], in x's dtype. */
  readonly matrix: Tensor;
}

/** x viewed as [before, in, after] around `axis`. */
function around(shape: Shape, axis: number): [number, number, number] {
  const before = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const after = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return [before, shape[axis]!, after];
}

/** y = A ×_axis x: y[…, i, …] = Σ_j A[i, j] x[…, j, …]. The last axis is a plain [rows, in] · Aᵀ product. */
function applyAlong(x: Tensor, matrix: Tensor, axis: number): Tensor {
  const [before, size, after] = around(x.shape, axis);
  const out = matrix.shape[0]!;
  const shape = x.shape.map((d, i) => (i === axis ? out : d));
  if (after === 1) return reshape(matmul(reshape(x, [before, size]), transpose(matrix)), shape); // [before, out]
  return reshape(matmul(matrix, reshape(x, [before, size, after])), shape); //                    [before, out, after]
}

const Resample: OpDef<readonly [Tensor], ResampleAttrs> = {
  name: 'Resample',
  forward(_ctx, [x], { axis, matrix }) {
    return applyAlong(x, matrix, axis);
  },
  backward(_ctx, dY, { axis, matrix }) {
    return [applyAlong(dY, transpose(matrix), axis)]; //                          dX = Aᵀ ×_axis dY
  },
};

/** The interpolation matrix A [out, in] of one axis (see the header). */
function linearMatrix(inSize: number, outSize: number, alignCorners: boolean, scale: number | undefined, like: Tensor): Tensor {
  const a = new Float64Array(outSize * inSize);
  const ratio = alignCorners
    ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0)
    : (scale !== undefined && scale > 0 ? 1 / scale : inSize / outSize);
  for (let i = 0; i < outSize; i++) {
    const s = alignCorners ? ratio * i : Math.max(ratio * (i + 0.5) - 0.5, 0);
    const i0 = Math.min(Math.floor(s), inSize - 1);
    const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
    const lambda = Math.min(Math.max(s - i0, 0), 1);
    a[i * inSize + i0]! += 1 - lambda;
    a[i * inSize + i1]! += lambda;
  }
  return tensor(a, [outSize, inSize], { dtype: like.dtype });
}

/** The source indices of one axis, int32 [out], in PyTorch's float32 arithmetic. */
function nearestIndex(inSize: number, outSize: number, exact: boolean, scale: number | undefined): Tensor {
  const f = Math.fround;
  const ratio = scale !== undefined && scale > 0 ? f(1 / scale) : f(inSize / outSize);
  const index = Int32Array.from({ length: outSize }, (_, i) => {
    if (!exact && outSize === inSize) return i; //                                  PyTorch's two shortcuts for 'nearest'
    if (!exact && outSize === 2 * inSize) return i >> 1;
    return Math.min(Math.floor(f((exact ? i + 0.5 : i) * ratio)), inSize - 1);
  });
  return tensor(index, [outSize], { dtype: 'int32' });
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
      y = indexSelect(y, axis, nearestIndex(inSize, outSize, mode === 'nearest-exact', scales[i]));
    } else {
      y = apply(Resample, [y], { axis, matrix: linearMatrix(inSize, outSize, alignCorners ?? false, scales[i], x) });
    }
  });
  return y;
}
