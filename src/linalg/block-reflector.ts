/**
 * block-reflector — many Householder reflections applied at once (the compact WY form of
 * Schreiber & Van Loan 1989; LAPACK's dlarft + dlarfb).
 *
 * A product of nb reflectors H₀ H₁ ⋯ H_{nb−1}, with Hᵢ = I − τᵢ vᵢ vᵢᵀ, equals I − V T Vᵀ, where
 * V = [v₀ … v_{nb−1}] is unit lower trapezoidal and T is nb × nb upper triangular:
 *     T₀₀ = τ₀,   T[0:i, i] = −τᵢ · T[0:i, 0:i] · (V[:, 0:i]ᵀ vᵢ),   T[i][i] = τᵢ.
 * (Multiply out (I − V T Vᵀ)(I − τ v vᵀ) and match terms.) Applying it to X costs the same flops
 * as nb single reflections, but as three matrix products,
 *     W = Vᵀ X,   W ← T W (or Tᵀ W for the transposed product),   X ← X − V W,
 * whose inner loops reuse every loaded value several times (4 rows × 4 reflectors per pass,
 * over column strips that stay in L1). Single reflections stream X twice per reflector.
 */

/** The panel width we block by. */
export const BLOCK = 32;

/**
 * T (nb × nb, row-major, upper) for the reflectors whose vectors are the columns of the
 * row-major r × nb array V (unit lower trapezoidal, zeros above the diagonal stored explicitly).
 */
export function triangularFactor(V: Float64Array, r: number, nb: number, tau: ArrayLike<number>, T: Float64Array): Float64Array {
  T.fill(0, 0, nb * nb);
  const w = new Float64Array(nb);
  for (let i = 0; i < nb; i++) {
    const ti = tau[i]!;
    T[i * nb + i] = ti;
    if (i === 0 || ti === 0) continue;
    // w = V[:, 0:i]ᵀ v_i over rows i.. (v_i is zero above row i).
    w.fill(0, 0, i);
    for (let row = i; row < r; row++) {
      const vi = V[row * nb + i]!;
      if (vi === 0) continue;
      const p = row * nb;
      for (let l = 0; l < i; l++) w[l] = w[l]! + V[p + l]! * vi;
    }
    // T[0:i, i] = −τ_i T[0:i, 0:i] w (T upper triangular).
    for (let l = 0; l < i; l++) {
      let s = 0;
      for (let q = l; q < i; q++) s += T[l * nb + q]! * w[q]!;
      T[l * nb + i] = -ti * s;
    }
  }
  return T;
}

const STRIP = 64;

/**
 * X ← (I − V T Vᵀ) X, or X ← (I − V Tᵀ Vᵀ) X when `transposed`, on rows r0..r0+r−1 and columns
 * c0..c1−1 of the row-major array x (row length ld). V is r × nb (see triangularFactor).
 * The first product is H₀ H₁ ⋯ (backward accumulation of Q); the transposed one is ⋯ H₁ H₀
 * (applying Qᵀ, as the QR factorisation does to its trailing columns).
 */
