/**
 * bidiagonal-svd — the singular values (and rotations for the vectors) of an upper bidiagonal
 * matrix B (diagonal d[0..n), superdiagonal e[0..n−1)) by implicit-shift QR iteration.
 *
 * The idea (Golub & Kahan 1965; Golub & Reinsch 1970): the QR algorithm applied to BᵀB would
 * converge to the squared singular values, but forming BᵀB squares the condition number. Instead
 * we "chase a bulge": one rotation from the right starts the QR step that BᵀB − σ²I would take,
 * creates one unwanted entry below the diagonal, and alternating left and right rotations push
 * that entry down and off the bottom. B stays bidiagonal; e shrinks, fastest at the end where
 * the shift σ (the smaller singular value of the trailing 2 × 2 block) is accurate. When an
 * e[k] becomes negligible, B splits in two and each part is finished separately.
 *
 * This is a line-by-line port of LAPACK's dbdsqr (Demmel & Kahan 1990, "Accurate singular values
 * of bidiagonal matrices"), keeping what makes it accurate:
 *  - the relative convergence test |e[k]| ≤ tol·μ[k], where μ is a running lower bound on the
 *    smallest singular value, so even tiny singular values come out to high *relative* accuracy;
 *  - a zero shift (a plain QR step, no cancellation at all) when the shift would spoil that
 *    accuracy, e.g. for graded matrices;
 *  - chasing top-to-bottom or bottom-to-top, whichever end of the block is larger.
 * Rotations that act on U and V are logged in `RotationLog`s (see rotations.ts) and applied in
 * bulk. Afterwards singular values are made non-negative and sorted in decreasing order.
 *
 * Perfect shifts (our one departure from dbdsqr). Applying the rotations to U and V is nearly all
 * the cost, and it is proportional to the number of sweeps. The singular values alone cost only
 * O(n²), so when vectors are wanted we first run the iteration without them, then run it again
 * with vectors, replacing each shift by the nearest known singular value when that is within 50%
 * of it. A sweep shifted by an exact singular value deflates it at once (in exact arithmetic), so
 * the second run needs fewer sweeps: measured, 1.70 → 1.25 rotations per n²/2 for a random
 * 512 × 512 matrix, 25–55% fewer across the test fixtures, with the same accuracy. Every sweep is
 * still an orthogonal transformation, so backward stability does not depend on the shift; the
 * zero-shift and convergence rules above are unchanged.
 */
import { ConvergenceError } from './errors.js';
import { givens, RotationLog, type Givens } from './rotations.js';
import type { Matrix } from './matrix.js';

const EPS = 2 ** -53;
const UNFL = 2 ** -1022;
const MAXITR = 6;

/**
 * Diagonalises B in place: on return d holds the singular values, sorted decreasing and
 * non-negative, and the first n columns of `u` (rows of length u.cols) and of `v` have been
 * multiplied by the rotations, so that if A = U B Vᵀ on entry, A = U diag(d) Vᵀ on return.
 * Either may be null when those vectors are not wanted.
 */
