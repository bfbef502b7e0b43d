// Autograd: gradients, no-grad blocks and a custom op with a hand-written backward.
// #region import
import { defineOp, noGrad, tensor, type Tensor } from 'sapling';
// #endregion

// #region backward
const w = tensor([1, 2, 3], { requiresGrad: true });
const loss = w.mul(w).sum();                         // (w ** 2).sum()
loss.backward();
console.log(w.grad!.toArray());                      // [ 2, 4, 6 ]
w.grad = null;                                       // w.grad = None (optimizer.zeroGrad() does this)
// #endregion

// #region no-grad
const y = noGrad(() => w.mul(2));                    // with torch.no_grad(): y = w * 2
console.log(y.requiresGrad, w.detach().requiresGrad); // false false
// #endregion

// #region custom-op
// torch.autograd.Function: forward and a hand-written backward.
const cube = defineOp<[Tensor]>({
  name: 'Cube',
  forward(ctx, [x]) {
    ctx.save(x);                                     // ctx.save_for_backward(x)
    return x.mul(x).mul(x);
  },
  backward(ctx, dOut) {
    const [x] = ctx.saved as [Tensor];               // ctx.saved_tensors
    return [dOut.mul(x.mul(x)).mul(3)];              // one gradient per input
  },
});
const z = tensor([2], { requiresGrad: true });
cube(z).backward();
console.log(z.grad!.item());                         // 12
// #endregion