export function applyBlockLeft(
  x: Float64Array, ld: number, r0: number, r: number, c0: number, c1: number,
  V: Float64Array, nb: number, T: Float64Array, transposed: boolean, W: Float64Array,
): void {
  for (let j0 = c0; j0 < c1; j0 += STRIP) {
    const j1 = Math.min(c1, j0 + STRIP);
    const len = j1 - j0;
    // W (nb × len) = Vᵀ X[:, j0:j1]
    W.fill(0, 0, nb * STRIP);
    let i = 0;
    for (; i + 4 <= r; i += 4) {
      const x0 = (r0 + i) * ld + j0;
      const x1 = x0 + ld;
      const x2 = x1 + ld;
      const x3 = x2 + ld;
      const kmax = Math.min(nb, i + 4); // V is zero right of its diagonal
      let k = 0;
      for (; k + 4 <= kmax; k += 4) {
        const v0 = i * nb + k;
        const a00 = V[v0]!, a01 = V[v0 + 1]!, a02 = V[v0 + 2]!, a03 = V[v0 + 3]!;
        const a10 = V[v0 + nb]!, a11 = V[v0 + nb + 1]!, a12 = V[v0 + nb + 2]!, a13 = V[v0 + nb + 3]!;
        const a20 = V[v0 + 2 * nb]!, a21 = V[v0 + 2 * nb + 1]!, a22 = V[v0 + 2 * nb + 2]!, a23 = V[v0 + 2 * nb + 3]!;
        const a30 = V[v0 + 3 * nb]!, a31 = V[v0 + 3 * nb + 1]!, a32 = V[v0 + 3 * nb + 2]!, a33 = V[v0 + 3 * nb + 3]!;
        const w0 = k * STRIP;
        const w1 = w0 + STRIP;
        const w2 = w1 + STRIP;
        const w3 = w2 + STRIP;
        for (let j = 0; j < len; j++) {
          const y0 = x[x0 + j]!;
          const y1 = x[x1 + j]!;
          const y2 = x[x2 + j]!;
          const y3 = x[x3 + j]!;
          W[w0 + j] = W[w0 + j]! + a00 * y0 + a10 * y1 + a20 * y2 + a30 * y3;
          W[w1 + j] = W[w1 + j]! + a01 * y0 + a11 * y1 + a21 * y2 + a31 * y3;
          W[w2 + j] = W[w2 + j]! + a02 * y0 + a12 * y1 + a22 * y2 + a32 * y3;
          W[w3 + j] = W[w3 + j]! + a03 * y0 + a13 * y1 + a23 * y2 + a33 * y3;
        }
      }
      for (; k < kmax; k++) {
        const a0 = V[i * nb + k]!, a1 = V[(i + 1) * nb + k]!, a2 = V[(i + 2) * nb + k]!, a3 = V[(i + 3) * nb + k]!;
        const w0 = k * STRIP;
        for (let j = 0; j < len; j++) W[w0 + j] = W[w0 + j]! + a0 * x[x0 + j]! + a1 * x[x1 + j]! + a2 * x[x2 + j]! + a3 * x[x3 + j]!;
      }
    }
    for (; i < r; i++) {
      const xi = (r0 + i) * ld + j0;
      const kmax = Math.min(nb, i + 1);
      for (let k = 0; k < kmax; k++) {
        const a = V[i * nb + k]!;
        if (a === 0) continue;
        const w0 = k * STRIP;
        for (let j = 0; j < len; j++) W[w0 + j] = W[w0 + j]! + a * x[xi + j]!;
      }
    }
    // W ← T W (upper: row l mixes rows l..) or Tᵀ W (lower: row l mixes rows ..l), in place.
    if (!transposed) {
      for (let l = 0; l < nb; l++) {
        const wl = l * STRIP;
        const tll = T[l * nb + l]!;
        for (let j = 0; j < len; j++) W[wl + j] = W[wl + j]! * tll;
        for (let q = l + 1; q < nb; q++) {
          const t = T[l * nb + q]!;
          if (t === 0) continue;
          const wq = q * STRIP;
          for (let j = 0; j < len; j++) W[wl + j] = W[wl + j]! + t * W[wq + j]!;
        }
      }
    } else {
      for (let l = nb - 1; l >= 0; l--) {
        const wl = l * STRIP;
        const tll = T[l * nb + l]!;
        for (let j = 0; j < len; j++) W[wl + j] = W[wl + j]! * tll;
        for (let q = 0; q < l; q++) {
          const t = T[q * nb + l]!;
          if (t === 0) continue;
          const wq = q * STRIP;
          for (let j = 0; j < len; j++) W[wl + j] = W[wl + j]! + t * W[wq + j]!;
        }
      }
    }
    // X −= V W
    i = 0;
    for (; i + 4 <= r; i += 4) {
      const x0 = (r0 + i) * ld + j0;
      const x1 = x0 + ld;
      const x2 = x1 + ld;
      const x3 = x2 + ld;
      const kmax = Math.min(nb, i + 4);
      let k = 0;
      for (; k + 4 <= kmax; k += 4) {
        const v0 = i * nb + k;
        const a00 = V[v0]!, a01 = V[v0 + 1]!, a02 = V[v0 + 2]!, a03 = V[v0 + 3]!;
        const a10 = V[v0 + nb]!, a11 = V[v0 + nb + 1]!, a12 = V[v0 + nb + 2]!, a13 = V[v0 + nb + 3]!;
        const a20 = V[v0 + 2 * nb]!, a21 = V[v0 + 2 * nb + 1]!, a22 = V[v0 + 2 * nb + 2]!, a23 = V[v0 + 2 * nb + 3]!;
        const a30 = V[v0 + 3 * nb]!, a31 = V[v0 + 3 * nb + 1]!, a32 = V[v0 + 3 * nb + 2]!, a33 = V[v0 + 3 * nb + 3]!;
        const w0 = k * STRIP;
        const w1 = w0 + STRIP;
        const w2 = w1 + STRIP;
        const w3 = w2 + STRIP;
        for (let j = 0; j < len; j++) {
          const b0 = W[w0 + j]!;
          const b1 = W[w1 + j]!;
          const b2 = W[w2 + j]!;
          const b3 = W[w3 + j]!;
          x[x0 + j] = x[x0 + j]! - (a00 * b0 + a01 * b1 + a02 * b2 + a03 * b3);
          x[x1 + j] = x[x1 + j]! - (a10 * b0 + a11 * b1 + a12 * b2 + a13 * b3);
          x[x2 + j] = x[x2 + j]! - (a20 * b0 + a21 * b1 + a22 * b2 + a23 * b3);
          x[x3 + j] = x[x3 + j]! - (a30 * b0 + a31 * b1 + a32 * b2 + a33 * b3);
        }
      }
      for (; k < kmax; k++) {
        const a0 = V[i * nb + k]!, a1 = V[(i + 1) * nb + k]!, a2 = V[(i + 2) * nb + k]!, a3 = V[(i + 3) * nb + k]!;
        const w0 = k * STRIP;
        for (let j = 0; j < len; j++) {
          const b = W[w0 + j]!;
          x[x0 + j] = x[x0 + j]! - a0 * b;
          x[x1 + j] = x[x1 + j]! - a1 * b;
          x[x2 + j] = x[x2 + j]! - a2 * b;
          x[x3 + j] = x[x3 + j]! - a3 * b;
        }
      }
    }
    for (; i < r; i++) {
      const xi = (r0 + i) * ld + j0;
      const kmax = Math.min(nb, i + 1);
      for (let k = 0; k < kmax; k++) {
        const a = V[i * nb + k]!;
        if (a === 0) continue;
        const w0 = k * STRIP;
        for (let j = 0; j < len; j++) x[xi + j] = x[xi + j]! - a * W[w0 + j]!;
      }
    }
  }
}

