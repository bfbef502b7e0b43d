/**
 * layout — the copies that turn Sapling's layouts into tfjs's and back, on bare Float32Arrays.
 *
 * Every layout change the wasm kernels need (NCHW ↔ NHWC, [O, C, KH, KW] → [KH, KW, C, O], the
 * batch moved to the channel axis for the filter gradient, …) is a batch of 2-D transposes, so
 * one tiled routine does them all. It takes raw arrays, offsets and strides rather than tensors:
 * the same code runs on the main thread and inside the worker threads, which load no Tensor
 * (import-cycles.test.ts checks what a worker loads).
 */
import type { ConvGeometry } from '../../conv-geometry.js';
import type { ConvKernels } from './simd/modules.js';

const TILE = 32;

/**
 * A batch of tiled 2-D transposes with arbitrary source strides:
 *   dst[dOff + b·dBatch + j·dRow + i] = src[sOff + b·sBatch + i·sRow + j·sCol]
 * for b < batch, i < rows, j < cols. The destination is written along i (contiguous), the
 * source read along i with stride sRow.
 *
 * When the source is contiguous along j (sCol = 1, every layout change but the filters'), each
 * pass over a band of 32 rows reads 4 neighbouring values from every row and writes them to 4
 * destination rows. Reading whole 32 × 32 tiles column by column instead is 2× slower on NCHW
 * activations: their rows are often a power of two floats apart (32×32 images: 4 KB), so the
 * 32 rows of a tile compete for the same few cache sets.
 */
export function transposeInto(
  src: Float32Array, sOff: number, sBatch: number, sRow: number, sCol: number,
  dst: Float32Array, dOff: number, dBatch: number, dRow: number,
  batch: number, rows: number, cols: number,
): void {
  if (sCol === 1) {
    transposeRowsOf4(src, sOff, sBatch, sRow, dst, dOff, dBatch, dRow, batch, rows, cols);
    return;
  }
  for (let b = 0; b < batch; b++) {
    const s0 = sOff + b * sBatch;
    const d0 = dOff + b * dBatch;
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(i0 + TILE, rows);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(j0 + TILE, cols);
        for (let j = j0; j < j1; j++) {
          const d = d0 + j * dRow;
          const s = s0 + j * sCol;
          for (let i = i0; i < i1; i++) dst[d + i] = src[s + i * sRow]!;
        }
      }
    }
  }
}

/** transposeInto for sCol = 1: bands of TILE rows, 4 columns at a time. */
function transposeRowsOf4(
  src: Float32Array, sOff: number, sBatch: number, sRow: number,
  dst: Float32Array, dOff: number, dBatch: number, dRow: number,
  batch: number, rows: number, cols: number,
): void {
  for (let b = 0; b < batch; b++) {
    const s0 = sOff + b * sBatch;
    const d0 = dOff + b * dBatch;
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(i0 + TILE, rows);
      let j = 0;
      for (; j + 3 < cols; j += 4) {
        const s = s0 + j;
        const d = d0 + j * dRow;
        for (let i = i0; i < i1; i++) {
          const si = s + i * sRow;
          dst[d + i] = src[si]!;
          dst[d + dRow + i] = src[si + 1]!;
          dst[d + 2 * dRow + i] = src[si + 2]!;
          dst[d + 3 * dRow + i] = src[si + 3]!;
        }
      }
      for (; j < cols; j++) {
        const s = s0 + j;
        const d = d0 + j * dRow;
        for (let i = i0; i < i1; i++) dst[d + i] = src[s + i * sRow]!;
      }
    }
  }
}

/** x [N, C, P] (P = H·W) → [N, P, C]: NCHW to NHWC. */
export function nchwToNhwc(src: Float32Array, dst: Float32Array, N: number, C: number, P: number): void {
  // i = c (contiguous in dst), j = p
  transposeInto(src, 0, C * P, P, 1, dst, 0, P * C, C, N, C, P);
}

/**
 * The pixels a 1×1 conv with stride (sh, sw) and no padding reads, NCHW → NHWC:
 * x [N, C, H, W] → [N, OH, OW, C] with dst[n, i, j, c] = src[n, c, i·sh, j·sw]. Such a conv is
 * then a stride-1 conv of the subsampled input, and only 1/(sh·sw) of x is moved.
 */
