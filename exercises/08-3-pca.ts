/**
 * Exercise 8.3 — principal component analysis through the SVD (docs/course/08-linear-algebra.md, §4).
 *
 * For data X (n rows = points, d columns = features) and k ≤ min(n, d):
 *   mean      the column means (d numbers)
 *   X_c       X with the mean subtracted from every row
 *   X_c = U Σ Vᵀ (linalg.svd)
 *   components          the first k columns of V, returned as k rows of d numbers each
 *   explainedVariance   σ_i² / (n − 1) for i < k
 *   explainedVarianceRatio  σ_i² / Σ_all σ_j²
 *   scores    X_c · V_k  (n × k): each point's coordinates along the components
 * linalg.svd makes each column of U have its largest entry positive, which fixes the signs.
 *
 * Check your work: npm run exercise -- 8
 */
import { linalg } from '../src/index.js';

export interface Pca {
  readonly mean: number[];
  readonly components: number[][];
  readonly explainedVariance: number[];
  readonly explainedVarianceRatio: number[];
  readonly scores: linalg.Matrix;
}

export function pca(X: linalg.Matrix, k: number): Pca {
  throw new Error('not implemented yet: pca(X, k) — column means, centre, linalg.svd(centred), keep k columns of V as components, σ²/(n − 1) and σ²/Σσ², scores = centred · V[:, :k]');
}
