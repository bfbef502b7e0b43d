import { describe, expect, test } from 'vitest';
import { randn, tensor } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import { expectClose } from '../test-utils.js';
import { einsum } from './einsum.js';
import { matmul } from './matmul.js';
import { mul } from './elementwise.js';
import { sum } from './reduce.js';
import { permute, reshape } from './shape.js';

const random = seededRandom(41);
const r = (shape: readonly number[], requiresGrad = false) => randn(shape, { dtype: 'float64', random, requiresGrad });

describe('einsum (worked out by hand and against the ops it spells)', () => {
  test('matmul, dot, outer, transpose, sums', () => {
    expect(einsum('ij,jk->ik', tensor([[1, 2]]), tensor([[3], [4]])).toArray()).toEqual([[11]]);
    expect(einsum('i,i->', tensor([1, 2, 3]), tensor([4, 5, 6])).item()).toBe(32);
    expect(einsum('i,j->ij', tensor([1, 2]), tensor([3, 4])).toArray()).toEqual([[3, 4], [6, 8]]);
    expect(einsum('ij->ji', tensor([[1, 2, 3]])).toArray()).toEqual([[1], [2], [3]]);
    expect(einsum('ij->', tensor([[1, 2], [3, 4]])).item()).toBe(10);
    expect(einsum('ij->j', tensor([[1, 2], [3, 4]])).toArray()).toEqual([4, 6]);
    expect(einsum(' i j , j -> i ', tensor([[1, 2], [3, 4]]), tensor([1, 1])).toArray()).toEqual([3, 7]); // spaces ignored
  });

  test('batched, several operands, letters summed before contracting, broadcast size 1', () => {
    const [a, b] = [r([2, 3, 4]), r([2, 4, 5])];
    expectClose(einsum('bij,bjk->bik', a, b), matmul(a, b), { rtol: 1e-12, atol: 1e-12 });
    expectClose(einsum('bij,bjk->kib', a, b), permute(matmul(a, b), [2, 1, 0]), { rtol: 1e-12, atol: 1e-12 });
    const [p, q, s] = [r([2, 3]), r([3, 4]), r([4, 5])];
    expectClose(einsum('ij,jk,kl->il', p, q, s), matmul(matmul(p, q), s), { rtol: 1e-12, atol: 1e-12 });
    const [x, y] = [r([3, 4]), r([5, 4])];
    expectClose(einsum('ij,kj->', x, y), sum(matmul(x, permute(y, [1, 0]))), { rtol: 1e-12, atol: 1e-12 });
    expect(einsum('ij,k->i', x, r([6])).shape).toEqual([3]);
    const one = r([1, 4]);
    expectClose(einsum('ij,ij->ij', one, y), mul(one, y), { rtol: 1e-12, atol: 1e-12 }); // i: 1 broadcast to 5
    expect(einsum('ij,jk->ik', r([2, 1]), reshape(r([4]), [1, 4])).shape).toEqual([2, 4]);
  });

  test('gradcheck through contractions, sums and permutes', () => {
    gradcheck((a, b) => einsum('bij,bjk->kb', a, b), [r([2, 3, 4], true), r([2, 4, 2], true)]);
    gradcheck((a, b, c) => einsum('ij,jk,k->ji', a, b, c), [r([2, 3], true), r([3, 4], true), r([4], true)]);
    gradcheck((a) => einsum('ijk->ki', a), [r([2, 3, 2], true)]);
  });

  test('outside the subset: refused with the reason', () => {
    const m = tensor([[1, 2], [3, 4]]);
    expect(() => einsum('ij,jk', m, m)).toThrow(/einsum: "ij,jk" needs an explicit output after "->"/);
    expect(() => einsum('ii->i', m)).toThrow(/the letter repeated in "ii" \(a diagonal or trace\) is not offered/);
    expect(() => einsum('...ij->ij', m)).toThrow(/uses an ellipsis/);
    expect(() => einsum('ij->k', m)).toThrow(/the output letter 'k' appears in no input/);
    expect(() => einsum('ij,jk->ik', m)).toThrow(/has 2 input terms but 1 operands were given/);
    expect(() => einsum('ijk->i', m)).toThrow(/operand 0 \[2,2\] has 2 axes but its term "ijk" has 3 letters/);
    expect(() => einsum('ij,jk->ik', m, tensor([[1], [2], [3]]))).toThrow(/^einsum: "ij,jk->ik": letter 'j' has size 2 in one operand and 3 in operand 1 \[3,1\]$/);
    expect(() => einsum('i1->i', m)).toThrow(/terms are letters/);
  });
});
