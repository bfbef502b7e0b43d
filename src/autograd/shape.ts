/**
 * shape — small pure helpers for shapes: sizes, strides, broadcasting, axis normalisation.
 *
 * Shapes are `readonly number[]` in row-major (C) order: the last axis is contiguous, so the
 * stride of axis i is the product of the sizes after it. Broadcasting follows NumPy: align the
 * shapes on the right; two sizes are compatible when equal or when one of them is 1.
 */

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides: strides([2, 3, 4]) = [12, 4, 1]. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const fmt = (shape: Shape): string => `[${shape.join(',')}]`;

/** Throws unless every entry is a non-negative integer. */
export function checkShape(shape: Shape, where: string): void {
  if (!Array.isArray(shape)) throw new TypeError(`${where}: shape must be an array of sizes, got ${String(shape)}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new RangeError(`${where}: invalid shape [${shape.join(',')}]: sizes must be non-negative integers`);
    }
  }
}

/** The NumPy broadcast of two shapes, or a RangeError naming `op` and both shapes. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` read as if broadcast to `target` (0 on broadcast axes). */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const offset = target.length - shape.length;
  const out = new Array<number>(target.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[i + offset] = shape[i] === 1 ? 0 : own[i]!;
  return out;
}

/**
 * The length of a convolution or pooling output along one axis, PyTorch's formula:
 * ⌊(size + before + after − dilation·(kernel − 1) − 1) / stride⌋ + 1.
 */
export function convOutputSize(size: number, before: number, after: number, kernel: number, stride: number, dilation: number): number {
  return Math.floor((size + before + after - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Maps a possibly negative axis into [0, ndim), or throws naming the op. */
export function normalizeAxis(axis: number, ndim: number, op: string): number {
  const n = Math.max(ndim, 1); // a 0-d tensor accepts axis 0 and −1, as in PyTorch
  if (!Number.isInteger(axis) || axis < -n || axis >= n) {
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor with ${ndim} dimensions`);
  }
  return axis < 0 ? axis + n : axis;
}

/** Normalises a list of axes (undefined = all), sorted and without duplicates. */
export function normalizeAxes(axes: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(a, ndim, op));
  const unique = [...new Set(out)].sort((x, y) => x - y);
  if (unique.length !== out.length) throw new RangeError(`${op}: repeated axis in [${list.join(',')}]`);
  return unique;
}
