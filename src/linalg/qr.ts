/**
 * qr — A = Q R by Householder reflections, with optional column pivoting (A P = Q R).
 *
 * Step k reflects column k (rows k…) onto the first axis, which zeroes it below the diagonal,
 * and applies the same reflection to the columns right of it. After min(m, n) steps the array
 * holds R on and above the diagonal and the reflectors' vectors below it (LAPACK's dgeqrf
 * layout); Q = H₀ H₁ ⋯ is formed only if asked, by backward accumulation.
 *
 * Column pivoting (Businger & Golub 1965; LAPACK's dgeqp3) brings the remaining column of
 * largest norm to the front at each step, so |R₀₀| ≥ |R₁₁| ≥ … and a rank-deficient A shows its
 * rank as a sharp drop on R's diagonal. Column norms are downdated after each step
 * (‖x‖² − x_k²) and recomputed when cancellation makes the downdate unreliable (Drmač & Bujanović
 * 2008).
 *
 * Convention: we flip signs so that R's diagonal is non-negative, which makes the reduced QR of
 * a full-rank matrix unique (and the output deterministic).
 */
import { checked, type MatrixInput } from './checks.js';
import { applyBlockLeft, applySequence, BLOCK, triangularFactor, type ReflectorSequence } from './block-reflector.js';
import { applyReflectorLeft, makeReflector, norm2 } from './householder.js';
import { Matrix } from './matrix.js';

/** Options of `qr`: 'reduced' (the default), 'complete' or 'r' (R only), and column pivoting. */
export interface QrOptions {
  /**
   * 'reduced' (default): Q is m × k, R is k × n with k = min(m, n).
   * 'complete': Q is m × m, R is m × n.
   * 'r': only R (k × n); Q is not formed, which is about twice as fast.
   */
  readonly mode?: 'reduced' | 'complete' | 'r';
  /** Column pivoting: returns `perm` with A[:, perm] = Q R and a non-increasing |diag(R)|. */
  readonly pivoting?: boolean;
}

/**
 * A QR factorisation A = Q R: Q with orthonormal columns, upper-triangular R, and the column permutation when pivoting.
 */
export interface QrResult {
  /** Orthonormal columns; null in mode 'r'. */
  readonly Q: Matrix | null;
  /** Upper triangular (upper trapezoidal when wide). */
  readonly R: Matrix;
  /** Column order: column j of Q R is column perm[j] of A (the identity without pivoting). */
  readonly perm: Int32Array;
}

/** Householder factors of A kept in LAPACK's compact form. */
export interface CompactQr {
  readonly a: Float64Array;
  readonly m: number;
  readonly n: number;
  readonly tau: Float64Array;
  readonly perm: Int32Array;
}

/**
 * Factors A (or A P with `pivoting`) as Q R.
 * @example qr([[3, 1], [4, 2]]).R.toArray()  // [[5, 2.2], [0, 0.3999999999999999]]
 */
export function qr(input: MatrixInput, options: QrOptions = {}): QrResult {
  const a = checked('qr', input);
  const mode = options.mode ?? 'reduced';
  const f = householderQr(a.data.slice(), a.rows, a.cols, options.pivoting ?? false);
  const { m, n } = f;
  const k = Math.min(m, n);
  const rRows = mode === 'complete' ? m : k;
  const R = new Matrix(rRows, n);
  for (let i = 0; i < k; i++) R.data.set(f.a.subarray(i * n + i, (i + 1) * n), i * n + i);
  const Q = mode === 'r' ? null : formQ(f, mode === 'complete' ? m : k);
  // Make diag(R) ≥ 0: flip row i of R and column i of Q together.
  for (let i = 0; i < k; i++) {
    if (R.data[i * n + i]! < 0) {
      for (let j = i; j < n; j++) R.data[i * n + j] = -R.data[i * n + j]!;
      if (Q) for (let r = 0; r < m; r++) Q.data[r * Q.cols + i] = -Q.data[r * Q.cols + i]!;
    }
  }
  return { Q, R, perm: f.perm };
}

