/**
 * Exercise 3.3 — a cosine learning-rate schedule with linear warm-up (docs/course/03-training.md, §5).
 *
 * With base rate η₀, warm-up length W and total length T (step t counted from 0):
 *   t < W:       η_t = η₀ · t / W                                     (a straight line from 0)
 *   W ≤ t ≤ T:   η_t = ηmin + (η₀ − ηmin) · (1 + cos(π · (t − W) / (T − W))) / 2
 * so η reaches η₀ at t = W and ηmin at t = T. It is optim.CosineAnnealingLR with warmupSteps W.
 *
 * Check your work: npm run exercise -- 3
 */

export interface WarmupCosineOptions {
  readonly baseLr: number;
  readonly warmupSteps: number;
  readonly totalSteps: number;
  /** Default 0. */
  readonly minLr?: number;
}

/** The learning rate at step t, for 0 ≤ t ≤ totalSteps. */
export function warmupCosine(t: number, options: WarmupCosineOptions): number {
  throw new Error('not implemented yet: warmupCosine(t, options) — a straight line from 0 to baseLr over warmupSteps, then half a cosine from baseLr down to minLr at totalSteps');
}
