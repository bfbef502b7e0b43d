/**
 * conv-input share — dX = conv2dBackpropInput(dY, w) for one thread's images or input channels,
 * never through tfjs's slow Conv2DBackpropInput: as stride-phase forward convs (phases.ts), or,
 * with few input channels, as the direct kernel (stride 1) or a product and a SIMD col2im, or,
 * for a 1×1 conv without padding, as one product written to the pixels the conv read.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { ConvGeometry } from '../../../conv-geometry.js';
import { nchwToNhwc } from '../layout.js';
import { flippedTransposed, phaseSteps, scatterPhase } from '../phases.js';
import { fewChannels, isPointwise } from '../plan.js';
import { col2imArrays, directConvArrays } from '../simd/modules.js';
import { convNhwc, expectShape, fromNhwc, heapTensor, heapView, nhwcTensor, type Tf } from './heap.js';
import { operand } from './resident.js';

/**
 * dX = conv2dBackpropInput(dY, w) for `g.N` images and the input channels [c0, c1), written into
 * `out` (NCHW, images `outBatchStride` floats apart, starting at channel `outChannel`).
 * dY holds all O channels of the share's images, w all of [O, C, KH, KW].
 */
export interface ConvInputParams {
  readonly g: ConvGeometry;
  readonly c0: number;
  readonly c1: number;
  readonly outBatchStride: number;
  readonly outChannel: number;
  /** Names w's values (see `operand`): each phase's flipped filter may stay resident. */
  readonly wKey?: string | undefined;
  /**
   * `out` is all zeros already (a fresh tensor's storage, on the main thread; a worker's arena
   * view is not): a strided 1×1 conv's input gradient then writes only the pixels it read.
   */
  readonly outZeroed?: boolean;
}

export function convInputShare(tf: Tf, p: ConvInputParams, v: { readonly dy: Float32Array; readonly w: Float32Array; readonly out: Float32Array }): void {
  const g = p.g;
  const { N, H, W, O, OH, OW } = g;
  const Ct = p.c1 - p.c0;
  if (isPointwise(g)) {
    if (!pointwiseInputGradientSimd(p, v)) pointwiseInputGradient(tf, p, v);
    return;
  }
  if (fewChannels(g) && (directInputGradient(p, v) || columnsInputGradient(tf, p, v))) return;
  tf.tidy(() => {
    const dy = nhwcTensor(tf, v.dy, [N, OH, OW, O], N, O, OH * OW);
    // dX, NHWC, in the wasm heap (already-touched memory, unlike a fresh array); rows that no
    // phase reaches stay zero.
    const dx = heapTensor(tf, [N, H, W, Ct], (heap) => heap.fill(0));
    // With stride s, input row h only meets kernel taps a ≡ h + pt (mod s): dX splits into s_h·s_w
    // interleaved phases, each a stride-1 conv of dY with that phase's taps (conv-geometry.ts).
    for (const step of phaseSteps(g)) {
      const shape = [step.rows.taps, step.cols.taps, O, Ct];
      // named by the channel slice and the phase itself (which phases exist depends on H and W)
      const key = p.wKey === undefined ? undefined : `${p.wKey}/${p.c0}:${p.c1}/${step.fh},${step.fw}:${shape[0]}x${shape[1]}`;
      const filter = operand(tf, key, shape, (heap) => flippedTransposed(v.w, g, step, p.c0, Ct, heap));
      const part = convNhwc(tf, dy, filter, [1, 1], step.pads, g.dilation);
      // (views are taken after the conv: an allocation may have grown, and so moved, the heap)
      scatterPhase(heapView(tf, part), part.shape[1]!, part.shape[2]!, step, heapView(tf, dx), N, H, W, Ct, g.stride);
      part.dispose(); // keep the heap small across phases
      if (!filter.kept) filter.dispose(); // (a resident operand is kept: tf.keep)
    }
    fromNhwc(tf, dx, v.out, N, H * W, Ct, p.outBatchStride, p.outChannel);
  });
}

/**
 * The input gradient of a stride-1 conv with few input channels as conv-nchw.wat's direct
 * convolution: dX[c, h, w] = Σ_o Σ_a Σ_b dY[o, h + pt − a, w + pl − b] · W[o, c, a, b] is the
 * forward conv of dY padded by (KH − 1 − pt, KW − 1 − pl) with the filter flipped in both axes
 * and its channels swapped, W'[c, o, a', b'] = W[o, c, KH − 1 − a', KW − 1 − b']. Its input has
 * the O channels of dY, its output the few of x: the direct kernel's 4-channel blocks fit that,
 * where XNNPACK's 8 did not. False (the columns path runs) for strides and for paddings beyond
 * the kernel's reach.
 */