/** The Householder QR of the row-major m × n array `a` (overwritten), optionally pivoted. */
export function householderQr(a: Float64Array, m: number, n: number, pivoting: boolean): CompactQr {
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  const perm = Int32Array.from({ length: n }, (_, j) => j);
  const v = new Float64Array(m);
  const w = new Float64Array(n);
  // Column norms for pivoting: current (downdated) and at the last recomputation.
  const norms = new Float64Array(pivoting ? n : 0);
  const refNorms = new Float64Array(pivoting ? n : 0);
  const col = new Float64Array(m);
  const columnNorm = (j: number, from: number): number => {
    for (let i = from; i < m; i++) col[i - from] = a[i * n + j]!;
    return norm2(col, 0, m - from);
  };
  if (pivoting) {
    for (let j = 0; j < n; j++) norms[j] = refNorms[j] = columnNorm(j, 0);
  }
  const tol3z = Math.sqrt(2 ** -53);
  // Without pivoting we factor BLOCK columns at a time: reflectors are applied one by one
  // inside the panel only, then all of them at once to the trailing columns (block-reflector.ts).
  // Pivoting needs every column norm updated after every step, so it stays unblocked.
  const blocked = !pivoting && n > BLOCK;
  const V = blocked ? new Float64Array(m * BLOCK) : new Float64Array(0);
  const T = new Float64Array(BLOCK * BLOCK);
  const W = new Float64Array(BLOCK * 64);
  for (let s0 = 0; s0 < k; s0 += blocked ? BLOCK : k) {
    const s1 = blocked ? Math.min(k, s0 + BLOCK) : k;
    const panelEnd = blocked ? s1 : n; // columns the single reflectors update
    for (let s = s0; s < s1; s++) {
      if (pivoting) {
        let p = s;
        for (let j = s + 1; j < n; j++) if (norms[j]! > norms[p]!) p = j;
        if (p !== s) {
          for (let i = 0; i < m; i++) {
            const t = a[i * n + s]!;
            a[i * n + s] = a[i * n + p]!;
            a[i * n + p] = t;
          }
          [perm[s], perm[p]] = [perm[p]!, perm[s]!];
          norms[p] = norms[s]!;
          refNorms[p] = refNorms[s]!;
        }
      }
      const len = m - s;
      for (let i = 0; i < len; i++) v[i] = a[(s + i) * n + s]!;
      const t = makeReflector(v, 0, len);
      tau[s] = t;
      a[s * n + s] = v[0]!;
      for (let i = 1; i < len; i++) a[(s + i) * n + s] = v[i]!;
      v[0] = 1;
      applyReflectorLeft(a, n, s, m, s + 1, panelEnd, v, t, w);
      if (pivoting) {
        for (let j = s + 1; j < n; j++) {
          const nj = norms[j]!;
          if (nj === 0) continue;
          const ratio = Math.abs(a[s * n + j]!) / nj;
          const temp = Math.max(0, 1 - ratio * ratio);
          const temp2 = temp * (nj / refNorms[j]!) ** 2;
          if (temp2 <= tol3z) {
            const fresh = s + 1 < m ? columnNorm(j, s + 1) : 0;
            norms[j] = fresh;
            refNorms[j] = fresh;
          } else {
            norms[j] = nj * Math.sqrt(temp);
          }
        }
      }
    }
    if (blocked && s1 < n) {
      const nb = s1 - s0;
      const r = m - s0;
      V.fill(0, 0, r * nb);
      for (let c = 0; c < nb; c++) {
        const s = s0 + c;
        V[(s - s0) * nb + c] = 1;
        for (let i = s + 1; i < m; i++) V[(i - s0) * nb + c] = a[i * n + s]!;
      }
      triangularFactor(V, r, nb, tau.subarray(s0, s1), T);
      // Qᵀ on the trailing columns: H_{s1−1} ⋯ H_{s0} = (I − V T Vᵀ)ᵀ.
      applyBlockLeft(a, n, s0, r, s1, n, V, nb, T, true, W);
    }
  }
  return { a, m, n, tau, perm };
}

/** The reflectors of a compact QR as a sequence: H_s has v = 1 at row s, its tail below. */
function reflectors(f: CompactQr): ReflectorSequence {
  const { a, n, tau } = f;
  return { count: tau.length, start: (s) => s, tau: (s) => tau[s]!, tail: (s, i) => a[i * n + s]! };
}

/** The first `cols` columns of Q = H₀ H₁ ⋯ H_{k−1} (m × cols), by blocked backward accumulation. */
export function formQ(f: CompactQr, cols: number): Matrix {
  const q = Matrix.eye(f.m, cols);
  applySequence(q.data, cols, f.m, reflectors(f), (top) => Math.min(top, cols), cols);
  return q;
}

/**
 * X ← Q X for the row-major m × c array x, without forming Q. Used by the SVD of tall matrices
 * (U = Q·U_R).
 */
export function applyQ(f: CompactQr, x: Float64Array, c: number): void {
  applySequence(x, c, f.m, reflectors(f), () => 0, c);
}
