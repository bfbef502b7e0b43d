/**
 * creation — making tensors: from nested arrays or typed arrays, constant fills, ranges, the
 * identity, and random draws from the one seeded generator (random.ts).
 *
 * These functions fill host memory once, at the edge of the system; everything that computes
 * on existing tensors goes through the kernels. Values meant for int32 are converted as PyTorch
 * does (truncated toward zero), and refused when int32 cannot hold them (dtype.ts, `toInt32`);
 * a shape too large to allocate is refused with the op, the shape and the size.
 */
import { allocate, isDType, isFloat, setInt32, toInt32, type DataArray, type DType } from './dtype.js';
import { defaultRandom, normal, type Random } from './random.js';
import { checkShape, fmt, sizeOf, type Shape } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';

/** Options of the creation functions: the dtype (default float32) and whether the new tensor requires gradients. */
export interface CreateOptions {
  readonly dtype?: DType;
  readonly requiresGrad?: boolean;
}

/** Options of the random creation functions: those of `CreateOptions` and the generator to draw from. */
export interface RandomOptions extends CreateOptions {
  /** The generator to draw from (default: the global one, see `manualSeed`). */
  readonly random?: Random;
}

function finish(t: Tensor, options: CreateOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

function make(shape: Shape, dtype: DType, where: string, fill: (data: DataArray) => void): Tensor {
  checkShape(shape, where);
  if (!isDType(dtype)) throw new TypeError(`${where}: unknown dtype '${String(dtype)}' (use float32, float64 or int32)`);
  let data: DataArray;
  try {
    data = allocate(dtype, sizeOf(shape));
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError(`${where}: shape ${fmt(shape)}: ${error.message}`);
    throw error;
  }
  fill(data);
  return new Tensor(data, shape);
}

/** Fills `data` from `values`, checking each value that int32 must hold. */
function setValues(data: DataArray, values: ArrayLike<number>, where: string): void {
  if (data instanceof Int32Array) setInt32(data, values, where);
  else data.set(values);
}

/** `value` in `dtype`: an int32 checked and truncated (see `toInt32`), a float as it is. */
const valueFor = (value: number, dtype: DType, where: string): number => (dtype === 'int32' ? toInt32(value, where) : value);

function inferShape(values: NestedArray, where: string): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = (level as readonly NestedArray[])[0] ?? 0;
    if (level === undefined) break;
  }
  // Reject ragged input: every sub-array at depth d must have length shape[d].
  const check = (v: NestedArray, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw new TypeError(`${where}: expected a number at depth ${depth}, got ${Array.isArray(v) ? 'an array' : typeof v}`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new RangeError(`${where}: ragged nested array: expected length ${shape[depth]} at depth ${depth}`);
    }
    for (const x of v as readonly NestedArray[]) check(x, depth + 1);
  };
  check(values, 0);
  return shape;
}

/**
 * A tensor from nested arrays (shape inferred) or from a typed/flat array with an explicit shape.
 * @example tensor([[1, 2], [3, 4]]).shape  // [2, 2]
 */
export function tensor(values: NestedArray | DataArray | readonly number[], shapeOrOptions?: Shape | CreateOptions, maybeOptions: CreateOptions = {}): Tensor {
  const explicitShape = Array.isArray(shapeOrOptions) ? (shapeOrOptions as Shape) : undefined;
  const options = (explicitShape ? maybeOptions : (shapeOrOptions as CreateOptions | undefined)) ?? {};
  const isTyped = ArrayBuffer.isView(values);
  const shape = explicitShape ?? (isTyped ? [(values as DataArray).length] : inferShape(values as NestedArray, 'tensor'));
  const fallback: DType = values instanceof Float64Array ? 'float64' : values instanceof Int32Array ? 'int32' : 'float32';
  const dtype = options.dtype ?? fallback;
  const flat: ArrayLike<number> = isTyped ? (values as DataArray) : typeof values === 'number' ? [values] : (values as readonly NestedArray[]).flat(Infinity as 1) as number[];
  if (flat.length !== sizeOf(shape)) {
    throw new RangeError(`tensor: ${flat.length} values cannot fill shape ${fmt(shape)}`);
  }
  return finish(make(shape, dtype, 'tensor', (data) => setValues(data, flat, 'tensor')), options);
}

/**
 * A 0-d tensor holding `value`.
 * @example scalar(3).shape  // []
 */
export const scalar = (value: number, options: CreateOptions = {}): Tensor => tensor(value, [], options);

function filled(shape: Shape, value: number, options: CreateOptions, where: string): Tensor {
  const dtype = options.dtype ?? 'float32';
  const v = valueFor(value, dtype, where);
  return finish(make(shape, dtype, where, (d) => d.fill(v)), options);
}
/**
 * A tensor of `shape` filled with `value` (PyTorch's `torch.full`).
 * @example full([2], 7).toArray()  // [7, 7]
 */
export const full = (shape: Shape, value: number, options: CreateOptions = {}): Tensor => filled(shape, value, options, 'full');
/**
 * A tensor of `shape` filled with zeros.
 * @example zeros([2, 3]).shape  // [2, 3]
 */
