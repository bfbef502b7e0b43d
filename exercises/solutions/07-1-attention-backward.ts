/** Reference solution of exercise 7.1 (exercises/07-1-attention-backward.ts). */
import { defineOp, type Tensor } from '../../src/index.js';

export function softmaxBackward(p: Tensor, dP: Tensor): Tensor {
  return p.mul(dP.sub(dP.mul(p).sum(-1, true)));
}

export const attention = defineOp<[Tensor, Tensor, Tensor]>({
  name: 'MyAttention',
  forward(ctx, [q, k, v]) {
    const c = 1 / Math.sqrt(q.shape.at(-1)!);
    const p = q.matmul(k.transpose(-2, -1)).mul(c).softmax(-1); // [..., L, S]
    ctx.save(q, k, v, p);
    return p.matmul(v);
  },
  backward(ctx, dO) {
    const [q, k, v, p] = ctx.saved as [Tensor, Tensor, Tensor, Tensor];
    const c = 1 / Math.sqrt(q.shape.at(-1)!);
    const dV = p.transpose(-2, -1).matmul(dO); //         [..., S, L]·[..., L, Ev]
    const dA = softmaxBackward(p, dO.matmul(v.transpose(-2, -1))); // dP = dO·Vᵀ, [..., L, S]
    return [dA.matmul(k).mul(c), dA.transpose(-2, -1).matmul(q).mul(c), dV];
  },
});
