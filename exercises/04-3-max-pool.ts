/**
 * Exercise 4.3 — 2 × 2 max pooling as an op with a hand-written backward
 * (docs/course/04-convolutions.md, §4).
 *
 * Forward, for x [N, C, H, W] with H and W even: view every 2 × 2 window as two axes of its own,
 *   x.reshape([N, C, H/2, 2, W/2, 2]).amax([3, 5])            → y [N, C, H/2, W/2]
 * Backward: each window's gradient goes to the element that was the maximum.
 *   up(t) = t.reshape([N, C, H/2, 1, W/2, 1]).expand([N, C, H/2, 2, W/2, 2]).reshape([N, C, H, W])
 *   dX = up(dY) ⊙ (x == up(y))                               (the test's inputs have no ties)
 * Write it with defineOp: forward saves x and y, backward returns [dX].
 *
 * Check your work: npm run exercise -- 4
 */
import { defineOp, type Tensor } from '../src/index.js'; // defineOp: see the header

/** Max over non-overlapping 2 × 2 windows of x [N, C, H, W] (H, W even); a RangeError otherwise. */
export const maxPool2x2 = (x: Tensor): Tensor => {
  throw new Error('not implemented yet: maxPool2x2 — defineOp<[Tensor]>: forward reshape to [N, C, H/2, 2, W/2, 2] and max over axes 3 and 5 (save x and y); backward up(dY) · (x == up(y))');
};
