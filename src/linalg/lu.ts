/**
 * lu — P A = L U by Gaussian elimination with partial pivoting (Golub & Van Loan §3.4).
 *
 * Step k picks the entry of largest magnitude in column k (rows k…) as the pivot and swaps its
 * row to the top, so every multiplier l_ik = a_ik / a_kk has |l_ik| ≤ 1 and rounding errors
 * cannot be amplified by large multipliers. Then each row below subtracts l_ik × row k, an axpy
 * along contiguous memory. After min(m, n) steps the array holds U on and above the diagonal and
 * the multipliers (L without its unit diagonal) below. Cost 2n³/3 flops for n × n.
 *
 * Worked example: A = [[1, 2], [3, 4]]. The pivot of column 0 is 3, so rows swap (perm = [1, 0]);
 * l₁₀ = 1/3 and row 1 becomes [1, 2] − (1/3)[3, 4] = [0, 2/3]. L = [[1, 0], [1/3, 1]],
 * U = [[3, 4], [0, 2/3]], and det A = −1 (one swap) × 3 × 2/3 = −2.
 *
 * A zero pivot does not stop the factorisation (LAPACK's dgetrf behaves the same); `singular`
 * reports it, and `solve`/`inv` refuse to divide by it.
 */
import { checked, type MatrixInput } from './checks.js';
import { Matrix } from './matrix.js';

/** An LU factorisation with partial pivoting, P A = L U: the factors, the row permutation and its sign. */
export interface LuResult {
  /** Unit lower triangular, m × k (k = min(m, n)). */
  readonly L: Matrix;
  /** Upper triangular (trapezoidal if wide), k × n. */
  readonly U: Matrix;
  /** Row order: row i of L U is row perm[i] of A. */
  readonly perm: Int32Array;
  /** +1 or −1: the sign of the row permutation (det P). */
  readonly sign: number;
}

/** The packed factors (LAPACK layout) that `solve`, `inv` and `det` work from. */
export interface CompactLu {
  readonly lu: Float64Array;
  readonly m: number;
  readonly n: number;
  readonly perm: Int32Array;
  readonly sign: number;
  /** Index of the first exactly-zero pivot, or −1. */
  readonly zeroPivot: number;
}

/**
 * The LU factorisation with partial pivoting: A[perm, :] = L U.
 * @example lu([[1, 2], [3, 4]]).U.toArray()  // [[3, 4], [0, 0.6666666666666667]]
 */
export function lu(input: MatrixInput): LuResult {
  const a = checked('lu', input);
  const f = luFactor(a.data.slice(), a.rows, a.cols);
  const { m, n } = f;
  const k = Math.min(m, n);
  const L = new Matrix(m, k);
  const U = new Matrix(k, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < Math.min(i, k); j++) L.data[i * k + j] = f.lu[i * n + j]!;
    if (i < k) {
      L.data[i * k + i] = 1;
      U.data.set(f.lu.subarray(i * n + i, (i + 1) * n), i * n + i);
    }
  }
  return { L, U, perm: f.perm, sign: f.sign };
}

/** Factors the row-major m × n array `a` in place. */
export function luFactor(a: Float64Array, m: number, n: number): CompactLu {
  const perm = Int32Array.from({ length: m }, (_, i) => i);
  let sign = 1;
  let zeroPivot = -1;
  const k = Math.min(m, n);
  for (let s = 0; s < k; s++) {
    let p = s;
    let best = Math.abs(a[s * n + s]!);
    for (let i = s + 1; i < m; i++) {
      const x = Math.abs(a[i * n + s]!);
      if (x > best) {
        best = x;
        p = i;
      }
    }
    if (p !== s) {
      for (let j = 0; j < n; j++) {
        const t = a[s * n + j]!;
        a[s * n + j] = a[p * n + j]!;
        a[p * n + j] = t;
      }
      [perm[s], perm[p]] = [perm[p]!, perm[s]!];
      sign = -sign;
    }
    const pivot = a[s * n + s]!;
    if (pivot === 0) {
      if (zeroPivot < 0) zeroPivot = s;
      continue;
    }
    // Multiplying by 1/pivot is faster, but 1/pivot overflows for a subnormal pivot: then divide.
    const inv = Math.abs(pivot) >= 2 ** -1022 ? 1 / pivot : 0;
    const ps = s * n;
    for (let i = s + 1; i < m; i++) {
      const pi = i * n;
      const l = inv !== 0 ? a[pi + s]! * inv : a[pi + s]! / pivot;
      a[pi + s] = l;
      if (l === 0) continue;
      for (let j = s + 1; j < n; j++) a[pi + j] = a[pi + j]! - l * a[ps + j]!;
    }
  }
  return { lu: a, m, n, perm, sign, zeroPivot };
}

