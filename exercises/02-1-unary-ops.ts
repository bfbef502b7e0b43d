/**
 * Exercise 2.1 — two unary ops with hand-written backward passes (docs/course/02-engine.md, §4).
 *
 * Write each with `defineOp`, as softsign is written in docs/course/code/02-define-op.ts: a
 * forward that computes with tensor methods and saves what backward needs with ctx.save, and a
 * backward that returns [dX] written with tensor methods (no loops over numbers).
 *
 *   sigmoid(x) = 1 / (1 + e⁻ˣ)          σ′(x) = σ(x)·(1 − σ(x))   — save the OUTPUT, not x
 *   softplus(x) = log(1 + eˣ)           softplus′(x) = σ(x)
 * softplus must not overflow: e¹⁰⁰⁰ is Infinity, but softplus(1000) is 1000. Use the identity
 *   log(1 + eˣ) = max(x, 0) + log(1 + e^(−|x|))
 * whose exponent is never positive.
 *
 * Check your work: npm run exercise -- 2
 */
import { defineOp, type Tensor } from '../src/index.js'; // defineOp: see the header

/** The logistic function, elementwise; its backward reads the saved output. */
export const sigmoid = (x: Tensor): Tensor => {
  throw new Error('not implemented yet: sigmoid — defineOp<[Tensor]>({ name, forward: compute 1 / (1 + e⁻ˣ) and ctx.save(y), backward: dOut · y · (1 − y) })');
};

/** log(1 + eˣ), elementwise, finite for every finite x; its backward is dOut · σ(x). */
export const softplus = (x: Tensor): Tensor => {
  throw new Error('not implemented yet: softplus — defineOp<[Tensor]>({ name, forward: max(x, 0) + log(1 + e^(−|x|)) saving x, backward: dOut · σ(x) })');
};
