import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { svd2x2, smallerSingularValue, bidiagonalSvd } from './bidiagonal-svd.js';
import { fixtures, matrixOf, orthogonality, reconstruct, relativeError } from './fixtures/helpers.js';
import { seededMatrix } from './fixtures/seeded.js';
import { Matrix } from './matrix.js';
import { singularValues, svd, QR_FIRST } from './svd.js';

// The issue's accuracy bar: reconstruction ≤ 1e-13; ‖UᵀU − I‖_F ≤ 1e-13 scaled with n (LAPACK's
// tests divide by n·ε); singular values within 1e-13 of LAPACK's, relative for those above
// 1e-3·σ₀ and absolute (in units of σ₀) for the tiny ones. We also ask to be within 4× of
// LAPACK's own figure on the same matrix (plus a few ulps, for the cases where LAPACK is exact).
const ulp = 2 ** -52;
const orthBound = (n: number): number => 1e-13 * Math.max(1, n);

describe('svd: against LAPACK (numpy.linalg.svd) on the fixture matrices', () => {
  for (const method of ['golub-kahan', 'jacobi'] as const) {
    for (const c of fixtures().svd) {
      test(`${method}: ${c.name}${c.note ? ` (${c.note})` : ''}`, () => {
        const a = matrixOf(c.a);
        const { U, S, V } = svd(a, { method });
        const k = Math.min(a.rows, a.cols);
        expect(U.shape).toEqual([a.rows, k]);
        expect(V.shape).toEqual([a.cols, k]);
        expect(S.length).toBe(k);
        for (let i = 0; i < k; i++) {
          expect(S[i]).toBeGreaterThanOrEqual(0);
          if (i > 0) expect(S[i]).toBeLessThanOrEqual(S[i - 1]!);
        }
        const rec = relativeError(a, reconstruct(U, S, V));
        const orthU = orthogonality(U);
        const orthV = orthogonality(V);
        expect(rec).toBeLessThanOrEqual(1e-13);
        expect(orthU).toBeLessThanOrEqual(orthBound(k));
        expect(orthV).toBeLessThanOrEqual(orthBound(k));
        const smax = c.singularValues[0]!;
        c.singularValues.forEach((s, i) => {
          const diff = Math.abs(S[i]! - s);
          if (s > 1e-3 * smax) expect(diff).toBeLessThanOrEqual(1e-13 * s);
          else expect(diff).toBeLessThanOrEqual(1e-13 * smax);
        });
        if (method === 'golub-kahan') {
          // "As accurate as LAPACK": within a small factor of LAPACK's own error on this matrix.
          expect(rec).toBeLessThanOrEqual(4 * c.lapack.reconstruction + 8 * ulp);
          expect(orthU).toBeLessThanOrEqual(4 * c.lapack.orthU + 8 * ulp);
          expect(orthV).toBeLessThanOrEqual(4 * c.lapack.orthV + 8 * ulp);
        }
      });
    }
  }

  test('singularValues (no vectors) gives the same values as svd', () => {
    for (const c of fixtures().svd) {
      const a = matrixOf(c.a);
      const s = singularValues(a);
      const full = svd(a).S;
      const smax = full[0]!;
      s.forEach((x, i) => expect(Math.abs(x - full[i]!)).toBeLessThanOrEqual(1e-14 * (smax || 1)));
    }
  });
});

describe('svd: graded matrices against 60-digit singular values (mpmath)', () => {
  for (const c of fixtures().graded) {
    test(`${c.name} (${c.note}): Jacobi is accurate to every digit, Golub–Kahan (like LAPACK) only normwise`, () => {
      const a = matrixOf(c.a);
      const smax = c.singularValues[0]!;
      const jacobi = svd(a, { method: 'jacobi' }).S;
      const gk = svd(a).S;
      c.singularValues.forEach((s, i) => {
        expect(Math.abs(jacobi[i]! - s)).toBeLessThanOrEqual(1e-13 * s); // relative, even for σ ≈ 1e-14
        expect(Math.abs(gk[i]! - s)).toBeLessThanOrEqual(1e-13 * smax); // normwise
      });
      // The point of the comparison: here LAPACK's dgesdd loses relative accuracy too.
      expect(c.lapackMaxRelativeError).toBeGreaterThan(1e-12);
    });
  }
});

