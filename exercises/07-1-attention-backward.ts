/**
 * Exercise 7.1 — attention's backward by hand (docs/course/07-attention-and-transformers.md, §2).
 *
 * First the softmax alone. For P = softmax(A) along the last axis and an upstream gradient dP,
 *   dA = P ⊙ (dP − rowsum(dP ⊙ P))          (rowsum keeps the axis: .sum(-1, true))
 * Then attention as ONE op with `defineOp` (as in exercise 2.1), for q [..., L, E], k [..., S, E]
 * and v [..., S, Ev] with the same leading axes, c = 1/√E:
 *   forward   A = c·Q·Kᵀ,  P = softmax(A),  O = P·V              save q, k, v and P
 *   backward  dV = Pᵀ·dO,  dP = dO·Vᵀ,  dA = softmaxBackward(P, dP),  dQ = c·dA·K,  dK = c·dAᵀ·Q
 * "ᵀ" swaps the last two axes: t.transpose(-2, -1). Write the backward with tensor methods only.
 *
 * Check your work: npm run exercise -- 7
 */
import { defineOp, type Tensor } from '../src/index.js'; // defineOp: see the header

/** The gradient of the scores A from P = softmax(A, -1) and dP = ∂L/∂P. */
export function softmaxBackward(p: Tensor, dP: Tensor): Tensor {
  throw new Error('not implemented yet: softmaxBackward — P ⊙ (dP − rowsum(dP ⊙ P)), the rowsum over the last axis with the axis kept');
}

/** softmax(QKᵀ/√E)·V as one op whose backward you write. */
export const attention = (q: Tensor, k: Tensor, v: Tensor): Tensor => {
  throw new Error('not implemented yet: attention — defineOp<[Tensor, Tensor, Tensor]>({ name, forward: P = softmax(c·QKᵀ), save q, k, v, P, return P·V; backward: dQ, dK, dV from the header })');
};
