/** Reference solution of exercise 2.1 (exercises/02-1-unary-ops.ts). */
import { defineOp, type Tensor } from '../../src/index.js';

export const sigmoid = defineOp<[Tensor]>({
  name: 'MySigmoid',
  forward(ctx, [x]) {
    const y = x.neg().exp().add(1).pow(-1);
    ctx.save(y); // σ′ = σ(1 − σ) needs only the output
    return y;
  },
  backward(ctx, dOut) {
    const [y] = ctx.saved as [Tensor];
    return [dOut.mul(y).mul(y.neg().add(1))];
  },
});

export const softplus = defineOp<[Tensor]>({
  name: 'MySoftplus',
  forward(ctx, [x]) {
    ctx.save(x);
    // log(1 + eˣ) = max(x, 0) + log(1 + e^(−|x|)): the exponent is ≤ 0, so nothing overflows.
    return x.relu().add(x.abs().neg().exp().add(1).log());
  },
  backward(ctx, dOut) {
    const [x] = ctx.saved as [Tensor];
    return [dOut.mul(x.sigmoid())];
  },
});
