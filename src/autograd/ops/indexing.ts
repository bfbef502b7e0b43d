/**
 * indexing — slices, concatenation, padding and index-driven selection, each with its adjoint.
 *
 * Every op here copies values without arithmetic, so each output element has exactly one
 * source, and the backward sends each dY element back to its source (adding where several
 * outputs share one, as gather and indexSelect with repeated indices do):
 *   slice        y = x[start : stop : step]     dX = zeros with dY written at those positions (sliceScatter)
 *   sliceScatter (the adjoint of slice)          dX = slice(dY) — so slice is twice differentiable
 *   cat          y = [x₁ | x₂ | …] along axis   dXᵢ = the matching slice of dY
 *   pad          y = x surrounded by a constant dX = the inner slice of dY
 *   gather       y[i][j] = x[i][index[i][j]]    dX = scatterAdd(dY, index)   (axis 1 shown)
 *   scatterAdd   (the adjoint of gather)         dSrc = gather(dY, index)
 *   indexSelect  y = x[…, index, …]              dX = indexAdd(dY, index)
 *   indexAdd     (the adjoint of indexSelect)    dSrc = indexSelect(dY, index)
 * stack, split and chunk are built from these; oneHot is not differentiable (integer input).
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { fmt, normalizeAxis, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, requireInt } from './helpers.js';
import { reshape, unsqueeze } from './shape.js';
import { isDType, promote, type DType } from '../dtype.js';
import { cast } from './cast.js';

/** One axis of a slice: null keeps it whole, a number picks one index (dropping the axis),
 *  a range keeps [start, stop) in steps (negative start/stop count from the end, as Python). */
export type SliceRange = null | number | { readonly start?: number; readonly stop?: number; readonly step?: number };

interface SliceAttrs {
  readonly starts: readonly number[];
  readonly steps: readonly number[];
  readonly sizes: Shape;
}

interface ScatterAttrs {
  readonly starts: readonly number[];
  readonly steps: readonly number[];
  readonly shape: Shape;
}

const Slice: OpDef<readonly [Tensor], SliceAttrs> = {
  name: 'Slice',
  forward(ctx, [x], { starts, steps, sizes }) {
    ctx.save(x);
    return kernels().slice(x, starts, steps, sizes);
  },
  backward(ctx, dY, { starts, steps }) {
    return [apply(SliceScatter, [dY], { starts, steps, shape: ctx.saved[0]!.shape })];
  },
};

const SliceScatter: OpDef<readonly [Tensor], ScatterAttrs> = {
  name: 'SliceScatter',
  forward(ctx, [x], { starts, steps, shape }) {
    ctx.save(x);
    return kernels().sliceScatter(x, shape, starts, steps);
  },
  backward(ctx, dY, { starts, steps }) {
    return [apply(Slice, [dY], { starts, steps, sizes: ctx.saved[0]!.shape })];
  },
};

/**
 * Python-style slicing, one range per leading axis (missing trailing axes are kept whole).
 * @example slice(arange(10), [{ start: 1, stop: 8, step: 3 }]).toArray()  // [1, 4, 7]
 */
export function slice(x: Tensor, ranges: readonly SliceRange[]): Tensor {
  checkTensor(x, 'slice');
  if (ranges.length > x.ndim) throw new RangeError(`slice: ${ranges.length} ranges for a tensor of shape ${fmt(x.shape)}`);
  const starts: number[] = [];
  const steps: number[] = [];
  const sizes: number[] = [];
  const dropped: number[] = [];
  x.shape.forEach((size, axis) => {
    const r = ranges[axis] ?? null;
    if (typeof r === 'number') {
      if (!Number.isInteger(r) || r < -size || r >= size) throw new RangeError(`slice: index ${r} is out of bounds for axis ${axis} with size ${size}`);
      starts.push(r < 0 ? r + size : r);
      steps.push(1);
      sizes.push(1);
      dropped.push(axis);
      return;
    }
    const step = r?.step ?? 1;
    if (!Number.isInteger(step) || step <= 0) throw new RangeError(`slice: step must be a positive integer, got ${step} on axis ${axis}`);
    for (const [name, v] of [['start', r?.start], ['stop', r?.stop]] as const) {
      if (v !== undefined && !Number.isInteger(v)) throw new RangeError(`slice: ${name} must be an integer, got ${v} on axis ${axis}`);
    }
    const clampIndex = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
    const start = clampIndex(r?.start ?? 0);
    const stop = clampIndex(r?.stop ?? size);
    starts.push(start);
    steps.push(step);
    sizes.push(Math.max(0, Math.ceil((stop - start) / step)));
  });
  const y = apply(Slice, [x], { starts, steps, sizes });
  return dropped.length ? reshape(y, sizes.filter((_, i) => !dropped.includes(i))) : y;
}

