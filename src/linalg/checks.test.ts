import { describe, expect, test } from 'vitest';
import * as linalg from './index.js';
import { Matrix } from './matrix.js';

// Every public entry point refuses the same bad inputs with a message naming itself.
const square: [string, (a: Matrix) => unknown][] = [
  ['cholesky', (a) => linalg.cholesky(a)],
  ['eigh', (a) => linalg.eigh(a)],
  ['eigvalsh', (a) => linalg.eigvalsh(a)],
  ['solve', (a) => linalg.solve(a, new Float64Array(a.rows))],
  ['inv', (a) => linalg.inv(a)],
  ['det', (a) => linalg.det(a)],
  ['slogdet', (a) => linalg.slogdet(a)],
];
const any: [string, (a: Matrix) => unknown][] = [
  ['qr', (a) => linalg.qr(a)],
  ['lu', (a) => linalg.lu(a)],
  ['svd', (a) => linalg.svd(a)],
  ['singularValues', (a) => linalg.singularValues(a)],
  ['lstsq', (a) => linalg.lstsq(a, new Float64Array(a.rows))],
  ['pinv', (a) => linalg.pinv(a)],
  ['norm', (a) => linalg.norm(a)],
  ['cond', (a) => linalg.cond(a)],
  ['matrixRank', (a) => linalg.matrixRank(a)],
  ['lowRankApprox', (a) => linalg.lowRankApprox(a, 0)],
];

describe('input checks, for every public function', () => {
  for (const [name, call] of [...square, ...any]) {
    test(name, () => {
      expect(() => call(new Matrix(0, 0))).toThrow(new RegExp(`^${name}: the matrix is empty \\(\\[0, 0\\]\\)`));
      const nan = Matrix.eye(3);
      nan.set(2, 1, Number.NaN);
      expect(() => call(nan)).toThrow(new RegExp(`^${name}: entry \\[2, 1\\] is NaN`));
      const inf = Matrix.eye(3);
      inf.set(0, 2, Infinity);
      expect(() => call(inf)).toThrow(new RegExp(`^${name}: entry \\[0, 2\\] is Infinity`));
    });
  }
  for (const [name, call] of square) {
    test(`${name} needs a square matrix`, () => {
      expect(() => call(new Matrix(2, 3))).toThrow(new RegExp(`^${name}: the matrix must be square, got \\[2, 3\\]`));
    });
  }
  test('asMatrix rejects what it cannot read', () => {
    expect(() => linalg.svd(42 as never)).toThrow(/svd: expected a Matrix, nested rows or a 2-D tensor/);
    expect(() => linalg.svd({ shape: [2, 2, 2], dataSync: () => new Float64Array(8) })).toThrow(/expected a 2-D tensor, got shape \[2, 2, 2\]/);
  });
});
