/**
 * dtype — the three element types a Sapling tensor can hold, and how they combine.
 *
 *   float32  Float32Array  the default: activations, weights, gradients
 *   float64  Float64Array  gradcheck and precise work (the cpu kernels run it natively)
 *   int32    Int32Array    labels, indices, 0/1 masks from comparisons
 *
 * Mixing dtypes in a binary op follows PyTorch's promotion: int32 < float32 < float64, and a
 * plain JavaScript number takes the dtype of the tensor it meets (a "weak" scalar).
 * Numbers become int32 as in PyTorch, truncated toward zero; one that int32 cannot hold (and
 * NaN, ±Infinity) is refused where tensors are created, never wrapped (see `toInt32`).
 */
import { own } from './storage.js';

/**
 * The element types a tensor can hold: 'float32' (the default), 'float64' (for gradchecks and linear algebra) and 'int32' (labels, indices, masks).
 */
export type DType = 'float32' | 'float64' | 'int32';
/** The floating-point dtypes, the ones that can require gradients. */
export type FloatDType = 'float32' | 'float64';

/** The typed array that stores a tensor of dtype D. */
export type ArrayFor<D extends DType> = D extends 'float64' ? Float64Array : D extends 'int32' ? Int32Array : Float32Array;
/** The typed array behind a tensor: Float32Array, Float64Array or Int32Array. */
export type DataArray = Float32Array | Float64Array | Int32Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

/**
 * A new zero-filled typed array for `dtype`. A size the engine cannot allocate (Node 20 allows
 * at most 2³² elements per typed array, and memory may run out first) is a RangeError naming
 * the size and the bytes, not V8's bare "Invalid typed array length".
 */
export function allocate<D extends DType>(dtype: D, size: number): ArrayFor<D> {
  let data: DataArray | null;
  try {
    data = dtype === 'float32' ? new Float32Array(size) : dtype === 'float64' ? new Float64Array(size) : dtype === 'int32' ? new Int32Array(size) : null;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new RangeError(`cannot allocate ${size} ${dtype} elements (${size * BYTES[dtype]} bytes): ${error.message} (a typed array holds at most 2^32 elements in Node 20, and memory may run out before that)`);
  }
  if (data === null) throw new TypeError(`unknown dtype '${String(dtype)}'`);
  own(data); // Sapling's own array (storage.ts: no caller holds it)
  return data as ArrayFor<D>;
}

/** Whether `data` is one of the three typed arrays a tensor may hold. */
export function isDataArray(data: unknown): data is DataArray {
  return data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array;
}

/** The dtype whose typed array `data` is. */
export function dtypeOf(data: DataArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  throw new TypeError(`dtypeOf: ${String((data as object)?.constructor?.name)} is not a tensor storage (Float32Array, Float64Array or Int32Array)`);
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * `value` as an int32, following PyTorch: a non-integer is truncated toward zero (1.7 → 1,
 * −1.7 → −1); a value outside −2³¹…2³¹ − 1 after truncation, NaN or ±Infinity is a RangeError
 * (PyTorch's result there is undefined; we never wrap silently).
 */
export function toInt32(value: number, where: string, index?: number): number {
  const v = Math.trunc(value);
  if (!(v >= INT32_MIN && v <= INT32_MAX)) {
    const at = index === undefined ? '' : ` (element ${index})`;
    throw new RangeError(`${where}: ${value}${at} cannot be stored as int32, which holds integers from ${INT32_MIN} to ${INT32_MAX}`);
  }
  return v;
}

/** Copies `values` into `out`, converting each with `toInt32` (exact for an Int32Array source). */
export function setInt32(out: Int32Array, values: ArrayLike<number>, where: string): void {
  if (values instanceof Int32Array) {
    out.set(values);
    return;
  }
  for (let i = 0; i < values.length; i++) out[i] = toInt32(values[i]!, where, i);
}

const RANK: Record<DType, number> = { int32: 0, float32: 1, float64: 2 };

/** The dtype a binary op computes in: the wider of the two. */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype !== 'int32';
}

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64' || value === 'int32';
}
