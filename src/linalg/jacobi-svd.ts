/**
 * jacobi-svd — one-sided Jacobi (Hestenes 1958): rotate pairs of columns of A until all of them
 * are mutually orthogonal. Then A V = W with orthogonal columns, so σ_i = ‖w_i‖ and u_i = w_i/σ_i.
 *
 * For the pair (p, q) with a = ‖a_p‖², b = ‖a_q‖², c = a_p·a_q, the rotation that makes them
 * orthogonal diagonalises the 2 × 2 Gram matrix [a c; c b]: with ζ = (b − a)/(2c),
 *   t = sign(ζ)/(|ζ| + √(1 + ζ²)),  cs = 1/√(1 + t²),  sn = cs·t,
 *   a_p ← cs·a_p − sn·a_q,  a_q ← sn·a_p + cs·a_q,   and ‖a_p‖² becomes a − t·c, ‖a_q‖² b + t·c.
 * Worked example: columns (1, 0) and (1, 1): a = 1, b = 2, c = 1, ζ = 1/2, t = 0.618…, giving
 * two orthogonal columns of lengths² 1 − 0.618 = 0.382 and 2 + 0.618 = 2.618: σ² of [1 1; 0 1].
 * We sweep all pairs cyclically until no pair has |c| > √m·ε·√(ab) (LAPACK dgesvj's test).
 *
 * Why keep it beside Golub–Kahan? It is simple and its accuracy is *relative* per singular value
 * for matrices whose columns are badly scaled (Demmel & Veselić 1992), but each sweep costs
 * about 4mn² flops and it needs 6–10 sweeps, so it is several times slower (see README). Tall
 * inputs are first reduced to R by QR (Drmač & Veselić 2008's first step) so sweeps run on n × n.
 * Columns are stored as rows of a transposed work array so that each rotation is contiguous.
 */
import { norm2 } from './householder.js';
import { Matrix } from './matrix.js';
import { applyQ, householderQr } from './qr.js';
import { permuteColumns } from './bidiagonal-svd.js';
import { ConvergenceError } from './errors.js';
import type { SvdResult } from './svd.js';

const EPS = 2 ** -53;
const MAX_SWEEPS = 60;
const TINY = 2 ** -900;

