import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { cholesky, choleskySolve } from './cholesky.js';
import { fixtures, matrixOf, relativeError, type MatrixEntry } from './fixtures/helpers.js';
import { Matrix } from './matrix.js';

const ref = fixtures().reference as Record<string, Record<string, unknown>>;

describe('cholesky', () => {
  test('the header example: [[4, 2], [2, 3]] → [[2, 0], [1, √2]]', () => {
    expect(cholesky([[4, 2], [2, 3]]).toArray()).toEqual([[2, 0], [1, Math.SQRT2]]);
  });

  test('matches LAPACK dpotrf (numpy.linalg.cholesky)', () => {
    const c = ref.cholesky!;
    expect(relativeError(matrixOf(c.l as MatrixEntry), cholesky(matrixOf(c.a as MatrixEntry)))).toBeLessThan(1e-14);
  });

  test('property: L Lᵀ = A for A = BᵀB + I (fast-check), and choleskySolve solves', () => {
    const matrices = fc.integer({ min: 1, max: 8 }).chain((n) =>
      fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n * n, maxLength: n * n }).map((xs) => {
        const b = new Matrix(n, n, Float64Array.from(xs));
        return b.transpose().matmul(b).add(Matrix.eye(n));
      }),
    );
    fc.assert(
      fc.property(matrices, (a) => {
        const L = cholesky(a);
        const x = Matrix.build(a.rows, 2, (i, j) => i - j + 0.5);
        const solved = choleskySolve(L, a.matmul(x));
        return relativeError(a, L.matmul(L.transpose())) < 1e-14 && relativeError(x, solved) < 1e-10;
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  test('refuses a matrix that is not positive definite, or not symmetric, saying which', () => {
    expect(() => cholesky([[1, 2], [2, 1]])).toThrow(/not positive definite \(the leading 2 × 2 minor is not positive\)/);
    expect(() => cholesky([[0]])).toThrow(/leading 1 × 1 minor/);
    expect(() => cholesky([[2, 1], [0, 2]])).toThrow(/cholesky: the matrix is not symmetric \(A\[1, 0\] = 0 but A\[0, 1\] = 1\)/);
    expect(() => cholesky([[1, 2, 3]])).toThrow(/cholesky: the matrix must be square, got \[1, 3\]/);
  });
});
