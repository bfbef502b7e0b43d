/**
 * Exercise 8.2 — QR by Householder reflections (docs/course/08-linear-algebra.md, §1).
 *
 * For A (m × n, m ≥ n): for each column j, build the reflector that maps R[j…m−1, j] onto
 * β e₁ (exercise 8.1's recipe), apply H_j = I − τ v vᵀ to the rows j…m−1 of R (every column) and
 * accumulate Q ← Q H_j (the columns j…m−1 of Q). Start from R = A and Q = I (m × m).
 * Return the full Q (m × m, orthogonal) and R (m × n, zero below the diagonal) with Q R = A.
 * Plain number[][] arrays are fine; applying H never needs H itself: w = vᵀ R, then R −= τ v w.
 *
 * Check your work: npm run exercise -- 8
 */

export function householderQr(A: readonly (readonly number[])[]): { Q: number[][]; R: number[][] } {
  throw new Error('not implemented yet: householderQr(A) — R = copy of A, Q = I; for each column j: reflector of R[j:, j], R[j:, :] −= τ v (vᵀ R[j:, :]), Q[:, j:] −= τ (Q[:, j:] v) vᵀ; set the zeroed entries below the diagonal to exactly 0');
}
