/**
 * Exercise 4.2 — the gradients of a convolution, as convolutions (docs/course/04-convolutions.md, §3).
 *
 * For y = conv2d(x, w, null, { padding: p }) with stride 1, x [N, C, H, W], w [O, C, KH, KW],
 * and dY = ∂L/∂y [N, O, OH, OW]:
 *   dX = conv2d(dY, w′) with w′ = w flipped along both spatial axes and with axes 0 and 1
 *        swapped ([C, O, KH, KW]), padding (KH − 1 − p, KW − 1 − p)
 *   dW = conv2d(xᵀ, dYᵀ) with padding p, then its axes 0 and 1 swapped back, where ᵀ swaps the
 *        batch and channel axes (xᵀ [C, N, H, W], dYᵀ [O, N, OH, OW])
 * Write each as one conv2d call plus the rearrangements. To flip an axis, index it with a
 * reversed arange: t.indexSelect(axis, arange(size − 1, -1, -1)).
 *
 * Check your work: npm run exercise -- 4
 */
import { arange, conv2d, type Tensor } from '../src/index.js'; // what you will need

/** ∂L/∂x of a stride-1 conv2d with the given padding. */
export function convInputGradient(dY: Tensor, w: Tensor, padding: number): Tensor {
  throw new Error('not implemented yet: convInputGradient — flip w along axes 2 and 3, swap axes 0 and 1, then conv2d(dY, that, null, { padding: [KH − 1 − p, KW − 1 − p] })');
}

/** ∂L/∂w of a stride-1 conv2d with the given padding. */
export function convFilterGradient(x: Tensor, dY: Tensor, padding: number): Tensor {
  throw new Error('not implemented yet: convFilterGradient — conv2d(x.transpose(0, 1), dY.transpose(0, 1), null, { padding }) gives [C, O, KH, KW]; transpose(0, 1) it back to [O, C, KH, KW]');
}
