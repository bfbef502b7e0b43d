/**
 * householder — reflections H = I − τ v vᵀ, the one tool behind QR, bidiagonalisation and
 * tridiagonalisation.
 *
 * Given a vector x, we want H with H x = β e₁: a mirror that folds x onto the first axis. Since
 * H is orthogonal, |β| = ‖x‖; we pick β = −sign(x₀)‖x‖ so that x₀ − β adds two numbers of the
 * same sign and never cancels. Then v = (x − β e₁)/(x₀ − β), scaled so v₀ = 1, and
 * τ = (β − x₀)/β ∈ [1, 2]. Worked example: x = (3, 4) gives ‖x‖ = 5, β = −5, v = (1, 4/8) =
 * (1, 0.5), τ = 8/5 = 1.6, and indeed (I − 1.6 v vᵀ)(3, 4) = (3 − 1.6·5, 4 − 1.6·2.5) = (−5, 0).
 * When x is already a multiple of e₁ we return τ = 0 (H = I), as LAPACK's dlarfg does.
 *
 * Applying H never forms it: H A = A − τ v (vᵀ A) is one pass to compute the row vector
 * w = vᵀ A and one rank-1 update, both running along rows of the row-major array. The kernels
 * below do four rows per pass so every w entry loaded feeds four multiply-adds.
 * Golub & Van Loan, Matrix Computations (4th ed.), §5.1.
 */

const SAFMIN = 2 ** -1022;
const RSAFMIN = 2 ** 1022;

/** ‖x[start..end)‖₂ without overflow or underflow: plain sum of squares, rescaled only if needed. */
export function norm2(x: Float64Array, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) {
    const t = x[i]!;
    s += t * t;
  }
  if (s > 1e-290 && s < 1e290) return Math.sqrt(s);
  // Underflow (s may even be 0 for a non-zero x) or overflow: scale by the largest entry.
  let scale = 0;
  for (let i = start; i < end; i++) scale = Math.max(scale, Math.abs(x[i]!));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  s = 0;
  for (let i = start; i < end; i++) {
    const t = x[i]! / scale;
    s += t * t;
  }
  return scale * Math.sqrt(s);
}

/**
 * Turns x[start..end) into a reflector in place: afterwards x[start] = β and x[start+1..end)
 * holds v₁… (v₀ = 1 is implied). Returns τ.
 * @example const x = new Float64Array([3, 4]); makeReflector(x, 0, 2)  // 1.6, and x = [-5, 0.5]
 */
export function makeReflector(x: Float64Array, start: number, end: number): number {
  if (end - start <= 1) return 0;
  let alpha = x[start]!;
  let tailNorm = norm2(x, start + 1, end);
  if (tailNorm === 0) return 0;
  let beta = -Math.sign(alpha || 1) * Math.hypot(alpha, tailNorm);
  // When β is subnormal, 1/(α − β) would overflow: scale x up by 2¹⁰²² until it is not, and
  // scale β back at the end (LAPACK's dlarfg does the same).
  let rescaled = 0;
  while (Math.abs(beta) < SAFMIN && rescaled < 20) {
    rescaled++;
    for (let i = start + 1; i < end; i++) x[i] = x[i]! * RSAFMIN;
    alpha *= RSAFMIN;
    beta *= RSAFMIN;
  }
  if (rescaled > 0) {
    tailNorm = norm2(x, start + 1, end);
    beta = -Math.sign(alpha || 1) * Math.hypot(alpha, tailNorm);
  }
  const tau = (beta - alpha) / beta;
  const scale = 1 / (alpha - beta);
  for (let i = start + 1; i < end; i++) x[i] = x[i]! * scale;
  for (let k = 0; k < rescaled; k++) beta *= SAFMIN;
  x[start] = beta;
  return tau;
}

/**
 * A ← H A on the block rows r0..r1−1, columns c0..c1−1 of the row-major array `a` (row length
 * `ld`), where H = I − τ v vᵀ and v[0..r1−r0) is given explicitly (v[0] = 1). `w` is scratch of
 * length ≥ c1.
 *   w = vᵀ A   (accumulated four rows at a time)      A ← A − τ v w
 */
