/**
 * eig — the symmetric eigendecomposition A = Q Λ Qᵀ (`eigh`) and its eigenvalues (`eigvalsh`),
 * named after numpy's functions.
 *
 * Two stages (Golub & Van Loan §8.3):
 *   1. tridiagonalize.ts: A = Q₁ T Q₁ᵀ, T tridiagonal (finite, 4n³/3 flops);
 *   2. implicit QL/QR iteration on T (here): each sweep is one step of the QR algorithm with a
 *      Wilkinson shift, done implicitly by chasing a bulge with Givens rotations down (QL) or up
 *      (QR) the tridiagonal. The shift is the eigenvalue of the trailing 2 × 2 block nearer its
 *      corner, which gives cubic convergence: typically 1.5–2 sweeps per eigenvalue. A block is
 *      split off as soon as an off-diagonal entry satisfies |e_k|² ≤ ε²|d_k||d_{k+1}|.
 *      The rotations are logged (rotations.ts) and applied to Q₁'s columns in bulk.
 * This is a port of LAPACK's dsteqr, which picks QL or QR for each block depending on which end
 * holds the larger entry (so graded matrices converge from the small end), and scales a block
 * whose entries approach overflow or underflow. One addition, as in bidiagonal-svd.ts: when
 * vectors are wanted we first find the eigenvalues alone (O(n²)) and then shift each sweep by
 * the known eigenvalue nearest to the Wilkinson shift, when it lies within |e| of it. Measured on
 * random 512 × 512 matrices: 2.1 → 1.7 rotations per n²/2, the same accuracy.
 *
 * Eigenvalues come out ascending (as numpy's eigh). Each eigenvector's largest-magnitude entry
 * is made positive so the output is deterministic.
 */
import { nearest, permuteColumns } from './bidiagonal-svd.js';
import { checked, type MatrixInput } from './checks.js';
import { Matrix } from './matrix.js';
import { ConvergenceError } from './errors.js';
import { givens, RotationLog, type Givens } from './rotations.js';
import { scaleInPlace } from './svd.js';
import { formTridiagonalQ, tridiagonalize } from './tridiagonalize.js';

/**
 * The eigendecomposition of a symmetric matrix: eigenvalues in ascending order and the orthonormal eigenvectors as columns.
 */
export interface EighResult {
  /** Eigenvalues, ascending. */
  readonly values: Float64Array;
  /** Orthonormal eigenvectors as columns: A · vectors[:, i] = values[i] · vectors[:, i]. */
  readonly vectors: Matrix;
}

/** Options of `eigh`: how far from symmetric the input may be. */
export interface EighOptions {
  /**
   * How far from symmetric A may be, relative to its largest entry, before we refuse it
   * (default 1e-10). Only the lower triangle is used.
   */
  readonly symmetryTolerance?: number;
}

/**
 * Eigenvalues and eigenvectors of a symmetric matrix.
 * @example eigh([[2, 1], [1, 2]]).values  // Float64Array [1, 3]
 */
export function eigh(input: MatrixInput, options: EighOptions = {}): EighResult {
  const a = checked('eigh', input, { square: true });
  requireSymmetric('eigh', a, options.symmetryTolerance ?? 1e-10);
  const n = a.rows;
  const work = a.data.slice();
  const unscale = scaleInPlace(work);
  if (!unscale) return { values: new Float64Array(n), vectors: Matrix.eye(n) };
  const t = tridiagonalize(work, n);
  const q = formTridiagonalQ(t);
  const log = new RotationLog(q.data, n, n);
  tridiagonalQl(t.d, t.e, log);
  log.flush();
  const values = t.d;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => values[x]! - values[y]! || x - y);
  if (order.some((k, i) => k !== i)) {
    values.set(order.map((k) => values[k]!));
    permuteColumns(q, order);
  }
  for (let i = 0; i < n; i++) values[i] = unscale(values[i]!);
  for (let j = 0; j < n; j++) {
    let best = 0;
    let lead = 0;
    for (let i = 0; i < n; i++) {
      const x = q.data[i * n + j]!;
      if (Math.abs(x) > best) {
        best = Math.abs(x);
        lead = x;
      }
    }
    if (lead < 0) for (let i = 0; i < n; i++) q.data[i * n + j] = -q.data[i * n + j]!;
  }
  return { values, vectors: q };
}

