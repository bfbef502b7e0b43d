import { describe, test } from 'vitest';
import { randn, scaledDotProductAttention, seededRandom, type Tensor } from '../src/index.js';
import { expectClose, expectGradcheck } from './lib/check.js';
import { attention, softmaxBackward } from './07-1-attention-backward.js';

const random = seededRandom(71);
const input = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', random }).requiresGrad_();

describe('exercise 7.1 — attention backward by hand', () => {
  test('softmaxBackward equals the gradient autograd finds through softmax', () => {
    const a = input([3, 5]);
    const p = a.softmax(-1);
    const dP = randn([3, 5], { dtype: 'float64', random });
    p.backward(dP);
    expectClose(softmaxBackward(p.detach(), dP), a.grad!, { what: 'softmaxBackward(P, dP) for P = softmax(A) [3, 5]', hint: 'dA = P ⊙ (dP − rowsum(dP ⊙ P)); the rowsum must keep its axis (sum(-1, true)) so it subtracts from every entry of its row', atol: 1e-12 });
  });

  test('softmaxBackward works on every row of a batched [2, 3, 4] input', () => {
    const a = input([2, 3, 4]);
    const p = a.softmax(-1);
    const dP = randn([2, 3, 4], { dtype: 'float64', random });
    p.backward(dP);
    expectClose(softmaxBackward(p.detach(), dP), a.grad!, { what: 'softmaxBackward on a [2, 3, 4] input', hint: 'sum over the LAST axis (-1), not over axis 1', atol: 1e-12 });
  });

  test('forward equals scaledDotProductAttention', () => {
    const [q, k, v] = [input([2, 4, 3]), input([2, 5, 3]), input([2, 5, 2])];
    expectClose(attention(q, k, v), scaledDotProductAttention(q, k, v), { what: 'attention(q [2, 4, 3], k [2, 5, 3], v [2, 5, 2])', hint: 'P = softmax(QKᵀ · c) with c = 1/√E (E = q\'s last size) along the last axis, then P·V; Kᵀ is k.transpose(-2, -1)', atol: 1e-12 });
  });

  test('backward passes gradcheck', () => {
    const [q, k, v] = [input([4, 3]), input([6, 3]), input([6, 2])];
    expectGradcheck((a, b, c) => attention(a!, b!, c!), [q, k, v], { what: 'gradcheck(attention) on q [4, 3], k [6, 3], v [6, 2]', hint: 'return [dQ, dK, dV] in the order of the inputs: dQ = c·dA·K, dK = c·dAᵀ·Q, dV = Pᵀ·dO, with dA = softmaxBackward(P, dO·Vᵀ)' });
  });

  test('backward agrees with the fused op on batched inputs', () => {
    const [q, k, v] = [input([2, 3, 4]), input([2, 5, 4]), input([2, 5, 3])];
    const dO = randn([2, 3, 3], { dtype: 'float64', random });
    attention(q, k, v).backward(dO);
    const mine = [q.grad!, k.grad!, v.grad!];
    for (const t of [q, k, v]) t.grad = null;
    scaledDotProductAttention(q, k, v).backward(dO);
    ['dQ', 'dK', 'dV'].forEach((name, i) => {
      expectClose(mine[i], [q, k, v][i]!.grad!, { what: `${name} for batched q [2, 3, 4], k [2, 5, 4], v [2, 5, 3]`, hint: 'transpose the LAST two axes (transpose(-2, -1)), so the batch axis stays first; multiply dQ and dK by c', atol: 1e-12 });
    });
  });
});
