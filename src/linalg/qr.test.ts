import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fixtures, matrixOf, orthogonality, relativeError, type MatrixEntry } from './fixtures/helpers.js';
import { seededMatrix } from './fixtures/seeded.js';
import { Matrix } from './matrix.js';
import { qr } from './qr.js';
import { cholesky } from './cholesky.js';

const ref = fixtures().reference as Record<string, Record<string, unknown>>;

/** Columns of A in the order perm. */
function permuteColumns(a: Matrix, perm: Int32Array): Matrix {
  return Matrix.build(a.rows, a.cols, (i, j) => a.get(i, perm[j]!));
}

function isUpperTriangular(r: Matrix): boolean {
  for (let i = 0; i < r.rows; i++) for (let j = 0; j < Math.min(i, r.cols); j++) if (r.get(i, j) !== 0) return false;
  return true;
}

describe('qr', () => {
  test('the header example: [[3, 1], [4, 2]] → R = [[5, 2.2], [0, 0.4]]', () => {
    const { Q, R } = qr([[3, 1], [4, 2]]);
    expect(R.get(0, 0)).toBeCloseTo(5, 15);
    expect(R.get(0, 1)).toBeCloseTo(2.2, 15);
    expect(R.get(1, 1)).toBeCloseTo(0.4, 15);
    expect(Q!.get(0, 0)).toBeCloseTo(0.6, 15);
  });

  test('|R| equals LAPACK dgeqrf\'s (numpy.linalg.qr) up to the sign convention', () => {
    const c = ref.qr!;
    const { R } = qr(matrixOf(c.a as MatrixEntry), { mode: 'r' });
    const absR = matrixOf(c.absR as MatrixEntry);
    for (let i = 0; i < R.data.length; i++) expect(Math.abs(R.data[i]!)).toBeCloseTo(absR.data[i]!, 13);
  });

  test('modes give the documented shapes', () => {
    const a = seededMatrix(7, 4, 1);
    expect(qr(a).Q!.shape).toEqual([7, 4]);
    expect(qr(a).R.shape).toEqual([4, 4]);
    const complete = qr(a, { mode: 'complete' });
    expect(complete.Q!.shape).toEqual([7, 7]);
    expect(complete.R.shape).toEqual([7, 4]);
    expect(orthogonality(complete.Q!)).toBeLessThan(1e-14);
    expect(relativeError(a, complete.Q!.matmul(complete.R))).toBeLessThan(1e-15);
    expect(qr(a, { mode: 'r' }).Q).toBeNull();
    const wide = qr(seededMatrix(3, 6, 2));
    expect(wide.Q!.shape).toEqual([3, 3]);
    expect(wide.R.shape).toEqual([3, 6]);
  });

  test('property: Q R = A, QᵀQ = I, R upper triangular with a non-negative diagonal (fast-check)', () => {
    const matrices = fc
      .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }))
      .chain(([m, n]) =>
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: m * n, maxLength: m * n }).map((xs) => new Matrix(m, n, Float64Array.from(xs))),
      );
    fc.assert(
      fc.property(matrices, fc.boolean(), (a, pivoting) => {
        const { Q, R, perm } = qr(a, { pivoting });
        const diagOk = Array.from(R.diagonal()).every((x) => x >= 0);
        const target = permuteColumns(a, perm);
        return relativeError(target, Q!.matmul(R)) < 1e-14 && orthogonality(Q!) < 1e-14 && isUpperTriangular(R) && diagOk;
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  test('the blocked path (n > 32: panels of 32 and a block reflector) reconstructs as well', () => {
    for (const [m, n] of [[100, 70], [70, 100], [200, 40], [65, 65]] as const) {
      const a = seededMatrix(m, n, m + n);
      for (const mode of ['reduced', 'complete'] as const) {
        const { Q, R } = qr(a, { mode });
        expect(relativeError(a, Q!.matmul(R))).toBeLessThan(1e-14);
        expect(orthogonality(Q!)).toBeLessThan(1e-13);
        expect(isUpperTriangular(R)).toBe(true);
      }
      // For full column rank, R with a positive diagonal is unique: it is the Cholesky factor
      // of AᵀA, transposed, which no reflector touched.
      if (m >= n) {
        const R = qr(a, { mode: 'r' }).R;
        expect(relativeError(cholesky(a.transpose().matmul(a)).transpose(), R)).toBeLessThan(1e-12);
      }
    }
  });

  test('column pivoting: |diag R| non-increasing, and the same pivots as LAPACK dgeqp3 (scipy)', () => {
    const c = ref.pivotedQr;
    const a = c ? matrixOf(c.a as MatrixEntry) : seededMatrix(8, 6, 75);
    const { R, perm } = qr(a, { pivoting: true });
    const d = Array.from(R.diagonal());
    for (let i = 1; i < d.length; i++) expect(d[i]).toBeLessThanOrEqual(d[i - 1]! * (1 + 1e-14));
    if (c) {
      expect(Array.from(perm)).toEqual(c.perm);
      (c.absDiagR as number[]).forEach((x, i) => expect(d[i]).toBeCloseTo(x, 13));
    }
    // Column 4 is 1e-3 × column 1: the rank drop shows at the end of the diagonal.
    expect(d[d.length - 1]! / d[0]!).toBeLessThan(1e-14);
  });

  test('errors: empty and non-finite input', () => {
    expect(() => qr(new Matrix(2, 0))).toThrow(/qr: the matrix is empty/);
    expect(() => qr([[Infinity]])).toThrow(/qr: entry \[0, 0\] is Infinity/);
  });
});
