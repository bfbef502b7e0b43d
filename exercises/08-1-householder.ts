/**
 * Exercise 8.1 — a Householder reflector (docs/course/08-linear-algebra.md, §1).
 *
 * For a vector x of length n ≥ 1, find β, τ and v with v[0] = 1 such that
 *   H = I − τ v vᵀ   is orthogonal   and   H x = (β, 0, …, 0).
 * LAPACK's recipe (dlarfg): β = −sign(x₀)·‖x‖ (take sign(0) = +1), v = (x − β e₁) / (x₀ − β),
 * τ = (β − x₀) / β. The sign makes x₀ − β a sum of same-sign numbers, so nothing cancels. When
 * x₁ … x_(n−1) are all zero, x is already on the axis: return β = x₀, τ = 0 and v = e₁ (H = I).
 *
 * Check your work: npm run exercise -- 8
 */

export interface Reflector {
  /** v[0] = 1. */
  readonly v: number[];
  readonly tau: number;
  /** The value H x leaves in the first entry. */
  readonly beta: number;
}

export function householder(x: readonly number[]): Reflector {
  throw new Error('not implemented yet: householder(x) — β = −sign(x₀)‖x‖, v = (x − β e₁)/(x₀ − β) (so v[0] = 1), τ = (β − x₀)/β; if x₁… are all 0 return { v: e₁, tau: 0, beta: x₀ }');
}