export function nchwToNhwcStrided(src: Float32Array, dst: Float32Array, N: number, C: number, H: number, W: number, OH: number, OW: number, sh: number, sw: number): void {
  // Four channel planes at a time, pixel by pixel: four read streams along rows, four
  // neighbouring values written per pixel (a channel-major walk would read 4 KB apart).
  const plane = H * W;
  for (let n = 0; n < N; n++) {
    let c = 0;
    for (; c < C; c += 4) {
      const lanes = Math.min(4, C - c);
      const s = (n * C + c) * plane;
      for (let i = 0; i < OH; i++) {
        const row = s + i * sh * W;
        let d = ((n * OH + i) * OW) * C + c;
        for (let j = 0; j < OW; j++, d += C) {
          const at = row + j * sw;
          if (lanes === 4) {
            dst[d] = src[at]!;
            dst[d + 1] = src[at + plane]!;
            dst[d + 2] = src[at + 2 * plane]!;
            dst[d + 3] = src[at + 3 * plane]!;
          } else {
            for (let l = 0; l < lanes; l++) dst[d + l] = src[at + l * plane]!;
          }
        }
      }
    }
  }
}

/**
 * y [N, P, Ot] (NHWC) → the channels [o0, o0 + Ot) of an NCHW array whose images are
 * `batchStride` floats apart: dst[n·batchStride + (o0 + o)·P + p] = src[(n·P + p)·Ot + o].
 */
export function nhwcToNchw(src: Float32Array, dst: Float32Array, N: number, P: number, Ot: number, batchStride: number, o0 = 0): void {
  // i = p (contiguous in dst), j = o
  transposeInto(src, 0, P * Ot, Ot, 1, dst, o0 * P, batchStride, P, N, P, Ot);
}

/**
 * Filters [O, C, T] (T = KH·KW taps) → [T, C, Ot] for the output channels [o0, o0 + Ot):
 * dst[(t·C + c)·Ot + o] = src[((o0 + o)·C + c)·T + t]. tfjs's filter layout is [KH, KW, C, O].
 */
export function oihwToHwio(src: Float32Array, dst: Float32Array, C: number, T: number, Ot: number, o0 = 0): void {
  // b = t, i = o (contiguous in dst), j = c
  transposeInto(src, o0 * C * T, 1, C * T, T, dst, 0, C * Ot, Ot, T, Ot, C);
}

/** [Q, Ot] → [Ot, Q]: the filter gradient from tfjs's [C, KH, KW, O] to Sapling's [O, C, KH, KW]. */
export function channelsFirst(src: Float32Array, dst: Float32Array, Q: number, Ot: number): void {
  // i = q (contiguous in dst), j = o
  transposeInto(src, 0, 0, Ot, 1, dst, 0, 0, Q, 1, Q, Ot);
}

/**
 * A block of output pixels of a conv: the output rows [i0, i1) of the images [n0, n1) (a block
 * holds either whole images, i0 = 0 and i1 = OH, or rows of one image).
 */
export interface PixelBlock {
  readonly n0: number;
  readonly n1: number;
  readonly i0: number;
  readonly i1: number;
}

/**
 * The output pixels of `g` cut into blocks of about `pixels` (at least one row each): whole
 * images while an image has fewer, else rows of one image. Every pixel is in exactly one block,
 * in (n, i, j) order.
 */
export function pixelBlocks(g: ConvGeometry, pixels: number): PixelBlock[] {
  const P = g.OH * g.OW;
  const blocks: PixelBlock[] = [];
  if (P >= pixels) {
    const rows = Math.max(1, Math.round(pixels / g.OW));
    for (let n = 0; n < g.N; n++) for (let i = 0; i < g.OH; i += rows) blocks.push({ n0: n, n1: n + 1, i0: i, i1: Math.min(g.OH, i + rows) });
  } else {
    const images = Math.max(1, Math.round(pixels / P));
    for (let n = 0; n < g.N; n += images) blocks.push({ n0: n, n1: Math.min(g.N, n + images), i0: 0, i1: g.OH });
  }
  return blocks;
}

