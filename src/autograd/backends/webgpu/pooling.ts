/**
 * pooling — max, average and adaptive average pooling over NCHW planes and their gradients, in
 * WGSL, one thread per output element, with cpu/pool.ts's exact rules (window (i, j) starts at
 * (i·sh − pt, j·sw − pl); max pads with −∞ and routes dy to the first arg-max, a NaN winning;
 * average divides by PyTorch's divisor; adaptive bins span [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉)).
 *
 * The gradients gather instead of scatter: dX[h, v] visits each window that covers (h, v) — for
 * tap (p, q) that is window ((h + pt − p·dh)/sh, (v + pl − q·dw)/sw) when both are whole and in
 * range — and adds that window's share (max: dy if (h, v) is its arg-max, found again by the same
 * scan as the forward). No two threads write one place, so no atomics and a fixed summation order.
 * When windows do not overlap (stride ≥ window, the usual 2×2 pool) the max pool's gradient
 * scatters instead: one thread per window writes its dy at its arg-max, into zeros.
 */
import { fmt, type Shape } from '../../shape.js';
import { convOutputSize } from '../../shape.js';
import { type Tensor } from '../../tensor.js';
import { deviceArrayOf } from '../../tensor-storage.js';
import type { Pool2dAttrs } from '../types.js';
import { launch, MAIN_1D, PRELUDE, WORKGROUP } from './gpu.js';
import type { GpuArray } from './gpu-array.js';
import { filled } from './movement.js';
import { emptyTensor, Operands } from './strided.js';

/** meta = [n, H, W, OH, OW, KH, KW, sh, sw, pt, pb, pl, pr, dh, dw, countIncludePad] */
const GEOMETRY = /* wgsl */ `
  let H = i32(args[1]); let W = i32(args[2]); let OH = i32(args[3]); let OW = i32(args[4]);
  let KH = i32(args[5]); let KW = i32(args[6]); let sh = i32(args[7]); let sw = i32(args[8]);
  let pt = i32(args[9]); let pb = i32(args[10]); let pl = i32(args[11]); let pr = i32(args[12]);
  let dh = i32(args[13]); let dw = i32(args[14]); let includePad = args[15] != 0u;
`;

const MAX_SCAN = /* wgsl */ `
/** The (first) arg-max of window (i, j) of plane 'base', as a flat index into x; -1 if it holds only padding. */
fn argmaxOf(base: i32, i: i32, j: i32, H: i32, W: i32, KH: i32, KW: i32, sh: i32, sw: i32, pt: i32, pl: i32, dh: i32, dw: i32) -> i32 {
  var best = -inf();
  var at = -1;
  for (var p = 0; p < KH; p++) {
    let h = i * sh - pt + p * dh;
    if (h < 0 || h >= H) { continue; }
    for (var q = 0; q < KW; q++) {
      let v = j * sw - pl + q * dw;
      if (v < 0 || v >= W) { continue; }
      let x0 = x[base + h * W + v];
      if (at < 0 || x0 > best || (isNan(x0) && !isNan(best))) { best = x0; at = base + h * W + v; }
    }
  }
  return at;
}
`;

const AVG_WINDOW = /* wgsl */ `
/** Window (i, j) clipped to the input as (h0, h1, w0, w1), and its divisor. */
fn avgWindow(i: i32, j: i32, H: i32, W: i32, KH: i32, KW: i32, sh: i32, sw: i32, pt: i32, pb: i32, pl: i32, pr: i32, includePad: bool) -> vec4<i32> {
  let hs = i * sh - pt; let he = min(hs + KH, H + pb);
  let ws = j * sw - pl; let we = min(ws + KW, W + pr);
  return vec4<i32>(max(hs, 0), min(he, H), max(ws, 0), min(we, W));
}
fn avgDivisor(i: i32, j: i32, H: i32, W: i32, KH: i32, KW: i32, sh: i32, sw: i32, pt: i32, pb: i32, pl: i32, pr: i32, includePad: bool) -> f32 {
  let hs = i * sh - pt; let he = min(hs + KH, H + pb);
  let ws = j * sw - pl; let we = min(ws + KW, W + pr);
  if (includePad) { return f32((he - hs) * (we - ws)); }
  return f32((min(he, H) - max(hs, 0)) * (min(we, W) - max(ws, 0)));
}
`;

