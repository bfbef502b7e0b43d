/**
 * bidiagonalize — A = Q B Pᵀ for m ≥ n, with Q (m × m) and P (n × n) orthogonal and B upper
 * bidiagonal: the first, finite part of the SVD (Golub & Kahan 1965).
 *
 * Why not diagonalise directly? No finite sequence of reflections can produce the singular
 * values (they are roots of a polynomial), but a finite sequence *can* reach a form from which
 * an iteration converges cheaply. Alternating reflections do it: for k = 0, 1, …
 *   - a reflector from the left zeroes column k below the diagonal,
 *   - a reflector from the right zeroes row k right of the superdiagonal.
 * Because the right reflector leaves column k alone (it acts on columns k+1…), the zeros made
 * by the left one survive, and vice versa. For a 4 × 3 matrix the pattern goes
 *
 *   x x x     d e 0     d e 0     d e 0
 *   x x x  →  0 x x  →  0 d e  →  0 d e
 *   x x x     0 x x     0 0 x     0 0 d
 *   x x x     0 x x     0 0 x     0 0 0
 *
 * (reflect rows; reflect columns 1..2; reflect rows 1..3; then rows 2..3). The cost is
 * 4mn² − 4n³/3 flops, the QR iteration that follows is O(n²) per sweep on d and e only.
 *
 * Storage follows LAPACK's dgebrd: the left vectors stay below the diagonal of the work array,
 * the right ones right of the superdiagonal, so `formQ`/`formP` can build the factors later.
 */
import { applySequence, type ReflectorSequence } from './block-reflector.js';
import { applyReflectorLeft, applyReflectorRight, makeReflector } from './householder.js';
import { Matrix } from './matrix.js';

export interface Bidiagonal {
  /** The work array, holding the reflectors (m × n, row-major). */
  readonly a: Float64Array;
  readonly m: number;
  readonly n: number;
  /** Diagonal of B (n). */
  readonly d: Float64Array;
  /** Superdiagonal of B (n − 1). */
  readonly e: Float64Array;
  /** τ of the left reflectors (n). */
  readonly tauQ: Float64Array;
  /** τ of the right reflectors (n − 2, zero-padded to n). */
  readonly tauP: Float64Array;
}

/**
 * Reduces the m × n row-major array `a` (m ≥ n, overwritten) to bidiagonal form.
 *
 * (We measured a variant that reads the trailing block once per step instead of three times,
 * assembling the left reflector's w from sums accumulated in the previous pass; in V8 it was
 * ~30% slower than these three simple passes, whose kernels each work on four rows at a time.)
 */
export function bidiagonalize(a: Float64Array, m: number, n: number): Bidiagonal {
  if (m < n) throw new RangeError(`bidiagonalize: needs rows ≥ columns, got [${m}, ${n}]`);
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const tauQ = new Float64Array(n);
  const tauP = new Float64Array(n);
  const v = new Float64Array(m);
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // Left reflector: column k, rows k..m−1 (gathered into v to make it contiguous).
    const len = m - k;
    for (let i = 0; i < len; i++) v[i] = a[(k + i) * n + k]!;
    const tq = makeReflector(v, 0, len);
    d[k] = v[0]!;
    v[0] = 1;
    tauQ[k] = tq;
    for (let i = 1; i < len; i++) a[(k + i) * n + k] = v[i]!;
    applyReflectorLeft(a, n, k, m, k + 1, n, v, tq, w);

    if (k < n - 1) {
      // Right reflector: row k, columns k+1..n−1 (already contiguous).
      const p = k * n;
      const tp = makeReflector(a, p + k + 1, p + n);
      e[k] = a[p + k + 1]!;
      tauP[k] = tp;
      if (tp !== 0) {
        a[p + k + 1] = 1;
        applyReflectorRight(a, n, k + 1, m, k + 1, n, a.subarray(p + k + 1, p + n), tp);
        a[p + k + 1] = e[k]!;
      }
    }
  }
  return { a, m, n, d, e, tauQ, tauP };
}

/**
 * The first `cols` columns of Q (m × cols, n ≤ cols ≤ m), by backward accumulation: start
 * from the identity and apply H_{n−1}, …, H₀ from the left (BLOCK of them at a time), each to
 * the shrinking block its reflectors can reach.
 */
export function formQ(bd: Bidiagonal, cols: number): Matrix {
  const { a, m, n, tauQ } = bd;
  const q = Matrix.eye(m, cols);
  const seq: ReflectorSequence = { count: n, start: (k) => k, tau: (k) => tauQ[k]!, tail: (k, i) => a[i * n + k]! };
  applySequence(q.data, cols, m, seq, (top) => Math.min(top, cols), cols);
  return q;
}

/** P (n × n) from the right reflectors (G_k acts on indices k+1…), as in `formQ`. */
export function formP(bd: Bidiagonal): Matrix {
  const { a, n, tauP } = bd;
  const p = Matrix.eye(n);
  const seq: ReflectorSequence = { count: Math.max(0, n - 2), start: (k) => k + 1, tau: (k) => tauP[k]!, tail: (k, j) => a[k * n + j]! };
  applySequence(p.data, n, n, seq, (top) => top, n);
  return p;
}
