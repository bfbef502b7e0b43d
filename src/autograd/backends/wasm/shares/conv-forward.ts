/**
 * conv-forward share — y = conv2d(x, w) for one thread's images or output channels, with the
 * epilogue (bias, residual, ReLU). Four paths (plan.ts routes): a conv with few input channels
 * runs conv-nchw.wat's direct NCHW kernel, a 1×1 conv without padding its pointwise product, a
 * 3×3 stride-1 conv whose filter is being reused Winograd's F(4×4 or 2×2, 3×3) (winograd.ts), every
 * other one tfjs's (fused) Conv2D in NHWC, the layout changed on the way in and out.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { ConvGeometry } from '../../../conv-geometry.js';
import { relu } from '../../cpu/relu.js';
import { directLayout, nchwToNhwcStrided, oihwToHwio } from '../layout.js';
import { fewChannels, isPointwise, winogradFits } from '../plan.js';
import { directConvArrays } from '../simd/modules.js';
import { convNhwc, expectShape, fromNhwc, heapTensor, nhwcTensor, type Tf } from './heap.js';
import { isReused, operand } from './resident.js';
import { winogradForward } from './winograd.js';

/**
 * y = conv2d(x, w) for the images and output channels of one share: `g.N` images, `g.O` output
 * channels. The share's y [N, O, OH, OW] is written into `out` at channel `outChannel` of images
 * `outBatchStride` floats apart (so a channel share can write into the full output).
 */
export interface ConvForwardParams {
  readonly g: ConvGeometry;
  readonly outBatchStride: number;
  readonly outChannel: number;
  /** Names w's values (see `operand`): the filter may stay resident in tfjs's layout. */
  readonly wKey?: string | undefined;
  /** The epilogue: add `bias` (the share's O values, a view) and/or apply ReLU, inside tfjs's fused conv. */
  readonly bias: boolean;
  readonly biasKey?: string | undefined;
  readonly relu: boolean;
  /**
   * Add `residual` (laid out as `out`: the same strides and channel offset) before the ReLU. tfjs
   * has no such epilogue, so it runs in this share's pass over its output, after tfjs's bias.
   */
  readonly residual: boolean;
}

export function convForwardShare(tf: Tf, p: ConvForwardParams, v: { readonly x: Float32Array; readonly w: Float32Array; readonly bias?: Float32Array; readonly residual?: Float32Array; readonly out: Float32Array }): void {
  if (fewChannels(p.g) && directConvForward(p, v)) return;
  if (isPointwise(p.g) && pointwiseForward(p, v)) return;
  if (winogradFits(p.g) && isReused(p.wKey) && winogradForward(tf, p, v)) return;
  const { N, C, H, W, O, KH, KW, OH, OW } = p.g;
  // A 1×1 conv with a stride and no padding reads one pixel in sh·sw: move only those, and run
  // it as the stride-1 conv of the subsampled input (a plain GEMM inside XNNPACK).
  const subsample = isPointwise(p.g) && (p.g.stride[0] > 1 || p.g.stride[1] > 1);
  const stride = subsample ? [1, 1] as const : p.g.stride;
  tf.tidy(() => {
    const x = subsample
      ? heapTensor(tf, [N, OH, OW, C], (heap) => nchwToNhwcStrided(v.x, heap, N, C, H, W, OH, OW, p.g.stride[0], p.g.stride[1]))
      : nhwcTensor(tf, v.x, [N, H, W, C], N, C, H * W);
    const f = operand(tf, p.wKey, [KH, KW, C, O], (heap) => oihwToHwio(v.w, heap, C, KH * KW, O));
    const [pt, pb, pl, pr] = p.g.pads;
    const relu = p.relu && !p.residual; // with a residual, the ReLU comes after it (below)
    const y = !p.bias && !relu
      ? convNhwc(tf, x, f, stride, p.g.pads, p.g.dilation)
      : tf.fused.conv2d({
        x: x as TF.Tensor4D, filter: f as TF.Tensor4D, strides: [stride[0], stride[1]],
        pad: [[0, 0], [pt, pb], [pl, pr], [0, 0]], dataFormat: 'NHWC', dilations: [p.g.dilation[0], p.g.dilation[1]],
        ...(p.bias ? { bias: operand(tf, p.biasKey, [O], (heap) => heap.set(v.bias!)) } : {}),
        activation: relu ? 'relu' : 'linear',
      });
    expectShape(y, [N, OH, OW, O], 'conv2d');
    fromNhwc(tf, y, v.out, N, OH * OW, O, p.outBatchStride, p.outChannel);
    if (p.residual) addResidual(v.out, v.residual!, N, O, OH * OW, p.outBatchStride, p.outChannel, p.relu);
  });
}