/**
 * The patches the conv `g` reads for a block of output pixels, one row per filter tap: the
 * transpose of im2col, [C·KH·KW, pixels], with
 *   dst[(c·KH + a)·KW + b, pixel (n, i, j)] = x[n, c, i·sh − pt + a·dh, j·sw − pl + b·dw]
 * (0 where that falls in the padding), pixels in (n, i, j) order.
 * With stride 1 and OW = W (a 'same' conv) the in-bounds rows of one tap are one contiguous run
 * of x shifted by a constant, so they are copied as one block and the few columns that wrapped
 * around from the neighbouring row are zeroed after: 4× faster than pixel by pixel.
 */
export function im2colT(x: Float32Array, dst: Float32Array, g: ConvGeometry, { n0, n1, i0, i1 }: PixelBlock): void {
  const { C, H, W, KH, KW, OW } = g;
  const [sh, sw] = g.stride;
  const P = (i1 - i0) * OW; // pixels per image in the block
  const K = (n1 - n0) * P;
  const block = sh === 1 && sw === 1 && OW === W;
  for (let c = 0; c < C; c++) {
    for (let a = 0; a < KH; a++) {
      const { top, ilo, ihi } = tapRows(g, a, i0, i1);
      for (let b = 0; b < KW; b++) {
        const { left, jlo, jhi } = tapColumns(g, b);
        const row = ((c * KH + a) * KW + b) * K;
        for (let n = n0; n < n1; n++) {
          const plane = (n * C + c) * H * W;
          const out = row + (n - n0) * P - i0 * OW; // where output row i of image n starts
          dst.fill(0, out + i0 * OW, out + ilo * OW);
          dst.fill(0, out + ihi * OW, out + i1 * OW);
          if (ihi === ilo) continue;
          if (block) {
            const from = plane + (ilo + top) * W + jlo + left;
            const to = plane + (ihi - 1 + top) * W + jhi + left;
            dst.set(x.subarray(from, to), out + ilo * OW + jlo);
            if (jlo === 0 && jhi === OW) continue;
          }
          for (let i = ilo; i < ihi; i++) {
            const r = out + i * OW;
            for (let j = 0; j < jlo; j++) dst[r + j] = 0;
            for (let j = jhi; j < OW; j++) dst[r + j] = 0;
            if (block) continue;
            let s = plane + (i * sh + top) * W + jlo * sw + left;
            for (let j = jlo; j < jhi; j++, s += sw) dst[r + j] = x[s]!;
          }
        }
      }
    }
  }
}

/** Tap row a of g: its input row offset `top`, and the output rows [ilo, ihi) within [i0, i1) that read rows of x (the others read only padding). */
function tapRows(g: ConvGeometry, a: number, i0: number, i1: number): { top: number; ilo: number; ihi: number } {
  const top = a * g.dilation[0] - g.pads[0];
  const sh = g.stride[0];
  const ilo = Math.min(i1, Math.max(i0, Math.ceil(-top / sh)));
  return { top, ilo, ihi: Math.max(ilo, Math.min(i1, Math.floor((g.H - 1 - top) / sh) + 1)) };
}

/** Tap column b of g: its input column offset `left`, and the output columns [jlo, jhi) that read columns of x. */
function tapColumns(g: ConvGeometry, b: number): { left: number; jlo: number; jhi: number } {
  const left = b * g.dilation[1] - g.pads[2];
  const sw = g.stride[1];
  const jlo = Math.min(g.OW, Math.max(0, Math.ceil(-left / sw)));
  return { left, jlo, jhi: Math.max(jlo, Math.min(g.OW, Math.floor((g.W - 1 - left) / sw) + 1)) };
}

/**
 * im2colT in WebAssembly SIMD, `x` and `dst` views of the memory `kernels` run on (shares.ts:
 * tfjs's heap): each tap's rows, for every channel, image and output row of the block, are one
 * call of col2im.wat's `im2colTap`, with the same ranges as im2colT. In TypeScript the patches
 * cost 7 ns a float on CIFAR layer4's 4 × 4 planes, a subarray and a copy per row.
 */