/**
 * One reflector of a sequence: v is 1 at index `start`, `tail(i)` below it (i > start), zero
 * above; H = I − τ v vᵀ.
 */
export interface ReflectorSequence {
  readonly count: number;
  start(k: number): number;
  tau(k: number): number;
  tail(k: number, i: number): number;
}

/**
 * X ← H₀ H₁ ⋯ H_{count−1} X on rows ..`rows` of the row-major array x (row length ld), for
 * columns c0(top)..c1 − 1, BLOCK reflectors at a time from the last block to the first. `c0`
 * receives the first row the block touches, so backward accumulation of Q can skip the columns
 * that are still zero there.
 */
export function applySequence(
  x: Float64Array, ld: number, rows: number, seq: ReflectorSequence, c0: (top: number) => number, c1: number,
): void {
  const V = new Float64Array(rows * BLOCK);
  const T = new Float64Array(BLOCK * BLOCK);
  const W = new Float64Array(BLOCK * 64);
  const taus = new Float64Array(BLOCK);
  for (let k1 = seq.count; k1 > 0; k1 -= BLOCK) {
    const k0 = Math.max(0, k1 - BLOCK);
    const nb = k1 - k0;
    const top = seq.start(k0);
    const r = rows - top;
    if (r <= 0) continue;
    V.fill(0, 0, r * nb);
    let any = false;
    for (let k = 0; k < nb; k++) {
      const t = seq.tau(k0 + k);
      taus[k] = t;
      if (t !== 0) any = true;
      const st = seq.start(k0 + k);
      if (st >= rows) continue;
      V[(st - top) * nb + k] = 1;
      for (let i = st + 1; i < rows; i++) V[(i - top) * nb + k] = seq.tail(k0 + k, i);
    }
    if (!any) continue;
    triangularFactor(V, r, nb, taus, T);
    applyBlockLeft(x, ld, top, r, c0(top), c1, V, nb, T, false, W);
  }
}
