/**
 * Exercise 9.3 — a convolution as loops, direct and by im2col (docs/course/09-performance.md, §4).
 *
 * On plain Float32Arrays in row-major order: x [N, C, H, W], w [O, C, KH, KW], stride 1, zero
 * padding p on every side, so OH = H + 2p − KH + 1, OW = W + 2p − KW + 1 and
 *   y[n, o, i, j] = Σ_c Σ_a Σ_b w[o, c, a, b] · x[n, c, i + a − p, j + b − p]   (x = 0 outside)
 *   convDirect   the seven loops of that formula
 *   convIm2col   per image n: cols [K, P] with K = C·KH·KW rows ordered (c, a, b) and
 *                P = OH·OW columns, cols[(c·KH + a)·KW + b, i·OW + j] = x[n, c, i + a − p, j + b − p]
 *                (0 in the padding); then Y_n = W·cols with W = w as [O, K], in i-p-j order
 *                (for each o and k, add w[o, k] · row k of cols to row o of Y_n)
 * Both return y [N, O, OH, OW] as a Float32Array. The chapter's programs (code/09-conv.ts) are the
 * unpadded versions; the padding is the new part. RangeError when w's C differs from x's.
 *
 * Check your work: npm run exercise -- 9
 */

/** The sizes of x [N, C, H, W] and w [O, C, KH, KW], and the zero padding on every side. */
export interface ConvShape {
  readonly x: readonly [number, number, number, number];
  readonly w: readonly [number, number, number, number];
  readonly padding: number;
}

/** y [N, O, OH, OW] by the seven loops of the formula. */
export function convDirect(x: Float32Array, w: Float32Array, shape: ConvShape): Float32Array {
  throw new Error('not implemented yet: convDirect — loop n, o, i, j; sum over c, a, b of w[o, c, a, b] · x[n, c, i + a − p, j + b − p], skipping rows and columns outside the image');
}

/** y [N, O, OH, OW] by im2col and one matrix product per image. */
export function convIm2col(x: Float32Array, w: Float32Array, shape: ConvShape): Float32Array {
  throw new Error('not implemented yet: convIm2col — fill cols [C·KH·KW, OH·OW] for each image (0 in the padding), then y_n[o, :] += w[o, k] · cols[k, :] for every o and k');
}