export function bidiagonalSvd(d: Float64Array, e: Float64Array, u: Matrix | null, v: Matrix | null): void {
  const n = d.length;
  const uLog = u ? new RotationLog(u.data, u.rows, u.cols) : null;
  const vLog = v ? new RotationLog(v.data, v.rows, v.cols) : null;
  let targets: Float64Array | null = null;
  if ((u || v) && n > 2) {
    // The values alone cost O(n²); knowing them, each sweep can shift by (nearly) the exact
    // singular value it is converging to. See "Perfect shifts" in the header.
    targets = d.slice();
    bidiagonalQr(targets, e.slice(), n, null, null, null);
    for (let i = 0; i < n; i++) targets[i] = Math.abs(targets[i]!);
    targets.sort();
  }
  if (n > 1) bidiagonalQr(d, e, n, uLog, vLog, targets);
  uLog?.flush();
  vLog?.flush();
  // Make the singular values positive (a sign moves into V), then sort them decreasing.
  for (let i = 0; i < n; i++) {
    if (d[i]! < 0) {
      d[i] = -d[i]!;
      if (v) negateColumn(v, i);
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => d[b]! - d[a]! || a - b);
  if (order.some((k, i) => k !== i)) {
    const sorted = order.map((k) => d[k]!);
    d.set(sorted);
    if (u) permuteColumns(u, order);
    if (v) permuteColumns(v, order);
  }
}

function negateColumn(w: Matrix, j: number): void {
  for (let i = 0; i < w.rows; i++) w.data[i * w.cols + j] = -w.data[i * w.cols + j]!;
}

/** Column j of the result is column order[j] of w (only the first order.length columns move). */
export function permuteColumns(w: Matrix, order: readonly number[]): void {
  const k = order.length;
  const tmp = new Float64Array(k);
  for (let i = 0; i < w.rows; i++) {
    const p = i * w.cols;
    for (let j = 0; j < k; j++) tmp[j] = w.data[p + order[j]!]!;
    w.data.set(tmp, p);
  }
}

/**
 * The QR iteration proper (dbdsqr's main loop); d may end with negative entries. `targets`, if
 * given, are the singular values sorted ascending, used as perfect shifts.
 */
function bidiagonalQr(d: Float64Array, e: Float64Array, n: number, uLog: RotationLog | null, vLog: RotationLog | null, targets: Float64Array | null): void {
  const tolmul = Math.max(10, Math.min(100, EPS ** -0.125));
  const tol = tolmul * EPS;
  const g: Givens = { c: 0, s: 0, r: 0 };
  const s2: Svd2 = { ssmin: 0, ssmax: 0, snr: 0, csr: 0, snl: 0, csl: 0 };

  let smax = 0;
  for (let i = 0; i < n; i++) smax = Math.max(smax, Math.abs(d[i]!));
  for (let i = 0; i < n - 1; i++) smax = Math.max(smax, Math.abs(e[i]!));
  if (smax === 0) return;

  // A lower bound on the smallest singular value sets the absolute threshold below which an
  // e[k] is negligible (Demmel & Kahan's recurrence μ_k = |d_k|·μ_{k−1}/(μ_{k−1} + |e_{k−1}|)).
  let sminoa = Math.abs(d[0]!);
  if (sminoa !== 0) {
    let mu = sminoa;
    for (let i = 1; i < n; i++) {
      mu = Math.abs(d[i]!) * (mu / (mu + Math.abs(e[i - 1]!)));
      sminoa = Math.min(sminoa, mu);
      if (sminoa === 0) break;
    }
  }
  sminoa /= Math.sqrt(n);
  const thresh = Math.max(tol * sminoa, MAXITR * (n * (n * UNFL)));

  const maxit = MAXITR * n * n;
  let iter = 0;
  let oldll = -1;
  let oldm = -1;
  let idir = 0;
  let m = n - 1; // the bottom of the unfinished part

  while (m > 0) {
    if (iter > maxit) throw new ConvergenceError(`svd: the bidiagonal QR iteration did not converge after ${maxit} steps`);

    // Find the bottom-most unreduced block [ll, m]: e[ll..m−1] all above the threshold.
    smax = Math.abs(d[m]!);
    let ll = -1;
    for (let k = m - 1; k >= 0; k--) {
      const abss = Math.abs(d[k]!);
      const abse = Math.abs(e[k]!);
      if (abse <= thresh) {
        ll = k;
        break;
      }
      smax = Math.max(smax, abss, abse);
    }
    if (ll >= 0) {
      e[ll] = 0;
      if (ll === m - 1) {
        m -= 1; // d[m] is a converged singular value
        continue;
      }
    }
    ll += 1;

    if (ll === m - 1) {
      // A 2 × 2 block: solve it directly.
      svd2x2(d[m - 1]!, e[m - 1]!, d[m]!, s2);
      d[m - 1] = s2.ssmax;
      e[m - 1] = 0;
      d[m] = s2.ssmin;
      if (vLog) {
        const at = vLog.begin(m - 1, m, true);
        vLog.cosines[at] = s2.csr;
        vLog.sines[at] = s2.snr;
      }
      if (uLog) {
        const at = uLog.begin(m - 1, m, true);
        uLog.cosines[at] = s2.csl;
        uLog.sines[at] = s2.snl;
      }
      m -= 2;
      continue;
    }

    // On a new block, chase the bulge away from the larger end.
    if (ll > oldm || m < oldll) idir = Math.abs(d[ll]!) >= Math.abs(d[m]!) ? 1 : 2;

    // Convergence tests (relative, Demmel–Kahan), in the chosen direction.
    let sminl = 0;
    let split = false;
    if (idir === 1) {
      if (Math.abs(e[m - 1]!) <= tol * Math.abs(d[m]!)) {
        e[m - 1] = 0;
        continue;
      }
      let mu = Math.abs(d[ll]!);
      sminl = mu;
      for (let k = ll; k < m; k++) {
        if (Math.abs(e[k]!) <= tol * mu) {
          e[k] = 0;
          split = true;
          break;
        }
        mu = Math.abs(d[k + 1]!) * (mu / (mu + Math.abs(e[k]!)));
        sminl = Math.min(sminl, mu);
      }
    } else {
      if (Math.abs(e[ll]!) <= tol * Math.abs(d[ll]!)) {
        e[ll] = 0;
        continue;
      }
      let mu = Math.abs(d[m]!);
      sminl = mu;
      for (let k = m - 1; k >= ll; k--) {
        if (Math.abs(e[k]!) <= tol * mu) {
          e[k] = 0;
          split = true;
          break;
        }
        mu = Math.abs(d[k]!) * (mu / (mu + Math.abs(e[k]!)));
        sminl = Math.min(sminl, mu);
      }
    }
    if (split) continue;
    oldll = ll;
    oldm = m;

    // The shift: zero if shifting could ruin relative accuracy, else the smaller singular value
    // of the 2 × 2 block at the end we chase towards.
    let shift = 0;
    if (!(n * tol * (sminl / smax) <= Math.max(EPS, 0.01 * tol))) {
      let sll: number;
      if (idir === 1) {
        sll = Math.abs(d[ll]!);
        shift = smallerSingularValue(d[m - 1]!, e[m - 1]!, d[m]!);
      } else {
        sll = Math.abs(d[m]!);
        shift = smallerSingularValue(d[ll]!, e[ll]!, d[ll + 1]!);
      }
      if (sll > 0 && (shift / sll) ** 2 < EPS) shift = 0;
      if (targets && shift !== 0) {
        const t = nearest(targets, shift);
        if (Math.abs(t - shift) <= 0.5 * shift) shift = t;
      }
    }
    iter += m - ll;

    if (shift === 0) {
      if (idir === 1) zeroShiftDown(d, e, ll, m, g, uLog, vLog);
      else zeroShiftUp(d, e, ll, m, g, uLog, vLog);
    } else if (idir === 1) {
      shiftedDown(d, e, ll, m, shift, g, uLog, vLog);
    } else {
      shiftedUp(d, e, ll, m, shift, g, uLog, vLog);
    }
    if (idir === 1) {
      if (Math.abs(e[m - 1]!) <= thresh) e[m - 1] = 0;
    } else if (Math.abs(e[ll]!) <= thresh) {
      e[ll] = 0;
    }
  }
}

/** The entry of the ascending array `a` nearest to x (binary search); eig.ts's shifts use it too. */
export function nearest(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid;
    else hi = mid;
  }
  return Math.abs(a[lo]! - x) <= Math.abs(a[hi]! - x) ? a[lo]! : a[hi]!;
}

