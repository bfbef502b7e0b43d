/**
 * svd — A = U Σ Vᵀ for any real m × n matrix: U and V with orthonormal columns, Σ diagonal with
 * σ₀ ≥ σ₁ ≥ … ≥ 0.
 *
 * The default method is Golub–Kahan–Reinsch, in three stages (Golub & Van Loan §8.6):
 *   1. bidiagonalize.ts: A = Q B Pᵀ with B upper bidiagonal (finite, 4mn² − 4n³/3 flops);
 *   2. bidiagonal-svd.ts: B = U_B Σ V_Bᵀ by implicit-shift QR sweeps on two vectors d, e,
 *      logging the rotations;
 *   3. U = Q U_B and V = P V_B: the logged rotations are applied to the columns of Q and P.
 * Tall matrices (m ≥ 1.5 n, the crossover we measured) are first reduced by a QR
 * factorisation, so stages 1–3 run on the small n × n factor R and only one pass touches m.
 * Wide matrices are handled through Aᵀ = V Σ Uᵀ.
 *
 * `method: 'jacobi'` runs one-sided Jacobi instead (jacobi-svd.ts): slower, but with high
 * relative accuracy for matrices that are badly scaled column-wise. The README compares them.
 *
 * Before any arithmetic, a matrix whose largest entry lies outside [2⁻²⁵⁶, 2²⁵⁶] is scaled by a
 * power of two (exact) so that nothing overflows or underflows; Σ is scaled back at the end.
 * Signs are made deterministic: each column of U has its largest-magnitude entry positive (the
 * first such entry on a tie), and the matching column of V flips with it.
 */
import { bidiagonalize, formP, formQ as formBidiagonalQ } from './bidiagonalize.js';
import { bidiagonalSvd } from './bidiagonal-svd.js';
import { checked, type MatrixInput } from './checks.js';
import { jacobiSvd } from './jacobi-svd.js';
import { Matrix } from './matrix.js';
import { applyQ, householderQr } from './qr.js';

/** Options of `svd`: the algorithm (Golub–Kahan with implicit QR, or one-sided Jacobi) and full or thin U and V. */
export interface SvdOptions {
  /** Full U (m × m) and V (n × n) instead of the thin ones (m × k, n × k with k = min(m, n)). */
  readonly full?: boolean;
  /** 'golub-kahan' (default) or 'jacobi' (one-sided Jacobi; slower, see the README). */
  readonly method?: 'golub-kahan' | 'jacobi';
}

/** A singular value decomposition A = U Σ Vᵀ: singular values in descending order, U and V. */
export interface SvdResult {
  /** Left singular vectors as columns: m × k (thin) or m × m (full). */
  readonly U: Matrix;
  /** Singular values, non-increasing and non-negative (k = min(m, n) of them). */
  readonly S: Float64Array;
  /** Right singular vectors as columns: n × k (thin) or n × n (full). A = U diag(S) Vᵀ. */
  readonly V: Matrix;
}

/**
 * Tall matrices with m ≥ QR_FIRST · n start with a QR factorisation. Measured here (Node 20):
 * for n = 250 the two paths tie at m/n ≈ 1.45, QR-first wins by 25% at 1.6 and 35% at 2
 * (LAPACK's dgesvd switches at 1.6).
 */
export const QR_FIRST = 1.5;

/**
 * The singular value decomposition A = U diag(S) Vᵀ.
 * @example svd([[3, 0], [4, 5]]).S  // Float64Array [6.70820393249937, 2.2360679774997894]
 */
export function svd(input: MatrixInput, options: SvdOptions = {}): SvdResult {
  const a = checked('svd', input);
  const full = options.full ?? false;
  const method = options.method ?? 'golub-kahan';
  let result: SvdResult;
  if (a.rows < a.cols) {
    const t = svdTall(a.transpose(), full, method);
    result = { U: t.V, S: t.S, V: t.U };
  } else {
    result = svdTall(a.clone(), full, method);
  }
  fixSigns(result.U, result.V, result.S.length);
  return result;
}

/**
 * Only the singular values, non-increasing: no vectors are accumulated, so after the
 * bidiagonalisation the work is O(n²).
 * @example singularValues([[3, 0], [4, 5]])  // Float64Array [6.70820393249937, 2.2360679774997894]
 */