const io = (inputs: readonly string[]) => `${PRELUDE}
${inputs.map((name, k) => `@group(0) @binding(${k + 1}) var<storage, read> ${name}: array<f32>;`).join('\n')}
@group(0) @binding(${inputs.length + 1}) var<storage, read_write> out: array<f32>;`;

const MAX_FORWARD = `${io(['x'])}${MAX_SCAN}${MAIN_1D}${GEOMETRY}
  let k = i32(i); let j = k % OW; let ii = (k / OW) % OH; let plane = k / (OW * OH);
  let at = argmaxOf(plane * H * W, ii, j, H, W, KH, KW, sh, sw, pt, pl, dh, dw);
  out[i] = select(x[max(at, 0)], -inf(), at < 0);
}`;

const MAX_BACKWARD = `${io(['x', 'dy'])}${MAX_SCAN}${MAIN_1D}${GEOMETRY}
  let k = i32(i); let v = k % W; let h = (k / W) % H; let plane = k / (W * H);
  var acc = 0.0;
  for (var p = 0; p < KH; p++) {
    let a = h + pt - p * dh;
    if (a < 0 || a % sh != 0 || a / sh >= OH) { continue; }
    for (var q = 0; q < KW; q++) {
      let b = v + pl - q * dw;
      if (b < 0 || b % sw != 0 || b / sw >= OW) { continue; }
      if (argmaxOf(plane * H * W, a / sh, b / sw, H, W, KH, KW, sh, sw, pt, pl, dh, dw) == k) { acc += dy[(plane * OH + a / sh) * OW + b / sw]; }
    }
  }
  out[i] = acc;
}`;

const MAX_SCATTER = `${io(['x', 'dy'])}${MAX_SCAN}${MAIN_1D}${GEOMETRY}
  let k = i32(i); let j = k % OW; let ii = (k / OW) % OH; let plane = k / (OW * OH);
  let at = argmaxOf(plane * H * W, ii, j, H, W, KH, KW, sh, sw, pt, pl, dh, dw);
  if (at >= 0) { out[at] = dy[i]; }
}`;

const AVG_FORWARD = `${io(['x'])}${AVG_WINDOW}${MAIN_1D}${GEOMETRY}
  let k = i32(i); let j = k % OW; let ii = (k / OW) % OH; let plane = k / (OW * OH);
  let r = avgWindow(ii, j, H, W, KH, KW, sh, sw, pt, pb, pl, pr, includePad);
  var s = 0.0;
  for (var h = r.x; h < r.y; h++) { for (var v = r.z; v < r.w; v++) { s += x[(plane * H + h) * W + v]; } }
  out[i] = s / avgDivisor(ii, j, H, W, KH, KW, sh, sw, pt, pb, pl, pr, includePad);
}`;

const AVG_BACKWARD = `${io(['dy'])}${AVG_WINDOW}${MAIN_1D}${GEOMETRY}
  let k = i32(i); let v = k % W; let h = (k / W) % H; let plane = k / (W * H);
  var acc = 0.0;
  for (var p = 0; p < KH; p++) {
    let a = h + pt - p;
    if (a < 0 || a % sh != 0 || a / sh >= OH) { continue; }
    for (var q = 0; q < KW; q++) {
      let b = v + pl - q;
      if (b < 0 || b % sw != 0 || b / sw >= OW) { continue; }
      let r = avgWindow(a / sh, b / sw, H, W, KH, KW, sh, sw, pt, pb, pl, pr, includePad);
      if (h >= r.x && h < r.y && v >= r.z && v < r.w) {
        acc += dy[(plane * OH + a / sh) * OW + b / sw] / avgDivisor(a / sh, b / sw, H, W, KH, KW, sh, sw, pt, pb, pl, pr, includePad);
      }
    }
  }
  out[i] = acc;
}`;