/** Zero-shift QR sweep, top to bottom (Demmel–Kahan): no subtraction, so no cancellation. */
function zeroShiftDown(d: Float64Array, e: Float64Array, ll: number, m: number, g: Givens, uLog: RotationLog | null, vLog: RotationLog | null): void {
  const vAt = vLog ? vLog.begin(ll, m, true) : 0;
  const uAt = uLog ? uLog.begin(ll, m, true) : 0;
  const vc = vLog?.cosines;
  const vs = vLog?.sines;
  const uc = uLog?.cosines;
  const us = uLog?.sines;
  let cs = 1;
  let oldcs = 1;
  let oldsn = 0;
  for (let i = ll; i < m; i++) {
    givens(d[i]! * cs, e[i]!, g);
    cs = g.c;
    const sn = g.s;
    const r = g.r;
    if (i > ll) e[i - 1] = oldsn * r;
    givens(oldcs * r, d[i + 1]! * sn, g);
    oldcs = g.c;
    oldsn = g.s;
    d[i] = g.r;
    if (vc && vs) {
      vc[vAt + i - ll] = cs;
      vs[vAt + i - ll] = sn;
    }
    if (uc && us) {
      uc[uAt + i - ll] = oldcs;
      us[uAt + i - ll] = oldsn;
    }
  }
  const h = d[m]! * cs;
  d[m] = h * oldcs;
  e[m - 1] = h * oldsn;
}

