/**
 * reshape — the same values in a new shape: a view of the same storage (no copy), as a PyTorch
 * view is. dX = reshape(dY, x.shape). A leaf of the op files' imports (shape.ts re-exports it).
 */
import { apply, type OpDef } from '../function.js';
import { fmt, shapesEqual, sizeOf, type Shape } from '../shape.js';
import { storageOf, Tensor } from '../tensor.js';
import { checkTensor } from './helpers.js';

const Reshape: OpDef<readonly [Tensor], Shape> = {
  name: 'Reshape',
  forward(ctx, [x], shape) {
    ctx.save(x);
    // Metadata only: the new tensor shares x's storage, as a PyTorch view does.
    return new Tensor(storageOf(x), shape);
  },
  backward(ctx, dY) {
    return [reshape(dY, ctx.saved[0]!.shape)];
  },
};

/**
 * The same values in a new shape; one size may be −1 and is inferred.
 * @example reshape(arange(6), [2, -1]).shape  // [2, 3]
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  checkTensor(x, 'reshape');
  if (!Array.isArray(shape) || shape.some((d) => d !== -1 && !(Number.isInteger(d) && d >= 0))) {
    throw new RangeError(`reshape: invalid shape ${Array.isArray(shape) ? fmt(shape) : String(shape)}: sizes must be non-negative integers or one -1`);
  }
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw new RangeError(`reshape: only one size may be -1, got ${fmt(shape)}`);
  const known = sizeOf(shape.filter((d) => d !== -1));
  if (unknown === 1 && known === 0) {
    throw new RangeError(`reshape: cannot infer the -1 in ${fmt(shape)}: the other sizes multiply to 0 (input ${fmt(x.shape)})`);
  }
  // x.numel() / known is fractional when the other sizes do not divide x.numel(); sizeOf then differs.
  const resolved = shape.map((d) => (d === -1 ? x.numel() / known : d));
  if (!resolved.every(Number.isInteger) || sizeOf(resolved) !== x.numel()) {
    throw new RangeError(`reshape: cannot reshape ${fmt(x.shape)} (${x.numel()} elements) into ${fmt(shape)}`);
  }
  if (shapesEqual(resolved, x.shape)) return x;
  return apply(Reshape, [x], resolved);
}
