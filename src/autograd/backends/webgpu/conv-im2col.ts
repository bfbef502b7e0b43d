/**
 * conv-im2col — a channels-first convolution as im2col + one batched matmul, with no layout
 * transposes: where tfjs-backend-webgpu itself would unfold the input (its Conv2D takes an
 * im2col + matmul route for small outputs), we unfold it NCHW and multiply by the weight as it
 * is, [O, C·KH·KW] — a reshape of PyTorch's [O, C, KH, KW] — so the result comes out NCHW:
 *
 *   cols[n, (c·KH + p)·KW + q, i·OW + j] = x[n, c, i·sh − pt + p·dh, j·sw − pl + q·dw]  (0 outside)
 *   y[n] = W · cols[n]        [O, C·KH·KW] · [C·KH·KW, OH·OW] = [O, OH·OW] = y[n, O, OH, OW]
 *
 * The NHWC route costs two transposes per call (x in, y out) around tfjs's kernel; this one costs
 * the unfolding, which tfjs's route pays too. A 1 × 1, stride-1, unpadded convolution needs no
 * unfolding at all: cols is x itself, seen as [N, C, H·W].
 */
import type { Shape } from '../../shape.js';
import { deviceArrayOf, type Tensor } from '../../tensor.js';
import type { Conv2dAttrs } from '../types.js';
import { gpu, launch, MAIN_1D, PRELUDE, WORKGROUP } from './gpu.js';
import type { GpuArray } from './gpu-array.js';
import { emptyTensor, Operands } from './strided.js';
import { runTfjs } from './tfjs-bridge.js';

/** meta = [n, C, H, W, OH, OW, KH, KW, sh, sw, pt, pl, dh, dw] */
const IM2COL = /* wgsl */ `${PRELUDE}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${MAIN_1D}
  let C = i32(args[1]); let H = i32(args[2]); let W = i32(args[3]); let OH = i32(args[4]); let OW = i32(args[5]);
  let KH = i32(args[6]); let KW = i32(args[7]); let sh = i32(args[8]); let sw = i32(args[9]);
  let pt = i32(args[10]); let pl = i32(args[11]); let dh = i32(args[12]); let dw = i32(args[13]);
  let k = i32(i);
  let j = k % OW; let ii = (k / OW) % OH; let q = (k / (OW * OH)) % KW; let p = (k / (OW * OH * KW)) % KH;
  let c = (k / (OW * OH * KW * KH)) % C; let n = k / (OW * OH * KW * KH * C);
  let h = ii * sh - pt + p * dh;
  let v = j * sw - pl + q * dw;
  var value = 0.0;
  if (h >= 0 && h < H && v >= 0 && v < W) { value = x[((n * C + c) * H + h) * W + v]; }
  out[i] = value;
}`;

/** Whether tfjs's Conv2D would take its im2col route for this output (and so ours costs no more than its). */
export function im2colRoute(yShape: Shape): boolean {
  const [N, O, OH, OW] = yShape as readonly [number, number, number, number];
  return N * Math.ceil((OH * OW) / 32) * Math.ceil(O / 32) <= gpu().tfjs.thresholdToIncreaseWorkgroups;
}

/** y = conv2d(x, w) for groups = 1, NCHW in and out (see the header). */
export function conv2dIm2col(x: Tensor, w: Tensor, yShape: Shape, attrs: Conv2dAttrs): Tensor {
  const [N, C, H, W] = x.shape as readonly [number, number, number, number];
  const [O, , KH, KW] = w.shape as readonly [number, number, number, number];
  const [, , OH, OW] = yShape as readonly [number, number, number, number];
  const K = C * KH * KW;
  const P = OH * OW;
  const { stride: [sh, sw], padding: { top, left, bottom, right }, dilation: [dh, dw] } = attrs;
  const plain = KH === 1 && KW === 1 && sh === 1 && sw === 1 && top + left + bottom + right === 0;
  let cols = x;
  if (!plain) {
    cols = emptyTensor([N, K, P], 'float32');
    const ops = new Operands();
    launch({
      source: IM2COL, meta: [cols.numel(), C, H, W, OH, OW, KH, KW, sh, sw, top, left, dh, dw],
      inputs: [ops.buffer(x, 'conv2d')], outputs: [(deviceArrayOf(cols) as GpuArray).buffer('conv2d')], groups: Math.ceil(cols.numel() / WORKGROUP),
    });
    ops.done();
  }
  const y = runTfjs('BatchMatMul', { a: { t: w, shape: [1, O, K] }, b: { t: cols, shape: [N, K, P] } }, { transposeA: false, transposeB: false }, yShape, 'float32');
  if (!plain) cols.dispose();
  return y;
}