/** Zero-shift QR sweep, bottom to top. */
function zeroShiftUp(d: Float64Array, e: Float64Array, ll: number, m: number, g: Givens, uLog: RotationLog | null, vLog: RotationLog | null): void {
  const vAt = vLog ? vLog.begin(ll, m, false) : 0;
  const uAt = uLog ? uLog.begin(ll, m, false) : 0;
  const vc = vLog?.cosines;
  const vs = vLog?.sines;
  const uc = uLog?.cosines;
  const us = uLog?.sines;
  let cs = 1;
  let oldcs = 1;
  let oldsn = 0;
  for (let i = m; i > ll; i--) {
    givens(d[i]! * cs, e[i - 1]!, g);
    cs = g.c;
    const sn = g.s;
    const r = g.r;
    if (i < m) e[i] = oldsn * r;
    givens(oldcs * r, d[i - 1]! * sn, g);
    oldcs = g.c;
    oldsn = g.s;
    d[i] = g.r;
    // Plane (i−1, i) of the backward sequences.
    if (vc && vs) {
      vc[vAt + i - 1 - ll] = oldcs;
      vs[vAt + i - 1 - ll] = -oldsn;
    }
    if (uc && us) {
      uc[uAt + i - 1 - ll] = cs;
      us[uAt + i - 1 - ll] = -sn;
    }
  }
  const h = d[ll]! * cs;
  d[ll] = h * oldcs;
  e[ll] = h * oldsn;
}