/**
 * The forward conv of the share as conv-nchw.wat's direct convolution, image by image, in the
 * SIMD module's memory: the image copied in, padded there (and its columns split into stride
 * phases), convolved straight into NCHW planes with the bias and ReLU, and copied out in one
 * piece. No layout change at all, against tfjs's NCHW → NHWC → NCHW. The weights are padded with
 * zero filters to a multiple of 4 output channels, the rows to a multiple of 8 pixels (the
 * extra ones computed and dropped). False when the arrays would not fit in the module's memory.
 */
function directConvForward(p: ConvForwardParams, v: { readonly x: Float32Array; readonly w: Float32Array; readonly bias?: Float32Array; readonly residual?: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, KH, KW, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const [pt, , pl] = p.g.pads;
  const O4 = Math.ceil(O / 4) * 4;
  const { OWp, Hp, Wq } = directLayout(p.g);
  const T = C * KH * KW;
  const P = OH * OW;
  const simd = directConvArrays([C * H * W, C * Hp * sw * Wq, O4 * T, p.bias ? O4 : 0, O4 * OH * OWp]);
  if (simd === null) return false;
  const [image, padded, w, bias, y] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  w.set(v.w.subarray(0, O * T));
  w.fill(0, O * T);
  if (p.bias) {
    bias.set(v.bias!.subarray(0, O));
    bias.fill(0, O);
  }
  const relu = p.relu && !p.residual; // with a residual, the ReLU comes after it (below)
  for (let n = 0; n < N; n++) {
    image.set(v.x.subarray(n * C * H * W, (n + 1) * C * H * W));
    padded.fill(0);
    simd.direct.pad(image, padded, C, H, W, pt, pl, Hp, sw, Wq);
    simd.direct.conv(padded, w, p.bias ? bias : null, y, C, KH, KW, O4, OH, OWp, Hp, sh, sw, Wq, relu);
    if (OWp !== OW) simd.direct.compact(y, O * OH, OW, OWp);
    v.out.set(y.subarray(0, O * P), n * p.outBatchStride + p.outChannel * P);
  }
  if (p.residual) addResidual(v.out, v.residual!, N, O, P, p.outBatchStride, p.outChannel, p.relu);
  return true;
}

/**
 * A 1×1 conv as conv-nchw.wat's `pointwise`, image by image: the pixels it reads gathered into
 * C rows of P8 floats (the image flattened, P = OH·OW rounded up to 8), then Y [O, P] = W [O, C] ·
 * X [C, P], which is already NCHW. False when the arrays would not fit.
 */
function pointwiseForward(p: ConvForwardParams, v: { readonly x: Float32Array; readonly w: Float32Array; readonly bias?: Float32Array; readonly residual?: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const O4 = Math.ceil(O / 4) * 4;
  const P = OH * OW;
  const P8 = Math.ceil(P / 8) * 8;
  const simd = directConvArrays([C * P8, O4 * C, p.bias ? O4 : 0, O4 * P8]);
  if (simd === null) return false;
  const [xs, w, bias, y] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
  w.set(v.w.subarray(0, O * C));
  w.fill(0, O * C);
  if (p.bias) {
    bias.set(v.bias!.subarray(0, O));
    bias.fill(0, O);
  }
  const x = v.x;
  const relu = p.relu && !p.residual;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * H * W;
      let d = c * P8;
      for (let i = 0; i < OH; i++) {
        let s = plane + i * sh * W;
        for (let j = 0; j < OW; j++, s += sw) xs[d++] = x[s]!;
      }
      xs.fill(0, d, (c + 1) * P8);
    }
    simd.direct.pointwise(xs, w, p.bias ? bias : null, y, C, O4, P8, relu);
    if (P8 !== P) simd.direct.compact(y, O, P, P8);
    v.out.set(y.subarray(0, O * P), n * p.outBatchStride + p.outChannel * P);
  }
  if (p.residual) addResidual(v.out, v.residual!, N, O, P, p.outBatchStride, p.outChannel, p.relu);
  return true;
}

/** out ← relu?(out + residual) over `O` channels from `channel` of N images `batchStride` apart (both arrays laid out alike). */
function addResidual(out: Float32Array, residual: Float32Array, N: number, O: number, P: number, batchStride: number, channel: number, withRelu: boolean): void {
  for (let n = 0; n < N; n++) {
    const from = n * batchStride + channel * P;
    const to = from + O * P;
    if (withRelu) for (let i = from; i < to; i++) out[i] = relu(out[i]! + residual[i]!);
    else for (let i = from; i < to; i++) out[i]! += residual[i]!;
  }
}
