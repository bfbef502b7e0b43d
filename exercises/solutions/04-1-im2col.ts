/** Reference solution of exercise 4.1 (exercises/04-1-im2col.ts). */
import { pad, stack, type Tensor } from '../../src/index.js';

export interface WindowOptions {
  readonly stride?: number;
  readonly padding?: number;
}

export function im2col(x: Tensor, kh: number, kw: number, options: WindowOptions = {}): Tensor {
  const { stride: s = 1, padding: p = 0 } = options;
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const oh = Math.floor((h + 2 * p - kh) / s) + 1;
  const ow = Math.floor((w + 2 * p - kw) / s) + 1;
  const padded = p > 0 ? pad(x, [p, p, p, p]) : x; // last axis first, as F.pad
  const taps: Tensor[] = [];
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      // tap (a, b) of every window: rows a, a + s, …; columns b, b + s, …
      taps.push(padded.slice([null, null, { start: a, stop: a + s * (oh - 1) + 1, step: s }, { start: b, stop: b + s * (ow - 1) + 1, step: s }]));
    }
  }
  return stack(taps, 2) //                  [N, C, KH·KW, OH, OW]
    .reshape([n, c * kh * kw, oh * ow]) //   [N, C·KH·KW, OH·OW]
    .transpose(1, 2) //                      [N, OH·OW, C·KH·KW]
    .reshape([n * oh * ow, c * kh * kw]);
}

export function conv2dByMatmul(x: Tensor, w: Tensor, options: WindowOptions = {}): Tensor {
  const { stride: s = 1, padding: p = 0 } = options;
  const [n, , h, wIn] = x.shape as [number, number, number, number];
  const [o, c, kh, kw] = w.shape as [number, number, number, number];
  const oh = Math.floor((h + 2 * p - kh) / s) + 1;
  const ow = Math.floor((wIn + 2 * p - kw) / s) + 1;
  const y = im2col(x, kh, kw, options).matmul(w.reshape([o, c * kh * kw]).transpose()); // [N·OH·OW, O]
  return y.reshape([n, oh, ow, o]).permute([0, 3, 1, 2]);
}