/** Shifted QR sweep, top to bottom: the bulge enters at (ll, ll) and leaves at the bottom. */
function shiftedDown(d: Float64Array, e: Float64Array, ll: number, m: number, shift: number, g: Givens, uLog: RotationLog | null, vLog: RotationLog | null): void {
  const vAt = vLog ? vLog.begin(ll, m, true) : 0;
  const uAt = uLog ? uLog.begin(ll, m, true) : 0;
  const vc = vLog?.cosines;
  const vs = vLog?.sines;
  const uc = uLog?.cosines;
  const us = uLog?.sines;
  const dll = d[ll]!;
  // The first column of BᵀB − σ²I, scaled by 1/d[ll]: (d² − σ², d·e) / d.
  let f = (Math.abs(dll) - shift) * ((dll >= 0 ? 1 : -1) + shift / dll);
  let gg = e[ll]!;
  for (let i = ll; i < m; i++) {
    givens(f, gg, g);
    const cosr = g.c;
    const sinr = g.s;
    if (i > ll) e[i - 1] = g.r;
    f = cosr * d[i]! + sinr * e[i]!;
    e[i] = cosr * e[i]! - sinr * d[i]!;
    gg = sinr * d[i + 1]!;
    d[i + 1] = cosr * d[i + 1]!;
    givens(f, gg, g);
    const cosl = g.c;
    const sinl = g.s;
    d[i] = g.r;
    f = cosl * e[i]! + sinl * d[i + 1]!;
    d[i + 1] = cosl * d[i + 1]! - sinl * e[i]!;
    if (i < m - 1) {
      gg = sinl * e[i + 1]!;
      e[i + 1] = cosl * e[i + 1]!;
    }
    if (vc && vs) {
      vc[vAt + i - ll] = cosr;
      vs[vAt + i - ll] = sinr;
    }
    if (uc && us) {
      uc[uAt + i - ll] = cosl;
      us[uAt + i - ll] = sinl;
    }
  }
  e[m - 1] = f;
}

/** Shifted QR sweep, bottom to top. */
function shiftedUp(d: Float64Array, e: Float64Array, ll: number, m: number, shift: number, g: Givens, uLog: RotationLog | null, vLog: RotationLog | null): void {
  const vAt = vLog ? vLog.begin(ll, m, false) : 0;
  const uAt = uLog ? uLog.begin(ll, m, false) : 0;
  const vc = vLog?.cosines;
  const vs = vLog?.sines;
  const uc = uLog?.cosines;
  const us = uLog?.sines;
  const dm = d[m]!;
  let f = (Math.abs(dm) - shift) * ((dm >= 0 ? 1 : -1) + shift / dm);
  let gg = e[m - 1]!;
  for (let i = m; i > ll; i--) {
    givens(f, gg, g);
    const cosr = g.c;
    const sinr = g.s;
    if (i < m) e[i] = g.r;
    f = cosr * d[i]! + sinr * e[i - 1]!;
    e[i - 1] = cosr * e[i - 1]! - sinr * d[i]!;
    gg = sinr * d[i - 1]!;
    d[i - 1] = cosr * d[i - 1]!;
    givens(f, gg, g);
    const cosl = g.c;
    const sinl = g.s;
    d[i] = g.r;
    f = cosl * e[i - 1]! + sinl * d[i - 1]!;
    d[i - 1] = cosl * d[i - 1]! - sinl * e[i - 1]!;
    if (i > ll + 1) {
      gg = sinl * e[i - 2]!;
      e[i - 2] = cosl * e[i - 2]!;
    }
    if (vc && vs) {
      vc[vAt + i - 1 - ll] = cosl;
      vs[vAt + i - 1 - ll] = -sinl;
    }
    if (uc && us) {
      uc[uAt + i - 1 - ll] = cosr;
      us[uAt + i - 1 - ll] = -sinr;
    }
  }
  e[ll] = f;
}

/** The smaller singular value of [f g; 0 h], computed without overflow (LAPACK's dlas2). */
export function smallerSingularValue(f: number, g: number, h: number): number {
  const fa = Math.abs(f);
  const ga = Math.abs(g);
  const ha = Math.abs(h);
  const fhmn = Math.min(fa, ha);
  const fhmx = Math.max(fa, ha);
  if (fhmn === 0) return 0;
  if (ga < fhmx) {
    const as = 1 + fhmn / fhmx;
    const at = (fhmx - fhmn) / fhmx;
    const au = (ga / fhmx) ** 2;
    const c = 2 / (Math.sqrt(as * as + au) + Math.sqrt(at * at + au));
    return fhmn * c;
  }
  const au = fhmx / ga;
  if (au === 0) return (fhmn * fhmx) / ga;
  const as = 1 + fhmn / fhmx;
  const at = (fhmx - fhmn) / fhmx;
  const c = 1 / (Math.sqrt(1 + (as * au) ** 2) + Math.sqrt(1 + (at * au) ** 2));
  return 2 * (fhmn * c) * au;
}

