/**
 * Exercise 2.2 — a binary op that broadcasts (docs/course/02-engine.md §4, chapter 1 §4).
 *
 *   hypot(a, b) = √(a² + b²)        ∂/∂a = a / hypot,   ∂/∂b = b / hypot
 * a and b broadcast against each other (a [4, 1] with b [3] gives [4, 3]), so each gradient
 * must be summed back to its input's shape with `sumToShape` before it is returned — the engine
 * rejects a gradient whose shape is not its input's. Return null for an input whose
 * ctx.needsInputGrad entry is false, to skip work nobody needs.
 *
 * Check your work: npm run exercise -- 2
 */
import { defineOp, sumToShape, type Tensor } from '../src/index.js'; // what you will need

/** √(a² + b²), elementwise with broadcasting, as one op with a hand-written backward. */
export const hypot = (a: Tensor, b: Tensor): Tensor => {
  throw new Error('not implemented yet: hypot — defineOp<[Tensor, Tensor]>: forward √(a² + b²), saving a, b and the output; backward [sumToShape(dOut · a / out, a.shape), sumToShape(dOut · b / out, b.shape)]');
};