function directInputGradient(p: ConvInputParams, v: { readonly dy: Float32Array; readonly w: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, KH, KW, OH, OW } = p.g;
  const [pt, pb, pl, pr] = p.g.pads;
  if (p.g.stride[0] !== 1 || p.g.stride[1] !== 1 || Math.max(pt, pb) > KH - 1 || Math.max(pl, pr) > KW - 1) return false;
  const Ct = p.c1 - p.c0;
  const C4 = Math.ceil(Ct / 4) * 4;
  const Wp = Math.ceil(W / 8) * 8;
  const [top, left] = [KH - 1 - pt, KW - 1 - pl]; //                                   dY's padding
  const Hp = Math.max(H - 1 + KH, top + OH);
  const Wq = Math.max(Wp + KW - 1, left + OW);
  const T = KH * KW;
  const simd = directConvArrays([O * OH * OW, O * Hp * Wq, C4 * O * T, C4 * H * Wp]);
  if (simd === null) return false;
  const [image, padded, wT, dx] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
  for (let c = 0; c < Ct; c++) {
    for (let o = 0; o < O; o++) {
      const from = (o * C + p.c0 + c) * T;
      const to = (c * O + o) * T;
      for (let t = 0; t < T; t++) wT[to + t] = v.w[from + T - 1 - t]!; // (a', b') = (KH − 1 − a, KW − 1 − b): the taps reversed
    }
  }
  wT.fill(0, Ct * O * T);
  for (let n = 0; n < N; n++) {
    image.set(v.dy.subarray(n * O * OH * OW, (n + 1) * O * OH * OW));
    padded.fill(0);
    simd.direct.pad(image, padded, O, OH, OW, top, left, Hp, 1, Wq);
    simd.direct.conv(padded, wT, null, dx, O, KH, KW, C4, H, Wp, Hp, 1, 1, Wq, false);
    if (Wp !== W) simd.direct.compact(dx, Ct * H, W, Wp);
    v.out.set(dx.subarray(0, Ct * H * W), n * p.outBatchStride + p.outChannel * H * W);
  }
  return true;
}

/**
 * The input gradient as the transpose of im2col's product. With cols[k, (c, a, b)] =
 * Σ_o dY[k, o] · W[o, c, a, b] for each output pixel k = (n, i, j), every window adds its column
 * back where it read:
 *   dX[n, c, i·sh − pt + a, j·sw − pl + b] += cols[k, (c, a, b)]
 * The product runs in XNNPACK ([N·OH·OW, O] · [O, Ct·KH·KW], the columns as wide as the taps, not
 * the few channels), the sums in col2im.wat, four taps at a time, into a padded image in the SIMD
 * module's memory whose interior is then copied out. Dilation 1 only (the taps of a window row are
 * then neighbours). False when the SIMD memory cannot hold an image's arrays (the phases run then).
 */
