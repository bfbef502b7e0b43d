/**
 * Exercise 5.2 — batch norm's backward by hand (docs/course/05-normalisation-and-residuals.md, §3).
 *
 * Given x [N, C, ...], γ [C], ε and the incoming gradient dY, with per-channel sums Σ over the
 * m values of every axis but 1, x̂ = (x − μ)·s and s = 1/√(σ² + ε) (biased σ²):
 *   dβ = Σ dY                         [C]
 *   dγ = Σ dY · x̂                     [C]
 *   dX = (γ s / m) · (m·dY − dβ − x̂·dγ)    (dβ, dγ, γ and s broadcast per channel)
 * Compute all three with tensor ops from these formulas — do NOT call backward() here; the
 * test compares your numbers with autograd's.
 *
 * Check your work: npm run exercise -- 5
 */
import type { Tensor } from '../src/index.js';

export interface BatchNormGradients {
  readonly dX: Tensor;
  readonly dGamma: Tensor;
  readonly dBeta: Tensor;
}

export function batchNormBackward(dY: Tensor, x: Tensor, gamma: Tensor, eps: number): BatchNormGradients {
  throw new Error('not implemented yet: batchNormBackward — recompute μ, s = 1/√(σ² + ε) and x̂ per channel (keepDim), then dβ = Σ dY, dγ = Σ dY·x̂, dX = (γ s / m)(m·dY − dβ − x̂·dγ)');
}
