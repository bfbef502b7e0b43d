import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fixtures, matrixOf, relativeError, type MatrixEntry } from './fixtures/helpers.js';
import { seededMatrix } from './fixtures/seeded.js';
import { lu, luFactor, luRcond } from './lu.js';
import { Matrix } from './matrix.js';
import { inv } from './solve.js';

const ref = fixtures().reference as Record<string, Record<string, unknown>>;

function permuteRows(a: Matrix, perm: Int32Array): Matrix {
  return Matrix.build(a.rows, a.cols, (i, j) => a.get(perm[i]!, j));
}

describe('lu', () => {
  test('the header example: [[1, 2], [3, 4]] pivots on 3', () => {
    const { L, U, perm, sign } = lu([[1, 2], [3, 4]]);
    expect(Array.from(perm)).toEqual([1, 0]);
    expect(sign).toBe(-1);
    expect(L.toArray()).toEqual([[1, 0], [1 / 3, 1]]);
    expect(U.get(0, 0)).toBe(3);
    expect(U.get(1, 1)).toBeCloseTo(2 / 3, 15);
  });

  test('the same factors and pivots as LAPACK dgetrf (scipy.linalg.lu)', () => {
    const c = ref.lu;
    if (!c) return; // the fixture script had no scipy
    const { L, U, perm } = lu(matrixOf(c.a as MatrixEntry));
    expect(Array.from(perm)).toEqual(c.perm);
    expect(relativeError(matrixOf(c.l as MatrixEntry), L)).toBeLessThan(1e-14);
    expect(relativeError(matrixOf(c.u as MatrixEntry), U)).toBeLessThan(1e-14);
  });

  test('property: A[perm] = L U with |L| ≤ 1, for square and rectangular A (fast-check)', () => {
    const matrices = fc
      .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }))
      .chain(([m, n]) => fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: m * n, maxLength: m * n }).map((xs) => new Matrix(m, n, Float64Array.from(xs))));
    fc.assert(
      fc.property(matrices, (a) => {
        const { L, U, perm } = lu(a);
        return relativeError(permuteRows(a, perm), L.matmul(U)) < 1e-14 && L.data.every((x) => Math.abs(x) <= 1);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  test('a zero pivot does not stop the factorisation; it is reported', () => {
    const f = luFactor(Float64Array.from([1, 2, 2, 4]), 2, 2);
    expect(f.zeroPivot).toBe(1);
    expect(luRcond(f, 6)).toBe(0);
  });

  test('the condition estimate is within a factor 3 of the true 1-norm condition number', () => {
    for (const seed of [1, 2, 3]) {
      const a = seededMatrix(20, 20, seed);
      const f = luFactor(a.data.slice(), 20, 20);
      const norm1 = (m: Matrix): number => Math.max(...Array.from({ length: m.cols }, (_, j) => m.column(j).reduce((s, x) => s + Math.abs(x), 0)));
      const exact = 1 / (norm1(a) * norm1(inv(a)));
      const estimate = luRcond(f, norm1(a));
      expect(estimate).toBeGreaterThanOrEqual(exact * (1 - 1e-12)); // an estimate of ‖A⁻¹‖ never exceeds it
      expect(estimate).toBeLessThan(3 * exact);
    }
  });
});
