import { describe, expect, test } from 'vitest';
import { randn, tensor } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import { meshgrid } from './meshgrid.js';

describe('meshgrid (worked out by hand, as torch.meshgrid)', () => {
  test("'ij' puts input k on axis k; 'xy' swaps the first two axes", () => {
    const [a, b] = meshgrid([tensor([1, 2]), tensor([3, 4, 5])]);
    expect(a!.toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(b!.toArray()).toEqual([[3, 4, 5], [3, 4, 5]]);
    const [x, y] = meshgrid([tensor([1, 2]), tensor([3, 4, 5])], 'xy');
    expect(x!.toArray()).toEqual([[1, 2], [1, 2], [1, 2]]);
    expect(y!.toArray()).toEqual([[3, 3], [4, 4], [5, 5]]);
    const three = meshgrid([tensor([1, 2]), tensor([3]), tensor(7)], 'xy');
    expect(three.map((t) => t.shape)).toEqual([[1, 2, 1], [1, 2, 1], [1, 2, 1]]);
    expect(() => meshgrid([tensor([[1]])])).toThrow(/meshgrid: every input must be 1-D \(or 0-d\), got \[1,1\] for tensor 0/);
  });

  test('the gradient of each input sums its grid over the other axes; gradcheck', () => {
    const random = seededRandom(3);
    const [p, q] = [randn([3], { dtype: 'float64', random, requiresGrad: true }), randn([2], { dtype: 'float64', random, requiresGrad: true })];
    gradcheck((s, t) => meshgrid([s, t], 'xy')[0]!.mul(meshgrid([s, t], 'xy')[1]!), [p, q]);
  });
});
