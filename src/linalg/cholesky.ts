/**
 * cholesky — A = L Lᵀ for symmetric positive definite A, with L lower triangular and a positive
 * diagonal (Golub & Van Loan §4.2).
 *
 * Equating entries of A = L Lᵀ row by row gives, for j ≤ i,
 *     a_ij = Σ_{k≤j} l_ik l_jk   ⇒   l_ij = (a_ij − Σ_{k<j} l_ik l_jk) / l_jj,
 *     l_ii = √(a_ii − Σ_{k<i} l_ik²).
 * Each sum is a dot product of two row prefixes of L, contiguous in row-major storage. The square
 * root's argument is positive exactly when A is positive definite (it is the ratio of leading
 * minors), so the factorisation doubles as the cheapest test of definiteness. Cost n³/3 flops,
 * half of LU, and no pivoting is needed: |l_ij| ≤ √a_ii bounds every entry.
 *
 * Worked example: [[4, 2], [2, 3]] gives l₀₀ = 2, l₁₀ = 2/2 = 1, l₁₁ = √(3 − 1) = √2.
 */
import { checked, type MatrixInput } from './checks.js';
import { Matrix } from './matrix.js';

/** Options of `cholesky`: how far from symmetric the input may be. */
export interface CholeskyOptions {
  /** How far from symmetric A may be, relative to its largest entry (default 1e-10). */
  readonly symmetryTolerance?: number;
}

/**
 * The lower Cholesky factor L with A = L Lᵀ; throws if A is not positive definite.
 * @example cholesky([[4, 2], [2, 3]]).toArray()  // [[2, 0], [1, 1.4142135623730951]]
 */
export function cholesky(input: MatrixInput, options: CholeskyOptions = {}): Matrix {
  const a = checked('cholesky', input, { square: true });
  const n = a.rows;
  const tol = options.symmetryTolerance ?? 1e-10;
  let amax = 0;
  for (let i = 0; i < a.data.length; i++) amax = Math.max(amax, Math.abs(a.data[i]!));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(a.data[i * n + j]! - a.data[j * n + i]!) > tol * amax) {
        throw new RangeError(`cholesky: the matrix is not symmetric (A[${i}, ${j}] = ${a.data[i * n + j]} but A[${j}, ${i}] = ${a.data[j * n + i]})`);
      }
    }
  }
  const L = new Matrix(n, n);
  const l = L.data;
  const A = a.data;
  for (let i = 0; i < n; i++) {
    const pi = i * n;
    for (let j = 0; j <= i; j++) {
      const pj = j * n;
      let s = A[pi + j]!;
      for (let k = 0; k < j; k++) s -= l[pi + k]! * l[pj + k]!;
      if (i === j) {
        if (!(s > 0)) {
          throw new RangeError(
            `cholesky: the matrix is not positive definite (the leading ${i + 1} × ${i + 1} minor is not positive); ` +
              'for symmetric indefinite systems use solve() (LU), or eigh() to inspect the eigenvalues',
          );
        }
        l[pi + i] = Math.sqrt(s);
      } else {
        l[pi + j] = s / l[pj + j]!;
      }
    }
  }
  return L;
}

/**
 * Solves A X = B given A's Cholesky factor L (forward substitution with L, back with Lᵀ).
 * @example choleskySolve(cholesky([[4, 2], [2, 3]]), [[8], [7]]).toArray()  // [[1.25], [1.4999999999999998]]
 */
export function choleskySolve(L: Matrix, bInput: MatrixInput): Matrix {
  const b = checked('choleskySolve', bInput);
  const n = L.rows;
  if (b.rows !== n) throw new RangeError(`choleskySolve: L is [${L.shape}] but B has ${b.rows} rows`);
  const c = b.cols;
  const x = b.data.slice();
  const l = L.data;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const lij = l[i * n + j]!;
      for (let r = 0; r < c; r++) x[i * c + r] = x[i * c + r]! - lij * x[j * c + r]!;
    }
    const lii = l[i * n + i]!;
    for (let r = 0; r < c; r++) x[i * c + r] = x[i * c + r]! / lii;
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) {
      const lji = l[j * n + i]!;
      for (let r = 0; r < c; r++) x[i * c + r] = x[i * c + r]! - lji * x[j * c + r]!;
    }
    const lii = l[i * n + i]!;
    for (let r = 0; r < c; r++) x[i * c + r] = x[i * c + r]! / lii;
  }
  return new Matrix(n, c, x);
}
