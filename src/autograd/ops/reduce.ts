/**
 * reduce — sum, mean, amax, amin, var, std and logSumExp over any axes (with keepDim), the
 * broadcast adjoint `sumToShape`, the non-differentiable argmax / argmin, and max / min: over
 * everything (a tensor), or along one axis ({ values, indices }: a gather at the argmax).
 *
 * Every reduction maps many inputs to one output, so its backward spreads dY back over the
 * reduced axes: we reshape dY to the keepDim shape and broadcast it to x's shape ("expand").
 *   sum        y = Σ x              dX = expand(dY)
 *   mean       y = Σ x / n          dX = expand(dY) / n
 *   amax, amin only the arg-extrema matter: dX = expand(dY) · [x = y] / (number of ties)
 *              (ties share the gradient evenly, as PyTorch's amax does)
 *   max(x, d)  values = gather(x, d, argmax): the whole gradient goes to that one index (PyTorch)
 *   var        y = Σ (x − μ)² / (n − c)   (c = 1 for the unbiased estimate, the default)
 *              ∂y/∂x_i = 2(x_i − μ)/(n − c): the −2Σ(x − μ)/(n−c) · ∂μ/∂x_i term vanishes
 *              because Σ(x − μ) = 0.  dX = expand(dY) · 2(x − μ) / (n − c)
 *   std        s = √var:  dX = expand(dY) · (x − μ) / ((n − c) · s)
 *   logSumExp  y = m + log Σ exp(x − m), m = max x (so exp never overflows)
 *              ∂y/∂x_i = exp(x_i − y) = softmax(x)_i: dX = expand(dY) · exp(x − y)
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import type { ReduceOp } from '../backends/types.js';
import { fmt, normalizeAxes, normalizeAxis, shapesEqual, sizeOf, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, eq, mul, sub } from './elementwise.js';
import { checkTensor, lift, requireFloat } from './helpers.js';
import { broadcastTo } from './broadcast.js';
import { gather } from './indexing.js';
import { reshape } from './reshape.js';
import { exp, log, sqrt } from './unary.js';

// The broadcast adjoint lives beside broadcastTo (broadcast.ts): each is the other's backward.
export { sumToShape } from './broadcast.js';

type Axes = number | readonly number[] | undefined;

interface ReduceAttrs {
  readonly axes: readonly number[];
  readonly keepDim: boolean;
  /** x's shape: sum and mean need only this of x, so they save nothing (an in-place write to x leaves their backward valid). */
  readonly xShape: Shape;
}

/** The shape of a reduction's output had keepDim been true. */
const keptShape = (shape: Shape, axes: readonly number[]): number[] => shape.map((d, i) => (axes.includes(i) ? 1 : d));

/** dY (reduced shape) broadcast back to x's shape. */
const expand = (dY: Tensor, x: Tensor, axes: readonly number[]): Tensor => broadcastTo(reshape(dY, keptShape(x.shape, axes)), x.shape);

const countOf = (x: Tensor, axes: readonly number[]): number => sizeOf(axes.map((a) => x.shape[a]!));

/** dY broadcast back to `shape` (the input's). */
const expandTo = (dY: Tensor, shape: Shape, axes: readonly number[]): Tensor => broadcastTo(reshape(dY, keptShape(shape, axes)), shape);

const Sum: OpDef<readonly [Tensor], ReduceAttrs> = {
  name: 'Sum',
  forward(_ctx, [x], { axes, keepDim }) {
    return kernels().reduce('sum', x, axes, keepDim);
  },
  backward(_ctx, dY, { axes, xShape }) {
    return [expandTo(dY, xShape, axes)];
  },
};

const Mean: OpDef<readonly [Tensor], ReduceAttrs> = {
  name: 'Mean',
  forward(_ctx, [x], { axes, keepDim }) {
    return kernels().binary('div', kernels().reduce('sum', x, axes, keepDim), lift(countOf(x, axes), x, 'mean'), x.dtype);
  },
  backward(_ctx, dY, { axes, xShape }) {
    return [div(expandTo(dY, xShape, axes), sizeOf(axes.map((a) => xShape[a]!)))];
  },
};

function extremum(name: 'Max' | 'Min', op: ReduceOp): OpDef<readonly [Tensor], ReduceAttrs> {
  return {
    name,
    forward(ctx, [x], { axes, keepDim }) {
      const y = kernels().reduce(op, x, axes, keepDim);
      ctx.save(x, y);
      return y;
    },
    backward(ctx, dY, { axes }) {
      const [x, y] = ctx.saved as [Tensor, Tensor];
      const isExtremum = eq(x, expand(y, x, axes)); // 0/1 mask of the arg-extrema
      const ties = sum(isExtremum, axes, true); // int32 counts
      // Multiply before dividing: int32 / int32 would be float32, and 1/3 would lose digits in float64.
      return [div(mul(expand(dY, x, axes), isExtremum), expand(ties, x, axes))];
    },
  };
}
const Max = extremum('Max', 'max');
const Min = extremum('Min', 'min');