export function singularValues(input: MatrixInput): Float64Array {
  const a0 = checked('singularValues', input);
  const a = a0.rows < a0.cols ? a0.transpose() : a0.clone();
  const { rows: m, cols: n } = a;
  const unscale = scaleInPlace(a.data);
  if (!unscale) return new Float64Array(n);
  let work = a.data;
  let rows = m;
  if (m >= QR_FIRST * n && n > 1) {
    householderQr(work, m, n, false);
    work = upperTriangle(work, n, n);
    rows = n;
  }
  const bd = bidiagonalize(work, rows, n);
  bidiagonalSvd(bd.d, bd.e, null, null);
  for (let i = 0; i < n; i++) bd.d[i] = unscale(bd.d[i]!);
  return bd.d;
}

/** The SVD of a tall or square matrix (m ≥ n), which it overwrites. */
function svdTall(a: Matrix, full: boolean, method: 'golub-kahan' | 'jacobi'): SvdResult {
  const { rows: m, cols: n } = a;
  const unscale = scaleInPlace(a.data);
  let result: SvdResult;
  if (!unscale) {
    // A = 0: Σ = 0 and any orthonormal U, V will do; we return the identity.
    result = { U: Matrix.eye(m, full ? m : n), S: new Float64Array(n), V: Matrix.eye(n) };
  } else if (method === 'jacobi') {
    result = jacobiSvd(a, full);
  } else if (m >= QR_FIRST * n && n > 1) {
    // A = Q R, R = U_R Σ Vᵀ, so U = Q U_R: the bidiagonal work happens on n × n.
    const f = householderQr(a.data, m, n, false);
    const r = upperTriangle(f.a, n, n);
    const bd = bidiagonalize(r, n, n);
    const uR = formBidiagonalQ(bd, n);
    const V = formP(bd);
    bidiagonalSvd(bd.d, bd.e, uR, V);
    const c = full ? m : n;
    const U = new Matrix(m, c);
    for (let i = 0; i < n; i++) U.data.set(uR.data.subarray(i * n, (i + 1) * n), i * c);
    for (let i = n; i < c; i++) U.data[i * c + i] = 1;
    applyQ(f, U.data, c);
    result = { U, S: bd.d, V };
  } else {
    const bd = bidiagonalize(a.data, m, n);
    const U = formBidiagonalQ(bd, full ? m : n);
    const V = formP(bd);
    bidiagonalSvd(bd.d, bd.e, U, V);
    result = { U, S: bd.d, V };
  }
  if (unscale) for (let i = 0; i < n; i++) result.S[i] = unscale(result.S[i]!);
  return result;
}

/**
 * Scales `x` in place by a power of two when its largest magnitude is outside [2⁻²⁵⁶, 2²⁵⁶], so
 * that the largest entry becomes ≈ 1; returns the factor as a function that undoes it on a
 * result (identity if nothing was scaled), or null if x is all zeros. Powers of two are exact,
 * and we apply them in two halves so that even 2¹⁰⁷⁴ (for subnormal input) never overflows.
 */
export function scaleInPlace(x: Float64Array): ((y: number) => number) | null {
  let amax = 0;
  for (let i = 0; i < x.length; i++) amax = Math.max(amax, Math.abs(x[i]!));
  if (amax === 0) return null;
  if (amax >= 2 ** -256 && amax <= 2 ** 256) return (y) => y;
  const e = -Math.round(Math.log2(amax));
  const h1 = 2 ** Math.trunc(e / 2);
  const h2 = 2 ** (e - Math.trunc(e / 2));
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * h1 * h2;
  return (y) => y / h1 / h2;
}

/** The upper triangle of the first `rows` rows of a row-major array with `cols` columns. */
function upperTriangle(a: Float64Array, rows: number, cols: number): Float64Array {
  const r = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) r.set(a.subarray(i * cols + i, (i + 1) * cols), i * cols + i);
  return r;
}

/**
 * Flips column pairs (U_i, V_i) for i < k so that U_i's largest-magnitude entry is positive;
 * columns beyond k (full U or V) are normalised on their own.
 */
export function fixSigns(U: Matrix, V: Matrix, k: number): void {
  const flip = (w: Matrix, j: number): void => {
    for (let i = 0; i < w.rows; i++) w.data[i * w.cols + j] = -w.data[i * w.cols + j]!;
  };
  const negativeLead = (w: Matrix, j: number): boolean => {
    let best = 0;
    let value = 0;
    for (let i = 0; i < w.rows; i++) {
      const x = w.data[i * w.cols + j]!;
      if (Math.abs(x) > best) {
        best = Math.abs(x);
        value = x;
      }
    }
    return value < 0;
  };
  for (let j = 0; j < U.cols; j++) {
    if (negativeLead(U, j)) {
      flip(U, j);
      if (j < k) flip(V, j);
    }
  }
  for (let j = k; j < V.cols; j++) if (negativeLead(V, j)) flip(V, j);
}
