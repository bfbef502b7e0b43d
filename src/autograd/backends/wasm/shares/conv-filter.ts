/**
 * conv-filter share — dW = conv2dBackpropFilter(x, dY) over one thread's images (a partial sum)
 * or for its output channels (its rows of dW). tfjs-wasm has no such kernel: dW is a product of
 * dY with the patches (im2colT), block of pixels by block, both made inside tfjs's heap; a conv
 * with few input channels runs conv-nchw.wat's `filter`, a 1×1 conv one product.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { ConvGeometry } from '../../../conv-geometry.js';
import { channelsFirst, directLayout, dyChannelsByPixel, dyPixelsByChannelSimd, im2colTSimd, nchwToNhwcStrided, pixelBlocks, scratchFloats } from '../layout.js';
import { fewChannels, filterBlockPixels, isPointwise, patchesOnTheRight } from '../plan.js';
import { directConvArrays } from '../simd/modules.js';
import { expectShape, heapKernelsOf, heapTensor, heapView, unfilled, type Tf } from './heap.js';

/**
 * dW = conv2dBackpropFilter(x, dY) over the share's `g.N` images, for the output channels
 * [o0, o1). x holds the share's images, dY all O channels of them. The result goes to `out`
 * either as tfjs leaves it, [C, KH, KW, Ot] (a partial sum the caller will reduce and
 * transpose), or, with `transposed`, as the rows [Ot, C, KH, KW] of Sapling's dW.
 */
export interface ConvFilterParams {
  readonly g: ConvGeometry;
  readonly o0: number;
  readonly o1: number;
  readonly transposed: boolean;
}

/**
 * The filter gradient is a matrix product over the output pixels k = (n, i, j):
 *   dW[o, (c, a, b)] = Σ_k dY[o, k] · patches[(c, a, b), k]
 * with patches[(c, a, b), (n, i, j)] = x[n, c, i·sh − pt + a·dh, j·sw − pl + b·dw] (im2colT). Run
 * one block of pixels at a time and summed over the blocks in order, it is
 *   dWᵀ [Q, Ot] += patches [Q, K] · dY [K, Ot]        (Q = C·KH·KW, K the block's pixels)
 * XNNPACK packs the right operand on every call, so that is dY's block, the smaller one — except
 * when Q is tiny (a 3-channel stem: Q = 27, Ot = 64), where packing the patches [K, Q] and
 * computing dW [Ot, Q] = dY [Ot, K] · patchesᵀ directly is faster (1.3× the forward, not 2×).
 * On ResNet-18's 3×3 convs this is 1.2–1.4× the forward conv. The correlation it replaced (x as
 * [C, H, W, N] convolved with dY as an [OH, OW, N, O] filter) was 1.5–2.9×, worst at batch 1,
 * where that correlation has a single input channel.
 */
