/** Reference solution of exercise 4.2 (exercises/04-2-conv-gradients.ts). */
import { arange, conv2d, type Tensor } from '../../src/index.js';

const flip = (t: Tensor, axis: number): Tensor => t.indexSelect(axis, arange(t.shape[axis]! - 1, -1, -1));

export function convInputGradient(dY: Tensor, w: Tensor, padding: number): Tensor {
  const [, , kh, kw] = w.shape as [number, number, number, number];
  const wFlipped = flip(flip(w, 2), 3).transpose(0, 1); // [C, O, KH, KW]
  return conv2d(dY, wFlipped, null, { padding: [kh - 1 - padding, kw - 1 - padding] });
}

export function convFilterGradient(x: Tensor, dY: Tensor, padding: number): Tensor {
  // the batch plays the role of the channels: Σ_n x[n, c] ⋆ dY[n, o]
  return conv2d(x.transpose(0, 1), dY.transpose(0, 1), null, { padding }).transpose(0, 1);
}
