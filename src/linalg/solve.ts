/**
 * solve — linear systems and what follows from them: `solve` (LU), `inv`, `det`, `slogdet`,
 * and, through the SVD, `lstsq` and `pinv`.
 *
 * A square system A x = b is solved with the LU factors (lu.ts): P A = L U, so L y = P b by
 * forward substitution and U x = y by back substitution, 2n³/3 + 2n² flops. We refuse a matrix
 * that is singular *to working precision*: one with a zero pivot, or whose estimated reciprocal
 * condition number 1/(‖A‖₁‖A⁻¹‖₁) is below ε = 2⁻⁵², because then no digit of x can be trusted.
 * The error says so and points to `lstsq`/`pinv`, which handle such matrices by design.
 *
 * Least squares min ‖A x − b‖₂ uses the SVD A = U Σ Vᵀ: x = V Σ⁺ Uᵀ b, where Σ⁺ inverts only the
 * singular values above rcond·σ₀ and zeroes the rest. Dropping the tiny σ_i is what makes the
 * answer stable (and the minimum-norm one) when A is rank-deficient; the number kept is the
 * numerical rank. `pinv` is the same formula with b = I.
 */
import { asMatrix, checked, type MatrixInput } from './checks.js';
import { SingularMatrixError } from './errors.js';
import { luFactor, luRcond, luSolveInPlace, type CompactLu } from './lu.js';
import { Matrix } from './matrix.js';
import { svd } from './svd.js';

const EPS = Number.EPSILON; // 2⁻⁵², numpy's finfo(float).eps

/** A right-hand side: one vector, or a matrix whose columns are several. */
export type Vector = Float64Array | readonly number[];

function isVector(b: unknown): b is Vector {
  return b instanceof Float64Array || (Array.isArray(b) && (b.length === 0 || typeof b[0] === 'number'));
}

/** b as an n × c matrix (a vector becomes one column). */
function rhs(op: string, b: Vector | MatrixInput, rows: number): Matrix {
  const m = isVector(b) ? new Matrix(b.length, 1, Float64Array.from(b)) : asMatrix(op, b);
  if (m.rows !== rows) throw new RangeError(`${op}: A has ${rows} rows but b has ${m.rows}`);
  if (m.cols === 0) throw new RangeError(`${op}: b is empty ([${m.rows}, 0])`);
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i]!)) throw new RangeError(`${op}: b has a non-finite entry (${m.data[i]}); it must hold finite numbers only`);
  }
  return m;
}

function oneNorm(a: Matrix): number {
  const sums = new Float64Array(a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) sums[j] = sums[j]! + Math.abs(a.data[i * a.cols + j]!);
  return sums.reduce((m, x) => Math.max(m, x), 0);
}

/** Factors A, refusing it if it is singular to working precision. */
function factorNonsingular(op: string, a: Matrix, alternative: string): CompactLu {
  const f = luFactor(a.data.slice(), a.rows, a.cols);
  if (f.zeroPivot >= 0) {
    throw new SingularMatrixError(`${op}: the matrix is singular (zero pivot in column ${f.zeroPivot}); ${alternative}`);
  }
  const rcond = luRcond(f, oneNorm(a));
  if (!(rcond >= EPS)) {
    throw new SingularMatrixError(
      `${op}: the matrix is singular to working precision (reciprocal condition number ${rcond.toExponential(2)} < ε = ${EPS.toExponential(2)}); ${alternative}`,
    );
  }
  return f;
}

/**
 * The solution of A x = b for square, non-singular A (b a vector, or a matrix of columns).
 * @example solve([[2, 1], [1, 3]], [3, 5])  // Float64Array [0.8, 1.4]
 */
export function solve(a: MatrixInput, b: Vector): Float64Array;
export function solve(a: MatrixInput, b: MatrixInput): Matrix;
export function solve(aInput: MatrixInput, b: Vector | MatrixInput): Float64Array | Matrix {
  const a = checked('solve', aInput, { square: true });
  const B = rhs('solve', b, a.rows);
  const f = factorNonsingular('solve', a, 'use lstsq() for a least-squares solution or pinv() for the pseudo-inverse');
  const x = luSolveInPlace(f, B.data.slice(), B.cols);
  return isVector(b) ? x : new Matrix(B.rows, B.cols, x);
}

/**
 * The inverse of a square, non-singular matrix. (To solve a system, `solve` is faster and more
 * accurate than multiplying by the inverse.)
 * @example inv([[2, 0], [0, 4]]).toArray()  // [[0.5, 0], [0, 0.25]]
 */
export function inv(input: MatrixInput): Matrix {
  const a = checked('inv', input, { square: true });
  const f = factorNonsingular('inv', a, 'use pinv() for the pseudo-inverse');
  const n = a.rows;
  return new Matrix(n, n, luSolveInPlace(f, Matrix.eye(n).data, n));
}

/**
 * The determinant, from the LU factors: det A = det(P)·Π u_ii. It can overflow for large
 * matrices; `slogdet` cannot.
 * @example det([[1, 2], [3, 4]])  // -2
 */
export function det(input: MatrixInput): number {
  const a = checked('det', input, { square: true });
  const f = luFactor(a.data.slice(), a.rows, a.cols);
  let d = f.sign;
  for (let i = 0; i < a.rows; i++) d *= f.lu[i * a.cols + i]!;
  return d === 0 ? 0 : d; // never −0
}

