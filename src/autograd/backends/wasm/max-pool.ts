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
  for (let i = 0; i < xs.length; i++) if (xs[i] !== xs[i]) return true;
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
