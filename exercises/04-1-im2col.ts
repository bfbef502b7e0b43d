/**
 * Exercise 4.1 — im2col with stride and padding (docs/course/04-convolutions.md, §2).
 *
 * For x [N, C, H, W], a KH × KW kernel, stride s and zero padding p on every side:
 *   OH = ⌊(H + 2p − KH) / s⌋ + 1,   OW = ⌊(W + 2p − KW) / s⌋ + 1
 * and row (n, i, j) of the result holds the window x[n, :, i·s − p + a, j·s − p + b] for
 * a < KH, b < KW, ordered (c, a, b) — the order of w.reshape([O, C·KH·KW]). Use differentiable
 * ops only (`pad`, `slice` with a step, `stack`, `reshape`, `transpose`), so the convolution
 * built on it gets its gradient for free. docs/course/code/04-im2col.ts is the stride-1 version.
 *
 * Check your work: npm run exercise -- 4
 */
import { pad, stack, type Tensor } from '../src/index.js'; // what you will need

export interface WindowOptions {
  readonly stride?: number; //  default 1
  readonly padding?: number; // default 0
}

/** Every window of x as a row: [N·OH·OW, C·KH·KW]. */
export function im2col(x: Tensor, kh: number, kw: number, options: WindowOptions = {}): Tensor {
  throw new Error('not implemented yet: im2col — pad x (pad(x, [p, p, p, p])), take one strided slice per tap (a, b): rows a, a + s, …, a + s·(OH − 1); stack them on axis 2, then reshape and transpose to [N·OH·OW, C·KH·KW]');
}

/** conv2d(x, w, null, { stride, padding }) as im2col and one matmul: [N, O, OH, OW]. */
export function conv2dByMatmul(x: Tensor, w: Tensor, options: WindowOptions = {}): Tensor {
  throw new Error('not implemented yet: conv2dByMatmul — im2col(x) · w.reshape([O, C·KH·KW])ᵀ gives [N·OH·OW, O]; reshape to [N, OH, OW, O] and permute to [N, O, OH, OW]');
}