/**
 * The sign and the natural log of |det A|, without overflow: det A = sign · exp(logAbsDet).
 * A singular matrix gives sign 0 and logAbsDet −Infinity.
 * @example slogdet([[1, 2], [3, 4]])  // { sign: -1, logAbsDet: 0.6931471805599453 }
 */
export function slogdet(input: MatrixInput): { sign: number; logAbsDet: number } {
  const a = checked('slogdet', input, { square: true });
  const f = luFactor(a.data.slice(), a.rows, a.cols);
  let sign = f.sign;
  let logAbsDet = 0;
  for (let i = 0; i < a.rows; i++) {
    const u = f.lu[i * a.cols + i]!;
    if (u === 0) return { sign: 0, logAbsDet: -Infinity };
    if (u < 0) sign = -sign;
    logAbsDet += Math.log(Math.abs(u));
  }
  return { sign, logAbsDet };
}

/** Options of `lstsq`: the relative cut-off below which singular values count as zero. */
export interface LstsqOptions {
  /** Singular values below rcond·σ₀ count as zero (default ε·max(m, n), numpy's default). */
  readonly rcond?: number;
}

/** The least-squares solution, the residual sums of squares, the rank and the singular values. */
export interface LstsqResult<X> {
  /** The minimum-norm least-squares solution (a vector if b was one). */
  readonly x: X;
  /** ‖b_j − A x_j‖₂² for each column of b (numpy omits these when rank < n; we always give them). */
  readonly residuals: Float64Array;
  /** The numerical rank: how many singular values were above the cutoff. */
  readonly rank: number;
  /** All singular values of A, non-increasing. */
  readonly singularValues: Float64Array;
}

/**
 * The least-squares solution of A x ≈ b via the SVD: works for any shape and any rank.
 * @example lstsq([[1, 0], [1, 1], [1, 2]], [1, 2, 4]).x  // Float64Array [0.833333333333333, 1.4999999999999998]
 */
export function lstsq(a: MatrixInput, b: Vector, options?: LstsqOptions): LstsqResult<Float64Array>;
export function lstsq(a: MatrixInput, b: MatrixInput, options?: LstsqOptions): LstsqResult<Matrix>;
export function lstsq(aInput: MatrixInput, b: Vector | MatrixInput, options: LstsqOptions = {}): LstsqResult<Float64Array | Matrix> {
  const a = checked('lstsq', aInput);
  const B = rhs('lstsq', b, a.rows);
  const { rows: m, cols: n } = a;
  const c = B.cols;
  const { U, S, V } = svd(a);
  const k = S.length;
  const rcond = options.rcond ?? EPS * Math.max(m, n);
  const cutoff = rcond * (S[0] ?? 0);
  let rank = 0;
  while (rank < k && S[rank]! > cutoff) rank++;
  // y = Σ⁺ Uᵀ b on the first `rank` components; x = V y.
  const y = new Float64Array(rank * c);
  for (let i = 0; i < m; i++) {
    for (let r = 0; r < rank; r++) {
      const u = U.data[i * U.cols + r]!;
      if (u === 0) continue;
      for (let j = 0; j < c; j++) y[r * c + j] = y[r * c + j]! + u * B.data[i * c + j]!;
    }
  }
  for (let r = 0; r < rank; r++) for (let j = 0; j < c; j++) y[r * c + j] = y[r * c + j]! / S[r]!;
  const x = new Matrix(n, c);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rank; r++) {
      const v = V.data[i * V.cols + r]!;
      for (let j = 0; j < c; j++) x.data[i * c + j] = x.data[i * c + j]! + v * y[r * c + j]!;
    }
  }
  const residual = a.matmul(x).sub(B);
  const residuals = new Float64Array(c);
  for (let i = 0; i < m; i++) for (let j = 0; j < c; j++) residuals[j] = residuals[j]! + residual.data[i * c + j]! ** 2;
  return { x: isVector(b) ? x.data : x, residuals, rank, singularValues: S };
}

/** Options of `pinv`: the relative cut-off for small singular values. */
export interface PinvOptions {
  /** Singular values below rcond·σ₀ count as zero (default ε·max(m, n), as scipy's pinv). */
  readonly rcond?: number;
}

/**
 * The Moore–Penrose pseudo-inverse A⁺ = V Σ⁺ Uᵀ (n × m).
 * @example pinv([[1, 0], [0, 0]]).toArray()  // [[1, 0], [0, 0]]
 */
export function pinv(input: MatrixInput, options: PinvOptions = {}): Matrix {
  const a = checked('pinv', input);
  const { rows: m, cols: n } = a;
  const { U, S, V } = svd(a);
  const rcond = options.rcond ?? EPS * Math.max(m, n);
  const cutoff = rcond * (S[0] ?? 0);
  const out = new Matrix(n, m);
  const k = S.length;
  // A⁺[i][j] = Σ_r V[i][r] U[j][r] / σ_r: accumulate rank-1 terms row by row.
  const scaledU = new Float64Array(m * k); // row j: U[j][r] / σ_r (0 beyond the rank)
  for (let j = 0; j < m; j++) {
    for (let r = 0; r < k; r++) if (S[r]! > cutoff) scaledU[j * k + r] = U.data[j * U.cols + r]! / S[r]!;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let r = 0; r < k; r++) s += V.data[i * V.cols + r]! * scaledU[j * k + r]!;
      out.data[i * m + j] = s;
    }
  }
  return out;
}