interface VarAttrs extends ReduceAttrs {
  readonly correction: number;
}

function centred(x: Tensor, axes: readonly number[]): Tensor {
  return sub(x, mean(x, axes, true));
}

const Var: OpDef<readonly [Tensor], VarAttrs> = {
  name: 'Var',
  forward(ctx, [x], { axes, keepDim, correction }) {
    ctx.save(x);
    const d = centred(x, axes);
    return div(sum(mul(d, d), axes, keepDim), Math.max(0, countOf(x, axes) - correction));
  },
  backward(ctx, dY, { axes, correction }) {
    const x = ctx.saved[0]!;
    const scale = 2 / Math.max(0, countOf(x, axes) - correction);
    return [mul(expand(dY, x, axes), mul(centred(x, axes), scale))];
  },
};

const Std: OpDef<readonly [Tensor], VarAttrs> = {
  name: 'Std',
  forward(ctx, [x], attrs) {
    const s = sqrt(apply(Var, [x], attrs));
    ctx.save(x, s);
    return s;
  },
  backward(ctx, dY, { axes, correction }) {
    const [x, s] = ctx.saved as [Tensor, Tensor];
    const denominator = mul(expand(s, x, axes), Math.max(0, countOf(x, axes) - correction));
    return [mul(expand(dY, x, axes), div(centred(x, axes), denominator))];
  },
};

const LogSumExp: OpDef<readonly [Tensor], ReduceAttrs> = {
  name: 'LogSumExp',
  forward(ctx, [x], { axes, keepDim }) {
    // Shift by the max so exp never overflows; where the max is ±∞ (a row of −∞) shift by 0.
    const k = kernels();
    // Over no elements the sum of exps is 0 and the result −∞; there is no max to shift by (sum gives 0s).
    const m = k.reduce(countOf(x, axes) === 0 ? 'sum' : 'max', x, axes, true);
    const infinite = k.compare('eq', k.unary('abs', m), lift(Infinity, m, 'logSumExp'));
    const shift = k.where(infinite, lift(0, m, 'logSumExp'), m, x.dtype);
    const y = add(log(sum(exp(sub(x, shift)), axes, true)), shift);
    ctx.save(x, y);
    return keepDim ? y : reshape(y, y.shape.filter((_, i) => !axes.includes(i)));
  },
  backward(ctx, dY, { axes }) {
    const [x, y] = ctx.saved as [Tensor, Tensor];
    return [mul(expand(dY, x, axes), exp(sub(x, y)))];
  },
};

function reduction<A extends ReduceAttrs>(def: OpDef<readonly [Tensor], A>, op: string, x: Tensor, axes: Axes, extra: Omit<A, keyof ReduceAttrs>, keepDim: boolean, needsElements = false): Tensor {
  checkTensor(x, op);
  const list = normalizeAxes(axes, x.ndim, op);
  // The max of no elements is undefined; the max of each of no rows is an empty result (as PyTorch).
  if (needsElements && countOf(x, list) === 0) throw new RangeError(`${op}: cannot reduce an empty axis of ${fmt(x.shape)}`);
  return apply(def, [x], { axes: list, keepDim, xShape: x.shape, ...extra } as unknown as A);
}

/** Σ x over `axes` (all by default). @example sum(tensor([[1, 2], [3, 4]]), 0).toArray()  // [4, 6] */
export const sum = (x: Tensor, axes?: Axes, keepDim = false): Tensor => reduction(Sum, 'sum', x, axes, {}, keepDim);

/**
 * The mean over `axes` (all when omitted); `keepDim` keeps them with size 1.
 * @example mean(tensor([[1, 2], [3, 4]]), 1).toArray()  // [1.5, 3.5]
 */
export function mean(x: Tensor, axes?: Axes, keepDim = false): Tensor {
  requireFloat(x, 'mean');
  return reduction(Mean, 'mean', x, axes, {}, keepDim);
}

/**
 * The largest value over `axes` (all by default), as torch.amax; the gradient goes to the
 * arg-max, shared evenly on ties.
 * @example amax(tensor([[1, 5], [7, 2]]), 1).toArray()  // [5, 7]
 */
export const amax = (x: Tensor, axes?: Axes, keepDim = false): Tensor => reduction(Max, 'amax', x, axes, {}, keepDim, true);

/**
 * The smallest value over `axes` (all by default), as torch.amin; the gradient goes to the
 * arg-min, shared evenly on ties.
 * @example amin(tensor([[1, 5], [7, 2]]), 1).toArray()  // [1, 2]
 */
export const amin = (x: Tensor, axes?: Axes, keepDim = false): Tensor => reduction(Min, 'amin', x, axes, {}, keepDim, true);