export function im2colTSimd(kernels: ConvKernels, x: Float32Array, dst: Float32Array, g: ConvGeometry, { n0, n1, i0, i1 }: PixelBlock): void {
  const { C, H, W, KH, KW, OW } = g;
  const [sh, sw] = g.stride;
  const K = (n1 - n0) * (i1 - i0) * OW;
  const images = x.subarray(n0 * C * H * W, n1 * C * H * W);
  for (let a = 0; a < KH; a++) {
    const { top, ilo, ihi } = tapRows(g, a, i0, i1);
    for (let b = 0; b < KW; b++) {
      const { left, jlo, jhi } = tapColumns(g, b);
      kernels.im2colTap(
        images, dst.subarray((a * KW + b) * K), C, H * W, n1 - n0, i1 - i0, OW,
        ilo - i0, ihi - i0, jlo, jhi, (i0 * sh + top) * W + left, sh * W, sw, KH * KW * K,
      );
    }
  }
}

/**
 * dY's channels [o0, o0 + Ot) at a block of output pixels, two ways round:
 *   pixelsByChannel: [pixels, Ot] (dst[k·Ot + o] = dY[n, o0 + o, i, j], k the pixel (n, i, j));
 *   channelsByPixel: [Ot, pixels].
 */
export function dyPixelsByChannel(dy: Float32Array, dst: Float32Array, g: ConvGeometry, o0: number, Ot: number, { n0, n1, i0, i1 }: PixelBlock): void {
  const P = g.OH * g.OW;
  const Pb = (i1 - i0) * g.OW;
  // b = n, i = o (contiguous in dst), j = pixel
  transposeInto(dy, (n0 * g.O + o0) * P + i0 * g.OW, g.O * P, P, 1, dst, 0, Pb * Ot, Ot, n1 - n0, Ot, Pb);
}

/**
 * dyPixelsByChannel in WebAssembly SIMD (conv-nchw.wat's `transpose`, one call per image), from
 * `dy` holding only dY's channels [o0, o0 + Ot), as [N, Ot, OH·OW], in the memory `kernels` run on.
 */
export function dyPixelsByChannelSimd(kernels: ConvKernels, dy: Float32Array, dst: Float32Array, g: ConvGeometry, Ot: number, { n0, n1, i0, i1 }: PixelBlock): void {
  const P = g.OH * g.OW;
  const Pb = (i1 - i0) * g.OW;
  for (let n = n0; n < n1; n++) kernels.direct.transpose(dy.subarray(n * Ot * P + i0 * g.OW), dst.subarray((n - n0) * Pb * Ot), Ot, Pb, P, Ot);
}

export function dyChannelsByPixel(dy: Float32Array, dst: Float32Array, g: ConvGeometry, o0: number, Ot: number, { n0, n1, i0, i1 }: PixelBlock): void {
  const P = g.OH * g.OW;
  const Pb = (i1 - i0) * g.OW;
  const K = (n1 - n0) * Pb;
  for (let o = 0; o < Ot; o++) {
    for (let n = n0; n < n1; n++) {
      const from = (n * g.O + o0 + o) * P + i0 * g.OW;
      dst.set(dy.subarray(from, from + Pb), o * K + (n - n0) * Pb);
    }
  }
}

/**
 * A grow-only scratch array: `scratch(n)` is a view of n floats of memory reused from call to
 * call (a fresh array of a few MB costs milliseconds of page faults on first touch). A view is
 * valid until the next call of the same scratch.
 */
export function scratchFloats(): (length: number) => Float32Array {
  let buffer = new Float32Array(0);
  return (length) => {
    if (buffer.length < length) buffer = new Float32Array(length);
    return buffer.subarray(0, length);
  };
}

/**
 * How conv-nchw.wat lays out one image of `g`: output rows of OWp pixels (OW rounded up to 8),
 * and the padded input as Hp rows of `stride` column phases of Wq floats, large enough that every
 * window of every computed pixel lies inside it and that it holds the image at (pt, pl).
 */
export function directLayout(g: ConvGeometry): { OWp: number; Hp: number; Wq: number } {
  const [sh, sw] = g.stride;
  const [pt, , pl] = g.pads;
  const OWp = Math.ceil(g.OW / 8) * 8;
  const Hp = Math.max((g.OH - 1) * sh + g.KH, pt + g.H);
  const Wq = Math.max(OWp + Math.floor((g.KW - 1) / sw), Math.floor((pl + g.W - 1) / sw) + 1);
  return { OWp, Hp, Wq };
}
