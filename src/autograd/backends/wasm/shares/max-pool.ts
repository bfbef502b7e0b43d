/**
 * max-pool share — y = maxPool2d(x) for one thread's images through tfjs's MaxPool (XNNPACK),
 * NCHW in and out.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { Pads } from '../../../conv-geometry.js';
import { expectShape, fromNhwc, nhwcTensor, type Tf } from './heap.js';

/**
 * y = maxPool2d(x) for `g.N` images through tfjs's MaxPool (XNNPACK; padding never wins), with
 * x and y in NCHW as everywhere else in Sapling. Dilation 1 only.
 */
export interface MaxPoolParams {
  readonly N: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly OH: number;
  readonly OW: number;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly pads: Pads;
}

export function maxPoolShare(tf: Tf, p: MaxPoolParams, v: { readonly x: Float32Array; readonly out: Float32Array }): void {
  const { N, C, H, W, OH, OW, pads: [pt, pb, pl, pr] } = p;
  tf.tidy(() => {
    const x = nhwcTensor(tf, v.x, [N, H, W, C], N, C, H * W);
    const y = tf.maxPool(x as TF.Tensor4D, [p.kernel[0], p.kernel[1]], [p.stride[0], p.stride[1]], [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
    expectShape(y, [N, OH, OW, C], 'maxPool2d');
    fromNhwc(tf, y, v.out, N, OH * OW, C, C * OH * OW);
  });
}
