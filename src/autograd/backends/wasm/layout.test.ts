import { describe, expect, test } from 'vitest';
import { seededRandom } from '../../random.js';
import { heapKernels } from './simd/modules.js';
import type { ConvGeometry } from '../../conv-geometry.js';
import { splitRange } from './plan.js';
import { dyChannelsByPixel, dyPixelsByChannel, dyPixelsByChannelSimd, im2colT, im2colTSimd, nchwToNhwc, nchwToNhwcStrided, nhwcToNchw, pixelBlocks, transposeInto, type PixelBlock } from './layout.js';

/** dst[dOff + b·dBatch + j·dRow + i] = src[sOff + b·sBatch + i·sRow + j·sCol], one element at a time. */
function reference(
  src: Float32Array, sOff: number, sBatch: number, sRow: number, sCol: number,
  dst: Float32Array, dOff: number, dBatch: number, dRow: number, batch: number, rows: number, cols: number,
): void {
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) dst[dOff + b * dBatch + j * dRow + i] = src[sOff + b * sBatch + i * sRow + j * sCol]!;
    }
  }
}

describe('transposeInto', () => {
  // rows and cols around the tile (32) and the 4-column step, source contiguous along j or not,
  // offsets, and destinations with room between rows
  const cases = [
    { batch: 1, rows: 1, cols: 1, sCol: 1 },
    { batch: 2, rows: 3, cols: 5, sCol: 1 },
    { batch: 3, rows: 33, cols: 7, sCol: 1 },
    { batch: 1, rows: 64, cols: 1024, sCol: 1 },
    { batch: 2, rows: 31, cols: 66, sCol: 1 },
    { batch: 2, rows: 5, cols: 9, sCol: 3 },
    { batch: 1, rows: 40, cols: 35, sCol: 2 },
  ];
  test.each(cases)('%o matches the element-by-element definition', ({ batch, rows, cols, sCol }) => {
    const random = seededRandom(rows * 1000 + cols);
    const sRow = sCol === 1 ? cols + 2 : 1;
    const sBatch = rows * sRow * sCol + 5;
    const sOff = 3;
    const src = Float32Array.from({ length: sOff + batch * sBatch + rows * cols * sCol * 2 + 64 }, () => random());
    const dRow = rows + 1;
    const dBatch = cols * dRow + 2;
    const dOff = 4;
    const size = dOff + batch * dBatch + 8;
    const got = new Float32Array(size).fill(-1);
    const want = new Float32Array(size).fill(-1);
    transposeInto(src, sOff, sBatch, sRow, sCol, got, dOff, dBatch, dRow, batch, rows, cols);
    reference(src, sOff, sBatch, sRow, sCol, want, dOff, dBatch, dRow, batch, rows, cols);
    expect(Array.from(got)).toEqual(Array.from(want)); // untouched padding included
  });

  test('NCHW → NHWC → NCHW is the identity', () => {
    const [N, C, P] = [2, 5, 13];
    const x = Float32Array.from({ length: N * C * P }, (_, i) => i);
    const nhwc = new Float32Array(x.length);
    nchwToNhwc(x, nhwc, N, C, P);
    expect(nhwc[(1 * P + 4) * C + 3]).toBe(x[(1 * C + 3) * P + 4]);
    const back = new Float32Array(x.length);
    nhwcToNchw(nhwc, back, N, P, C, C * P);
    expect(Array.from(back)).toEqual(Array.from(x));
  });

  test.each([[2, 5, 9, 7, 3, 2], [1, 8, 4, 4, 2, 2], [3, 3, 5, 6, 1, 4]])('nchwToNhwcStrided [%i, %i, %i, %i] stride (%i, %i) picks dst[n, i, j, c] = src[n, c, i·sh, j·sw]', (N, C, H, W, sh, sw) => {
    const OH = Math.floor((H - 1) / sh) + 1;
    const OW = Math.floor((W - 1) / sw) + 1;
    const x = Float32Array.from({ length: N * C * H * W }, (_, i) => i);
    const got = new Float32Array(N * OH * OW * C).fill(-1);
    nchwToNhwcStrided(x, got, N, C, H, W, OH, OW, sh, sw);
    const want: number[] = [];
    for (let n = 0; n < N; n++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) for (let c = 0; c < C; c++) want.push(x[((n * C + c) * H + i * sh) * W + j * sw]!);
    expect(Array.from(got)).toEqual(want);
  });

  test('splitRange gives near-equal contiguous parts covering the range', () => {
    expect(splitRange(10, 3)).toEqual([[0, 4], [4, 7], [7, 10]]);
    expect(splitRange(2, 2)).toEqual([[0, 1], [1, 2]]);
  });
});

