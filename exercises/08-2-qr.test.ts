import { describe, test } from 'vitest';
import { linalg, seededRandom } from '../src/index.js';
import { expectClose, expectEqual } from './lib/check.js';
import { householderQr } from './08-2-qr.js';

const random = seededRandom(21);
const matrices: readonly (readonly [string, number[][]])[] = [
  ['a 4 × 3 matrix', [[2, -1, 0], [-1, 2, -1], [0, -1, 2], [1, 1, 1]]],
  ['a square 3 × 3 matrix', [[4, 1, 2], [1, 3, 0], [2, 0, 5]]],
  ['a random 6 × 4 matrix', Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => 2 * random() - 1))],
  ['a matrix with a zero column', [[1, 0, 2], [3, 0, 1], [0, 0, 4]]],
];

describe('exercise 8.2 — Householder QR', () => {
  for (const [name, A] of matrices) {
    test(name, () => {
      const { Q, R } = householderQr(A);
      const [m, n] = [A.length, A[0]!.length];
      expectEqual([Q.length, Q[0]?.length, R.length, R[0]?.length], [m, m, m, n], { what: `the shapes of Q and R for ${name}`, hint: 'Q is m × m (full), R is m × n' });
      const q = linalg.Matrix.from(Q);
      const r = linalg.Matrix.from(R);
      expectClose(linalg.norm(q.matmul(r).sub(linalg.Matrix.from(A))), 0, { what: `‖Q R − A‖ for ${name}`, hint: 'apply each reflector to R from the left and accumulate Q ← Q H_j from the right', atol: 1e-12 });
      expectClose(linalg.norm(q.transpose().matmul(q).sub(linalg.Matrix.eye(m))), 0, { what: `‖QᵀQ − I‖ for ${name}`, hint: 'each H_j = I − τ v vᵀ must be orthogonal: τ = (β − x₀)/β with v₀ = 1', atol: 1e-12 });
      const below = R.flatMap((row, i) => row.filter((_, j) => j < i));
      expectEqual(below.every((v) => v === 0), true, { what: `the entries of R below the diagonal for ${name}`, hint: 'after reflecting column j, write exact zeros below R[j][j] (and β on the diagonal)' });
      const diagonal = Array.from({ length: Math.min(m, n) }, (_, i) => Math.abs(R[i]![i]!));
      expectClose(diagonal, Array.from(linalg.qr(A).R.diagonal(), Math.abs), { what: `|diag(R)| for ${name}, against linalg.qr`, hint: 'R is unique up to the signs of its rows', atol: 1e-12 });
    });
  }
});
