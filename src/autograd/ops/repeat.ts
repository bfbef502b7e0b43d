/**
 * repeat — tiles x: PyTorch's Tensor.repeat(r₀, r₁, …), the result of shape [r₀·d₀, r₁·d₁, …].
 * With more repeats than axes, x is first read as [1, …, 1, d₀, …] (new leading axes). tile is
 * torch.tile: the same, except that fewer repeats than axes are padded with leading 1s.
 *
 * Forward without a new kernel: view x as [1, d₀, 1, d₁, …], broadcast that to
 * [r₀, d₀, r₁, d₁, …] (each copy of x lies along the new axes), and read the result as
 * [r₀·d₀, r₁·d₁, …]. For x = [a, b] and repeat(3): [1, 2] → [3, 2] → [a, b, a, b, a, b].
 *
 * Backward. Every x element appears once in each of the r₀·r₁·… tiles, so its gradient is the
 * sum of dY over its copies: read dY as [r₀, d₀, r₁, d₁, …], sum the r axes (0, 2, 4, …) and
 * reshape to x's shape; the same sum-over-broadcast rule as broadcastTo's.
 */
import { apply, type OpDef } from '../function.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './helpers.js';
import { sum } from './reduce.js';
import { broadcastTo, reshape } from './shape.js';

interface RepeatAttrs {
  readonly repeats: readonly number[];
  /** x's shape with the new leading axes of size 1. */
  readonly padded: readonly number[];
}

const interleave = (a: readonly number[], b: readonly number[]): number[] => a.flatMap((r, i) => [r, b[i]!]);

const Repeat: OpDef<readonly [Tensor], RepeatAttrs> = {
  name: 'Repeat',
  forward(ctx, [x], { repeats, padded }) {
    ctx.save(x);
    const tiles = broadcastTo(reshape(x, interleave(padded.map(() => 1), padded)), interleave(repeats, padded)); // [r₀, d₀, r₁, d₁, …]
    return reshape(tiles, repeats.map((r, i) => r * padded[i]!));
  },
  backward(ctx, dY, { repeats, padded }) {
    const x = ctx.saved[0]!;
    const tiles = reshape(dY, interleave(repeats, padded)); //                                      [r₀, d₀, r₁, d₁, …]
    return [reshape(sum(tiles, repeats.map((_, i) => 2 * i)), x.shape)];
  },
};

/**
 * x tiled `repeats[i]` times along axis i (PyTorch's Tensor.repeat; not numpy's repeat).
 * @example repeat(tensor([1, 2]), [2, 2]).toArray()  // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function repeat(x: Tensor, repeats: readonly number[]): Tensor {
  checkTensor(x, 'repeat');
  if (!Array.isArray(repeats) || !repeats.every((r) => Number.isInteger(r) && r >= 0)) {
    throw new RangeError(`repeat: repeats must be non-negative integers, got ${JSON.stringify(repeats)}`);
  }
  if (repeats.length < x.ndim) {
    throw new RangeError(`repeat: ${repeats.length} repeats for a ${x.ndim}-d input ${fmt(x.shape)}: give at least one per axis`);
  }
  const padded = [...repeats.slice(x.ndim).map(() => 1), ...x.shape];
  return apply(Repeat, [x], { repeats: [...repeats], padded });
}

/**
 * x tiled `reps[i]` times along axis i (torch.tile): as repeat, but fewer reps than axes are
 * padded with leading 1s (the leading axes are not repeated).
 * @example tile(tensor([[1, 2], [3, 4]]), [2]).toArray()  // [[1, 2, 1, 2], [3, 4, 3, 4]]
 */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  checkTensor(x, 'tile');
  if (!Array.isArray(reps)) throw new RangeError(`tile: reps must be an array of non-negative integers, got ${JSON.stringify(reps)}`);
  return repeat(x, [...new Array<number>(Math.max(0, x.ndim - reps.length)).fill(1), ...reps]);
}
