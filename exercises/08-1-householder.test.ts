import { describe, test } from 'vitest';
import { expectClose, expectEqual } from './lib/check.js';
import { householder } from './08-1-householder.js';

/** H x for H = I − τ v vᵀ. */
const apply = (v: readonly number[], tau: number, x: readonly number[]): number[] => {
  const vx = v.reduce((s, vi, i) => s + vi * x[i]!, 0);
  return x.map((xi, i) => xi - tau * v[i]! * vx);
};

describe('exercise 8.1 — the Householder reflector', () => {
  test('(3, 4) goes to (−5, 0)', () => {
    const { v, tau, beta } = householder([3, 4]);
    expectClose([beta, tau, ...v], [-5, 1.6, 1, 0.5], { what: '[β, τ, v₀, v₁] for x = (3, 4)', hint: 'β = −sign(3)·5 = −5; v = (x − β e₁)/(x₀ − β) = (8, 4)/8; τ = (β − x₀)/β = 1.6' });
  });

  for (const x of [[1, 2, 2], [-2, 1, 0, 2], [0, 3, -4], [1e-3, 5, 1e4]]) {
    test(`H x = β e₁ and H is orthogonal for x = (${x})`, () => {
      const { v, tau, beta } = householder(x);
      const norm = Math.hypot(...x);
      expectEqual(v[0], 1, { what: `v[0] for x = (${x})`, hint: 'divide x − β e₁ by x₀ − β so that v starts with 1' });
      expectClose(Math.abs(beta), norm, { what: `|β| for x = (${x})`, hint: 'a reflection keeps lengths: |β| = ‖x‖' });
      expectClose(apply(v, tau, x), x.map((_, i) => (i === 0 ? beta : 0)), { what: `H x for x = (${x})`, hint: 'H x = x − τ v (vᵀx) must be (β, 0, …, 0)', atol: 1e-9 * norm });
      const e1 = x.map((_, i) => (i === 1 ? 1 : 0));
      expectClose(Math.hypot(...apply(v, tau, e1)), 1, { what: `‖H e₂‖ for x = (${x})`, hint: 'H is orthogonal only with τ = 2/(vᵀv): check τ = (β − x₀)/β', atol: 1e-12 });
    });
  }

  test('no cancellation when x is almost on the axis', () => {
    const { v, beta } = householder([1, 1e-9]);
    expectClose([beta, v[1]!], [-Math.hypot(1, 1e-9), 1e-9 / 2], { what: '[β, v₁] for x = (1, 1e-9)', hint: 'β = −sign(x₀)‖x‖ (opposite sign to x₀): with β = +‖x‖, x₀ − β rounds to 0 and v₁ = x₁/(x₀ − β) blows up', rtol: 1e-9, atol: 0 });
  });

  test('a vector already on the axis needs no reflection', () => {
    for (const x of [[2, 0, 0], [-3, 0]]) {
      const { tau, beta } = householder(x);
      expectClose([tau, beta], [0, x[0]!], { what: `[τ, β] for x = (${x})`, hint: 'when x₁ … are all zero, H = I: τ = 0 and β = x₀ (keep its sign)' });
    }
  });
});