/** The SVD of a 2 × 2 upper-triangular block: see `svd2x2`. */
export interface Svd2 {
  ssmin: number;
  ssmax: number;
  snr: number;
  csr: number;
  snl: number;
  csl: number;
}

const sign = (a: number, b: number): number => (b >= 0 && !Object.is(b, -0) ? Math.abs(a) : -Math.abs(a));

/**
 * The SVD of [f g; 0 h] (LAPACK's dlasv2):
 *   [csl snl; −snl csl] · [f g; 0 h] · [csr −snr; snr csr] = [ssmax 0; 0 ssmin],
 * with |ssmax| ≥ |ssmin|, accurate to a few ulps even in relative terms.
 */
export function svd2x2(f: number, g: number, h: number, out: Svd2): Svd2 {
  let ft = f;
  let fa = Math.abs(ft);
  let ht = h;
  let ha = Math.abs(h);
  let pmax = 1;
  const swap = ha > fa;
  if (swap) {
    pmax = 3;
    [ft, ht] = [ht, ft];
    [fa, ha] = [ha, fa];
  }
  const gt = g;
  const ga = Math.abs(gt);
  let clt: number;
  let crt: number;
  let slt: number;
  let srt: number;
  let ssmin: number;
  let ssmax: number;
  if (ga === 0) {
    ssmin = ha;
    ssmax = fa;
    clt = 1;
    crt = 1;
    slt = 0;
    srt = 0;
  } else {
    let gasmal = true;
    ssmin = 0;
    ssmax = 0;
    clt = 1;
    crt = 1;
    slt = 0;
    srt = 0;
    if (ga > fa) {
      pmax = 2;
      if (fa / ga < EPS) {
        // g dominates: the answer is, to working precision, exact.
        gasmal = false;
        ssmax = ga;
        ssmin = ha > 1 ? fa / (ga / ha) : (fa / ga) * ha;
        clt = 1;
        slt = ht / gt;
        srt = 1;
        crt = ft / gt;
      }
    }
    if (gasmal) {
      const dd = fa - ha;
      let l = dd === fa ? 1 : dd / fa;
      const mm0 = gt / ft;
      let t = 2 - l;
      const mm = mm0 * mm0;
      const tt = t * t;
      const s = Math.sqrt(tt + mm);
      const r = l === 0 ? Math.abs(mm0) : Math.sqrt(l * l + mm);
      const a = 0.5 * (s + r);
      ssmin = ha / a;
      ssmax = fa * a;
      if (mm === 0) {
        if (l === 0) t = sign(2, ft) * sign(1, gt);
        else t = gt / sign(dd, ft) + mm0 / t;
      } else {
        t = (mm0 / (s + t) + mm0 / (r + l)) * (1 + a);
      }
      l = Math.sqrt(t * t + 4);
      crt = 2 / l;
      srt = t / l;
      clt = (crt + srt * mm0) / a;
      slt = ((ht / ft) * srt) / a;
    }
  }
  if (swap) {
    out.csl = srt;
    out.snl = crt;
    out.csr = slt;
    out.snr = clt;
  } else {
    out.csl = clt;
    out.snl = slt;
    out.csr = crt;
    out.snr = srt;
  }
  let tsign: number;
  if (pmax === 1) tsign = sign(1, out.csr) * sign(1, out.csl) * sign(1, f);
  else if (pmax === 2) tsign = sign(1, out.snr) * sign(1, out.csl) * sign(1, g);
  else tsign = sign(1, out.snr) * sign(1, out.snl) * sign(1, h);
  out.ssmax = sign(ssmax, tsign);
  out.ssmin = sign(ssmin, tsign * sign(1, f) * sign(1, h));
  return out;
}