/** Adaptive bins: meta = [n, H, W, OH, OW]. */
const BINS = /* wgsl */ `
fn binStart(i: i32, size: i32, bins: i32) -> i32 { return (i * size) / bins; }
fn binEnd(i: i32, size: i32, bins: i32) -> i32 { return ((i + 1) * size + bins - 1) / bins; }
`;

const ADAPTIVE_FORWARD = `${io(['x'])}${BINS}${MAIN_1D}
  let H = i32(args[1]); let W = i32(args[2]); let OH = i32(args[3]); let OW = i32(args[4]);
  let k = i32(i); let j = k % OW; let ii = (k / OW) % OH; let plane = k / (OW * OH);
  let h0 = binStart(ii, H, OH); let h1 = binEnd(ii, H, OH); let w0 = binStart(j, W, OW); let w1 = binEnd(j, W, OW);
  var s = 0.0;
  for (var h = h0; h < h1; h++) { for (var v = w0; v < w1; v++) { s += x[(plane * H + h) * W + v]; } }
  out[i] = s / f32((h1 - h0) * (w1 - w0));
}`;

const ADAPTIVE_BACKWARD = `${io(['dy'])}${BINS}${MAIN_1D}
  let H = i32(args[1]); let W = i32(args[2]); let OH = i32(args[3]); let OW = i32(args[4]);
  let k = i32(i); let v = k % W; let h = (k / W) % H; let plane = k / (W * H);
  var acc = 0.0;
  for (var ii = 0; ii < OH; ii++) {
    let h0 = binStart(ii, H, OH); let h1 = binEnd(ii, H, OH);
    if (h < h0 || h >= h1) { continue; }
    for (var j = 0; j < OW; j++) {
      let w0 = binStart(j, W, OW); let w1 = binEnd(j, W, OW);
      if (v >= w0 && v < w1) { acc += dy[(plane * OH + ii) * OW + j] / f32((h1 - h0) * (w1 - w0)); }
    }
  }
  out[i] = acc;
}`;

function geometry(xShape: Shape, attrs: Pool2dAttrs, where: string): { OH: number; OW: number; meta: number[] } {
  if (xShape.length !== 4) throw new RangeError(`${where}: expected input [N,C,H,W], got ${fmt(xShape)}`);
  const [, , H, W] = xShape as readonly [number, number, number, number];
  const { kernel: [KH, KW], stride: [sh, sw], dilation: [dh, dw], padding: p } = attrs;
  const OH = convOutputSize(H, p.top, p.bottom, KH, sh, dh);
  const OW = convOutputSize(W, p.left, p.right, KW, sw, dw);
  if (OH < 1 || OW < 1) throw new RangeError(`${where}: the window does not fit in the padded input ${fmt(xShape)}`);
  return { OH, OW, meta: [H, W, OH, OW, KH, KW, sh, sw, p.top, p.bottom, p.left, p.right, dh, dw, attrs.countIncludePad ? 1 : 0] };
}

function run(source: string, inputs: readonly Tensor[], shape: Shape, meta: readonly number[], what: string): Tensor {
  const out = emptyTensor(shape, 'float32');
  if (out.numel() === 0) return out;
  const ops = new Operands();
  launch({ source, meta: [out.numel(), ...meta], inputs: inputs.map((t) => ops.buffer(t, what)), outputs: [(deviceArrayOf(out) as GpuArray).buffer(what)], groups: Math.ceil(out.numel() / WORKGROUP) });
  ops.done();
  return out;
}

function checkDy(dy: Tensor, expected: Shape, where: string): void {
  if (fmt(dy.shape) !== fmt(expected)) throw new RangeError(`${where}: dy ${fmt(dy.shape)} does not match the pooled shape ${fmt(expected)}`);
}

function checkNoDilation(attrs: Pool2dAttrs, where: string): void {
  if (attrs.dilation[0] !== 1 || attrs.dilation[1] !== 1) throw new RangeError(`${where}: average pooling has no dilation, got [${attrs.dilation.join(',')}]`);
}

