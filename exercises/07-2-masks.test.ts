import { describe, test } from 'vitest';
import { randn, scaledDotProductAttention, seededRandom, tensor, type Tensor } from '../src/index.js';
import { expectClose, expectEqual } from './lib/check.js';
import { causalMask, maskedAttention, paddingMask } from './07-2-masks.js';

const random = seededRandom(72);
const input = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', random }).requiresGrad_();

describe('exercise 7.2 — masks', () => {
  test('causalMask(4) is the int32 lower triangle', () => {
    const m = causalMask(4);
    expectEqual(m.dtype, 'int32', { what: 'the dtype of causalMask(4)', hint: 'masks are int32 0/1 tensors: create with { dtype: \'int32\' } (comparisons return int32 already)' });
    expectEqual(m.toArray(), [[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]], { what: 'causalMask(4)', hint: 'row i is query i: it keeps keys j ≤ i, so the 1s are on and BELOW the diagonal (tril, not triu)' });
  });

  test('paddingMask(lengths [3, 1, 4], 4) is [N, 1, S]', () => {
    const m = paddingMask(tensor([3, 1, 4], { dtype: 'int32' }), 4);
    expectEqual(m.shape, [3, 1, 4], { what: 'the shape of paddingMask(lengths of 3 sequences, 4)', hint: 'one row of keys per sequence, with a query axis of 1 between, so it broadcasts over the queries: [N, 1, S]' });
    expectEqual(m.toArray(), [[[1, 1, 1, 0]], [[1, 0, 0, 0]], [[1, 1, 1, 1]]], { what: 'paddingMask(lengths [3, 1, 4], 4)', hint: 'key j is real when j < length: arange(S) compared with lt against the lengths' });
    expectEqual(m.dtype, 'int32', { what: 'the dtype of paddingMask', hint: 'a comparison (lt) returns int32 0/1' });
  });

  test('maskedAttention without masking anything equals scaledDotProductAttention', () => {
    const [q, k, v] = [input([2, 3, 4]), input([2, 5, 4]), input([2, 5, 3])];
    const all = tensor([[1, 1, 1, 1, 1]], { dtype: 'int32' });
    expectClose(maskedAttention(q, k, v, all), scaledDotProductAttention(q, k, v), { what: 'maskedAttention with a mask of all 1s', hint: 'scores = q·kᵀ / √E with E = q\'s last size, softmax over the last axis, then ·v', atol: 1e-12 });
  });

  test('maskedAttention with a causal mask equals the fused op with isCausal', () => {
    const [q, k, v] = [input([5, 4]), input([5, 4]), input([5, 2])];
    const keep = causalMask(5);
    expectClose(maskedAttention(q, k, v, keep), scaledDotProductAttention(q, k, v, { isCausal: true }), { what: 'maskedAttention(q, k, v, causalMask(5))', hint: 'if causalMask failed above, fix it first; then fill −∞ where the mask is 0 (keep.eq(0)), not where it is 1', atol: 1e-12 });
  });

  test('maskedAttention with a padding mask, values and gradients', () => {
    const [x, v] = [input([2, 4, 3]), input([2, 4, 2])];
    const keep = paddingMask(tensor([4, 2], { dtype: 'int32' }), 4);
    const mine = maskedAttention(x, x, v, keep);
    expectClose(mine, scaledDotProductAttention(x, x, v, { attnMask: keep }), { what: 'maskedAttention under paddingMask([4, 2], 4)', hint: 'the keep mask [N, 1, S] broadcasts against the scores [N, L, S]', atol: 1e-12 });
    const dO = randn([2, 4, 2], { dtype: 'float64', random });
    mine.backward(dO);
    const dV = v.grad!;
    v.grad = null;
    scaledDotProductAttention(x, x, v, { attnMask: keep }).backward(dO);
    expectClose(dV, v.grad!, { what: 'the gradient of v through maskedAttention (padding keys get none)', hint: 'use differentiable ops only (maskedFill, softmax, matmul): autograd then gives the masked keys a zero gradient', atol: 1e-12 });
  });
});
