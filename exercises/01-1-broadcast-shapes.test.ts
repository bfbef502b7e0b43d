import { describe, test } from 'vitest';
import { expectEqual, expectThrows, rethrowIfStub } from './lib/check.js';
import { broadcastShapes } from './01-1-broadcast-shapes.js';

const cases: readonly (readonly [number[], number[], number[], string])[] = [
  [[2, 3], [2, 3], [2, 3], 'equal shapes give the same shape'],
  [[2, 3], [3], [2, 3], 'the shorter shape is aligned on the right: [3] is read as [1, 3]'],
  [[2, 1], [1, 3], [2, 3], 'a size-1 axis takes the other size, on both sides'],
  [[4, 1, 3], [5, 1], [4, 5, 3], 'align on the right: [5, 1] is read as [1, 5, 1]'],
  [[], [2, 2], [2, 2], 'a scalar (shape []) broadcasts to anything'],
  [[3, 0], [1], [3, 0], 'an empty axis (size 0) against 1 stays empty'],
];

describe('exercise 1.1 — broadcastShapes', () => {
  for (const [a, b, expected, hint] of cases) {
    test(`[${a}] with [${b}] gives [${expected}]`, () => {
      expectEqual(broadcastShapes(a, b), expected, { what: `broadcastShapes([${a}], [${b}])`, hint });
      expectEqual(broadcastShapes(b, a), expected, { what: `broadcastShapes([${b}], [${a}]) (the other order)`, hint: 'broadcasting is symmetric: swapping a and b must give the same shape' });
    });
  }

  test('incompatible shapes are refused with both shapes in the message', () => {
    expectThrows(() => broadcastShapes([2, 3], [2]), /\[2,3\][^]*\[2\]/, { what: 'broadcastShapes([2, 3], [2])', hint: 'the last axes are 3 and 2: neither is 1, so throw a RangeError naming [2,3] and [2]' });
    expectThrows(() => broadcastShapes([4, 2, 1], [3, 1, 1]), /\[4,2,1\][^]*\[3,1,1\]/, { what: 'broadcastShapes([4, 2, 1], [3, 1, 1])', hint: 'the first axes are 4 and 3: check every axis, not only the last one' });
  });

  test('the error is a RangeError', () => {
    let error: unknown = null;
    try {
      broadcastShapes([2], [3]);
    } catch (e) {
      rethrowIfStub(e);
      error = e;
    }
    expectEqual(error instanceof RangeError, true, { what: 'the type of the error for [2] with [3]', hint: 'throw new RangeError(…), as Sapling does for every shape mistake' });
  });
});