export const zeros = (shape: Shape, options: CreateOptions = {}): Tensor => filled(shape, 0, options, 'zeros');
/**
 * A tensor of `shape` filled with ones.
 * @example ones([2]).toArray()  // [1, 1]
 */
export const ones = (shape: Shape, options: CreateOptions = {}): Tensor => filled(shape, 1, options, 'ones');

const like = (t: Tensor, options: CreateOptions): CreateOptions => ({ dtype: t.dtype, ...options });
/** Zeros with the shape and dtype of `t` (options override the dtype). */
export const zerosLike = (t: Tensor, options: CreateOptions = {}): Tensor => zeros(t.shape, like(t, options));
/** Ones with the shape and dtype of `t` (options override the dtype). */
export const onesLike = (t: Tensor, options: CreateOptions = {}): Tensor => ones(t.shape, like(t, options));
/** `value` everywhere, with the shape and dtype of `t`. */
export const fullLike = (t: Tensor, value: number, options: CreateOptions = {}): Tensor => full(t.shape, value, like(t, options));

/**
 * Values start, start + step, … up to but excluding stop (one argument: 0 … stop − 1).
 * @example arange(5).toArray()  // [0, 1, 2, 3, 4]
 */
export function arange(start: number, stop?: number, step = 1, options: CreateOptions = {}): Tensor {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be a non-zero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((to - from) / step));
  const dtype = options.dtype ?? ([from, to, step].every(Number.isInteger) ? 'int32' : 'float32');
  // The values run monotonically, so checking both ends checks them all.
  const value = (i: number): number => (dtype === 'int32' ? toInt32(from + i * step, 'arange', i) : from + i * step);
  if (n > 0) value(n - 1);
  return finish(make([n], dtype, 'arange', (d) => { for (let i = 0; i < n; i++) d[i] = value(i); }), options);
}

/** `steps` evenly spaced values from start to end, both included. */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  const dtype = options.dtype ?? 'float32';
  const value = (i: number): number => valueFor(i === steps - 1 ? end : start + i * delta, dtype, 'linspace');
  if (steps > 0) value(steps - 1); // monotonic: both ends in range means all are
  return finish(make([steps], dtype, 'linspace', (d) => { for (let i = 0; i < steps; i++) d[i] = value(i); }), options);
}

/**
 * `steps` values from base^start to base^end, evenly spaced in the exponent, both ends included
 * (torch.logspace; base 10 by default).
 * @example logspace(0, 2, 3).toArray()  // [1, 10, 100]
 */
export function logspace(start: number, end: number, steps: number, base = 10, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`logspace: steps must be a non-negative integer, got ${steps}`);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  const dtype = options.dtype ?? 'float32';
  const value = (i: number): number => valueFor(base ** (i === steps - 1 ? end : start + i * delta), dtype, 'logspace');
  return finish(make([steps], dtype, 'logspace', (d) => { for (let i = 0; i < steps; i++) d[i] = value(i); }), options);
}

/** The n × m identity (m defaults to n). */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  return finish(make([n, m], options.dtype ?? 'float32', 'eye', (d) => { for (let i = 0; i < Math.min(n, m); i++) d[i * m + i] = 1; }), options);
}

function floatDType(options: CreateOptions, where: string): DType {
  const dtype = options.dtype ?? 'float32';
  if (!isFloat(dtype)) throw new TypeError(`${where}: dtype must be float32 or float64, got ${dtype}`);
  return dtype;
}

/** Uniform draws in [0, 1). */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  const random = options.random ?? defaultRandom();
  return finish(make(shape, floatDType(options, 'rand'), 'rand', (d) => { for (let i = 0; i < d.length; i++) d[i] = random(); }), options);
}

/** Standard normal draws. */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  const random = options.random ?? defaultRandom();
  return finish(make(shape, floatDType(options, 'randn'), 'randn', (d) => { for (let i = 0; i < d.length; i++) d[i] = normal(random); }), options);
}

/** Uniform integers in [low, high), int32 by default. */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new RangeError(`randint: need integers low < high, got low=${low}, high=${high}`);
  }
  if ((options.dtype ?? 'int32') === 'int32') [low, high - 1].forEach((v) => toInt32(v, 'randint'));
  const random = options.random ?? defaultRandom();
  return make(shape, options.dtype ?? 'int32', 'randint', (d) => { for (let i = 0; i < d.length; i++) d[i] = low + Math.floor(random() * (high - low)); });
}

/** Uniform [0, 1) values with the shape and dtype of `t`. */
export const randLike = (t: Tensor, options: RandomOptions = {}): Tensor => rand(t.shape, { dtype: t.dtype, ...options });
/** Standard normal values with the shape and dtype of `t`. */
export const randnLike = (t: Tensor, options: RandomOptions = {}): Tensor => randn(t.shape, { dtype: t.dtype, ...options });
/** Random integers in [low, high) with the shape of `t` (int32 unless options say otherwise). */
export const randintLike = (t: Tensor, low: number, high: number, options: RandomOptions = {}): Tensor => randint(low, high, t.shape, options);
