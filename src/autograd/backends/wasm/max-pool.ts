/**
 * max-pool — maxPool2d's forward on the wasm backend, through tfjs's MaxPool (XNNPACK; about 10×
 * the cpu loop on a ResNet-18 stem, transposes included). Dilated windows, windows that can hold
 * only padding, and inputs holding a NaN (XNNPACK's max drops NaN, PyTorch's propagates it) stay
 * on the cpu kernel, and so does the backward.
 */
import { allocate } from '../../dtype.js';
import { convOutputSize } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { cpuKernels as cpu } from '../cpu/index.js';
import type { Pool2dAttrs } from '../types.js';
import { f32, isF32, type Run } from './common.js';
import { ownShare } from './parallel.js';

function hasNaN(xs: Float32Array): boolean {
  // x − x is 0 for a finite x and NaN for a NaN or ±∞, so a branch-free sum (four, to overlap the
  // additions) clears the usual input at 0.5 ms per 800,000 values, against 0.9 for the compare
  // loop below, which runs only when the sum finds a NaN or an infinity.
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, i = 0;
  for (const n = xs.length - 3; i < n; i += 4) {
    s0 += xs[i]! - xs[i]!;
    s1 += xs[i + 1]! - xs[i + 1]!;
    s2 += xs[i + 2]! - xs[i + 2]!;
    s3 += xs[i + 3]! - xs[i + 3]!;
  }
  for (; i < xs.length; i++) s0 += xs[i]! - xs[i]!;
  if (s0 + s1 + s2 + s3 === 0) return false;
  for (i = 0; i < xs.length; i++) if (xs[i] !== xs[i]) return true;
  return false;
}

export function wasmMaxPool2d(run: Run): (x: Tensor, attrs: Pool2dAttrs) => Tensor {
  function maxPool2d(x: Tensor, attrs: Pool2dAttrs): Tensor {
    const { kernel: [KH, KW], stride, dilation, padding: p } = attrs;
    if (!isF32(x) || x.ndim !== 4 || dilation[0] !== 1 || dilation[1] !== 1 || 2 * Math.max(p.top, p.bottom) > KH || 2 * Math.max(p.left, p.right) > KW) return cpu.maxPool2d(x, attrs);
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const OH = convOutputSize(H, p.top, p.bottom, KH, stride[0], 1);
    const OW = convOutputSize(W, p.left, p.right, KW, stride[1], 1);
    const xs = f32(x);
    if (OH < 1 || OW < 1 || hasNaN(xs)) return cpu.maxPool2d(x, attrs);
    const out = allocate('float32', N * C * OH * OW);
    run([ownShare({ kind: 'maxPool', params: { N, C, H, W, OH, OW, kernel: [KH, KW], stride, pads: [p.top, p.bottom, p.left, p.right] }, views: { x: xs, out } })]);
    return new Tensor(out, [N, C, OH, OW]);
  }
  return maxPool2d;
}
