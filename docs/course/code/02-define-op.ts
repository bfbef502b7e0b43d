/**
 * Writing an op: forward, a derivation, a hand-written backward, and gradcheck to prove it.
 * Run: npx tsx docs/course/code/02-define-op.ts
 */
import { defineOp, gradcheck, randn, seededRandom, type Tensor } from '../../../src/index.js';

// #region softsign
// softsign(x) = x / (1 + |x|).   With s = 1 + |x|:  d/dx (x / s) = (s − x·sign(x)) / s² = 1 / s²,
// since x·sign(x) = |x|. So dX = dOut / (1 + |x|)².
const softsign = defineOp<[Tensor]>({
  name: 'Softsign',
  forward(ctx, [x]) {
    ctx.save(x); // backward needs x (the output alone does not give |x| back cheaply)
    return x.div(x.abs().add(1));
  },
  backward(ctx, dOut) {
    const [x] = ctx.saved as [Tensor];
    return [dOut.div(x.abs().add(1).pow(2))];
  },
});
// #endregion

// #region check
const random = seededRandom(0);
const x = randn([3, 4], { dtype: 'float64', random }).requiresGrad_();
console.log(`softsign passes gradcheck: ${gradcheck(softsign, [x])}`);
// #endregion

// #region wrong
const wrongSoftsign = defineOp<[Tensor]>({
  name: 'WrongSoftsign',
  forward(ctx, [x]) {
    ctx.save(x);
    return x.div(x.abs().add(1));
  },
  backward(ctx, dOut) {
    const [x] = ctx.saved as [Tensor];
    return [dOut.div(x.abs().add(1))]; // forgot the square
  },
});
try {
  gradcheck(wrongSoftsign, [x]);
} catch (error) {
  console.log((error as Error).message);
}
// #endregion