/**
 * Eigenvalues of a symmetric matrix, ascending: no vectors are accumulated, so after the
 * tridiagonalisation the work is O(n²).
 * @example eigvalsh([[2, 1], [1, 2]])  // Float64Array [1, 3]
 */
export function eigvalsh(input: MatrixInput, options: EighOptions = {}): Float64Array {
  const a = checked('eigvalsh', input, { square: true });
  requireSymmetric('eigvalsh', a, options.symmetryTolerance ?? 1e-10);
  const n = a.rows;
  const work = a.data.slice();
  const unscale = scaleInPlace(work);
  if (!unscale) return new Float64Array(n);
  const t = tridiagonalize(work, n);
  tridiagonalQl(t.d, t.e, null);
  const values = t.d.sort();
  for (let i = 0; i < n; i++) values[i] = unscale(values[i]!);
  return values;
}

function requireSymmetric(op: string, a: Matrix, tolerance: number): void {
  const n = a.rows;
  let amax = 0;
  for (let i = 0; i < a.data.length; i++) amax = Math.max(amax, Math.abs(a.data[i]!));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const x = a.data[i * n + j]!;
      const y = a.data[j * n + i]!;
      if (Math.abs(x - y) > tolerance * amax) {
        throw new RangeError(
          `${op}: the matrix is not symmetric (A[${i}, ${j}] = ${x} but A[${j}, ${i}] = ${y}); ` +
            'pass a symmetric matrix, symmetrise it with (A + Aᵀ)/2, or use svd() for a general matrix',
        );
      }
    }
  }
}

const EPS = 2 ** -53;
const EPS2 = EPS * EPS;
const SAFMIN = 2 ** -1022;
const SSFMAX = Math.sqrt(1 / SAFMIN) / 3;
const SSFMIN = Math.sqrt(SAFMIN) / EPS2;
const MAXIT = 30;

const sign = (a: number, b: number): number => (b >= 0 ? Math.abs(a) : -Math.abs(a));

/**
 * Diagonalises the symmetric tridiagonal T (diagonal d, off-diagonal e) in place; the
 * eigenvalues end in d, unsorted. Rotations go to `log` (the columns of the vector matrix).
 */