describe('svd: shapes, full mode, signs', () => {
  test('a hand-checked 2 × 2: [[3, 0], [4, 5]] has σ = √45 and √5', () => {
    // AᵀA = [[25, 20], [20, 25]] has eigenvalues 45 and 5.
    const { U, S, V } = svd([[3, 0], [4, 5]]);
    expect(S[0]).toBeCloseTo(Math.sqrt(45), 14);
    expect(S[1]).toBeCloseTo(Math.sqrt(5), 14);
    // v₀ = (1, 1)/√2 and u₀ = A v₀ / σ₀ = (3, 9)/√90; both have positive leading entries.
    expect(V.get(0, 0)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(U.get(1, 0)).toBeCloseTo(9 / Math.sqrt(90), 14);
  });

  test('full: U is m × m and V is n × n, both orthogonal, for tall and wide input', () => {
    for (const [m, n] of [[9, 4], [4, 9], [30, 5], [5, 5]] as const) {
      const a = seededMatrix(m, n, m * 31 + n);
      const { U, S, V } = svd(a, { full: true });
      expect(U.shape).toEqual([m, m]);
      expect(V.shape).toEqual([n, n]);
      expect(orthogonality(U)).toBeLessThan(1e-14 * m);
      expect(orthogonality(V)).toBeLessThan(1e-14 * n);
      expect(relativeError(a, reconstruct(U, S, V))).toBeLessThan(1e-14);
    }
  });

  test('full mode with the Jacobi method also completes U and V', () => {
    const a = seededMatrix(12, 5, 99);
    const { U, S, V } = svd(a, { full: true, method: 'jacobi' });
    expect(U.shape).toEqual([12, 12]);
    expect(orthogonality(U)).toBeLessThan(1e-13);
    expect(relativeError(a, reconstruct(U, S, V))).toBeLessThan(1e-14);
  });

  test('signs are deterministic: every column of U has its largest entry positive', () => {
    const a = seededMatrix(15, 10, 5);
    const { U, S, V } = svd(a);
    for (let j = 0; j < U.cols; j++) {
      const col = U.column(j);
      const lead = col.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
      expect(lead).toBeGreaterThan(0);
    }
    // Flipping the input's sign flips V, not U, so the convention is really applied.
    const b = svd(a.scale(-1));
    expect(b.U.data).toEqual(U.data);
    expect(relativeError(V.scale(-1), b.V)).toBe(0);
    expect(b.S).toEqual(S);
  });

  test('the QR-first path (m ≥ 1.6 n) and the direct path agree', () => {
    const n = 10;
    const m = Math.ceil(QR_FIRST * n);
    const a = seededMatrix(m, n, 7);
    const direct = svd(a.slice(0, m - 1)); // m − 1 < 1.6 n: bidiagonalised directly
    const viaQr = svd(a);
    expect(relativeError(a, reconstruct(viaQr.U, viaQr.S, viaQr.V))).toBeLessThan(1e-14);
    expect(relativeError(a.slice(0, m - 1), reconstruct(direct.U, direct.S, direct.V))).toBeLessThan(1e-14);
  });

  test('accepts nested arrays and 2-D tensors alike', () => {
    const rows = [[1, 2], [3, 4], [5, 6]];
    const fromTensorLike = svd({ shape: [3, 2], dataSync: () => Float64Array.from(rows.flat()) });
    expect(fromTensorLike.S).toEqual(svd(rows).S);
  });
});

describe('svd: properties (fast-check)', () => {
  const shapes = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }));
  const matrices = shapes.chain(([m, n]) =>
    fc
      .array(fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }), { minLength: m * n, maxLength: m * n })
      .map((xs) => new Matrix(m, n, Float64Array.from(xs))),
  );

  test('U Σ Vᵀ = A, orthonormal U and V, sorted non-negative σ', () => {
    fc.assert(
      fc.property(matrices, (a) => {
        const { U, S, V } = svd(a);
        const k = S.length;
        for (let i = 0; i < k; i++) {
          if (!(S[i]! >= 0) || (i > 0 && S[i]! > S[i - 1]!)) return false;
        }
        return relativeError(a, reconstruct(U, S, V)) < 1e-13 && orthogonality(U) < 1e-13 && orthogonality(V) < 1e-13;
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  test('rank-deficient matrices with repeated columns still give orthonormal U', () => {
    fc.assert(
      fc.property(matrices, (a) => {
        // Duplicate the first column into every column: rank ≤ 1.
        const b = Matrix.build(a.rows, a.cols, (i) => a.get(i, 0));
        const { U, S, V } = svd(b);
        return relativeError(b, reconstruct(U, S, V)) < 1e-13 && orthogonality(U) < 1e-13 && orthogonality(V) < 1e-13;
      }),
      { seed: 43, numRuns: 100 },
    );
  });
});

describe('bidiagonal kernels', () => {
  test('svd2x2 diagonalises [f g; 0 h] exactly as LAPACK dlasv2 promises', () => {
    const out = { ssmin: 0, ssmax: 0, snr: 0, csr: 0, snl: 0, csl: 0 };
    fc.assert(
      fc.property(
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        (f, g, h) => {
          svd2x2(f, g, h, out);
          const { csl, snl, csr, snr, ssmax, ssmin } = out;
          // [csl snl; −snl csl] [f g; 0 h] [csr −snr; snr csr]
          const b00 = csl * f;
          const b01 = csl * g + snl * h;
          const b10 = -snl * f;
          const b11 = -snl * g + csl * h;
          const r00 = b00 * csr + b01 * snr;
          const r01 = -b00 * snr + b01 * csr;
          const r10 = b10 * csr + b11 * snr;
          const r11 = -b10 * snr + b11 * csr;
          const scale = Math.max(Math.abs(f), Math.abs(g), Math.abs(h), 1e-300);
          const tol = 1e-14 * scale;
          return (
            Math.abs(r00 - ssmax) <= tol && Math.abs(r11 - ssmin) <= tol && Math.abs(r01) <= tol && Math.abs(r10) <= tol &&
            Math.abs(ssmax) >= Math.abs(ssmin) && Math.abs(ssmin - Math.sign(ssmin) * smallerSingularValue(f, g, h)) <= tol
          );
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });

  test('bidiagonalSvd on a known bidiagonal: [[1, 1], [0, 1]] has σ = golden ratio and its inverse', () => {
    const d = new Float64Array([1, 1]);
    const e = new Float64Array([1]);
    bidiagonalSvd(d, e, null, null);
    const phi = (1 + Math.sqrt(5)) / 2;
    expect(d[0]).toBeCloseTo(phi, 15);
    expect(d[1]).toBeCloseTo(1 / phi, 15);
  });

  test('graded bidiagonal: tiny singular values come out to high relative accuracy', () => {
    // B = bidiag(d = 1, 1e-10, 1e-20, …; e = same scale) has σ_i ≈ d_i; Demmel–Kahan guarantees
    // relative accuracy, which a normwise-accurate method would lose for the small ones.
    const n = 8;
    const d = Float64Array.from({ length: n }, (_, i) => 10 ** (-5 * i));
    const e = Float64Array.from({ length: n - 1 }, (_, i) => 0.5 * 10 ** (-5 * (i + 1)));
    const dRef = d.slice();
    bidiagonalSvd(d, e, null, null);
    // Row i of B is d_i e_i + e_i e_{i+1} with e_i ≪ d_i, so σ_i = d_i (1 + O(1e-10)).
    for (let i = 0; i < n; i++) expect(Math.abs(d[i]! - dRef[i]!) / dRef[i]!).toBeLessThan(1e-9);
  });
});

describe('svd: errors', () => {
  test('empty, NaN and Infinity are refused with the entry named', () => {
    expect(() => svd(new Matrix(0, 3))).toThrow(/svd: the matrix is empty \(\[0, 3\]\)/);
    expect(() => svd([[1, Number.NaN]])).toThrow(/svd: entry \[0, 1\] is NaN/);
    expect(() => singularValues([[1], [-Infinity]])).toThrow(/singularValues: entry \[1, 0\] is -Infinity/);
  });
});