function columnsInputGradient(tf: Tf, p: ConvInputParams, v: { readonly dy: Float32Array; readonly w: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, KH, KW, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const [pt, , pl] = p.g.pads;
  const Ct = p.c1 - p.c0;
  const Q = Ct * KH * KW; //                                                          columns per pixel
  const P = OH * OW;
  // every window inside the padded image, and the image itself at (pt, pl)
  const Hp = Math.max((OH - 1) * sh + KH, pt + H);
  const Wp = Math.max((OW - 1) * sw + KW, pl + W);
  const simd = col2imArrays([P * Q, Ct * Hp * Wp]);
  if (simd === null) return false;
  const [cols, padded] = simd.arrays as [Float32Array, Float32Array];
  tf.tidy(() => {
    const dy = nhwcTensor(tf, v.dy, [1, N * P, O], N, O, P);
    const key = p.wKey === undefined ? undefined : `${p.wKey}/${p.c0}:${p.c1}/columns`;
    // W's input channels [c0, c1) as [O, Ct·KH·KW]: one contiguous run per output channel
    const f = operand(tf, key, [1, O, Q], (heap) => {
      const T = KH * KW;
      for (let o = 0; o < O; o++) heap.set(v.w.subarray((o * C + p.c0) * T, (o * C + p.c1) * T), o * Q);
    });
    const product = tf.matMul(dy as TF.Tensor3D, f as TF.Tensor3D); //                    [1, N·P, Q]
    expectShape(product, [1, N * P, Q], 'conv2dBackpropInput');
    const all = heapView(tf, product);
    for (let n = 0; n < N; n++) {
      cols.set(all.subarray(n * P * Q, (n + 1) * P * Q));
      padded.fill(0);
      simd.col2im(cols, OH, OW, Ct, KH, KW, sh, sw, padded, Hp, Wp);
      const image = n * p.outBatchStride + p.outChannel * H * W;
      for (let c = 0; c < Ct; c++) {
        for (let h = 0; h < H; h++) {
          const from = (c * Hp + pt + h) * Wp + pl;
          v.out.set(padded.subarray(from, from + W), image + (c * H + h) * W);
        }
      }
    }
  });
  return true;
}

/**
 * The input gradient of a 1×1 conv without padding as conv-nchw.wat's `pointwise`, image by
 * image: Wᵀ [Ct, O] · dY [O, P] (dY's planes as they are, rows spread to a multiple of 8 pixels),
 * each result written to the pixels the conv read, every other pixel 0. False when the arrays
 * would not fit (tfjs's product runs then: `pointwiseInputGradient`).
 */
function pointwiseInputGradientSimd(p: ConvInputParams, v: { readonly dy: Float32Array; readonly w: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const Ct = p.c1 - p.c0;
  const C4 = Math.ceil(Ct / 4) * 4;
  const P = OH * OW;
  const P8 = Math.ceil(P / 8) * 8;
  const simd = directConvArrays([O * P8, C4 * O, C4 * P8, O * C]);
  if (simd === null) return false;
  const [dy, wT, dx, w] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
  w.set(v.w.subarray(0, O * C));
  simd.direct.transpose(w.subarray(p.c0), wT, O, Ct, C, O); //                           wT[c, o] = W[o, c0 + c]
  wT.fill(0, Ct * O);
  const out = v.out;
  const plane = H * W;
  for (let n = 0; n < N; n++) {
    dy.set(v.dy.subarray(n * O * P, (n + 1) * O * P));
    if (P8 !== P) simd.direct.expand(dy, O, P, P8);
    simd.direct.pointwise(dy, wT, null, dx, O, C4, P8, false);
    const image = n * p.outBatchStride + p.outChannel * plane;
    if (sh === 1 && sw === 1) { // every pixel read: the planes as they are
      if (P8 !== P) simd.direct.compact(dx, Ct, P, P8);
      out.set(dx.subarray(0, Ct * P), image);
      continue;
    }
    if (!p.outZeroed) out.fill(0, image, image + Ct * plane); //                        the pixels no window read
    for (let c = 0; c < Ct; c++) {
      let s = c * P8;
      for (let i = 0; i < OH; i++) {
        const row = image + c * plane + i * sh * W;
        for (let j = 0; j < OW; j++) out[row + j * sw] = dx[s++]!;
      }
    }
  }
  return true;
}

/**
 * The input gradient of a 1×1 conv without padding: the pixels the conv read get
 *   dX[n, c, i·sh, j·sw] = Σ_o W[o, c] · dY[n, o, i, j]      (a 1×1 conv of dY with Wᵀ)
 * and every other pixel 0. So one stride-1 conv over dY's pixels only, written straight to its
 * places in NCHW, instead of the phase machinery's full-size NHWC dX that is mostly zeros.
 */
function pointwiseInputGradient(tf: Tf, p: ConvInputParams, v: { readonly dy: Float32Array; readonly w: Float32Array; readonly out: Float32Array }): void {
  const { N, C, H, W, O, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const Ct = p.c1 - p.c0;
  const plane = H * W;
  const out = v.out;
  tf.tidy(() => {
    const dy = heapTensor(tf, [N, OH, OW, O], (heap) => nchwToNhwc(v.dy, heap, N, O, OH * OW));
    const key = p.wKey === undefined ? undefined : `${p.wKey}/${p.c0}:${p.c1}/1x1`;
    // the filter [1, 1, O, Ct]: W'[o, c] = W[o, c0 + c]
    const f = operand(tf, key, [1, 1, O, Ct], (heap) => {
      for (let o = 0; o < O; o++) for (let c = 0; c < Ct; c++) heap[o * Ct + c] = v.w[o * C + p.c0 + c]!;
    });
    const part = convNhwc(tf, dy, f, [1, 1], [0, 0, 0, 0], [1, 1]); //                       [N, OH, OW, Ct]
    expectShape(part, [N, OH, OW, Ct], 'conv2dBackpropInput');
    const values = heapView(tf, part);
    for (let n = 0; n < N; n++) {
      const image = n * p.outBatchStride + p.outChannel * plane;
      if ((sh > 1 || sw > 1) && !p.outZeroed) out.fill(0, image, image + Ct * plane); // the pixels no window read
      for (let c = 0; c < Ct; c++) {
        const dst = image + c * plane;
        for (let i = 0; i < OH; i++) {
          const row = dst + i * sh * W;
          let s = ((n * OH + i) * OW) * Ct + c;
          for (let j = 0; j < OW; j++, s += Ct) out[row + j * sw] = values[s]!;
        }
      }
    }
  });
}
