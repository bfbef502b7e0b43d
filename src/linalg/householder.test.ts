import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { applyReflectorLeft, applyReflectorRight, makeReflector, norm2 } from './householder.js';
import { seededMatrix } from './fixtures/seeded.js';

describe('householder', () => {
  test('the worked example of the header: x = (3, 4) → β = −5, v = (1, 0.5), τ = 1.6', () => {
    const x = new Float64Array([3, 4]);
    expect(makeReflector(x, 0, 2)).toBeCloseTo(1.6, 15);
    expect(Array.from(x)).toEqual([-5, 0.5]);
  });

  test('a vector already on the first axis gives τ = 0 (H = I)', () => {
    const x = new Float64Array([2, 0, 0]);
    expect(makeReflector(x, 0, 3)).toBe(0);
    expect(Array.from(x)).toEqual([2, 0, 0]);
  });

  test('H x = β e₁ with |β| = ‖x‖, for any x (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 12 }), (xs) => {
        const x = Float64Array.from(xs);
        const v = x.slice();
        const tau = makeReflector(v, 0, v.length);
        const beta = v[0]!;
        v[0] = 1;
        // H x = x − τ v (vᵀx)
        let vx = 0;
        for (let i = 0; i < x.length; i++) vx += v[i]! * x[i]!;
        const nx = norm2(x, 0, x.length);
        const hx = Array.from(x, (xi, i) => xi - tau * v[i]! * vx);
        const tol = 1e-13 * Math.max(nx, 1e-300);
        return Math.abs(Math.abs(beta) - nx) <= tol && Math.abs(hx[0]! - beta) <= tol && hx.slice(1).every((y) => Math.abs(y) <= tol);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  test('norm2 does not overflow or underflow', () => {
    expect(norm2(new Float64Array([3e200, 4e200]), 0, 2)).toBeCloseTo(5e200, -186);
    expect(norm2(new Float64Array([3e-200, 4e-200]), 0, 2) / 5e-200).toBeCloseTo(1, 14);
    expect(norm2(new Float64Array([0, 0]), 0, 2)).toBe(0);
  });

  test('applyReflectorLeft / Right match the explicit product with H = I − τ v vᵀ', () => {
    const m = 7;
    const n = 6;
    const a = seededMatrix(m, n, 3);
    const v = new Float64Array([1, 0.3, -0.2, 0.5, 0.1]);
    const tau = 2 / v.reduce((s, x) => s + x * x, 0); // makes H exactly orthogonal
    // Left: rows 1..5, columns 1..5.
    const left = a.data.slice();
    applyReflectorLeft(left, n, 1, 6, 1, 6, v, tau, new Float64Array(n));
    // Right: rows 2..6, columns 1..5.
    const right = a.data.slice();
    applyReflectorRight(right, n, 2, 7, 1, 6, v, tau);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let expectedLeft = a.get(i, j);
        if (i >= 1 && i < 6 && j >= 1 && j < 6) {
          let s = 0;
          for (let r = 0; r < 5; r++) s += v[r]! * a.get(1 + r, j);
          expectedLeft -= tau * v[i - 1]! * s;
        }
        expect(left[i * n + j]).toBeCloseTo(expectedLeft, 14);
        let expectedRight = a.get(i, j);
        if (i >= 2 && j >= 1 && j < 6) {
          let s = 0;
          for (let c = 0; c < 5; c++) s += a.get(i, 1 + c) * v[c]!;
          expectedRight -= tau * s * v[j - 1]!;
        }
        expect(right[i * n + j]).toBeCloseTo(expectedRight, 14);
      }
    }
  });
});