export function convFilterShare(tf: Tf, p: ConvFilterParams, v: { readonly x: Float32Array; readonly dy: Float32Array; readonly out: Float32Array }): void {
  const g = p.g;
  if (fewChannels(g) && directFilterGradient(p, v)) return;
  if (isPointwise(g)) {
    if (!pointwiseFilterGradientSimd(p, v)) pointwiseFilterGradient(tf, p, v);
    return;
  }
  const Ot = p.o1 - p.o0;
  const Q = g.C * g.KH * g.KW;
  // The product is [Ot, Q] with the patches on the right, else [Q, Ot] (plan.ts's rule).
  const patchesRight = patchesOnTheRight(g, Ot, p.transposed);
  const [rows, cols] = patchesRight ? [Ot, Q] : [Q, Ot];
  const blocks = pixelBlocks(g, filterBlockPixels(Q));
  // The sum over blocks runs in the product's layout: straight in `out` when that is the layout
  // wanted, else in scratch transposed at the end (or, for one block, no sum at all).
  const wanted = p.transposed === patchesRight;
  const sum = wanted ? v.out : blocks.length > 1 ? filterScratchOf(Q * Ot) : null;
  // x and dY's channels [o0, o1) go into tfjs's heap once, as they are; each block's patches and
  // dY's pixels are made from them there, by col2im.wat and conv-nchw.wat on tfjs's memory.
  const kernels = heapKernelsOf(tf);
  const P = g.OH * g.OW;
  const xs = heapTensor(tf, [g.N * g.C * g.H * g.W], (heap) => heap.set(v.x.subarray(0, heap.length)));
  const dys = patchesRight ? null : heapTensor(tf, [g.N * Ot * P], (heap) => {
    for (let n = 0; n < g.N; n++) heap.set(v.dy.subarray((n * g.O + p.o0) * P, (n * g.O + p.o1) * P), n * Ot * P);
  });
  try {
    for (const [index, block] of blocks.entries()) {
      const K = (block.n1 - block.n0) * (block.i1 - block.i0) * g.OW;
      tf.tidy(() => {
        let product: TF.Tensor3D;
        if (patchesRight) {
          const a = heapTensor(tf, [1, Ot, K], (heap) => dyChannelsByPixel(v.dy, heap, g, p.o0, Ot, block));
          const patches = unfilled(tf, [Q, K]);
          const b = unfilled(tf, [1, K, Q]);
          const view = heapView(tf, patches);
          im2colTSimd(kernels, heapView(tf, xs), view, g, block);
          kernels.direct.transpose(view, heapView(tf, b), Q, K);
          product = tf.matMul(a as TF.Tensor3D, b as TF.Tensor3D);
        } else {
          const a = unfilled(tf, [1, Q, K]);
          const b = unfilled(tf, [1, K, Ot]);
          im2colTSimd(kernels, heapView(tf, xs), heapView(tf, a), g, block);
          dyPixelsByChannelSimd(kernels, heapView(tf, dys!), heapView(tf, b), g, Ot, block);
          product = tf.matMul(a as TF.Tensor3D, b as TF.Tensor3D);
        }
        expectShape(product, [1, rows, cols], 'conv2dBackpropFilter');
        if (sum === null) { //                         one block, not in the wanted layout: transposed in the heap
          const t = unfilled(tf, [cols, rows]);
          const view = heapView(tf, t);
          kernels.direct.transpose(heapView(tf, product), view, rows, cols);
          v.out.set(view);
        } else {
          const values = heapView(tf, product);
          if (index === 0) sum.set(values);
          else for (let q = 0; q < sum.length; q++) sum[q]! += values[q]!;
        }
      });
    }
  } finally {
    xs.dispose();
    dys?.dispose();
  }
  if (!wanted && sum !== null) channelsFirst(sum, v.out, rows, cols);
}

/**
 * The filter gradient of a conv with few input channels, image by image in conv-nchw.wat: the
 * image padded as the direct forward pads it, dY's planes copied in as they are (rows spread to
 * a multiple of 8 pixels with zeros), and every dW[o, c, a, b] summed as Σ dY[o, i, j] ·
 * x[c, i·sh + a, j·sw + b], 4 channels × 3 taps a block. No patches, no transposes. False when
 * the arrays would not fit in the module's memory.
 */