const Concat: OpDef<readonly Tensor[], number> = {
  name: 'Concat',
  forward(ctx, xs, axis) {
    ctx.save(...xs);
    return kernels().concat(xs, axis);
  },
  backward(ctx, dY, axis) {
    let at = 0;
    return ctx.saved.map((x, i) => {
      const size = x.shape[axis]!;
      const piece = ctx.needsInputGrad[i] ? slice(dY, dY.shape.map((_, a) => (a === axis ? { start: at, stop: at + size } : null))) : null;
      at += size;
      return piece;
    });
  },
};

/** Joins tensors along an existing axis; all other sizes must match. */
export function cat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new RangeError('cat: needs a non-empty list of tensors');
  xs.forEach((x, i) => checkTensor(x, 'cat', `tensor ${i}`));
  const first = xs[0]!;
  if (first.ndim === 0) throw new RangeError('cat: 0-d tensors have no axis to join along; use stack');
  const a = normalizeAxis(axis, first.ndim, 'cat');
  for (const x of xs) {
    if (x.ndim !== first.ndim || x.shape.some((d: number, i: number) => i !== a && d !== first.shape[i])) {
      throw new RangeError(`cat: shapes ${xs.map((t) => fmt(t.shape)).join(', ')} differ outside axis ${a}`);
    }
  }
  const dtype = xs.reduce<DType>((d, x) => promote(d, x.dtype), first.dtype);
  if (xs.length === 1) return first;
  return apply(Concat, xs.map((x) => cast(x, dtype)), a);
}

/** Joins tensors of equal shape along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new RangeError('stack: needs a non-empty list of tensors');
  xs.forEach((x, i) => checkTensor(x, 'stack', `tensor ${i}`));
  const first = xs[0]!;
  if (xs.some((x) => fmt(x.shape) !== fmt(first.shape))) throw new RangeError(`stack: all shapes must be equal, got ${xs.map((t) => fmt(t.shape)).join(', ')}`);
  const a = normalizeAxis(axis, first.ndim + 1, 'stack');
  return cat(xs.map((x) => unsqueeze(x, a)), a);
}

/** Splits into pieces of `size` along `axis` (the last may be smaller), or into the listed sizes. */
export function split(x: Tensor, sizeOrSizes: number | readonly number[], axis = 0): Tensor[] {
  checkTensor(x, 'split');
  const a = normalizeAxis(axis, x.ndim, 'split');
  const total = x.shape[a]!;
  let sizes: number[];
  if (typeof sizeOrSizes === 'number') {
    if (!Number.isInteger(sizeOrSizes) || sizeOrSizes <= 0) throw new RangeError(`split: size must be a positive integer, got ${sizeOrSizes}`);
    sizes = [];
    for (let at = 0; at < total; at += sizeOrSizes) sizes.push(Math.min(sizeOrSizes, total - at));
    if (total === 0) sizes.push(0); // an empty axis still splits into one (empty) piece, as torch.split
  } else {
    sizes = [...sizeOrSizes];
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((p, s) => p + s, 0) !== total) {
      throw new RangeError(`split: sizes [${sizes.join(',')}] do not add up to ${total}, the size of axis ${a} of ${fmt(x.shape)}`);
    }
  }
  let at = 0;
  return sizes.map((size) => {
    const piece = slice(x, x.shape.map((_, i) => (i === a ? { start: at, stop: at + size } : null)));
    at += size;
    return piece;
  });
}

/** Splits into `chunks` pieces of ceil(size / chunks) along `axis`, as torch.chunk (may return fewer). */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  checkTensor(x, 'chunk');
  if (!Number.isInteger(chunks) || chunks <= 0) throw new RangeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const a = normalizeAxis(axis, x.ndim, 'chunk');
  const total = x.shape[a]!;
  if (total === 0) return split(x, new Array<number>(chunks).fill(0), a); // `chunks` empty pieces, as torch.chunk
  return split(x, Math.ceil(total / chunks), a);
}

interface PadAttrs {
  readonly pads: readonly (readonly [number, number])[];
  readonly value: number;
}