/**
 * Solves A X = B in place for the n × c row-major array `b`, given the square LU of A: permute
 * the rows, then forward substitution with L (unit diagonal) and back substitution with U, each
 * row update an axpy over the c right-hand sides.
 */
export function luSolveInPlace(f: CompactLu, b: Float64Array, c: number): Float64Array {
  const { lu: a, n, perm } = f;
  const x = new Float64Array(n * c);
  for (let i = 0; i < n; i++) x.set(b.subarray(perm[i]! * c, (perm[i]! + 1) * c), i * c);
  for (let i = 0; i < n; i++) {
    const pi = i * c;
    for (let j = 0; j < i; j++) {
      const l = a[i * n + j]!;
      if (l === 0) continue;
      const pj = j * c;
      for (let r = 0; r < c; r++) x[pi + r] = x[pi + r]! - l * x[pj + r]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const pi = i * c;
    for (let j = i + 1; j < n; j++) {
      const u = a[i * n + j]!;
      if (u === 0) continue;
      const pj = j * c;
      for (let r = 0; r < c; r++) x[pi + r] = x[pi + r]! - u * x[pj + r]!;
    }
    const pivot = a[i * n + i]!;
    for (let r = 0; r < c; r++) x[pi + r] = x[pi + r]! / pivot;
  }
  b.set(x);
  return b;
}

/** Solves Aᵀ x = b for one vector, given the square LU of A (for the condition estimate). */
function luSolveTransposed(f: CompactLu, b: Float64Array): Float64Array {
  const { lu: a, n, perm } = f;
  // Aᵀ = Uᵀ Lᵀ P, so solve Uᵀ y = b, Lᵀ z = y, x = Pᵀ z.
  const y = b.slice();
  for (let i = 0; i < n; i++) {
    let s = y[i]!;
    for (let j = 0; j < i; j++) s -= a[j * n + i]! * y[j]!;
    y[i] = s / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let j = i + 1; j < n; j++) s -= a[j * n + i]! * y[j]!;
    y[i] = s;
  }
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[perm[i]!] = y[i]!;
  return x;
}

/**
 * An estimate of the reciprocal condition number 1/(‖A‖₁ ‖A⁻¹‖₁) from the LU factors, in O(n²)
 * per iteration: Hager's (1984) method as refined by Higham (1988, LAPACK's dlacon), which finds
 * ‖A⁻¹‖₁ by maximising ‖A⁻¹x‖₁ over ‖x‖₁ = 1 with a few solves instead of forming A⁻¹.
 * `anorm` is ‖A‖₁ of the original matrix.
 */
export function luRcond(f: CompactLu, anorm: number): number {
  const n = f.n;
  if (f.zeroPivot >= 0) return 0;
  if (anorm === 0) return 0;
  const solve = (v: Float64Array): Float64Array => luSolveInPlace(f, v.slice(), 1);
  let x = new Float64Array(n).fill(1 / n);
  let est = 0;
  let last = -1;
  for (let iter = 0; iter < 5; iter++) {
    const y = solve(x);
    const ynorm = y.reduce((s, v) => s + Math.abs(v), 0);
    if (!Number.isFinite(ynorm)) return 0;
    if (iter > 0 && ynorm <= est) {
      est = Math.max(est, ynorm);
      break;
    }
    est = ynorm;
    const xi = Float64Array.from(y, (v) => (v >= 0 ? 1 : -1));
    const z = luSolveTransposed(f, xi);
    let j = 0;
    for (let i = 1; i < n; i++) if (Math.abs(z[i]!) > Math.abs(z[j]!)) j = i;
    let ztx = 0;
    for (let i = 0; i < n; i++) ztx += z[i]! * x[i]!;
    if (Math.abs(z[j]!) <= ztx || j === last) break;
    last = j;
    x = new Float64Array(n);
    x[j] = 1;
  }
  // Higham's safeguard: an alternating vector catches matrices that fool the iteration.
  const alt = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1) * (1 + (n > 1 ? i / (n - 1) : 0)));
  const y = solve(alt);
  const altEst = (2 * y.reduce((s, v) => s + Math.abs(v), 0)) / (3 * n);
  est = Math.max(est, altEst);
  if (!Number.isFinite(est) || est === 0) return 0;
  return 1 / (anorm * est);
}