/** What max and min along a dimension (and sort, topk) return, as PyTorch's (values, indices) pair. */
export interface ValuesIndices {
  /** The selected values (differentiable: a gather of the input). */
  readonly values: Tensor;
  /** Where each value was along the dimension, int32. */
  readonly indices: Tensor;
}

/** max/min along one axis: the arg-extremum (first on ties, NaN wins, as argmax), and x gathered there. */
function selectAlong(op: 'max' | 'min', x: Tensor, dim: number, keepDim: boolean): ValuesIndices {
  checkTensor(x, op);
  if (typeof dim !== 'number') throw new TypeError(`${op}: dim must be one axis (a number), got ${Array.isArray(dim) ? 'an array: use amax/amin for several axes' : typeof dim}`);
  const axis = normalizeAxis(dim, x.ndim, op);
  const line = x.ndim === 0 ? reshape(x, [1]) : x; // a 0-d tensor reduces as one element (PyTorch)
  if (line.shape[axis] === 0) throw new RangeError(`${op}: cannot reduce an empty axis of ${fmt(x.shape)}`);
  const at = kernels().argReduce(op === 'max' ? 'argmax' : 'argmin', line, axis, true);
  const values = gather(line, axis, at);
  if (keepDim && x.ndim > 0) return { values, indices: at };
  const shape = x.shape.filter((_, i) => i !== axis);
  return { values: reshape(values, shape), indices: reshape(at, shape) };
}

/**
 * With no dim, the largest value of all (a 0-d tensor; the gradient is shared evenly on ties).
 * With a dim, `{ values, indices }` along it, as torch.max(x, dim): the first arg-max on ties,
 * where the whole gradient goes. For several axes at once, see amax.
 * @example max(tensor([[1, 5], [7, 2]])).item()  // 7
 * @example max(tensor([[1, 5], [7, 2]]), 1).indices.toArray()  // [1, 0]
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepDim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepDim = false): Tensor | ValuesIndices {
  return dim === undefined ? reduction(Max, 'max', x, undefined, {}, false, true) : selectAlong('max', x, dim, keepDim);
}

/**
 * With no dim, the smallest value of all (a 0-d tensor; the gradient is shared evenly on ties).
 * With a dim, `{ values, indices }` along it, as torch.min(x, dim): the first arg-min on ties,
 * where the whole gradient goes. For several axes at once, see amin.
 * @example min(tensor([[1, 5], [7, 2]])).item()  // 1
 * @example min(tensor([[1, 5], [7, 2]]), 0).values.toArray()  // [1, 2]
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepDim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepDim = false): Tensor | ValuesIndices {
  return dim === undefined ? reduction(Min, 'min', x, undefined, {}, false, true) : selectAlong('min', x, dim, keepDim);
}

/** Options of `variance` and `std`: the unbiased (n − 1) or biased divisor, and keepDim. */
export interface VarOptions {
  /** Divide by n − 1 (true, the default, as PyTorch) or by n. */
  readonly unbiased?: boolean;
  readonly keepDim?: boolean;
}

/** The variance over `axes` (unbiased by default, as torch.var). */
export function variance(x: Tensor, axes?: Axes, options: VarOptions = {}): Tensor {
  requireFloat(x, 'var');
  const correction = options.unbiased === false ? 0 : 1;
  return reduction(Var, 'var', x, axes, { correction }, options.keepDim ?? false);
}

/** The standard deviation over `axes` (unbiased by default). */
export function std(x: Tensor, axes?: Axes, options: VarOptions = {}): Tensor {
  requireFloat(x, 'std');
  const correction = options.unbiased === false ? 0 : 1;
  return reduction(Std, 'std', x, axes, { correction }, options.keepDim ?? false);
}

/** log Σ exp(x) over `axes`, computed without overflow. */
export function logSumExp(x: Tensor, axes?: Axes, keepDim = false): Tensor {
  requireFloat(x, 'logSumExp');
  return reduction(LogSumExp, 'logSumExp', x, axes, {}, keepDim);
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, axis: number | undefined, keepDim: boolean): Tensor {
  checkTensor(x, op);
  if (axis === undefined) {
    if (x.numel() === 0) throw new RangeError(`${op}: cannot reduce an empty tensor ${fmt(x.shape)}`);
    return kernels().argReduce(op, reshape(x, [x.numel()]), 0, false);
  }
  return kernels().argReduce(op, x, normalizeAxis(axis, x.ndim, op), keepDim); // throws on an empty axis
}

/** Index of the largest value along `axis` (of the flattened tensor when omitted), int32. */
export const argmax = (x: Tensor, axis?: number, keepDim = false): Tensor => argReduce('argmax', x, axis, keepDim);
/**
 * The index of the smallest value along `axis` (of the flattened tensor when omitted), int32.
 * @example argmin(tensor([3, 1, 2])).item()  // 1
 */
export const argmin = (x: Tensor, axis?: number, keepDim = false): Tensor => argReduce('argmin', x, axis, keepDim);
