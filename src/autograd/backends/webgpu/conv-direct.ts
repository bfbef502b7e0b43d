/**
 * conv-direct — convolution and its two gradients as plain WGSL loops, one thread per output
 * element, NCHW: for what tfjs-backend-webgpu does not do (grouped convolutions and their
 * input gradient), one input channel (an MNIST stem), and every filter gradient (tfjs's is the
 * same loop over channels-last tensors, so ours saves the transposes; linalg.ts).
 *
 *   y[n, o, i, j]   = Σ_{c, p, q} x[n, g·Cg + c, i·sh − pt + p·dh, j·sw − pl + q·dw] · w[o, c, p, q]
 *   dX[n, g·Cg + c, h, v] = Σ_{o ∈ group g, p, q} dY[n, o, i, j] · w[o, c, p, q],  where
 *                     i = (h + pt − p·dh)/sh and j = (v + pl − q·dw)/sw are whole and in range
 *   dW[o, c, p, q]  = Σ_{n, i, j} dY[n, o, i, j] · x[n, g·Cg + c, i·sh − pt + p·dh, j·sw − pl + q·dw]
 * with g the group of output channel o, Cg = C/groups input and Og = O/groups output channels per group.
 */
import type { Shape } from '../../shape.js';
import { type Tensor } from '../../tensor.js';
import { deviceArrayOf } from '../../tensor-storage.js';
import type { Conv2dAttrs } from '../types.js';
import { launch, MAIN_1D, PRELUDE, WORKGROUP } from './gpu.js';
import type { GpuArray } from './gpu-array.js';
import { emptyTensor, Operands } from './strided.js';

/** meta = [n, N, C, H, W, O, OH, OW, KH, KW, sh, sw, pt, pl, dh, dw, groups] */
const GEOMETRY = /* wgsl */ `
  let N = i32(args[1]); let C = i32(args[2]); let H = i32(args[3]); let W = i32(args[4]);
  let O = i32(args[5]); let OH = i32(args[6]); let OW = i32(args[7]); let KH = i32(args[8]); let KW = i32(args[9]);
  let sh = i32(args[10]); let sw = i32(args[11]); let pt = i32(args[12]); let pl = i32(args[13]);
  let dh = i32(args[14]); let dw = i32(args[15]); let G = i32(args[16]);
  let Cg = C / G; let Og = O / G;
  let k = i32(i);
`;

const head = (a: string, b: string) => `${PRELUDE}
@group(0) @binding(1) var<storage, read> ${a}: array<f32>;
@group(0) @binding(2) var<storage, read> ${b}: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
${MAIN_1D}${GEOMETRY}`;

const FORWARD = `${head('x', 'w')}
  let j = k % OW; let ii = (k / OW) % OH; let o = (k / (OW * OH)) % O; let n = k / (OW * OH * O);
  let g = o / Og;
  var acc = 0.0;
  for (var c = 0; c < Cg; c++) {
    for (var p = 0; p < KH; p++) {
      let h = ii * sh - pt + p * dh;
      if (h < 0 || h >= H) { continue; }
      for (var q = 0; q < KW; q++) {
        let v = j * sw - pl + q * dw;
        if (v < 0 || v >= W) { continue; }
        acc += x[((n * C + g * Cg + c) * H + h) * W + v] * w[((o * Cg + c) * KH + p) * KW + q];
      }
    }
  }
  out[i] = acc;
}`;

const INPUT = `${head('dy', 'w')}
  let v = k % W; let h = (k / W) % H; let ci = (k / (W * H)) % C; let n = k / (W * H * C);
  let g = ci / Cg; let c = ci % Cg;
  var acc = 0.0;
  for (var o = g * Og; o < (g + 1) * Og; o++) {
    for (var p = 0; p < KH; p++) {
      let a = h + pt - p * dh;
      if (a < 0 || a % sh != 0 || a / sh >= OH) { continue; }
      for (var q = 0; q < KW; q++) {
        let b = v + pl - q * dw;
        if (b < 0 || b % sw != 0 || b / sw >= OW) { continue; }
        acc += dy[((n * O + o) * OH + a / sh) * OW + b / sw] * w[((o * Cg + c) * KH + p) * KW + q];
      }
    }
  }
  out[i] = acc;
}`;

const FILTER = `${head('x', 'dy')}
  let q = k % KW; let p = (k / KW) % KH; let c = (k / (KW * KH)) % Cg; let o = k / (KW * KH * Cg);
  let g = o / Og;
  var acc = 0.0;
  for (var n = 0; n < N; n++) {
    for (var ii = 0; ii < OH; ii++) {
      let h = ii * sh - pt + p * dh;
      if (h < 0 || h >= H) { continue; }
      for (var j = 0; j < OW; j++) {
        let v = j * sw - pl + q * dw;
        if (v < 0 || v >= W) { continue; }
        acc += dy[((n * O + o) * OH + ii) * OW + j] * x[((n * C + g * Cg + c) * H + h) * W + v];
      }
    }
  }
  out[i] = acc;
}`;

function run(source: string, a: Tensor, b: Tensor, shape: Shape, geometry: readonly number[], what: string): Tensor {
  const out = emptyTensor(shape, 'float32');
  if (out.numel() === 0) return out;
  const ops = new Operands();
  launch({ source, meta: [out.numel(), ...geometry], inputs: [ops.buffer(a, what), ops.buffer(b, what)], outputs: [(deviceArrayOf(out) as GpuArray).buffer(what)], groups: Math.ceil(out.numel() / WORKGROUP) });
  ops.done();
  return out;
}

const geometryOf = (x: Shape, w: Shape, y: Shape, a: Conv2dAttrs): number[] => [
  x[0]!, x[1]!, x[2]!, x[3]!, w[0]!, y[2]!, y[3]!, w[2]!, w[3]!, ...a.stride, a.padding.top, a.padding.left, ...a.dilation, a.groups,
];

export function conv2dDirect(x: Tensor, w: Tensor, yShape: Shape, attrs: Conv2dAttrs): Tensor {
  return run(FORWARD, x, w, yShape, geometryOf(x.shape, w.shape, yShape, attrs), 'conv2d');
}

export function conv2dInputDirect(dy: Tensor, w: Tensor, xShape: Shape, attrs: Conv2dAttrs): Tensor {
  return run(INPUT, dy, w, xShape, geometryOf(xShape, w.shape, dy.shape, attrs), 'conv2dBackpropInput');
}

export function conv2dFilterDirect(x: Tensor, dy: Tensor, wShape: Shape, attrs: Conv2dAttrs): Tensor {
  return run(FILTER, x, dy, wShape, geometryOf(x.shape, wShape, dy.shape, attrs), 'conv2dBackpropFilter');
}