/** SVD of the m × n matrix `a` (m ≥ n; overwritten) by one-sided Jacobi. */
export function jacobiSvd(a: Matrix, full: boolean): SvdResult {
  const { rows: m, cols: n } = a;
  let work: Matrix = a;
  const f = m > n ? householderQr(a.data, m, n, false) : null;
  if (f) {
    work = new Matrix(n, n);
    for (let i = 0; i < n; i++) work.data.set(f.a.subarray(i * n + i, (i + 1) * n), i * n + i);
  }
  const p = work.rows; // n when reduced, else m = n
  const g = work.transpose(); // n × p: row j is column j
  const vt = Matrix.eye(n); // row j is column j of V
  const tol = Math.sqrt(p) * EPS;
  const norms = new Float64Array(n);
  const scales = new Float64Array(n);
  const G = g.data;
  const Vt = vt.data;
  // Norms and cosines are computed on columns scaled by powers of two, so that squares of
  // entries near 1e-150 neither underflow nor lose their relative accuracy. A column whose norm
  // is below 2⁻⁹⁰⁰ (after the driver's scaling, the largest entry is ≈ 1) counts as zero.
  const refresh = (j: number): void => {
    const nj = norm2(G, j * p, (j + 1) * p);
    if (nj < TINY) {
      G.fill(0, j * p, (j + 1) * p);
      norms[j] = 0;
      return;
    }
    norms[j] = nj;
    scales[j] = 2 ** -Math.round(Math.log2(nj));
  };
  let sweep = 0;
  for (; sweep < MAX_SWEEPS; sweep++) {
    let rotations = 0;
    for (let j = 0; j < n; j++) refresh(j);
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        const na = norms[i]!;
        const nb = norms[j]!;
        if (na === 0 || nb === 0) continue;
        const sa = scales[i]!;
        const sb = scales[j]!;
        const cos = dot(G, i * p, j * p, p, sa, sb) / (na * sa * (nb * sb));
        if (Math.abs(cos) <= tol) continue;
        rotations++;
        // ζ = (‖a_j‖² − ‖a_i‖²)/(2 a_i·a_j), divided through by ‖a_i‖‖a_j‖.
        const ratio = nb / na;
        const zeta = (ratio - 1 / ratio) / (2 * cos);
        const t = Math.abs(zeta) > 1e150 ? 1 / (2 * zeta) : (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        rotate(G, i * p, j * p, p, cs, sn);
        rotate(Vt, i * n, j * n, n, cs, sn);
        // ‖a_i‖² − t·a_i·a_j and ‖a_j‖² + t·a_i·a_j, as factors; recompute when cancellation
        // makes the downdate unreliable.
        const fa = 1 - t * cos * ratio;
        const fb = 1 + (t * cos) / ratio;
        if (fa < 0.1) refresh(i);
        else norms[i] = na * Math.sqrt(fa);
        if (fb < 0.1) refresh(j);
        else norms[j] = nb * Math.sqrt(fb);
      }
    }
    if (rotations === 0) break;
  }
  if (sweep === MAX_SWEEPS) throw new ConvergenceError(`svd: one-sided Jacobi did not converge in ${MAX_SWEEPS} sweeps`);

  // σ_j = ‖column j‖, u_j = column j / σ_j; sort decreasing.
  const S = new Float64Array(n);
  for (let j = 0; j < n; j++) S[j] = norm2(G, j * p, (j + 1) * p);
  const uRows = new Matrix(n, p); // row j is u_j
  for (let j = 0; j < n; j++) {
    const s = S[j]!;
    if (s > 0) for (let i = 0; i < p; i++) uRows.data[j * p + i] = G[j * p + i]! / s;
  }
  completeOrthonormalRows(uRows, S);
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => S[y]! - S[x]! || x - y);
  const Ur = uRows.transpose(); // p × n
  const V = vt.transpose();
  permuteColumns(Ur, order);
  permuteColumns(V, order);
  const sorted = Float64Array.from(order, (j) => S[j]!);
  if (!f) return { U: Ur, S: sorted, V };
  const c = full ? m : n;
  const U = new Matrix(m, c);
  for (let i = 0; i < n; i++) U.data.set(Ur.data.subarray(i * n, (i + 1) * n), i * c);
  for (let i = n; i < c; i++) U.data[i * c + i] = 1;
  applyQ(f, U.data, c);
  return { U, S: sorted, V };
}

/** Σ (x_p·sa)(x_q·sb) over `len` entries. */
function dot(x: Float64Array, p: number, q: number, len: number, sa: number, sb: number): number {
  let s = 0;
  for (let k = 0; k < len; k++) s += x[p + k]! * sa * (x[q + k]! * sb);
  return s;
}

function rotate(x: Float64Array, p: number, q: number, len: number, cs: number, sn: number): void {
  for (let k = 0; k < len; k++) {
    const a = x[p + k]!;
    const b = x[q + k]!;
    x[p + k] = cs * a - sn * b;
    x[q + k] = sn * a + cs * b;
  }
}

/**
 * Rows of `u` whose σ is zero have no direction of their own; we give them one orthogonal to
 * all the others: the first unit vector e_i that survives two rounds of Gram–Schmidt.
 */
export function completeOrthonormalRows(u: Matrix, sigma: Float64Array): void {
  const { rows: k, cols: p } = u;
  const x = new Float64Array(p);
  let candidate = 0;
  for (let j = 0; j < k; j++) {
    if (sigma[j]! > 0) continue;
    for (; candidate < p; candidate++) {
      x.fill(0);
      x[candidate] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let r = 0; r < k; r++) {
          if (r === j || (sigma[r]! === 0 && r > j)) continue;
          const proj = dot2(u.data, r * p, x, p);
          for (let i = 0; i < p; i++) x[i] = x[i]! - proj * u.data[r * p + i]!;
        }
      }
      const nrm = Math.sqrt(dot2(x, 0, x, p));
      if (nrm > 0.5) {
        for (let i = 0; i < p; i++) u.data[j * p + i] = x[i]! / nrm;
        candidate++;
        break;
      }
    }
  }
}

function dot2(a: Float64Array, p: number, b: Float64Array, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += a[p + i]! * b[i]!;
  return s;
}