export function tridiagonalQl(d: Float64Array, e: Float64Array, log: RotationLog | null): void {
  const n = d.length;
  if (n <= 1) return;
  let targets: Float64Array | null = null;
  if (log && n > 2) {
    // Perfect shifts, as in bidiagonal-svd.ts: the eigenvalues alone cost O(n²).
    targets = d.slice();
    tridiagonalQl(targets, e.slice(), null);
    targets.sort();
  }
  const shiftFrom = (wilkinson: number, offDiagonal: number): number => {
    if (!targets) return wilkinson;
    const t = nearest(targets, wilkinson);
    return Math.abs(t - wilkinson) <= Math.abs(offDiagonal) ? t : wilkinson;
  };
  const g: Givens = { c: 0, s: 0, r: 0 };
  const e2: Eig2 = { rt1: 0, rt2: 0, c: 0, s: 0 };
  const nmaxit = n * MAXIT;
  let jtot = 0;
  let l1 = 0;
  while (l1 < n) {
    if (l1 > 0) e[l1 - 1] = 0;
    // The block [l1, m]: m is the first index whose off-diagonal is negligible.
    let m = l1;
    for (; m < n - 1; m++) {
      const tst = Math.abs(e[m]!);
      if (tst === 0) break;
      if (tst <= Math.sqrt(Math.abs(d[m]!)) * Math.sqrt(Math.abs(d[m + 1]!)) * EPS) {
        e[m] = 0;
        break;
      }
    }
    let l = l1;
    const lsv = l;
    let lend = m;
    const lendsv = lend;
    l1 = m + 1;
    if (lend === l) continue;

    // Scale the block if its entries are near overflow or underflow.
    let anorm = 0;
    for (let i = l; i <= lend; i++) anorm = Math.max(anorm, Math.abs(d[i]!));
    for (let i = l; i < lend; i++) anorm = Math.max(anorm, Math.abs(e[i]!));
    if (anorm === 0) continue;
    let factor = 1;
    if (anorm > SSFMAX) factor = SSFMAX / anorm;
    else if (anorm < SSFMIN) factor = SSFMIN / anorm;
    if (factor !== 1) {
      for (let i = l; i <= lend; i++) d[i] = d[i]! * factor;
      for (let i = l; i < lend; i++) e[i] = e[i]! * factor;
    }

    // QL if the top is the larger end, else QR (work from the small end towards the large one).
    if (Math.abs(d[lend]!) < Math.abs(d[l]!)) {
      lend = lsv;
      l = lendsv;
    }
    if (lend > l) {
      // QL iteration: eigenvalues converge at the top (l), l moves down.
      while (l <= lend) {
        let mm = l;
        for (; mm < lend; mm++) {
          const tst = Math.abs(e[mm]!) ** 2;
          if (tst <= EPS2 * Math.abs(d[mm]!) * Math.abs(d[mm + 1]!) + SAFMIN) break;
        }
        if (mm < lend) e[mm] = 0;
        let p = d[l]!;
        if (mm === l) {
          l += 1; // d[l] has converged
          continue;
        }
        if (mm === l + 1) {
          eig2x2(d[l]!, e[l]!, d[l + 1]!, e2);
          if (log) {
            const at = log.begin(l, l + 1, false);
            log.cosines[at] = e2.c;
            log.sines[at] = e2.s;
          }
          d[l] = e2.rt1;
          d[l + 1] = e2.rt2;
          e[l] = 0;
          l += 2;
          continue;
        }
        if (jtot === nmaxit) break;
        jtot++;
        // Wilkinson shift σ from the 2 × 2 block at the top (or the known eigenvalue nearest
        // to it); the sweep starts from d[mm] − σ.
        let gg = (d[l + 1]! - p) / (2 * e[l]!);
        let r = Math.hypot(gg, 1);
        gg = d[mm]! - shiftFrom(p - e[l]! / (gg + sign(r, gg)), e[l]!);
        let s = 1;
        let c = 1;
        p = 0;
        const at = log ? log.begin(l, mm, false) : 0;
        const C = log?.cosines;
        const S = log?.sines;
        for (let i = mm - 1; i >= l; i--) {
          const f = s * e[i]!;
          const b = c * e[i]!;
          givens(gg, f, g);
          c = g.c;
          s = g.s;
          r = g.r;
          if (i !== mm - 1) e[i + 1] = r;
          gg = d[i + 1]! - p;
          r = (d[i]! - gg) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = gg + p;
          gg = c * r - b;
          if (C && S) {
            C[at + i - l] = c;
            S[at + i - l] = -s;
          }
        }
        d[l] = d[l]! - p;
        e[l] = gg;
      }
    } else {
      // QR iteration: eigenvalues converge at the bottom (l), l moves up.
      while (l >= lend) {
        let mm = l;
        for (; mm > lend; mm--) {
          const tst = Math.abs(e[mm - 1]!) ** 2;
          if (tst <= EPS2 * Math.abs(d[mm]!) * Math.abs(d[mm - 1]!) + SAFMIN) break;
        }
        if (mm > lend) e[mm - 1] = 0;
        let p = d[l]!;
        if (mm === l) {
          l -= 1;
          continue;
        }
        if (mm === l - 1) {
          eig2x2(d[l - 1]!, e[l - 1]!, d[l]!, e2);
          if (log) {
            const at = log.begin(l - 1, l, true);
            log.cosines[at] = e2.c;
            log.sines[at] = e2.s;
          }
          d[l - 1] = e2.rt1;
          d[l] = e2.rt2;
          e[l - 1] = 0;
          l -= 2;
          continue;
        }
        if (jtot === nmaxit) break;
        jtot++;
        let gg = (d[l - 1]! - p) / (2 * e[l - 1]!);
        let r = Math.hypot(gg, 1);
        gg = d[mm]! - shiftFrom(p - e[l - 1]! / (gg + sign(r, gg)), e[l - 1]!);
        let s = 1;
        let c = 1;
        p = 0;
        const at = log ? log.begin(mm, l, true) : 0;
        const C = log?.cosines;
        const S = log?.sines;
        for (let i = mm; i <= l - 1; i++) {
          const f = s * e[i]!;
          const b = c * e[i]!;
          givens(gg, f, g);
          c = g.c;
          s = g.s;
          r = g.r;
          if (i !== mm) e[i - 1] = r;
          gg = d[i]! - p;
          r = (d[i + 1]! - gg) * s + 2 * c * b;
          p = s * r;
          d[i] = gg + p;
          gg = c * r - b;
          if (C && S) {
            C[at + i - mm] = c;
            S[at + i - mm] = s;
          }
        }
        d[l] = d[l]! - p;
        e[l - 1] = gg;
      }
    }
    if (factor !== 1) {
      for (let i = lsv; i <= lendsv; i++) d[i] = d[i]! / factor;
      for (let i = lsv; i < lendsv; i++) e[i] = e[i]! / factor;
    }
    if (jtot >= nmaxit) {
      for (let i = 0; i < n - 1; i++) {
        if (e[i] !== 0) throw new ConvergenceError(`eigh: the tridiagonal QL iteration did not converge after ${nmaxit} sweeps`);
      }
      return;
    }
  }
}

