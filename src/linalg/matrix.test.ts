import { describe, expect, test } from 'vitest';
import { Matrix, multiply } from './matrix.js';
import { seededMatrix } from './fixtures/seeded.js';

describe('Matrix', () => {
  test('stores row-major: entry (i, j) at data[i * cols + j]', () => {
    const m = Matrix.from([[1, 2, 3], [4, 5, 6]]);
    expect(m.shape).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(m.get(1, 0)).toBe(4);
    m.set(1, 0, 40);
    expect(m.data[3]).toBe(40);
  });

  test('rejects a bad shape, a wrong data length and ragged rows', () => {
    expect(() => new Matrix(-1, 2)).toThrow(/non-negative integers/);
    expect(() => new Matrix(2, 2, new Float64Array(3))).toThrow(/3 values cannot fill shape \[2, 2\]/);
    expect(() => Matrix.from([[1, 2], [3]])).toThrow(/row 1 has 1 entries but row 0 has 2/);
  });

  test('eye, diag and build', () => {
    expect(Matrix.eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(Matrix.diag([2, 3]).toArray()).toEqual([[2, 0], [0, 3]]);
    expect(Matrix.build(2, 2, (i, j) => 10 * i + j).toArray()).toEqual([[0, 1], [10, 11]]);
  });

  test('matmul: the hand-worked product from STYLE.md', () => {
    // [[1,2,3],[4,5,6]] · [[0,1],[-3,2],[2,1]] = [[0, 8], [-3, 20]], worked out by hand.
    const c = Matrix.from([[1, 2, 3], [4, 5, 6]]).matmul(Matrix.from([[0, 1], [-3, 2], [2, 1]]));
    expect(c.toArray()).toEqual([[0, 8], [-3, 20]]);
    expect(() => Matrix.eye(2).matmul(Matrix.eye(3))).toThrow(/matmul: cannot multiply \[2,2\] by \[3,3\]/);
  });

  test('multiply agrees with the naive triple loop on odd shapes (row blocks of 4 and their remainder)', () => {
    for (const [m, k, n] of [[1, 1, 1], [5, 3, 7], [9, 300, 2], [4, 8, 260]] as const) {
      const a = seededMatrix(m, k, m + k);
      const b = seededMatrix(k, n, k + n);
      const c = multiply(a, b);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += a.get(i, p) * b.get(p, j);
          expect(c.get(i, j)).toBeCloseTo(s, 12);
        }
      }
    }
  });

  test('transpose (tiled) is exact; slice, row, column, diagonal copy', () => {
    const a = seededMatrix(37, 70, 1);
    const t = a.transpose();
    for (let i = 0; i < 37; i++) for (let j = 0; j < 70; j++) expect(t.get(j, i)).toBe(a.get(i, j));
    const s = a.slice(1, 3, 2, 4);
    expect(s.toArray()).toEqual([[a.get(1, 2), a.get(1, 3)], [a.get(2, 2), a.get(2, 3)]]);
    expect(Array.from(a.row(2))).toEqual(a.toArray()[2]);
    expect(a.column(3)[5]).toBe(a.get(5, 3));
    expect(Array.from(Matrix.from([[1, 2], [3, 4], [5, 6]]).diagonal())).toEqual([1, 4]);
    expect(() => a.slice(0, 40)).toThrow(/do not fit/);
  });

  test('add, sub, scale', () => {
    const a = Matrix.from([[1, 2]]);
    expect(a.add(a).toArray()).toEqual([[2, 4]]);
    expect(a.sub(a.scale(3)).toArray()).toEqual([[-2, -4]]);
    expect(() => a.add(Matrix.eye(2))).toThrow(/shapes \[1,2\] and \[2,2\] differ/);
  });
});
