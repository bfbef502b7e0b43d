/**
 * Exercise 6.3 — clipping the gradients by their joint norm (docs/course/06-recurrent-networks.md, §4).
 *
 * Treat every gradient as part of one long vector: ‖g‖ = √(Σ over params Σ g²). Then scale every
 * gradient by c = min(1, maxNorm / (‖g‖ + 1e-6)), in place (`p.grad.assign(p.grad.mul(c))`),
 * and return ‖g‖ as it was BEFORE clipping. Parameters whose grad is null are skipped; with no
 * gradients at all the norm is 0. This is PyTorch's `clip_grad_norm_` (and `optim.clipGradNorm`).
 *
 * Check your work: npm run exercise -- 6
 */
import { noGrad, type Tensor } from '../src/index.js'; // noGrad: scaling records no graph

/** Scales the gradients of `params` so that their joint 2-norm is at most maxNorm; returns the norm before. */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  throw new Error('not implemented yet: clipGradNorm — total = √(Σ of every grad\'s Σ g²); c = min(1, maxNorm / (total + 1e-6)); p.grad.assign(p.grad.mul(c)) for each grad; return total');
}
