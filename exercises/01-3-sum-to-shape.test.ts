import { describe, test } from 'vitest';
import { arange, sumToShape as reference, tensor } from '../src/index.js';
import { expectClose, expectThrows } from './lib/check.js';
import { sumToShape } from './01-3-sum-to-shape.js';

const g = arange(1, 25, 1, { dtype: 'float64' }).reshape([2, 3, 4]); // 1 … 24 as [2, 3, 4]

describe('exercise 1.3 — sumToShape', () => {
  const cases: readonly (readonly [number[], string])[] = [
    [[2, 3, 4], 'the same shape: nothing was broadcast, return g unchanged'],
    [[3, 4], 'one leading axis was added by broadcasting: sum over axis 0'],
    [[4], 'two leading axes were added: sum over axes 0 and 1'],
    [[2, 1, 4], 'axis 1 had size 1 and was repeated: sum over it and keep it (keepDim)'],
    [[1, 3, 1], 'axes 0 and 2 had size 1: sum over both, keeping them'],
    [[3, 1], 'a leading axis was added AND axis 2 had size 1'],
    [[], 'a scalar was broadcast to everything: the total sum, shape []'],
  ];
  for (const [shape, hint] of cases) {
    test(`[2, 3, 4] → [${shape}]`, () => {
      expectClose(sumToShape(g, shape), reference(g, shape), { what: `sumToShape(g [2, 3, 4], [${shape}])`, hint });
    });
  }

  test('a bias gradient: the column sums', () => {
    const dY = tensor([[1, 0, 2], [1, 1, 0], [0, 3, 1], [2, 0, 4]]);
    expectClose(sumToShape(dY, [3]), tensor([4, 4, 7]), { what: 'sumToShape(dY [4, 3], [3])', hint: 'a bias of shape [3] was added to 4 rows: its gradient sums the 4 rows' });
  });

  test('a shape that does not broadcast is refused', () => {
    expectThrows(() => sumToShape(g, [5]), /\[5\]/, { what: 'sumToShape(g [2, 3, 4], [5])', hint: 'check that shape broadcasts to g.shape (aligned on the right, sizes equal or 1) and throw a RangeError naming it' });
    expectThrows(() => sumToShape(g, [1, 2, 3, 4]), /\[1,2,3,4\]/, { what: 'sumToShape(g [2, 3, 4], [1, 2, 3, 4])', hint: 'the target cannot have more axes than g' });
  });
});
