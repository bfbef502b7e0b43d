import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { eig2x2, eigh, eigvalsh } from './eig.js';
import { fixtures, matrixOf, orthogonality, reconstruct, relativeError } from './fixtures/helpers.js';
import { seededMatrix } from './fixtures/seeded.js';
import { Matrix } from './matrix.js';

describe('eigh: against LAPACK (numpy.linalg.eigh) on the fixture matrices', () => {
  for (const c of fixtures().eigh) {
    test(`${c.name}${c.note ? ` (${c.note})` : ''}`, () => {
      const a = matrixOf(c.a);
      const { values, vectors } = eigh(a);
      const n = a.rows;
      for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]!);
      const rec = relativeError(a, reconstruct(vectors, values, vectors));
      const orth = orthogonality(vectors);
      expect(rec).toBeLessThanOrEqual(1e-13);
      expect(orth).toBeLessThanOrEqual(1e-13 * n);
      expect(rec).toBeLessThanOrEqual(4 * c.lapack.reconstruction + 8 * 2 ** -52);
      expect(orth).toBeLessThanOrEqual(4 * c.lapack.orth + 8 * 2 ** -52);
      // Eigenvalues: normwise, |Δλ| ≤ 1e-13 · max|λ| (Weyl: a backward error ε‖A‖ moves each λ by ≤ ε‖A‖).
      const lmax = Math.max(...c.values.map(Math.abs));
      c.values.forEach((v, i) => expect(Math.abs(values[i]! - v)).toBeLessThanOrEqual(1e-13 * lmax));
      const only = eigvalsh(a);
      only.forEach((v, i) => expect(Math.abs(v - values[i]!)).toBeLessThanOrEqual(1e-14 * (lmax || 1)));
    });
  }
});

describe('eigh', () => {
  test('[[2, 1], [1, 2]]: λ = 1, 3 with vectors (1, −1)/√2 and (1, 1)/√2', () => {
    const { values, vectors } = eigh([[2, 1], [1, 2]]);
    expect(Array.from(values)).toEqual([1, 3]);
    expect(vectors.get(0, 0)).toBeCloseTo(Math.SQRT1_2, 15);
    expect(vectors.get(1, 0)).toBeCloseTo(-Math.SQRT1_2, 15);
    expect(vectors.get(0, 1)).toBeCloseTo(Math.SQRT1_2, 15);
  });

  test('the 1-2-1 Laplacian has λ_k = 2 − 2cos(kπ/(n+1)) exactly known', () => {
    const n = 25;
    const a = Matrix.build(n, n, (i, j) => (i === j ? 2 : Math.abs(i - j) === 1 ? -1 : 0));
    const values = eigvalsh(a);
    for (let k = 1; k <= n; k++) expect(values[k - 1]).toBeCloseTo(2 - 2 * Math.cos((k * Math.PI) / (n + 1)), 14);
  });

  test('property: Q Λ Qᵀ = A, QᵀQ = I, ascending λ (fast-check)', () => {
    const matrices = fc.integer({ min: 1, max: 10 }).chain((n) =>
      fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n * n, maxLength: n * n }).map((xs) => {
        const b = new Matrix(n, n, Float64Array.from(xs));
        return b.add(b.transpose());
      }),
    );
    fc.assert(
      fc.property(matrices, (a) => {
        const { values, vectors } = eigh(a);
        const sorted = values.every((v, i) => i === 0 || v >= values[i - 1]!);
        return sorted && relativeError(a, reconstruct(vectors, values, vectors)) < 1e-13 && orthogonality(vectors) < 1e-13;
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  test('eigenvectors have a positive largest entry (deterministic signs)', () => {
    const b = seededMatrix(12, 12, 4);
    const { vectors } = eigh(b.add(b.transpose()));
    for (let j = 0; j < 12; j++) {
      const col = vectors.column(j);
      expect(col.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0)).toBeGreaterThan(0);
    }
  });

  test('eig2x2 (dlaev2) diagonalises [a b; b c] (fast-check)', () => {
    const out = { rt1: 0, rt2: 0, c: 0, s: 0 };
    fc.assert(
      fc.property(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true }), (a, b, c) => {
        const { rt1, rt2, c: cs, s: sn } = eig2x2(a, b, c, out);
        // [cs sn; −sn cs] [a b; b c] [cs −sn; sn cs] = diag(rt1, rt2)
        const d1 = cs * (cs * a + sn * b) + sn * (cs * b + sn * c); // entry (0, 0)
        const off = -sn * (cs * a + sn * b) + cs * (cs * b + sn * c); // entry (1, 0)
        const scale = Math.max(Math.abs(a), Math.abs(b), Math.abs(c), 1e-300);
        return Math.abs(d1 - rt1) <= 1e-13 * scale && Math.abs(off) <= 1e-13 * scale &&
          // |rt1| ≥ |rt2| up to the last bit: dlaev2 computes rt2 = (a c − b²)/rt1 for accuracy.
          Math.abs(rt1) >= Math.abs(rt2) * (1 - 2 ** -50) && Math.abs(rt1 + rt2 - a - c) <= 1e-13 * scale;
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  test('refuses non-symmetric, non-square, empty and non-finite input', () => {
    expect(() => eigh([[1, 2], [3, 4]])).toThrow(/eigh: the matrix is not symmetric \(A\[1, 0\] = 3 but A\[0, 1\] = 2\).*svd\(\)/);
    expect(() => eigh([[1, 2, 3]])).toThrow(/eigh: the matrix must be square, got \[1, 3\]/);
    expect(() => eigvalsh(new Matrix(0, 0))).toThrow(/eigvalsh: the matrix is empty/);
    expect(() => eigh([[Number.NaN]])).toThrow(/eigh: entry \[0, 0\] is NaN/);
    // Within the tolerance, tiny asymmetry is accepted (only the lower triangle is read).
    expect(eigvalsh([[1, 1e-14], [0, 1]])[0]).toBe(1);
  });
});
