/**
 * helpers — argument checks and scalar lifting shared by the op files.
 */
import { isFloat, type DType, type FloatDType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { fmt } from '../shape.js';

/** A tensor, or a plain number that takes the dtype of the tensor it meets. */
export type TensorLike = Tensor | number;

/** Lifts a number to a 0-d tensor of `like`'s dtype (float32 if `like` is int32 and the number is fractional). */
export function lift(value: TensorLike, like: Tensor, op: string): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== 'number') throw new TypeError(`${op}: expected a Tensor or a number, got ${typeof value}`);
  const dtype: DType = like.dtype === 'int32' && !Number.isInteger(value) ? 'float32' : like.dtype;
  const data = dtype === 'float64' ? new Float64Array([value]) : dtype === 'int32' ? new Int32Array([value]) : new Float32Array([value]);
  return new Tensor(data, []);
}

export function checkTensor(x: unknown, op: string, name = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
}

export function requireFloat(x: Tensor, op: string, name = 'input'): void {
  checkTensor(x, op, name);
  if (!isFloat(x.dtype)) {
    throw new TypeError(`${op}: ${name} must be float32 or float64, got ${x.dtype} ${fmt(x.shape)} (convert with .to('float32'))`);
  }
}

export function requireInt(x: Tensor, op: string, name = 'index'): void {
  checkTensor(x, op, name);
  if (x.dtype !== 'int32') throw new TypeError(`${op}: ${name} must be int32, got ${x.dtype} ${fmt(x.shape)}`);
}

/**
 * The dtype an op accumulates `x`'s statistics in: float64, except for a tensor on the webgpu
 * device, where WebGPU has no float64 and they stay float32 (batch-norm.ts; the channel kernels'
 * contract in ../backends/types.ts).
 */
export const accumulateDtype = (x: Tensor): FloatDType => (x.device === 'webgpu' ? 'float32' : 'float64');
