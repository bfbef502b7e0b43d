/**
 * norms — sizes of a matrix, and the numbers derived from them.
 *
 *   'fro'  ‖A‖_F = √(Σ a_ij²) = √(Σ σ_i²)           entry-wise, no SVD needed
 *   'nuc'  ‖A‖_* = Σ σ_i                             the nuclear (trace) norm
 *   2      ‖A‖₂ = σ₀, the largest stretch of a unit vector;  −2 gives σ_min
 *   1      max column sum of |a_ij|;  −1 the min
 *   Inf    max row sum of |a_ij|;     −Inf the min
 *
 * Conditioning: cond(A) = ‖A‖·‖A⁻¹‖ bounds how much relative error in b can grow in x when
 * solving A x = b; in the 2-norm it is σ₀/σ_min. The numerical rank counts singular values above
 * a tolerance (numpy's default: σ₀ · max(m, n) · ε), since rounding makes exact zeros rare.
 */
import { checked, type MatrixInput } from './checks.js';
import { SingularMatrixError } from './errors.js';
import { inv } from './solve.js';
import { singularValues } from './svd.js';

const EPS = Number.EPSILON; // 2⁻⁵², numpy's finfo(float).eps

/**
 * The matrix norms `norm` computes: Frobenius, nuclear, the 1, 2 and ∞ norms and their negative (minimum) forms, as NumPy's `ord`.
 */
export type NormOrder = 'fro' | 'nuc' | 1 | -1 | 2 | -2 | typeof Infinity;

/**
 * A matrix norm (default Frobenius), as numpy.linalg.norm for 2-D input.
 * @example norm([[3, 0], [0, 4]])  // 5
 */
export function norm(input: MatrixInput, ord: NormOrder = 'fro'): number {
  const a = checked('norm', input);
  const { rows: m, cols: n, data } = a;
  switch (ord) {
    case 'fro': {
      // Scaled sum of squares (as LAPACK's dlassq), so 1e200 entries do not overflow.
      let scale = 0;
      for (let i = 0; i < data.length; i++) scale = Math.max(scale, Math.abs(data[i]!));
      if (scale === 0) return 0;
      let s = 0;
      for (let i = 0; i < data.length; i++) {
        const t = data[i]! / scale;
        s += t * t;
      }
      return scale * Math.sqrt(s);
    }
    case 'nuc':
      return singularValues(a).reduce((s, x) => s + x, 0);
    case 2:
      return singularValues(a)[0]!;
    case -2: {
      const s = singularValues(a);
      return s[s.length - 1]!;
    }
    case 1:
    case -1: {
      const sums = new Float64Array(n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) sums[j] = sums[j]! + Math.abs(data[i * n + j]!);
      return ord === 1 ? Math.max(...sums) : Math.min(...sums);
    }
    case Infinity:
    case -Infinity: {
      const sums = new Float64Array(m);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) sums[i] = sums[i]! + Math.abs(data[i * n + j]!);
      return ord === Infinity ? Math.max(...sums) : Math.min(...sums);
    }
    default:
      throw new RangeError(`norm: unknown order ${String(ord)}; use 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity`);
  }
}

/**
 * The condition number ‖A‖·‖A⁻¹‖ (default: 2-norm, σ₀/σ_min, for any shape); Infinity for a
 * singular matrix. Other orders need a square matrix.
 * @example cond([[1, 0], [0, 1e-3]])  // 1000
 */
export function cond(input: MatrixInput, ord: NormOrder = 2): number {
  const a = checked('cond', input);
  if (ord === 2 || ord === -2) {
    const s = singularValues(a);
    const smax = s[0]!;
    const smin = s[s.length - 1]!;
    if (ord === 2) return smin === 0 ? Infinity : smax / smin;
    return smax === 0 ? Infinity : smin / smax;
  }
  if (a.rows !== a.cols) throw new RangeError(`cond: order ${String(ord)} needs a square matrix, got [${a.rows}, ${a.cols}]`);
  try {
    return norm(a, ord) * norm(inv(a), ord);
  } catch (error) {
    if (error instanceof SingularMatrixError) return Infinity;
    throw error;
  }
}

/** Options of `matrixRank`: the tolerance below which singular values count as zero. */
export interface RankOptions {
  /** Singular values at or below `tol` count as zero (default σ₀ · max(m, n) · ε). */
  readonly tol?: number;
}

/**
 * The numerical rank: the number of singular values above the tolerance.
 * @example matrixRank([[1, 2], [2, 4]])  // 1
 */
export function matrixRank(input: MatrixInput, options: RankOptions = {}): number {
  const a = checked('matrixRank', input);
  const s = singularValues(a);
  const tol = options.tol ?? s[0]! * Math.max(a.rows, a.cols) * EPS;
  let r = 0;
  for (const x of s) if (x > tol) r++;
  return r;
}