export function maxPool2d(x: Tensor, attrs: Pool2dAttrs): Tensor {
  const { OH, OW, meta } = geometry(x.shape, attrs, 'maxPool2d');
  return run(MAX_FORWARD, [x], [x.shape[0]!, x.shape[1]!, OH, OW], meta, 'maxPool2d');
}

export function maxPool2dBackward(dy: Tensor, x: Tensor, attrs: Pool2dAttrs): Tensor {
  const { OH, OW, meta } = geometry(x.shape, attrs, 'maxPool2dBackward');
  checkDy(dy, [x.shape[0]!, x.shape[1]!, OH, OW], 'maxPool2dBackward');
  const { kernel: [KH, KW], stride: [sh, sw], dilation: [dh, dw] } = attrs;
  if (sh < KH || sw < KW || dh !== 1 || dw !== 1) return run(MAX_BACKWARD, [x, dy], x.shape, meta, 'maxPool2dBackward');
  // Windows that do not overlap (the usual 2×2, stride 2): each input element is in one window at
  // most, so one thread per *window* finds its arg-max once and writes dy there, into zeros.
  const dx = filled(x.shape, 0, 'float32');
  if (dy.numel() === 0) return dx;
  const ops = new Operands();
  launch({ source: MAX_SCATTER, meta: [dy.numel(), ...meta], inputs: [ops.buffer(x, 'maxPool2dBackward'), ops.buffer(dy, 'maxPool2dBackward')], outputs: [(deviceArrayOf(dx) as GpuArray).buffer('maxPool2dBackward')], groups: Math.ceil(dy.numel() / WORKGROUP) });
  ops.done();
  return dx;
}

export function avgPool2d(x: Tensor, attrs: Pool2dAttrs): Tensor {
  checkNoDilation(attrs, 'avgPool2d');
  const { OH, OW, meta } = geometry(x.shape, attrs, 'avgPool2d');
  return run(AVG_FORWARD, [x], [x.shape[0]!, x.shape[1]!, OH, OW], meta, 'avgPool2d');
}

export function avgPool2dBackward(dy: Tensor, xShape: Shape, attrs: Pool2dAttrs): Tensor {
  checkNoDilation(attrs, 'avgPool2dBackward');
  const { OH, OW, meta } = geometry(xShape, attrs, 'avgPool2dBackward');
  checkDy(dy, [xShape[0]!, xShape[1]!, OH, OW], 'avgPool2dBackward');
  return run(AVG_BACKWARD, [dy], xShape, meta, 'avgPool2dBackward');
}

function adaptiveCheck(xShape: Shape, outSize: readonly [number, number], where: string): void {
  if (xShape.length !== 4 || !(outSize[0] >= 1 && outSize[1] >= 1)) {
    throw new RangeError(`${where}: expected input [N,C,H,W] and an output size of at least 1x1, got ${fmt(xShape)} and [${outSize.join(',')}]`);
  }
}

export function adaptiveAvgPool2d(x: Tensor, outSize: readonly [number, number]): Tensor {
  adaptiveCheck(x.shape, outSize, 'adaptiveAvgPool2d');
  return run(ADAPTIVE_FORWARD, [x], [x.shape[0]!, x.shape[1]!, ...outSize], [x.shape[2]!, x.shape[3]!, ...outSize], 'adaptiveAvgPool2d');
}

export function adaptiveAvgPool2dBackward(dy: Tensor, xShape: Shape): Tensor {
  if (dy.shape.length !== 4) throw new RangeError(`adaptiveAvgPool2dBackward: expected dy [N,C,OH,OW], got ${fmt(dy.shape)}`);
  const outSize = [dy.shape[2]!, dy.shape[3]!] as const;
  adaptiveCheck(xShape, outSize, 'adaptiveAvgPool2dBackward');
  checkDy(dy, [xShape[0]!, xShape[1]!, ...outSize], 'adaptiveAvgPool2dBackward');
  return run(ADAPTIVE_BACKWARD, [dy], xShape, [xShape[2]!, xShape[3]!, ...outSize], 'adaptiveAvgPool2dBackward');
}