/** The eigensystem of [a b; b c] (LAPACK's dlaev2): see `eig2x2`. */
export interface Eig2 {
  rt1: number;
  rt2: number;
  c: number;
  s: number;
}

/**
 * Eigenvalues rt1 (larger in magnitude) and rt2 of [a b; b c], and the rotation (c, s) whose
 * vector (c, s) belongs to rt1: [c s; −s c]·[a b; b c]·[c −s; s c] = diag(rt1, rt2).
 */
export function eig2x2(a: number, b: number, c: number, out: Eig2): Eig2 {
  const sm = a + c;
  const df = a - c;
  const adf = Math.abs(df);
  const tb = b + b;
  const ab = Math.abs(tb);
  const [acmx, acmn] = Math.abs(a) > Math.abs(c) ? [a, c] : [c, a];
  let rt: number;
  if (adf > ab) rt = adf * Math.sqrt(1 + (ab / adf) ** 2);
  else if (adf < ab) rt = ab * Math.sqrt(1 + (adf / ab) ** 2);
  else rt = ab * Math.SQRT2;
  let sgn1: number;
  if (sm < 0) {
    out.rt1 = 0.5 * (sm - rt);
    sgn1 = -1;
    out.rt2 = (acmx / out.rt1) * acmn - (b / out.rt1) * b;
  } else if (sm > 0) {
    out.rt1 = 0.5 * (sm + rt);
    sgn1 = 1;
    out.rt2 = (acmx / out.rt1) * acmn - (b / out.rt1) * b;
  } else {
    out.rt1 = 0.5 * rt;
    out.rt2 = -0.5 * rt;
    sgn1 = 1;
  }
  let cs: number;
  let sgn2: number;
  if (df >= 0) {
    cs = df + rt;
    sgn2 = 1;
  } else {
    cs = df - rt;
    sgn2 = -1;
  }
  let cs1: number;
  let sn1: number;
  if (Math.abs(cs) > ab) {
    const ct = -tb / cs;
    sn1 = 1 / Math.sqrt(1 + ct * ct);
    cs1 = ct * sn1;
  } else if (ab === 0) {
    cs1 = 1;
    sn1 = 0;
  } else {
    const tn = -cs / tb;
    cs1 = 1 / Math.sqrt(1 + tn * tn);
    sn1 = tn * cs1;
  }
  if (sgn1 === sgn2) {
    const tn = cs1;
    cs1 = -sn1;
    sn1 = tn;
  }
  out.c = cs1;
  out.s = sn1;
  return out;
}
