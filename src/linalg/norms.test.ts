import { describe, expect, test } from 'vitest';
import { fixtures, matrixOf, relativeError, type MatrixEntry } from './fixtures/helpers.js';
import { seededMatrix } from './fixtures/seeded.js';
import { lowRankApprox } from './low-rank.js';
import { Matrix } from './matrix.js';
import { cond, matrixRank, norm } from './norms.js';

const ref = fixtures().reference as Record<string, Record<string, unknown>>;

describe('norm, cond, matrixRank', () => {
  test('every order matches numpy.linalg.norm', () => {
    const c = ref.norm!;
    const a = matrixOf(c.a as MatrixEntry);
    expect(norm(a)).toBeCloseTo(c.fro as number, 14);
    expect(norm(a, 'nuc')).toBeCloseTo(c.nuc as number, 13);
    expect(norm(a, 2)).toBeCloseTo(c.two as number, 14);
    expect(norm(a, -2)).toBeCloseTo(c.minusTwo as number, 14);
    expect(norm(a, 1)).toBeCloseTo(c.one as number, 14);
    expect(norm(a, -1)).toBeCloseTo(c.minusOne as number, 14);
    expect(norm(a, Infinity)).toBeCloseTo(c.inf as number, 14);
    expect(norm(a, -Infinity)).toBeCloseTo(c.minusInf as number, 14);
  });

  test('the Frobenius norm does not overflow for entries of 1e200', () => {
    expect(norm([[3e200, 4e200]])).toBeCloseTo(5e200, -186);
    expect(norm([[3e-200, 4e-200]]) / 5e-200).toBeCloseTo(1, 14);
  });

  test('cond matches numpy for Hilbert(6) in the 2-, 1- and Frobenius norms', () => {
    const c = ref.cond!;
    const h = matrixOf(c.a as MatrixEntry);
    expect(cond(h) / (c.cond2 as number)).toBeCloseTo(1, 8);
    expect(cond(h, 1) / (c.cond1 as number)).toBeCloseTo(1, 8);
    expect(cond(h, 'fro') / (c.condFro as number)).toBeCloseTo(1, 8);
    expect(cond([[1, 0], [0, 0]])).toBe(Infinity);
    expect(cond([[1, 0], [0, 0]], 1)).toBe(Infinity);
    expect(() => cond([[1, 2, 3]], 1)).toThrow(/cond: order 1 needs a square matrix/);
  });

  test('matrixRank matches numpy, including a rank-deficient product', () => {
    for (const c of ref.matrixRank as unknown as { a: MatrixEntry; rank: number }[]) expect(matrixRank(matrixOf(c.a))).toBe(c.rank);
    expect(matrixRank([[1, 2], [2, 4]])).toBe(1);
    expect(matrixRank([[0, 0]])).toBe(0);
    expect(matrixRank([[1, 0], [0, 1e-20]], { tol: 1e-30 })).toBe(2);
  });

  test('unknown orders are refused', () => {
    expect(() => norm([[1]], 3 as never)).toThrow(/norm: unknown order 3/);
  });
});

describe('lowRankApprox', () => {
  test('Eckart–Young: the reported errors are the distances to A', () => {
    const a = seededMatrix(30, 20, 3);
    for (const k of [0, 1, 5, 20]) {
      const r = lowRankApprox(a, k);
      expect(r.U.shape).toEqual([30, k]);
      expect(r.V.shape).toEqual([20, k]);
      const diff = a.sub(r.approximation);
      if (k < 20) {
        expect(norm(diff) / r.errorFro).toBeCloseTo(1, 12);
        expect(norm(diff, 2) / r.error2).toBeCloseTo(1, 12);
      } else {
        expect(r.errorFro).toBe(0);
        expect(norm(diff)).toBeLessThan(1e-14 * norm(a));
      }
      expect(r.relativeError).toBeCloseTo(r.errorFro / norm(a), 12);
      expect(matrixRank(r.approximation)).toBe(k);
    }
  });

  test('the JSDoc example, and the rank bound', () => {
    expect(lowRankApprox([[3, 0], [0, 1]], 1).approximation.toArray()).toEqual([[3, 0], [0, 0]]);
    expect(() => lowRankApprox([[1, 2]], 2)).toThrow(/rank k must be an integer in 0..1/);
    expect(relativeError(Matrix.from([[3, 0], [0, 1]]), lowRankApprox([[3, 0], [0, 1]], 2).approximation)).toBe(0);
  });
});
