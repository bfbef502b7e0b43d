/**
 * Exercise 5.1 — batch norm in training mode, from its definition
 * (docs/course/05-normalisation-and-residuals.md, §2 and §3).
 *
 * For x [N, C, ...] (channels on axis 1), per channel over the m values of every other axis:
 *   μ = mean(x)   σ² = mean((x − μ)²) (biased)   y = γ · (x − μ) / √(σ² + ε) + β
 * and the running statistics are updated IN PLACE with `assign`:
 *   runningMean ← (1 − momentum)·runningMean + momentum·μ
 *   runningVar  ← (1 − momentum)·runningVar  + momentum·σ²·m/(m − 1)   (the UNBIASED variance)
 * Compute y with tensor ops, so its gradient comes from autograd; update the running statistics
 * under noGrad. γ and β are [C] vectors: reshape them to [1, C, 1, …] to broadcast.
 *
 * Check your work: npm run exercise -- 5
 */
import { noGrad, type Tensor } from '../src/index.js'; // noGrad: for the running statistics

export interface BatchNormState {
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly momentum: number;
  readonly eps: number;
}

/** y = γ x̂ + β with the batch's statistics; updates state.runningMean and state.runningVar. */
export function batchNormTrain(x: Tensor, gamma: Tensor, beta: Tensor, state: BatchNormState): Tensor {
  throw new Error('not implemented yet: batchNormTrain — axes = every axis but 1; μ and the biased σ² with keepDim; y = γ (x − μ)/√(σ² + ε) + β; then, under noGrad, runningMean.assign(…) and runningVar.assign(…) with the unbiased variance');
}
