/**
 * The backward of a row softmax by hand, dA = P ⊙ (dP − rowsum(dP ⊙ P)), against autograd; then
 * the whole attention backward, and the rowsum taken from dO and O instead of two [L, S] tensors.
 * Chapter 7 (docs/course/07-attention-and-transformers.md). Run: npx tsx docs/course/code/07-softmax-backward.ts
 */
import { randn, scaledDotProductAttention, seededRandom, type Tensor } from '../../../src/index.js';

const random = seededRandom(3);
const gap = (a: Tensor, b: Tensor): string => a.sub(b).abs().max().item().toExponential(1);

// #region softmax
const a = randn([4, 6], { dtype: 'float64', random }).requiresGrad_(); // scores A, [L, S]
const p = a.softmax(-1); //                                                P, each row sums to 1
const dP = randn([4, 6], { dtype: 'float64', random }); //               some upstream gradient ∂L/∂P
p.backward(dP);
const byHand = p.mul(dP.sub(dP.mul(p).sum(-1, true))); //                 P ⊙ (dP − rowsum(dP ⊙ P))
console.log(`softmax backward by hand against autograd: largest difference ${gap(byHand, a.grad!)}`);
// #endregion

// #region attention
const [L, S, E, Ev] = [5, 7, 4, 3];
const c = 1 / Math.sqrt(E);
const [q, k, v] = [[L, E], [S, E], [S, Ev]].map((shape) => randn(shape, { dtype: 'float64', random }).requiresGrad_()) as [Tensor, Tensor, Tensor];
const out = scaledDotProductAttention(q, k, v); //          the fused op, with its own backward
const dO = randn([L, Ev], { dtype: 'float64', random });
out.backward(dO);

const P = q.matmul(k.transpose()).mul(c).softmax(-1).detach(); // the forward again, as constants
const O = P.matmul(v.detach());
const dV = P.transpose().matmul(dO); //                    O = P·V   ⇒  dV = Pᵀ·dO   [S, L]·[L, Ev]
const dPa = dO.matmul(v.detach().transpose()); //                      dP = dO·Vᵀ   [L, Ev]·[Ev, S]
const dA = P.mul(dPa.sub(dPa.mul(P).sum(-1, true))); //    P = softmax(A)
const dQ = dA.matmul(k.detach()).mul(c); //                A = c·Q·Kᵀ  ⇒  dQ = c·dA·K   [L, S]·[S, E]
const dK = dA.transpose().matmul(q.detach()).mul(c); //                   dK = c·dAᵀ·Q  [S, L]·[L, E]
console.log(`by hand against the op: dQ ${gap(dQ, q.grad!)}, dK ${gap(dK, k.grad!)}, dV ${gap(dV, v.grad!)}`);
console.log(`rowsum(dP ⊙ P) against rowsum(dO ⊙ O): ${gap(dPa.mul(P).sum(-1), dO.mul(O).sum(-1))}`);
// #endregion
