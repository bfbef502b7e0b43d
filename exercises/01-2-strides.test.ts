import { describe, test } from 'vitest';
import { arange } from '../src/index.js';
import { expectEqual } from './lib/check.js';
import { offsetOf, permute, stridesOf } from './01-2-strides.js';

describe('exercise 1.2 — strides, offsets, permute', () => {
  test('stridesOf', () => {
    for (const [shape, expected] of [[[2, 3, 4], [12, 4, 1]], [[5], [1]], [[], []], [[3, 1, 2], [2, 2, 1]]] as const) {
      expectEqual(stridesOf(shape), expected, { what: `stridesOf([${shape}])`, hint: 'the last axis has stride 1; each axis to its left has the stride of the next axis times that axis\'s size' });
    }
  });

  test('offsetOf', () => {
    expectEqual(offsetOf([1, 2], [3, 1]), 5, { what: 'offsetOf([1, 2], [3, 1])', hint: 'Σ index[k] · strides[k] = 1·3 + 2·1' });
    expectEqual(offsetOf([1, 0, 3], [12, 4, 1]), 15, { what: 'offsetOf([1, 0, 3], [12, 4, 1])', hint: 'Σ index[k] · strides[k] = 12 + 0 + 3' });
    expectEqual(offsetOf([], []), 0, { what: 'offsetOf([], []) (a scalar)', hint: 'an empty sum is 0' });
  });

  test('permute of a matrix is its transpose', () => {
    expectEqual(permute([1, 2, 3, 4, 5, 6], [2, 3], [1, 0]), [1, 4, 2, 5, 3, 6], { what: 'permute([1..6], [2, 3], [1, 0])', hint: 'the output [3, 2] is read row by row: out[j0, j1] = in[j1, j0]' });
    expectEqual(permute([1, 2, 3, 4, 5, 6], [2, 3], [0, 1]), [1, 2, 3, 4, 5, 6], { what: 'permute with the identity permutation', hint: 'perm [0, 1] keeps every axis in place: the data must not change' });
  });

  test('permute of a 3-D tensor agrees with Sapling\'s permute', () => {
    const shape = [2, 3, 4];
    const x = arange(0, 24).reshape(shape);
    for (const perm of [[2, 0, 1], [1, 2, 0], [0, 2, 1], [2, 1, 0]]) {
      expectEqual(permute(Array.from(x.storage), shape, perm), Array.from(x.permute(perm).storage), {
        what: `permute(arange(24), [2, 3, 4], [${perm}])`,
        hint: 'output axis k is input axis perm[k]: build the input index i with i[perm[k]] = j[k], then read data at offsetOf(i, stridesOf(shape))',
      });
    }
  });
});