describe('the filter gradient\'s operands', () => {
  const out = (size: number, pad: number, kernel: number, stride: number, dilation: number): number => Math.floor((size + pad - dilation * (kernel - 1) - 1) / stride) + 1;
  const geometry = (N: number, C: number, H: number, W: number, KH: number, KW: number, stride: [number, number], pads: [number, number, number, number], dilation: [number, number]): ConvGeometry => ({
    N, C, H, W, O: 3, KH, KW, stride, pads, dilation, groups: 1,
    OH: out(H, pads[0] + pads[1], KH, stride[0], dilation[0]), OW: out(W, pads[2] + pads[3], KW, stride[1], dilation[1]),
  });
  // 'same' stride 1 (the block copy), strides, dilation, asymmetric and oversized padding; whole
  // images and row ranges of one image
  const cases: { g: ConvGeometry; block: (g: ConvGeometry) => PixelBlock }[] = [
    { g: geometry(3, 2, 6, 7, 3, 3, [1, 1], [1, 1, 1, 1], [1, 1]), block: (g) => ({ n0: 1, n1: 3, i0: 0, i1: g.OH }) },
    { g: geometry(2, 2, 6, 7, 3, 3, [1, 1], [1, 1, 1, 1], [1, 1]), block: () => ({ n0: 1, n1: 2, i0: 2, i1: 5 }) },
    { g: geometry(2, 3, 9, 8, 3, 3, [2, 2], [1, 1, 1, 1], [1, 1]), block: (g) => ({ n0: 0, n1: 2, i0: 0, i1: g.OH }) },
    { g: geometry(1, 2, 9, 9, 3, 3, [1, 1], [2, 2, 2, 2], [2, 2]), block: (g) => ({ n0: 0, n1: 1, i0: 1, i1: g.OH }) },
    { g: geometry(2, 1, 5, 6, 4, 2, [1, 1], [1, 2, 0, 1], [1, 1]), block: (g) => ({ n0: 0, n1: 2, i0: 0, i1: g.OH }) },
    { g: geometry(1, 2, 4, 4, 1, 1, [1, 1], [2, 1, 1, 2], [1, 1]), block: (g) => ({ n0: 0, n1: 1, i0: 0, i1: g.OH }) },
    { g: geometry(1, 1, 10, 11, 3, 2, [3, 3], [0, 0, 0, 0], [1, 1]), block: () => ({ n0: 0, n1: 1, i0: 1, i1: 3 }) },
  ];
  test.each(cases)('im2colT and dY blocks match their definitions ($g.N×$g.C×$g.H×$g.W, kernel $g.KH×$g.KW, stride $g.stride, pads $g.pads)', ({ g, block: of }) => {
    const block = of(g);
    const { N, C, H, W, O, KH, KW, OH, OW } = g;
    const x = Float32Array.from({ length: N * C * H * W }, (_, i) => i + 1);
    const pixels: [number, number, number][] = [];
    for (let n = block.n0; n < block.n1; n++) for (let i = block.i0; i < block.i1; i++) for (let j = 0; j < OW; j++) pixels.push([n, i, j]);
    const K = pixels.length;
    const got = new Float32Array(C * KH * KW * K).fill(-1);
    im2colT(x, got, g, block);
    const want: number[] = [];
    for (let c = 0; c < C; c++) {
      for (let a = 0; a < KH; a++) {
        for (let b = 0; b < KW; b++) {
          for (const [n, i, j] of pixels) {
            const y = i * g.stride[0] - g.pads[0] + a * g.dilation[0];
            const z = j * g.stride[1] - g.pads[2] + b * g.dilation[1];
            want.push(y >= 0 && y < H && z >= 0 && z < W ? x[((n * C + c) * H + y) * W + z]! : 0);
          }
        }
      }
    }
    expect(Array.from(got)).toEqual(want);

    const dy = Float32Array.from({ length: N * O * OH * OW }, (_, i) => i + 1);
    const [o0, Ot] = [1, 2];
    const at = (n: number, o: number, i: number, j: number): number => dy[((n * O + o0 + o) * OH + i) * OW + j]!;
    const byChannel = new Float32Array(K * Ot);
    dyPixelsByChannel(dy, byChannel, g, o0, Ot, block);
    expect(Array.from(byChannel)).toEqual(pixels.flatMap(([n, i, j]) => Array.from({ length: Ot }, (_, o) => at(n, o, i, j))));
    const byPixel = new Float32Array(K * Ot);
    dyChannelsByPixel(dy, byPixel, g, o0, Ot, block);
    expect(Array.from(byPixel)).toEqual(Array.from({ length: Ot }, (_, o) => pixels.map(([n, i, j]) => at(n, o, i, j))).flat());
  });

  test.each(cases)('their SIMD versions (col2im.wat, conv-nchw.wat) give the same blocks ($g.N×$g.C×$g.H×$g.W, kernel $g.KH×$g.KW, stride $g.stride, pads $g.pads)', ({ g, block: of }) => {
    const block = of(g);
    const { N, C, H, W, O, KH, KW, OH, OW } = g;
    const K = (block.n1 - block.n0) * (block.i1 - block.i0) * OW;
    const [o0, Ot] = [1, 2];
    // the kernels on a memory of their own, as shares.ts runs them on tfjs's heap
    const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => Parameters<typeof heapKernels>[0] } }).WebAssembly;
    const memory = new Memory({ initial: 4 });
    const kernels = heapKernels(memory);
    let offset = 16;
    const view = (length: number): Float32Array => {
      const v = new Float32Array(memory.buffer, offset, length);
      offset += Math.ceil(length / 4) * 16;
      return v;
    };
    const x = Float32Array.from({ length: N * C * H * W }, (_, i) => i + 1);
    const want = new Float32Array(C * KH * KW * K);
    im2colT(x, want, g, block);
    const [xs, got] = [view(x.length), view(want.length).fill(-1)];
    xs.set(x);
    im2colTSimd(kernels, xs, got, g, block);
    expect(Array.from(got)).toEqual(Array.from(want));

    const dy = Float32Array.from({ length: N * O * OH * OW }, (_, i) => i + 1);
    const byChannel = new Float32Array(K * Ot);
    dyPixelsByChannel(dy, byChannel, g, o0, Ot, block);
    const [channels, gotByChannel] = [view(N * Ot * OH * OW), view(K * Ot).fill(-1)];
    for (let n = 0; n < N; n++) channels.set(dy.subarray((n * O + o0) * OH * OW, (n * O + o0 + Ot) * OH * OW), n * Ot * OH * OW);
    dyPixelsByChannelSimd(kernels, channels, gotByChannel, g, Ot, block);
    expect(Array.from(gotByChannel)).toEqual(Array.from(byChannel));
  });

  test.each([[10, 15], [40, 3], [100, 1], [3, 15]])('pixelBlocks of about %i pixels cover every output pixel once, in order (%i blocks)', (pixels, count) => {
    const g = geometry(3, 1, 5, 7, 1, 1, [1, 1], [0, 0, 0, 0], [1, 1]); // N 3, OH 5, OW 7: 35 pixels an image
    const blocks = pixelBlocks(g, pixels);
    expect(blocks).toHaveLength(count);
    const seen: string[] = [];
    for (const { n0, n1, i0, i1 } of blocks) {
      expect(n1 - n0 === 1 || (i0 === 0 && i1 === g.OH)).toBe(true); // rows of one image, or whole images
      expect((n1 - n0) * (i1 - i0) * g.OW).toBeLessThanOrEqual(Math.max(g.OW, 2 * pixels));
      for (let n = n0; n < n1; n++) for (let i = i0; i < i1; i++) for (let j = 0; j < g.OW; j++) seen.push(`${n},${i},${j}`);
    }
    const all: string[] = [];
    for (let n = 0; n < 3; n++) for (let i = 0; i < 5; i++) for (let j = 0; j < 7; j++) all.push(`${n},${i},${j}`);
    expect(seen).toEqual(all);
  });
});
