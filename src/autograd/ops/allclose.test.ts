import { describe, expect, test } from 'vitest';
import { tensor } from '../creation.js';
import { allclose, isclose } from './allclose.js';

describe('isclose and allclose (as torch.isclose / torch.allclose)', () => {
  test('|a − b| ≤ atol + rtol·|b|, default tolerances 1e-5 and 1e-8', () => {
    expect(isclose(tensor([1, 2, 100], { dtype: 'float64' }), tensor([1.000009, 2.1, 100.0009], { dtype: 'float64' })).toArray()).toEqual([1, 0, 1]);
    expect(allclose(tensor([1, 2]), tensor([1, 2.000001]))).toBe(true);
    expect(allclose(tensor([1, 2]), tensor([1, 2.1]))).toBe(false);
    expect(allclose(tensor([1, 2]), tensor([1, 2.1]), { atol: 0.2 })).toBe(true);
    expect(allclose(tensor([[1, 2], [1, 2]]), tensor([1, 2]))).toBe(true); // broadcast
    expect(allclose(tensor([]), tensor([]))).toBe(true);
  });

  test('infinities are close only to themselves; NaN only with equalNan', () => {
    const a = tensor([Infinity, -Infinity, Number.NaN]);
    expect(isclose(a, tensor([Infinity, Infinity, Number.NaN])).toArray()).toEqual([1, 0, 0]);
    expect(isclose(a, tensor([Infinity, -Infinity, Number.NaN]), { equalNan: true }).toArray()).toEqual([1, 1, 1]);
    expect(() => isclose(a, a, { rtol: -1 })).toThrow(/isclose: rtol and atol must be non-negative/);
  });
});
