/**
 * A convolution as one matrix product: im2col written with slices, checked against conv2d,
 * values and gradients. Chapter 4 (docs/course/04-convolutions.md).
 * Run: npx tsx docs/course/code/04-im2col.ts
 */
import { conv2d, randn, seededRandom, stack, type Tensor } from '../../../src/index.js';

// #region im2col
/**
 * Every KH × KW window of x [N, C, H, W] (stride 1, no padding) as one row:
 * [N·OH·OW, C·KH·KW], the columns ordered (c, a, b) like the rows of a flattened weight.
 */
function im2col(x: Tensor, kh: number, kw: number): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [oh, ow] = [h - kh + 1, w - kw + 1];
  const taps: Tensor[] = [];
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      // x[:, :, a : a + OH, b : b + OW]: tap (a, b) of every window at once
      taps.push(x.slice([null, null, { start: a, stop: a + oh }, { start: b, stop: b + ow }]));
    }
  }
  return stack(taps, 2) //                        [N, C, KH·KW, OH, OW]
    .reshape([n, c * kh * kw, oh * ow]) //         [N, C·KH·KW, OH·OW]
    .transpose(1, 2) //                            [N, OH·OW, C·KH·KW]
    .reshape([n * oh * ow, c * kh * kw]);
}

/** conv2d(x, w) for stride 1 and no padding, as im2col and one matmul. */
function convByMatmul(x: Tensor, w: Tensor): Tensor {
  const [n, , h, wIn] = x.shape as [number, number, number, number];
  const [o, c, kh, kw] = w.shape as [number, number, number, number];
  const [oh, ow] = [h - kh + 1, wIn - kw + 1];
  const y = im2col(x, kh, kw).matmul(w.reshape([o, c * kh * kw]).transpose()); // [N·OH·OW, O]
  return y.reshape([n, oh, ow, o]).permute([0, 3, 1, 2]); //                         [N, O, OH, OW]
}
// #endregion

// #region compare
const random = seededRandom(0);
const x = randn([2, 3, 6, 5], { dtype: 'float64', random }).requiresGrad_();
const w = randn([4, 3, 3, 3], { dtype: 'float64', random }).requiresGrad_();
console.log(`im2col(x) has shape [${im2col(x, 3, 3).shape.join(', ')}]: 2·4·3 windows of 3·3·3 numbers`);
const ours = convByMatmul(x, w);
const theirs = conv2d(x, w);
console.log(`largest difference from conv2d: ${ours.sub(theirs).abs().max().item().toExponential(1)}`);

const dY = randn(theirs.shape, { dtype: 'float64', random });
ours.backward(dY);
const [dxOurs, dwOurs] = [x.grad!, w.grad!];
x.grad = null;
w.grad = null;
theirs.backward(dY);
console.log(`gradients through slices and matmul agree with conv2d's: dX ${dxOurs.sub(x.grad!).abs().max().item().toExponential(1)}, dW ${dwOurs.sub(w.grad!).abs().max().item().toExponential(1)}`);
// #endregion
