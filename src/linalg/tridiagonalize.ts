/**
 * tridiagonalize — A = Q T Qᵀ for symmetric A, with T symmetric tridiagonal: the finite first
 * stage of the symmetric eigenproblem (Householder 1958; Golub & Van Loan §8.3.1).
 *
 * Step k takes the column below the diagonal, x = A[k+1:, k], and a reflector H with H x = β e₁.
 * Applied on both sides, H A H keeps the matrix symmetric (so the eigenvalues do not move) and
 * zeroes column k below the subdiagonal and row k right of the superdiagonal. On the trailing
 * block that two-sided product is a symmetric rank-2 update:
 *     p = τ A v,   w = p − (τ/2)(pᵀv) v,   A ← A − v wᵀ − w vᵀ,
 * which we apply to the lower triangle only (half the flops). In row-major storage the lower
 * triangle of row r is contiguous, and A v needs the upper triangle too: we get it from the same
 * row, since A[j][r] = A[r][j] (each row adds a dot product to p_r and an axpy to p[:r]).
 * Cost: 4n³/3 flops, plus 4n³/3 to form Q.
 */
import { applySequence, type ReflectorSequence } from './block-reflector.js';
import { makeReflector } from './householder.js';
import { Matrix } from './matrix.js';

export interface Tridiagonal {
  /** The work array: the reflectors sit below the subdiagonal (n × n, row-major). */
  readonly a: Float64Array;
  readonly n: number;
  /** Diagonal of T (n). */
  readonly d: Float64Array;
  /** Subdiagonal of T (n − 1). */
  readonly e: Float64Array;
  /** τ of the reflectors (n − 2, zero-padded to n). */
  readonly tau: Float64Array;
}

/** Reduces the symmetric n × n row-major array `a` (lower triangle read; overwritten). */
export function tridiagonalize(a: Float64Array, n: number): Tridiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const tau = new Float64Array(n);
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const len = n - k - 1;
    const base = k + 1; // the trailing block starts at row and column k+1
    for (let i = 0; i < len; i++) v[i] = a[(base + i) * n + k]!;
    const t = makeReflector(v, 0, len);
    e[k] = v[0]!;
    v[0] = 1;
    tau[k] = t;
    for (let i = 1; i < len; i++) a[(base + i) * n + k] = v[i]!;
    if (t !== 0) {
      // p = τ A₂₂ v from the lower triangle, row by row.
      p.fill(0, 0, len);
      for (let i = 0; i < len; i++) {
        const r = (base + i) * n + base;
        const vi = v[i]!;
        let dot = 0;
        for (let j = 0; j < i; j++) {
          const x = a[r + j]!;
          dot += x * v[j]!;
          p[j] = p[j]! + x * vi;
        }
        p[i] = p[i]! + (dot + a[r + i]! * vi);
      }
      let pv = 0;
      for (let i = 0; i < len; i++) {
        p[i] = t * p[i]!;
        pv += p[i]! * v[i]!;
      }
      const alpha = -0.5 * t * pv;
      for (let i = 0; i < len; i++) p[i] = p[i]! + alpha * v[i]!; // p is now w
      for (let i = 0; i < len; i++) {
        const r = (base + i) * n + base;
        const vi = v[i]!;
        const wi = p[i]!;
        for (let j = 0; j <= i; j++) a[r + j] = a[r + j]! - vi * p[j]! - wi * v[j]!;
      }
    }
    d[k] = a[k * n + k]!;
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2]!;
    e[n - 2] = a[(n - 1) * n + n - 2]!;
  }
  d[n - 1] = a[(n - 1) * n + n - 1]!;
  return { a, n, d, e, tau };
}

/** Q (n × n) from the reflectors, by blocked backward accumulation (H_k acts on rows/columns k+1…). */
export function formTridiagonalQ(t: Tridiagonal): Matrix {
  const { a, n, tau } = t;
  const q = Matrix.eye(n);
  const seq: ReflectorSequence = { count: Math.max(0, n - 2), start: (k) => k + 1, tau: (k) => tau[k]!, tail: (k, i) => a[i * n + k]! };
  applySequence(q.data, n, n, seq, (top) => top, n);
  return q;
}
