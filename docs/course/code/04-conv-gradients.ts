/**
 * The two gradients of a convolution are convolutions too: dX convolves dY with the flipped
 * kernel, dW convolves x with dY. Checked against Sapling's backward.
 * Run: npx tsx docs/course/code/04-conv-gradients.ts
 */
import { arange, conv2d, randn, seededRandom, type Tensor } from '../../../src/index.js';

// #region setup
const random = seededRandom(1);
const x = randn([2, 3, 7, 6], { dtype: 'float64', random }).requiresGrad_(); // [N, C, H, W]
const w = randn([4, 3, 3, 2], { dtype: 'float64', random }).requiresGrad_(); // [O, C, KH, KW]: 3 × 2 taps
const y = conv2d(x, w, null, { padding: 1 }); //                                 [N, O, 7, 7]
const dY = randn(y.shape, { dtype: 'float64', random }); //                      some gradient from above
y.backward(dY); //                                                               autograd's x.grad and w.grad, to compare with
// #endregion

// #region input-gradient
/** Reverses axis `axis` of t. */
const flip = (t: Tensor, axis: number): Tensor => t.indexSelect(axis, arange(t.shape[axis]! - 1, -1, -1));

// dX = dY ⊛ (w flipped in space, in and out channels swapped), padded by K − 1 − p
const wFlipped = flip(flip(w.detach(), 2), 3).transpose(0, 1); // [C, O, KH, KW]
const dX = conv2d(dY, wFlipped, null, { padding: [3 - 1 - 1, 2 - 1 - 1] });
console.log(`dX as a convolution: shape [${dX.shape.join(', ')}], largest difference ${dX.sub(x.grad!).abs().max().item().toExponential(1)}`);
// #endregion

// #region filter-gradient
// dW[o, c] = Σ_n x[n, c] ⋆ dY[n, o]: the batch plays the role of the channels
const dW = conv2d(x.detach().transpose(0, 1), dY.transpose(0, 1), null, { padding: 1 }) // [C, O, KH, KW]
  .transpose(0, 1); //                                                                    [O, C, KH, KW]
console.log(`dW as a convolution: shape [${dW.shape.join(', ')}], largest difference ${dW.sub(w.grad!).abs().max().item().toExponential(1)}`);
// #endregion
