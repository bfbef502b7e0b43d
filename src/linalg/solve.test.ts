import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SingularMatrixError } from './errors.js';
import { fixtures, matrixOf, relativeError, type MatrixEntry } from './fixtures/helpers.js';
import { seededMatrix } from './fixtures/seeded.js';
import { Matrix } from './matrix.js';
import { det, inv, lstsq, pinv, slogdet, solve } from './solve.js';

const ref = fixtures().reference as Record<string, Record<string, unknown>>;

describe('solve', () => {
  test('the JSDoc example: [[2, 1], [1, 3]] x = [3, 5] → x = [0.8, 1.4]', () => {
    const x = solve([[2, 1], [1, 3]], [3, 5]);
    expect(x).toBeInstanceOf(Float64Array);
    expect(x[0]).toBeCloseTo(0.8, 15);
    expect(x[1]).toBeCloseTo(1.4, 15);
  });

  test('matches LAPACK dgesv (numpy.linalg.solve) for two right-hand sides', () => {
    const c = ref.solve!;
    const x = solve(matrixOf(c.a as MatrixEntry), matrixOf(c.b as MatrixEntry));
    expect(relativeError(matrixOf(c.x as MatrixEntry), x)).toBeLessThan(1e-13);
  });

  test('property: solve(A, A x) = x for well-conditioned A (fast-check)', () => {
    // A = n·I + B with |b_ij| ≤ 1 is strictly diagonally dominant, so cond(A) ≤ (2n−1)/1.
    const systems = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.tuple(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n * n, maxLength: n * n }),
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: n, maxLength: n }),
      ).map(([bs, xs]) => ({ a: new Matrix(n, n, Float64Array.from(bs)).add(Matrix.eye(n).scale(n)), x: Float64Array.from(xs) })),
    );
    fc.assert(
      fc.property(systems, ({ a, x }) => {
        const b = a.matmul(new Matrix(x.length, 1, x)).data;
        const solved = solve(a, b);
        const scale = Math.max(1, ...Array.from(x, Math.abs));
        return solved.every((v, i) => Math.abs(v - x[i]!) <= 1e-12 * scale);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  test('a singular matrix is refused, naming the zero pivot and pointing to lstsq / pinv', () => {
    expect(() => solve([[1, 2], [2, 4]], [1, 2])).toThrow(SingularMatrixError);
    expect(() => solve([[1, 2], [2, 4]], [1, 2])).toThrow(/solve: the matrix is singular \(zero pivot in column 1\); use lstsq\(\).*pinv\(\)/);
    expect(() => inv([[0, 0], [0, 0]])).toThrow(/inv: the matrix is singular .*pinv\(\)/);
  });

  test('a matrix singular to working precision is refused too (Hilbert 14, cond ~ 1e18)', () => {
    const h = Matrix.build(14, 14, (i, j) => 1 / (i + j + 1));
    expect(() => solve(h, new Float64Array(14).fill(1))).toThrow(/singular to working precision \(reciprocal condition number .* < ε/);
  });

  test('shape and value errors for b', () => {
    expect(() => solve([[1, 0], [0, 1]], [1, 2, 3])).toThrow(/solve: A has 2 rows but b has 3/);
    expect(() => solve([[1, 0], [0, 1]], [1, Number.NaN])).toThrow(/solve: b has a non-finite entry/);
    expect(() => solve([[1, 2, 3]], [1])).toThrow(/solve: the matrix must be square, got \[1, 3\]/);
  });
});

describe('inv, det, slogdet', () => {
  test('inv matches numpy, and A · inv(A) = I', () => {
    const c = ref.inv!;
    const a = matrixOf(c.a as MatrixEntry);
    const ai = inv(a);
    expect(relativeError(matrixOf(c.inv as MatrixEntry), ai)).toBeLessThan(1e-13);
    expect(relativeError(Matrix.eye(6), a.matmul(ai))).toBeLessThan(1e-14);
  });

  test('det and slogdet match numpy; det of [[1, 2], [3, 4]] is −2', () => {
    expect(det([[1, 2], [3, 4]])).toBeCloseTo(-2, 14);
    for (const c of ref.det as unknown as { a: MatrixEntry; det: number; sign: number; logAbsDet: number }[]) {
      const a = matrixOf(c.a);
      expect(det(a)).toBeCloseTo(c.det, 13);
      const s = slogdet(a);
      expect(s.sign).toBe(c.sign);
      expect(s.logAbsDet).toBeCloseTo(c.logAbsDet, 13);
    }
    expect(det([[1, 2], [2, 4]])).toBe(0);
    expect(slogdet([[1, 2], [2, 4]])).toEqual({ sign: 0, logAbsDet: -Infinity });
  });

  test('slogdet does not overflow where det does', () => {
    const a = Matrix.eye(200).scale(1e10); // det = 1e2000
    expect(det(a)).toBe(Infinity);
    expect(slogdet(a).logAbsDet).toBeCloseTo(2000 * Math.log(10), 9);
  });
});

describe('lstsq and pinv', () => {
  test('the JSDoc example: the line through (0, 1), (1, 2), (2, 4)', () => {
    const { x, rank, residuals } = lstsq([[1, 0], [1, 1], [1, 2]], [1, 2, 4]);
    expect(x[0]).toBeCloseTo(5 / 6, 14);
    expect(x[1]).toBeCloseTo(1.5, 14);
    expect(rank).toBe(2);
    expect(residuals[0]).toBeCloseTo(1 / 6, 14);
  });

  test('rank-deficient: the minimum-norm solution and the rank of numpy.linalg.lstsq (dgelsd)', () => {
    const c = ref.lstsq!;
    const r = lstsq(matrixOf(c.a as MatrixEntry), matrixOf(c.b as MatrixEntry));
    expect(r.rank).toBe(c.rank);
    expect(relativeError(matrixOf(c.x as MatrixEntry), r.x)).toBeLessThan(1e-12);
  });

  test('full rank: x and residuals as numpy', () => {
    const c = ref.lstsqFullRank!;
    const r = lstsq(matrixOf(c.a as MatrixEntry), matrixOf(c.b as MatrixEntry));
    expect(r.rank).toBe(c.rank);
    expect(relativeError(matrixOf(c.x as MatrixEntry), r.x)).toBeLessThan(1e-13);
    expect(r.residuals[0]).toBeCloseTo((c.residuals as number[])[0]!, 13);
  });

  test('pinv matches numpy and satisfies the four Penrose conditions', () => {
    const c = ref.pinv!;
    const a = matrixOf(c.a as MatrixEntry);
    const p = pinv(a);
    expect(relativeError(matrixOf(c.pinv as MatrixEntry), p)).toBeLessThan(1e-12);
    expect(relativeError(a, a.matmul(p).matmul(a))).toBeLessThan(1e-13); // A A⁺ A = A
    expect(relativeError(p, p.matmul(a).matmul(p))).toBeLessThan(1e-13); // A⁺ A A⁺ = A⁺
    const ap = a.matmul(p);
    const pa = p.matmul(a);
    expect(relativeError(ap, ap.transpose())).toBeLessThan(1e-13); // (A A⁺)ᵀ = A A⁺
    expect(relativeError(pa, pa.transpose())).toBeLessThan(1e-13); // (A⁺ A)ᵀ = A⁺ A
  });

  test('pinv of an invertible matrix is its inverse; of a wide matrix is n × m', () => {
    const a = seededMatrix(5, 5, 8);
    expect(relativeError(inv(a), pinv(a))).toBeLessThan(1e-12);
    expect(pinv(seededMatrix(3, 7, 9)).shape).toEqual([7, 3]);
  });
});
