/**
 * in-place — add_, sub_, mul_, div_, clamp_, fill_, zero_ and copy_: PyTorch's trailing-underscore
 * ops, which write their result into the tensor's own storage and return the tensor.
 *
 * An in-place write records no graph, so, as in PyTorch, it is allowed under `noGrad` (how an
 * optimizer updates its parameters) or on a tensor outside every graph (one that does not require
 * grad, given operands that do not either); anything else throws. Each write makes a new version
 * of the storage (storage.ts): a tensor some op saved for its backward and written afterwards
 * makes that backward throw, naming the op and the write (function.ts), because the gradient
 * would be computed from the new values. Views (reshape, detach) share the storage: they see the
 * write, and so does the check.
 *
 * The result must fit the tensor: the operand broadcasts to its shape (never the other way), and
 * a float result is not written into an int32 tensor (PyTorch's "result type Float can't be cast
 * to the desired output type Int"); copy_ alone converts any dtype, as PyTorch's does.
 */
import { kernels } from '../backends/index.js';
import { isGradEnabled, noGrad } from '../function.js';
import { toInt32 } from '../dtype.js';
import { broadcastShapes, fmt, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { deviceArrayOf, storageObject, storageOf } from '../tensor-storage.js';
import { releasedError } from '../device.js';
import { bump } from '../storage.js';
import { full } from '../creation.js';
import { add, div, mul, sub } from './elementwise.js';
import { checkTensor, type TensorLike } from './helpers.js';
import { broadcastTo } from './broadcast.js';
import { cast } from './cast.js';
import { clamp } from './unary.js';

/** Refuses a write that would have to be recorded in a graph (see the header). */
function checkWritable(x: Tensor, op: string, operands: readonly unknown[]): void {
  checkTensor(x, op);
  if (!isGradEnabled()) return;
  if (x.requiresGrad) {
    throw new Error(
      x.creator === null
        ? `${op}: a leaf tensor that requires grad cannot be written in place while gradients are recorded; write it inside noGrad(() => …), as optimizers do`
        : `${op}: this tensor was made by ${x.creator.name} and belongs to a graph that an in-place write would corrupt; use the out-of-place op, or write into a clone()`,
    );
  }
  if (operands.some((o) => o instanceof Tensor && o.requiresGrad)) {
    throw new Error(`${op}: the operand requires grad, but an in-place write records no graph; use the out-of-place op, or write inside noGrad(() => …)`);
  }
}

/** Writes `values` (x's shape and dtype) into x's storage as one recorded write. */
function write(x: Tensor, values: Tensor, op: string): Tensor {
  const device = deviceArrayOf(x);
  if (device === null) return x.mutate((data) => data.set(storageOf(values)), op);
  // A device tensor keeps its buffer: the values are copied into it on the device (uploaded from
  // a host tensor), after every command recorded before.
  if (device.released !== null) throw releasedError(op, device.released);
  device.write(storageObject(values));
  bump(device, op);
  return x;
}

/** Writes the result of an out-of-place op into x, refusing a result that does not fit. */
function writeResult(x: Tensor, result: Tensor, op: string): Tensor {
  if (!shapesEqual(result.shape, x.shape)) {
    throw new RangeError(`${op}: the result has shape ${fmt(result.shape)}, which does not fit in place into ${fmt(x.shape)} (the operand must broadcast to the tensor's shape)`);
  }
  if (x.dtype === 'int32' && result.dtype !== 'int32') {
    throw new TypeError(`${op}: the result is ${result.dtype}, which cannot be written into an int32 tensor ${fmt(x.shape)} in place; use the out-of-place op, or convert with .to('float32') first`);
  }
  return write(x, result.dtype === x.dtype ? result : kernels().cast(result, x.dtype), op);
}

/** Runs the out-of-place `f` without a graph and writes its result into x. */
function inPlace(x: Tensor, op: string, operands: readonly unknown[], f: () => Tensor): Tensor {
  checkWritable(x, op, operands);
  return writeResult(x, noGrad(f), op);
}

/** alpha · b, a number staying a number (a weak scalar, which takes x's dtype). */
const scaled = (b: TensorLike, alpha: number): TensorLike => (typeof b === 'number' ? b * alpha : alpha === 1 ? b : mul(b, alpha));

/**
 * x += alpha · b, in place (b broadcasts to x); returns x.
 * @example const x = tensor([1, 2]); add_(x, 10); x.toArray()  // [11, 12]
 */
export const add_ = (x: Tensor, b: TensorLike, alpha = 1): Tensor => inPlace(x, 'add_', [b], () => add(x, scaled(b, alpha)));

/**
 * x −= alpha · b, in place (b broadcasts to x); returns x.
 * @example const x = tensor([1, 2]); sub_(x, 1); x.toArray()  // [0, 1]
 */
export const sub_ = (x: Tensor, b: TensorLike, alpha = 1): Tensor => inPlace(x, 'sub_', [b], () => sub(x, scaled(b, alpha)));

/**
 * x ·= b, in place (b broadcasts to x); returns x.
 * @example const x = tensor([1, 2]); mul_(x, 3); x.toArray()  // [3, 6]
 */
export const mul_ = (x: Tensor, b: TensorLike): Tensor => inPlace(x, 'mul_', [b], () => mul(x, b));

/**
 * x /= b, in place (b broadcasts to x; an int32 x is refused: true division gives floats); returns x.
 * @example const x = tensor([1, 2]); div_(x, 2); x.toArray()  // [0.5, 1]
 */
export const div_ = (x: Tensor, b: TensorLike): Tensor => inPlace(x, 'div_', [b], () => div(x, b));

/**
 * x clamped to [min, max] in place (null leaves that side open); returns x.
 * @example const x = tensor([-2, 0.5, 3]); clamp_(x, 0, 1); x.toArray()  // [0, 0.5, 1]
 */
export const clamp_ = (x: Tensor, min: number | null, max: number | null): Tensor => inPlace(x, 'clamp_', [], () => clamp(x, min, max));

/**
 * Every element set to `value` in place (an int32 tensor takes it truncated toward zero, and
 * refuses what int32 cannot hold); returns x.
 * @example const x = zeros([3]); fill_(x, 7); x.toArray()  // [7, 7, 7]
 */
export function fill_(x: Tensor, value: number): Tensor {
  checkWritable(x, 'fill_', []);
  if (typeof value !== 'number') throw new TypeError(`fill_: value must be a number, got ${value === null ? 'null' : typeof value}`);
  const v = x.dtype === 'int32' ? toInt32(value, 'fill_') : value;
  if (x.device !== 'cpu') return write(x, full(x.shape, v, { dtype: x.dtype, device: x.device }), 'fill_');
  return x.mutate((data) => data.fill(v), 'fill_');
}

/**
 * Every element set to 0 in place; returns x.
 * @example const x = ones([2]); zero_(x); x.toArray()  // [0, 0]
 */
export const zero_ = (x: Tensor): Tensor => fill_(x, 0);

/**
 * src's values written into x in place: src broadcasts to x's shape and is converted to x's
 * dtype (to int32 truncated toward zero, refusing what int32 cannot hold); returns x.
 * @example const x = zeros([2, 2]); copy_(x, tensor([1, 2])); x.toArray()  // [[1, 2], [1, 2]]
 */
export function copy_(x: Tensor, src: Tensor): Tensor {
  checkWritable(x, 'copy_', [src]);
  checkTensor(src, 'copy_', 'src');
  if (!shapesEqual(broadcastShapes(src.shape, x.shape, 'copy_'), x.shape)) {
    throw new RangeError(`copy_: src ${fmt(src.shape)} does not broadcast to the tensor's shape ${fmt(x.shape)}`);
  }
  return write(x, noGrad(() => cast(broadcastTo(src, x.shape), x.dtype)), 'copy_');
}
