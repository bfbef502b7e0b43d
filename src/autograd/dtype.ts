/**
 * dtype — the three element types a Sapling tensor can hold, and how they combine.
 *
 *   float32  Float32Array  the default: activations, weights, gradients
 *   float64  Float64Array  gradcheck and precise work (the cpu kernels run it natively)
 *   int32    Int32Array    labels, indices, 0/1 masks from comparisons
 *
 * Mixing dtypes in a binary op follows PyTorch's promotion: int32 < float32 < float64, and a
 * plain JavaScript number takes the dtype of the tensor it meets (a "weak" scalar).
 */
import { own } from './storage.js';

export type DType = 'float32' | 'float64' | 'int32';
export type FloatDType = 'float32' | 'float64';

/** The typed array that stores a tensor of dtype D. */
export type ArrayFor<D extends DType> = D extends 'float64' ? Float64Array : D extends 'int32' ? Int32Array : Float32Array;
export type DataArray = Float32Array | Float64Array | Int32Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

/** A new zero-filled typed array for `dtype`, Sapling's own (storage.ts: no caller holds it). */
export function allocate<D extends DType>(dtype: D, size: number): ArrayFor<D> {
  const data = dtype === 'float32' ? new Float32Array(size) : dtype === 'float64' ? new Float64Array(size) : dtype === 'int32' ? new Int32Array(size) : null;
  if (data === null) throw new TypeError(`unknown dtype '${String(dtype)}'`);
  own(data);
  return data as ArrayFor<D>;
}

/** The dtype whose typed array `data` is. */
export function dtypeOf(data: DataArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  return 'int32';
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