export function applyReflectorLeft(
  a: Float64Array, ld: number, r0: number, r1: number, c0: number, c1: number,
  v: Float64Array, tau: number, w: Float64Array,
): void {
  if (tau === 0 || c1 <= c0) return;
  for (let j = c0; j < c1; j++) w[j] = 0;
  let i = r0;
  for (; i + 4 <= r1; i += 4) {
    const p0 = i * ld;
    const p1 = p0 + ld;
    const p2 = p1 + ld;
    const p3 = p2 + ld;
    const v0 = v[i - r0]!;
    const v1 = v[i - r0 + 1]!;
    const v2 = v[i - r0 + 2]!;
    const v3 = v[i - r0 + 3]!;
    for (let j = c0; j < c1; j++) w[j] = w[j]! + (v0 * a[p0 + j]! + v1 * a[p1 + j]! + v2 * a[p2 + j]! + v3 * a[p3 + j]!);
  }
  for (; i < r1; i++) {
    const p = i * ld;
    const vi = v[i - r0]!;
    for (let j = c0; j < c1; j++) w[j] = w[j]! + vi * a[p + j]!;
  }
  i = r0;
  for (; i + 4 <= r1; i += 4) {
    const p0 = i * ld;
    const p1 = p0 + ld;
    const p2 = p1 + ld;
    const p3 = p2 + ld;
    const t0 = tau * v[i - r0]!;
    const t1 = tau * v[i - r0 + 1]!;
    const t2 = tau * v[i - r0 + 2]!;
    const t3 = tau * v[i - r0 + 3]!;
    for (let j = c0; j < c1; j++) {
      const wj = w[j]!;
      a[p0 + j] = a[p0 + j]! - t0 * wj;
      a[p1 + j] = a[p1 + j]! - t1 * wj;
      a[p2 + j] = a[p2 + j]! - t2 * wj;
      a[p3 + j] = a[p3 + j]! - t3 * wj;
    }
  }
  for (; i < r1; i++) {
    const p = i * ld;
    const ti = tau * v[i - r0]!;
    if (ti === 0) continue;
    for (let j = c0; j < c1; j++) a[p + j] = a[p + j]! - ti * w[j]!;
  }
}

/**
 * A ← A H on rows r0..r1−1, columns c0..c1−1, with v[0..c1−c0) explicit (v[0] = 1). Each row
 * is finished while it sits in cache: z = A_i · v, then A_i ← A_i − τ z vᵀ; four rows at a time
 * so each v entry loaded feeds four multiply-adds.
 */
export function applyReflectorRight(
  a: Float64Array, ld: number, r0: number, r1: number, c0: number, c1: number,
  v: Float64Array, tau: number,
): void {
  if (tau === 0 || c1 <= c0) return;
  const len = c1 - c0;
  let i = r0;
  for (; i + 4 <= r1; i += 4) {
    const p0 = i * ld + c0;
    const p1 = p0 + ld;
    const p2 = p1 + ld;
    const p3 = p2 + ld;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    for (let j = 0; j < len; j++) {
      const vj = v[j]!;
      z0 += a[p0 + j]! * vj;
      z1 += a[p1 + j]! * vj;
      z2 += a[p2 + j]! * vj;
      z3 += a[p3 + j]! * vj;
    }
    z0 *= tau;
    z1 *= tau;
    z2 *= tau;
    z3 *= tau;
    for (let j = 0; j < len; j++) {
      const vj = v[j]!;
      a[p0 + j] = a[p0 + j]! - z0 * vj;
      a[p1 + j] = a[p1 + j]! - z1 * vj;
      a[p2 + j] = a[p2 + j]! - z2 * vj;
      a[p3 + j] = a[p3 + j]! - z3 * vj;
    }
  }
  for (; i < r1; i++) {
    const p = i * ld + c0;
    let z = 0;
    for (let j = 0; j < len; j++) z += a[p + j]! * v[j]!;
    z *= tau;
    if (z === 0) continue;
    for (let j = 0; j < len; j++) a[p + j] = a[p + j]! - z * v[j]!;
  }
}
