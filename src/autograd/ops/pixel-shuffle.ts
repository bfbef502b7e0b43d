/**
 * pixelShuffle, pixelUnshuffle — PyTorch's `F.pixel_shuffle` / `F.pixel_unshuffle` (Shi et al.
 * 2016, "Real-Time Single Image and Video Super-Resolution Using an Efficient Sub-Pixel CNN").
 *
 * Shapes: pixelShuffle moves channels into space, x [*, C·r², H, W] → y [*, C, H·r, W·r]:
 *   y[…, c, h·r + i, w·r + j] = x[…, c·r² + i·r + j, h, w]
 * as a reshape to [*, C, r, r, H, W], a permutation to [*, C, H, r, W, r] and a reshape.
 * pixelUnshuffle is its inverse, [*, C, H·r, W·r] → [*, C·r², H, W]. Both only move values, so
 * their backward is the inverse movement: it comes from the reshapes' and permute's own backward
 * passes (shape.ts), with no new maths.
 */
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './helpers.js';
import { permute, reshape } from './shape.js';

function check(op: string, x: Tensor, factor: number, name: string): void {
  checkTensor(x, op);
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`${op}: ${name} must be a positive integer, got ${factor}`);
  if (x.ndim < 3) throw new RangeError(`${op}: input must be at least 3-D [*, C, H, W], got ${fmt(x.shape)}`);
}

/** Leading axes (all but the last three) and their permutation prefix. */
const lead = (x: Tensor): [number[], number[]] => [x.shape.slice(0, -3), x.shape.slice(0, -3).map((_, i) => i)];

/**
 * [*, C·r², H, W] → [*, C, H·r, W·r].
 * @example pixelShuffle(arange(4).reshape([1, 4, 1, 1]), 2).toArray()  // [[[[0, 1], [2, 3]]]]
 */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  const op = 'pixelShuffle';
  check(op, x, upscaleFactor, 'upscaleFactor');
  const r = upscaleFactor;
  const [C, H, W] = x.shape.slice(-3) as [number, number, number];
  if (C % (r * r) !== 0) throw new RangeError(`${op}: the ${C} channels of input ${fmt(x.shape)} are not divisible by upscaleFactor² = ${r * r}`);
  const [batch, keep] = lead(x);
  const b = batch.length;
  const split = reshape(x, [...batch, C / (r * r), r, r, H, W]); //                 [*, C', r, r, H, W]
  const moved = permute(split, [...keep, b, b + 3, b + 1, b + 4, b + 2]); //       [*, C', H, r, W, r]
  return reshape(moved, [...batch, C / (r * r), H * r, W * r]);
}

/**
 * [*, C, H·r, W·r] → [*, C·r², H, W], the inverse of pixelShuffle.
 * @example pixelUnshuffle(arange(4).reshape([1, 1, 2, 2]), 2).shape  // [1, 4, 1, 1]
 */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  const op = 'pixelUnshuffle';
  check(op, x, downscaleFactor, 'downscaleFactor');
  const r = downscaleFactor;
  const [C, H, W] = x.shape.slice(-3) as [number, number, number];
  if (H % r !== 0 || W % r !== 0) throw new RangeError(`${op}: the spatial size ${H}x${W} of input ${fmt(x.shape)} is not divisible by downscaleFactor ${r}`);
  const [batch, keep] = lead(x);
  const b = batch.length;
  const split = reshape(x, [...batch, C, H / r, r, W / r, r]); //                  [*, C, H', r, W', r]
  const moved = permute(split, [...keep, b, b + 2, b + 4, b + 1, b + 3]); //       [*, C, r, r, H', W']
  return reshape(moved, [...batch, C * r * r, H / r, W / r]);
}