const Pad: OpDef<readonly [Tensor], PadAttrs> = {
  name: 'Pad',
  forward(ctx, [x], { pads, value }) {
    ctx.save(x);
    return kernels().pad(x, pads, value);
  },
  backward(ctx, dY, { pads }) {
    const x = ctx.saved[0]!;
    return [slice(dY, pads.map(([before], i) => ({ start: before, stop: before + x.shape[i]! })))];
  },
};

/**
 * Constant padding in PyTorch's F.pad order: pairs (before, after) starting from the LAST axis,
 * e.g. [1, 1, 2, 0] pads the last axis by 1 on each side and the one before by 2 at its start.
 */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  checkTensor(x, 'pad');
  if (pads.length % 2 !== 0 || pads.length / 2 > x.ndim) {
    throw new RangeError(`pad: expected pairs of (before, after) for at most ${x.ndim} axes, got [${pads.join(',')}] for ${fmt(x.shape)}`);
  }
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) throw new RangeError(`pad: amounts must be non-negative integers, got [${pads.join(',')}]`);
  const perAxis = x.shape.map((_, axis): readonly [number, number] => {
    const k = x.ndim - 1 - axis; // pairs count from the last axis
    return 2 * k < pads.length ? [pads[2 * k]!, pads[2 * k + 1]!] : [0, 0];
  });
  return apply(Pad, [x], { pads: perAxis, value });
}

interface IndexAttrs {
  readonly axis: number;
  readonly shape: Shape;
}

const Gather: OpDef<readonly [Tensor, Tensor], IndexAttrs> = {
  name: 'Gather',
  forward(ctx, [x, index], { axis }) {
    ctx.save(index);
    return kernels().gather(x, axis, index);
  },
  backward(ctx, dY, attrs) {
    return [apply(ScatterAdd, [dY, ctx.saved[0]!], attrs), null];
  },
};

const ScatterAdd: OpDef<readonly [Tensor, Tensor], IndexAttrs> = {
  name: 'ScatterAdd',
  forward(ctx, [src, index], { axis, shape }) {
    ctx.save(index);
    return kernels().scatterAdd(src, axis, index, shape);
  },
  backward(ctx, dY, attrs) {
    return [apply(Gather, [dY, ctx.saved[0]!], attrs), null];
  },
};

/** torch.gather: out[i][j] = x[i][index[i][j]] for axis 1 (index int32, same rank as x). */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  checkTensor(x, 'gather');
  requireInt(index, 'gather');
  if (x.ndim === 0) throw new RangeError('gather: the tensor must have at least one dimension, got []');
  const a = normalizeAxis(axis, x.ndim, 'gather');
  return apply(Gather, [x, index], { axis: a, shape: x.shape });
}

const IndexSelect: OpDef<readonly [Tensor, Tensor], IndexAttrs> = {
  name: 'IndexSelect',
  forward(ctx, [x, index], { axis }) {
    ctx.save(index);
    return kernels().indexSelect(x, axis, index);
  },
  backward(ctx, dY, attrs) {
    return [apply(IndexAdd, [dY, ctx.saved[0]!], attrs), null];
  },
};

const IndexAdd: OpDef<readonly [Tensor, Tensor], IndexAttrs> = {
  name: 'IndexAdd',
  forward(ctx, [src, index], { axis, shape }) {
    ctx.save(index);
    return kernels().indexAdd(src, axis, index, shape);
  },
  backward(ctx, dY, attrs) {
    return [apply(IndexSelect, [dY, ctx.saved[0]!], attrs), null];
  },
};

/** torch.index_select: whole slices of x along `axis`, picked by a 1-D int32 index (repeats allowed). */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  checkTensor(x, 'indexSelect');
  requireInt(index, 'indexSelect');
  if (index.ndim !== 1) throw new RangeError(`indexSelect: index must be 1-D, got ${fmt(index.shape)}`);
  if (x.ndim === 0) throw new RangeError('indexSelect: the tensor must have at least one dimension, got []');
  const a = normalizeAxis(axis, x.ndim, 'indexSelect');
  return apply(IndexSelect, [x, index], { axis: a, shape: x.shape });
}

/** int32 class indices → one-hot rows (float32 by default); not differentiable. */
export function oneHot(indices: Tensor, numClasses: number, dtype: DType = 'float32'): Tensor {
  requireInt(indices, 'oneHot', 'indices');
  if (!Number.isInteger(numClasses) || numClasses <= 0) throw new RangeError(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  if (!isDType(dtype)) throw new TypeError(`oneHot: unknown dtype '${String(dtype)}' (use float32, float64 or int32)`);
  return kernels().oneHot(indices, numClasses, dtype);
}
