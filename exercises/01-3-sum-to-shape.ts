/**
 * Exercise 1.3 — sumToShape, the adjoint of broadcasting (docs/course/01-tensors.md, §4).
 *
 * When an input of shape `shape` was broadcast to the shape of `g`, its gradient is g summed over
 * every axis along which it was repeated: the leading axes it did not have, and the axes where
 * its size was 1 (those are kept, with size 1). Build it from Tensor methods: `g.sum(axes,
 * keepDim)` and `reshape`. Do not call Sapling's own `sumToShape`.
 *
 * Check your work: npm run exercise -- 1
 */
import type { Tensor } from '../src/index.js';

/** g summed down to `shape`, which must broadcast to g.shape; throws a RangeError otherwise. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  throw new Error('not implemented yet: sumToShape(g, shape) — sum g over its leading extra axes, then over the axes where shape has a 1 (keepDim), and reshape to shape');
}
