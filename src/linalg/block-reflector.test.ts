import { describe, expect, test } from 'vitest';
import { applyBlockLeft, applySequence, triangularFactor } from './block-reflector.js';
import { applyReflectorLeft, makeReflector } from './householder.js';
import { seededMatrix } from './fixtures/seeded.js';

describe('block reflector (compact WY)', () => {
  // nb reflectors from the columns of a random r × nb matrix, as a QR panel would make them.
  function reflectors(r: number, nb: number): { V: Float64Array; tau: Float64Array } {
    const src = seededMatrix(r, nb, r * 7 + nb);
    const V = new Float64Array(r * nb);
    const tau = new Float64Array(nb);
    const x = new Float64Array(r);
    for (let k = 0; k < nb; k++) {
      for (let i = 0; i < r; i++) x[i] = src.get(i, k);
      tau[k] = makeReflector(x, k, r);
      V[k * nb + k] = 1;
      for (let i = k + 1; i < r; i++) V[i * nb + k] = x[i]!;
    }
    return { V, tau };
  }

  test('I − V T Vᵀ equals H₀ H₁ ⋯ applied one by one; the transposed form equals ⋯ H₁ H₀', () => {
    for (const [r, nb, c] of [[9, 4, 5], [40, 32, 70], [37, 6, 3], [5, 5, 130]] as const) {
      const { V, tau } = reflectors(r, nb);
      const T = triangularFactor(V, r, nb, tau, new Float64Array(nb * nb));
      const x = seededMatrix(r + 2, c + 1, 3).data; // rows 1..r, columns 1..c of a larger array
      const ld = c + 1;
      const v = new Float64Array(r);
      const w = new Float64Array(ld);
      for (const transposed of [false, true]) {
        const blocked = x.slice();
        applyBlockLeft(blocked, ld, 1, r, 1, c + 1, V, nb, T, transposed, new Float64Array(nb * 64));
        const single = x.slice();
        const order = Array.from({ length: nb }, (_, k) => (transposed ? k : nb - 1 - k)); // the rightmost factor acts first
        for (const k of order) {
          for (let i = 0; i < r; i++) v[i] = V[i * nb + k]!;
          applyReflectorLeft(single, ld, 1, r + 1, 1, c + 1, v, tau[k]!, w);
        }
        for (let i = 0; i < x.length; i++) expect(blocked[i]).toBeCloseTo(single[i]!, 13);
      }
    }
  });

  test('applySequence walks blocks from the last to the first, with reflectors starting anywhere', () => {
    const r = 70;
    const count = 45; // two blocks of 32 and 13
    const src = seededMatrix(r, count, 5);
    const taus = new Float64Array(count);
    const tails = src.data.slice();
    const x = new Float64Array(r);
    for (let k = 0; k < count; k++) {
      for (let i = 0; i < r; i++) x[i] = src.get(i, k);
      taus[k] = makeReflector(x, k + 1, r); // v₀ = 1 at row k + 1, as the tridiagonal Q's
      for (let i = k + 2; i < r; i++) tails[i * count + k] = x[i]!;
    }
    const seq = { count, start: (k: number) => k + 1, tau: (k: number) => taus[k]!, tail: (k: number, i: number) => tails[i * count + k]! };
    const blocked = seededMatrix(r, 9, 6).data;
    const single = blocked.slice();
    applySequence(blocked, 9, r, seq, () => 0, 9);
    const v = new Float64Array(r);
    const w = new Float64Array(9);
    for (let k = count - 1; k >= 0; k--) {
      v[0] = 1;
      for (let i = k + 2; i < r; i++) v[i - k - 1] = tails[i * count + k]!;
      applyReflectorLeft(single, 9, k + 1, r, 0, 9, v, taus[k]!, w);
    }
    for (let i = 0; i < single.length; i++) expect(blocked[i]).toBeCloseTo(single[i]!, 13);
  });
});
