/**
 * flip and roll — reorder the entries along axes without changing them (torch.flip, torch.roll).
 *
 *   flip(x, dims)          y_i = x_{n−1−i} along each axis in dims   (an indexSelect with n−1, …, 0)
 *   roll(x, shifts, dims)  y_i = x_{(i − s) mod n}: entries move s places forward and wrap around
 *                          (two slices, joined the other way round)
 * Backward. Each is a permutation of the entries, so dY goes back through the inverse one:
 *   flip is its own inverse, dX = flip(dY, dims);  roll's inverse rolls back, dX = roll(dY, −shifts, dims).
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { arange } from '../creation.js';
import { normalizeAxes, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './helpers.js';
import { reshape } from './reshape.js';

const Flip: OpDef<readonly [Tensor], readonly number[]> = {
  name: 'Flip',
  forward(_ctx, [x], axes) {
    let y = x;
    for (const axis of axes) y = kernels().indexSelect(y, axis, arange(x.shape[axis]! - 1, -1, -1, { dtype: 'int32' }));
    return y === x ? kernels().cast(x, x.dtype) : y;
  },
  backward(_ctx, dY, axes) {
    return [apply(Flip, [dY], axes)];
  },
};

/**
 * x with the order of its entries reversed along `dims` (one axis or several), torch.flip.
 * @example flip(tensor([[1, 2], [3, 4]]), 1).toArray()  // [[2, 1], [4, 3]]
 */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  checkTensor(x, 'flip');
  return apply(Flip, [x], normalizeAxes(dims, x.ndim, 'flip').filter((a) => a < x.ndim));
}

interface RollAttrs {
  /** Per rolled axis: the axis and its shift, reduced into [0, n). */
  readonly moves: readonly (readonly [axis: number, shift: number])[];
}

const Roll: OpDef<readonly [Tensor], RollAttrs> = {
  name: 'Roll',
  forward(_ctx, [x], { moves }) {
    const k = kernels();
    let y = k.cast(x, x.dtype); // a copy, so that a shift of 0 returns a new tensor too
    for (const [axis, s] of moves) {
      if (s === 0) continue;
      const n = y.shape[axis]!;
      const part = (start: number, size: number): Tensor =>
        k.slice(y, y.shape.map((_, a) => (a === axis ? start : 0)), y.shape.map(() => 1), y.shape.map((d, a) => (a === axis ? size : d)));
      y = k.concat([part(n - s, s), part(0, n - s)], axis); // the last s entries come first
    }
    return y;
  },
  backward(_ctx, dY, { moves }) {
    return [apply(Roll, [dY], { moves: moves.map(([axis, s]) => [axis, s === 0 ? 0 : dY.shape[axis]! - s] as const) })];
  },
};

/**
 * x rolled along `dims`: entries move `shifts` places forward and wrap around (torch.roll).
 * Without dims, the flattened tensor is rolled and the shape restored.
 * @example roll(tensor([1, 2, 3, 4]), 1).toArray()  // [4, 1, 2, 3]
 * @example roll(tensor([[1, 2], [3, 4]]), [1, -1], [0, 1]).toArray()  // [[4, 3], [2, 1]]
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  checkTensor(x, 'roll');
  const shiftList = typeof shifts === 'number' ? [shifts] : [...shifts];
  if (!shiftList.every(Number.isInteger)) throw new RangeError(`roll: shifts must be integers, got ${JSON.stringify(shifts)}`);
  if (dims === undefined) {
    if (shiftList.length !== 1) throw new RangeError(`roll: without dims, give one shift (the flattened tensor is rolled), got ${shiftList.length}`);
    return reshape(roll(reshape(x, [x.numel()]), shiftList[0]!, 0), x.shape);
  }
  const dimList = typeof dims === 'number' ? [dims] : [...dims];
  if (dimList.length !== shiftList.length) {
    throw new RangeError(`roll: ${shiftList.length} shifts for ${dimList.length} dims; give one shift per dim`);
  }
  if (x.ndim === 0) return apply(Roll, [x], { moves: [] });
  const moves = dimList.map((d, i): readonly [number, number] => {
    const axis = normalizeAxis(d, x.ndim, 'roll');
    const n = x.shape[axis]!;
    return [axis, n === 0 ? 0 : ((shiftList[i]! % n) + n) % n];
  });
  return apply(Roll, [x], { moves });
}
