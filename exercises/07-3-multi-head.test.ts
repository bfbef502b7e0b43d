import { describe, test } from 'vitest';
import { mergeHeads as saplingMerge, MultiheadAttention, randn, seededRandom, splitHeads as saplingSplit, type Tensor } from '../src/index.js';
import { expectClose, expectEqual, expectThrows } from './lib/check.js';
import { mergeHeads, multiHeadSelfAttention, splitHeads } from './07-3-multi-head.js';

const random = seededRandom(73);
const input = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', random });

describe('exercise 7.3 — multi-head self-attention', () => {
  test('splitHeads: [2, 5, 6] into 3 heads is [2, 3, 5, 2], head h holding columns 2h and 2h + 1', () => {
    const x = input([2, 5, 6]);
    const y = splitHeads(x, 3);
    expectEqual(y.shape, [2, 3, 5, 2], { what: 'splitHeads(x [2, 5, 6], 3).shape', hint: 'reshape to [N, T, H, d], then permute([0, 2, 1, 3]) so the heads come before the positions' });
    expectClose(y, saplingSplit(x, 3), { what: 'the values of splitHeads(x [2, 5, 6], 3)', hint: 'reshape [N, T, E] → [N, T, H, d] FIRST (the E columns are the heads side by side), then permute; permuting first mixes heads and positions' });
  });

  test('splitHeads refuses an E that the heads do not divide', () => {
    expectThrows(() => splitHeads(input([2, 5, 6]), 4), /\b6\b/, { what: 'splitHeads(x [2, 5, 6], 4)', hint: 'throw a RangeError when E % H ≠ 0, naming the shape [2, 5, 6]' });
  });

  test('mergeHeads undoes splitHeads', () => {
    const x = input([2, 3, 5, 2]);
    expectEqual(mergeHeads(x).shape, [2, 5, 6], { what: 'mergeHeads(x [2, 3, 5, 2]).shape', hint: 'permute back to [N, T, H, d], then reshape to [N, T, H·d]' });
    expectClose(mergeHeads(x), saplingMerge(x), { what: 'the values of mergeHeads(x [2, 3, 5, 2])', hint: 'permute([0, 2, 1, 3]) before the reshape: reshaping [N, H, T, d] directly interleaves the wrong numbers' });
  });

  test('multiHeadSelfAttention equals MultiheadAttention with 2 heads', () => {
    const mha = new MultiheadAttention(8, 2, { batchFirst: true, dtype: 'float64', random });
    const x = input([3, 4, 8]);
    expectClose(multiHeadSelfAttention(x, mha), mha.forward(x, x, x).output, { what: 'multiHeadSelfAttention(x [3, 4, 8], MultiheadAttention(8, 2))', hint: 'Q, K and V use rows 0–7, 8–15 and 16–23 of in_proj_weight (x·Wᵀ + b); attend in every head at once; merge; then outProj', atol: 1e-12 });
  });

  test('multiHeadSelfAttention with 4 heads, and its gradient', () => {
    const mha = new MultiheadAttention(8, 4, { batchFirst: true, dtype: 'float64', random });
    const x = input([2, 3, 8]).requiresGrad_();
    multiHeadSelfAttention(x, mha).sum().backward();
    const mine = x.grad!;
    x.grad = null;
    mha.forward(x, x, x).output.sum().backward();
    expectClose(mine, x.grad!, { what: 'the gradient of x through multiHeadSelfAttention with 4 heads', hint: 'use differentiable ops only, and split into mha.numHeads heads', atol: 1e-12 });
  });
});