function directFilterGradient(p: ConvFilterParams, v: { readonly x: Float32Array; readonly dy: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, KH, KW, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const [pt, , pl] = p.g.pads;
  const Ot = p.o1 - p.o0;
  const O4 = Math.ceil(Ot / 4) * 4;
  const { OWp, Hp, Wq } = directLayout(p.g);
  const Q = C * KH * KW;
  const P = OH * OW;
  const simd = directConvArrays([C * H * W, C * Hp * sw * Wq, O4 * OH * OWp, O4 * Q]);
  if (simd === null) return false;
  const [image, padded, dy, dw] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
  dw.fill(0);
  dy.fill(0, Ot * OH * OWp); // the zero channels that make O a multiple of 4
  for (let n = 0; n < N; n++) {
    image.set(v.x.subarray(n * C * H * W, (n + 1) * C * H * W));
    padded.fill(0);
    simd.direct.pad(image, padded, C, H, W, pt, pl, Hp, sw, Wq);
    const from = (n * O + p.o0) * P;
    dy.set(v.dy.subarray(from, from + Ot * P));
    if (OWp !== OW) simd.direct.expand(dy, Ot * OH, OW, OWp);
    simd.direct.filter(padded, dy, dw, C, KH, KW, O4, OH, OWp, Hp, sh, sw, Wq);
  }
  if (p.transposed) v.out.set(dw.subarray(0, Ot * Q)); //                             rows [Ot, C, KH, KW] of dW
  else channelsFirst(dw, v.out, Ot, Q); //                                             [Ot, Q] → tfjs's [C, KH, KW, Ot]
  return true;
}

/** The filter gradient's running sum, per thread. */
const filterScratchOf = scratchFloats();

/**
 * The filter gradient of a 1×1 conv without padding as conv-nchw.wat's `pointwise`, summed image
 * by image: dW [Ot, C] += dY [Ot, P] · x_s [P, C], x_s being the pixels the conv read, one row of
 * C channels (rounded up to 8) per pixel. False when the arrays would not fit (tfjs's product runs
 * then: `pointwiseFilterGradient`).
 */
function pointwiseFilterGradientSimd(p: ConvFilterParams, v: { readonly x: Float32Array; readonly dy: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const Ot = p.o1 - p.o0;
  const O4 = Math.ceil(Ot / 4) * 4;
  const C8 = Math.ceil(C / 8) * 8;
  const P = OH * OW;
  const simd = directConvArrays([P * C8, O4 * P, O4 * C8]);
  if (simd === null) return false;
  const [xs, dy, dw] = simd.arrays as [Float32Array, Float32Array, Float32Array];
  xs.fill(0); //                                                            the columns from C to C8
  dy.fill(0, Ot * P); //                                                    the rows from Ot to O4
  dw.fill(0); //                                                            every image adds to it
  const x = v.x;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * H * W;
      let d = c;
      for (let i = 0; i < OH; i++) {
        let s = plane + i * sh * W;
        for (let j = 0; j < OW; j++, s += sw, d += C8) xs[d] = x[s]!;
      }
    }
    dy.set(v.dy.subarray((n * O + p.o0) * P, (n * O + p.o1) * P));
    simd.direct.pointwise(xs, dy, null, dw, P, O4, C8, false, true);
  }
  if (C8 !== C) simd.direct.compact(dw, Ot, C, C8);
  if (p.transposed) v.out.set(dw.subarray(0, Ot * C)); //                             rows [Ot, C] of dW
  else channelsFirst(dw, v.out, Ot, C); //                                             [Ot, C] → tfjs's [C, 1, 1, Ot]
  return true;
}

/**
 * The filter gradient of a 1×1 conv without padding (any stride) is one matrix product:
 *   dW[o, c] = Σ_{n, i, j} dY[n, o, i, j] · x[n, c, i·sh, j·sw]  =  (dY as [Ot, N·P]) · (x_s as [N·P, C])
 * with x_s the pixels the conv read, in NHWC order (the same copy the forward makes). XNNPACK
 * packs its right operand on every call, so x_s (C columns) goes there rather than dY (O ≥ C
 * columns in ResNet's downsamples); the correlation used for other kernels would pack dY whole.
 */
function pointwiseFilterGradient(tf: Tf, p: ConvFilterParams, v: { readonly x: Float32Array; readonly dy: Float32Array; readonly out: Float32Array }): void {
  const { N, C, H, W, O, OH, OW } = p.g;
  const P = OH * OW;
  const Ot = p.o1 - p.o0;
  tf.tidy(() => {
    // dY's channels [o0, o1), [N, Ot, P] → [Ot, N·P]: N·Ot contiguous runs of P
    const a = heapTensor(tf, [1, Ot, N * P], (heap) => {
      const dy = v.dy;
      for (let o = 0; o < Ot; o++) {
        for (let n = 0; n < N; n++) {
          const from = (n * O + p.o0 + o) * P;
          const to = (o * N + n) * P;
          for (let q = 0; q < P; q++) heap[to + q] = dy[from + q]!; // runs are short (16 floats in layer4): no subarray per run
        }
      }
    });
    const b = heapTensor(tf, [1, N * P, C], (heap) => nchwToNhwcStrided(v.x, heap, N, C, H, W, OH, OW, p.g.stride[0], p.g.stride[1]));
    const dW = tf.matMul(a as TF.Tensor3D, b as TF.Tensor3D); //                         [1, Ot, C]
    expectShape(dW, [1, Ot, C], 'conv2dBackpropFilter');
    const values = heapView(tf, dW);
    if (p.transposed) v.out.set(values); //                                           rows [Ot, C] of dW
    else channelsFirst(values, v.out, Ot, C); //                                      tfjs's [C, 1, 1, Ot]
  });
}
