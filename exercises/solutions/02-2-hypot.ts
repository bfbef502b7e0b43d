/** Reference solution of exercise 2.2 (exercises/02-2-hypot.ts). */
import { defineOp, sumToShape, type Tensor } from '../../src/index.js';

export const hypot = defineOp<[Tensor, Tensor]>({
  name: 'Hypot',
  forward(ctx, [a, b]) {
    const out = a.pow(2).add(b.pow(2)).sqrt(); // broadcasts like add
    ctx.save(a, b, out);
    return out;
  },
  backward(ctx, dOut) {
    const [a, b, out] = ctx.saved as [Tensor, Tensor, Tensor];
    const share = dOut.div(out); // dOut / hypot, [broadcast shape]
    return [
      ctx.needsInputGrad[0] ? sumToShape(share.mul(a), a.shape) : null, // summed over where a was repeated
      ctx.needsInputGrad[1] ? sumToShape(share.mul(b), b.shape) : null,
    ];
  },
});
