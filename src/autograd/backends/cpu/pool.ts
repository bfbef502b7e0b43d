/**
 * pool — max, average and adaptive average pooling over NCHW planes on the cpu, and their
 * gradients. Every (n, c) plane is pooled on its own; window (i, j) starts at
 * (i·sh − pt, j·sw − pl), so OH = ⌊(H + pt + pb − dh·(KH − 1) − 1) / sh⌋ + 1 as for conv2d.
 *
 * Max: y = max over the in-bounds window (padding is −∞). dX gets dy at each window's arg-max
 *   (the first in row-major order on ties; a NaN wins and propagates, as in PyTorch).
 * Average: y = (Σ in-bounds x) / divisor, PyTorch's rule: the window is clipped to the padded
 *   extent [−pt, H + pb) to give `poolSize`, then to the input [0, H); the divisor is poolSize
 *   with countIncludePad, else the number of real elements. dX spreads dy / divisor evenly over
 *   the window's real elements (the forward is linear, so this is its transpose).
 * Adaptive average: bin i spans rows [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉), so bins cover the input and may
 *   overlap by one row when OH does not divide H; the divisor is the bin's area.
 */
import { allocate, type DataArray } from '../../dtype.js';
import { convOutputSize, fmt, sizeOf, type Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';
import type { Pool2dAttrs } from '../types.js';

interface PoolGeometry {
  /** Number of (n, c) planes: N·C. */
  readonly planes: number;
  readonly H: number;
  readonly W: number;
  readonly OH: number;
  readonly OW: number;
}

function geometry(xShape: Shape, attrs: Pool2dAttrs, where: string): PoolGeometry {
  if (xShape.length !== 4) throw new RangeError(`${where}: expected input [N,C,H,W], got ${fmt(xShape)}`);
  const [N, C, H, W] = xShape as readonly [number, number, number, number];
  const { kernel: [KH, KW], stride: [sh, sw], dilation: [dh, dw], padding: pad } = attrs;
  const OH = convOutputSize(H, pad.top, pad.bottom, KH, sh, dh);
  const OW = convOutputSize(W, pad.left, pad.right, KW, sw, dw);
  if (OH < 1 || OW < 1) throw new RangeError(`${where}: the window does not fit in the padded input ${fmt(xShape)}`);
  return { planes: N * C, H, W, OH, OW };
}

function checkDy(dyShape: Shape, expected: Shape, where: string): void {
  if (fmt(dyShape) !== fmt(expected)) {
    throw new RangeError(`${where}: dy ${fmt(dyShape)} does not match the pooled shape ${fmt(expected)}`);
  }
}

/**
 * The taps of a window that land inside the input, for every output position along one axis:
 * window i covers input positions i·stride − pad + t·dilation for taps t in [lo[i], hi[i]).
 * Computing these ranges once per axis takes every bounds check out of the inner loops.
 */
function tapRanges(out: number, size: number, kernel: number, stride: number, pad: number, dilation: number): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  for (let i = 0; i < out; i++) {
    const first = i * stride - pad;
    lo[i] = first >= 0 ? 0 : Math.min(kernel, Math.ceil(-first / dilation));
    hi[i] = Math.max(lo[i]!, Math.min(kernel, Math.floor((size - 1 - first) / dilation) + 1));
  }
  return { lo, hi };
}

/**
 * Walks every window of a max pool in row-major order and writes, for window `out`, its maximum
 * to y[out] (when y is given) and to at[out] the index within its (n, c) plane, h·W + w, of its
 * (first) arg-max — a NaN wins, the first in-bounds element when all are −∞ — or −1 when the
 * window holds only padding (y then gets −∞). One loop, no callback: a loop that calls a
 * function per window cannot inline it once it has seen two, and ran several times slower.
 */
function scanMaxPool(x: DataArray, g: PoolGeometry, attrs: Pool2dAttrs, y: DataArray | null, at: Int32Array): void {
  const { planes, H, W, OH, OW } = g;
  const { kernel: [KH, KW], stride: [sh, sw], dilation: [dh, dw], padding: { top, left } } = attrs;
  if (x instanceof Float32Array && y instanceof Float32Array && top === 0 && left === 0 && dh === 1 && dw === 1) {
    if (KH === 2 && KW === 2) scanInside2x2F32(x, g, sh, sw, y, at);
    else scanInsideF32(x, g, KH, KW, sh, sw, y, at);
    return;
  }
  const rows = tapRanges(OH, H, KH, sh, top, dh);
  const cols = tapRanges(OW, W, KW, sw, left, dw);
  let out = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let i = 0; i < OH; i++) {
      const a0 = rows.lo[i]!;
      const a1 = rows.hi[i]!;
      const rowStart = (i * sh - top) * W; //                                   within the plane
      for (let j = 0; j < OW; j++, out++) {
        const b0 = cols.lo[j]!;
        const b1 = cols.hi[j]!;
        const colStart = j * sw - left;
        if (a0 >= a1 || b0 >= b1) {
          if (y !== null) y[out] = -Infinity;
          at[out] = -1;
          continue;
        }
        let bestIndex = rowStart + a0 * dh * W + colStart + b0 * dw;
        let best = x[base + bestIndex]!;
        for (let a = a0; a < a1; a++) {
          const row = rowStart + a * dh * W + colStart;
          for (let b = a === a0 ? b0 + 1 : b0; b < b1; b++) {
            const v = x[base + row + b * dw]!;
            if (v > best || v !== v) { // v !== v: a NaN wins, as in PyTorch
              best = v;
              bestIndex = row + b * dw;
            }
          }
        }
        if (y !== null) y[out] = best;
        at[out] = bestIndex;
      }
    }
  }
}

/**
 * scanMaxPool for float32 windows that lie inside the input (no padding before them, dilation 1:
 * a CNN's 2×2 pools): the same scan without tap ranges, in a loop that sees only float32 arrays,
 * which V8 compiles for them (about twice as fast as the general loop).
 */
function scanInsideF32(x: Float32Array, g: PoolGeometry, KH: number, KW: number, sh: number, sw: number, y: Float32Array, at: Int32Array): void {
  const { planes, H, W, OH, OW } = g;
  let out = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++, out++) {
        const first = i * sh * W + j * sw;
        let bestIndex = first;
        let best = x[base + first]!;
        for (let a = 0; a < KH; a++) {
          const row = first + a * W;
          for (let b = a === 0 ? 1 : 0; b < KW; b++) {
            const v = x[base + row + b]!;
            if (v > best || v !== v) {
              best = v;
              bestIndex = row + b;
            }
          }
        }
        y[out] = best;
        at[out] = bestIndex;
      }
    }
  }
}

/**
 * scanInsideF32 for the commonest window, 2×2 (LeNet to VGG), written out: four loads and three
 * compares, in the same order as the general loop, so ties and NaNs resolve identically.
 */
function scanInside2x2F32(x: Float32Array, g: PoolGeometry, sh: number, sw: number, y: Float32Array, at: Int32Array): void {
  const { planes, H, W, OH, OW } = g;
  let out = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let i = 0; i < OH; i++) {
      for (let j = 0; j < OW; j++, out++) {
        const p = i * sh * W + j * sw;
        let best = x[base + p]!;
        let bestIndex = p;
        const v1 = x[base + p + 1]!;
        if (v1 > best || v1 !== v1) { best = v1; bestIndex = p + 1; }
        const v2 = x[base + p + W]!;
        if (v2 > best || v2 !== v2) { best = v2; bestIndex = p + W; }
        const v3 = x[base + p + W + 1]!;
        if (v3 > best || v3 !== v3) { best = v3; bestIndex = p + W + 1; }
        y[out] = best;
        at[out] = bestIndex;
      }
    }
  }
}

/** y[n, c, i, j] = max of the window at (i, j); padding counts as −∞. */
export function maxPool2d(x: Tensor, attrs: Pool2dAttrs): Tensor {
  const g = geometry(x.shape, attrs, 'maxPool2d');
  const y = allocate(x.dtype, g.planes * g.OH * g.OW);
  scanMaxPool(storageOf(x), g, attrs, y, new Int32Array(y.length));
  return new Tensor(y, [x.shape[0]!, x.shape[1]!, g.OH, g.OW]);
}

/**
 * maxPool2d and, for each window, the index h·W + w of its arg-max within its (n, c) plane, as
 * int32 of y's shape (PyTorch's max_pool2d_with_indices): what the backward scatters dy by.
 */
export function maxPool2dWithIndices(x: Tensor, attrs: Pool2dAttrs): { readonly out: Tensor; readonly indices: Tensor } {
  const g = geometry(x.shape, attrs, 'maxPool2dWithIndices');
  const y = allocate(x.dtype, g.planes * g.OH * g.OW);
  const at = new Int32Array(y.length);
  scanMaxPool(storageOf(x), g, attrs, y, at);
  const shape = [x.shape[0]!, x.shape[1]!, g.OH, g.OW];
  return { out: new Tensor(y, shape), indices: new Tensor(at, shape) };
}

/** dX of maxPool2d: zeros of x's shape with each dy added at its window's arg-max in x. */
export function maxPool2dBackward(dy: Tensor, x: Tensor, attrs: Pool2dAttrs): Tensor {
  const g = geometry(x.shape, attrs, 'maxPool2dBackward');
  checkDy(dy.shape, [x.shape[0]!, x.shape[1]!, g.OH, g.OW], 'maxPool2dBackward');
  const dys = storageOf(dy);
  const at = new Int32Array(dys.length);
  scanMaxPool(storageOf(x), g, attrs, null, at);
  const dx = new Float64Array(x.numel()); // overlapping windows may route several dy to one x
  const perPlane = g.OH * g.OW;
  for (let out = 0; out < at.length; out++) if (at[out]! >= 0) dx[Math.floor(out / perPlane) * g.H * g.W + at[out]!]! += dys[out]!;
  const out = allocate(dy.dtype, x.numel());
  out.set(dx);
  return new Tensor(out, x.shape);
}

/**
 * Calls visit(out, h0, h1, w0, w1, divisor) for each output element of one plane, with the
 * window clipped to the input and PyTorch's divisor (see the header).
 */
function forEachAvgWindow(
  g: PoolGeometry,
  attrs: Pool2dAttrs,
  visit: (out: number, h0: number, h1: number, w0: number, w1: number, divisor: number) => void,
): void {
  const { H, W, OH, OW } = g;
  const { kernel: [KH, KW], stride: [sh, sw], padding: pad, countIncludePad } = attrs;
  for (let i = 0; i < OH; i++) {
    const hStart = i * sh - pad.top;
    const hEnd = Math.min(hStart + KH, H + pad.bottom);
    const h0 = Math.max(hStart, 0);
    const h1 = Math.min(hEnd, H);
    for (let j = 0; j < OW; j++) {
      const wStart = j * sw - pad.left;
      const wEnd = Math.min(wStart + KW, W + pad.right);
      const w0 = Math.max(wStart, 0);
      const w1 = Math.min(wEnd, W);
      const divisor = countIncludePad ? (hEnd - hStart) * (wEnd - wStart) : (h1 - h0) * (w1 - w0);
      visit(i * OW + j, h0, h1, w0, w1, divisor);
    }
  }
}

function checkNoDilation(attrs: Pool2dAttrs, where: string): void {
  if (attrs.dilation[0] !== 1 || attrs.dilation[1] !== 1) {
    throw new RangeError(`${where}: average pooling has no dilation, got [${attrs.dilation.join(',')}]`);
  }
}

/** y[n, c, i, j] = (sum of the window's real elements) / divisor. */
export function avgPool2d(x: Tensor, attrs: Pool2dAttrs): Tensor {
  checkNoDilation(attrs, 'avgPool2d');
  const g = geometry(x.shape, attrs, 'avgPool2d');
  const { planes, H, W, OH, OW } = g;
  const xs = storageOf(x);
  const y = allocate(x.dtype, planes * OH * OW);
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    const outBase = plane * OH * OW;
    forEachAvgWindow(g, attrs, (out, h0, h1, w0, w1, divisor) => {
      let s = 0;
      for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) s += xs[base + h * W + w]!;
      y[outBase + out] = s / divisor;
    });
  }
  return new Tensor(y, [x.shape[0]!, x.shape[1]!, OH, OW]);
}

/** dX of avgPool2d: each dy / divisor added to every real element of its window. */
export function avgPool2dBackward(dy: Tensor, xShape: Shape, attrs: Pool2dAttrs): Tensor {
  checkNoDilation(attrs, 'avgPool2dBackward');
  const g = geometry(xShape, attrs, 'avgPool2dBackward');
  const { planes, H, W, OH, OW } = g;
  checkDy(dy.shape, [xShape[0]!, xShape[1]!, OH, OW], 'avgPool2dBackward');
  const dys = storageOf(dy);
  const dx = new Float64Array(planes * H * W);
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    const outBase = plane * OH * OW;
    forEachAvgWindow(g, attrs, (out, h0, h1, w0, w1, divisor) => {
      const share = dys[outBase + out]! / divisor;
      for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) dx[base + h * W + w]! += share;
    });
  }
  const out = allocate(dy.dtype, dx.length);
  out.set(dx);
  return new Tensor(out, xShape);
}

/** Bin edges of adaptive pooling along one axis: [⌊i·size/bins⌋, ⌈(i+1)·size/bins⌉). */
function adaptiveBins(size: number, bins: number): { readonly start: Int32Array; readonly end: Int32Array } {
  const start = new Int32Array(bins);
  const end = new Int32Array(bins);
  for (let i = 0; i < bins; i++) {
    start[i] = Math.floor((i * size) / bins);
    end[i] = Math.ceil(((i + 1) * size) / bins);
  }
  return { start, end };
}

function adaptiveGeometry(xShape: Shape, outSize: readonly [number, number], where: string): PoolGeometry {
  const [OH, OW] = outSize;
  if (xShape.length !== 4 || !(OH >= 1 && OW >= 1)) {
    throw new RangeError(`${where}: expected input [N,C,H,W] and an output size of at least 1x1, got ${fmt(xShape)} and [${outSize.join(',')}]`);
  }
  return { planes: xShape[0]! * xShape[1]!, H: xShape[2]!, W: xShape[3]!, OH, OW };
}

/** y[n, c, i, j] = mean of x over bin (i, j). */
export function adaptiveAvgPool2d(x: Tensor, outSize: readonly [number, number]): Tensor {
  const { planes, H, W, OH, OW } = adaptiveGeometry(x.shape, outSize, 'adaptiveAvgPool2d');
  const rows = adaptiveBins(H, OH);
  const columns = adaptiveBins(W, OW);
  const xs = storageOf(x);
  const y = allocate(x.dtype, planes * OH * OW);
  let out = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let i = 0; i < OH; i++) {
      const h0 = rows.start[i]!;
      const h1 = rows.end[i]!;
      for (let j = 0; j < OW; j++, out++) {
        const w0 = columns.start[j]!;
        const w1 = columns.end[j]!;
        let s = 0;
        for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) s += xs[base + h * W + w]!;
        y[out] = s / ((h1 - h0) * (w1 - w0));
      }
    }
  }
  return new Tensor(y, [x.shape[0]!, x.shape[1]!, OH, OW]);
}

/** dX of adaptiveAvgPool2d: each dy spread evenly over its bin; xShape is [N, C, H, W]. */
export function adaptiveAvgPool2dBackward(dy: Tensor, xShape: Shape): Tensor {
  if (dy.shape.length !== 4) throw new RangeError(`adaptiveAvgPool2dBackward: expected dy [N,C,OH,OW], got ${fmt(dy.shape)}`);
  const outSize = [dy.shape[2]!, dy.shape[3]!] as const;
  const { planes, H, W, OH, OW } = adaptiveGeometry(xShape, outSize, 'adaptiveAvgPool2dBackward');
  checkDy(dy.shape, [xShape[0]!, xShape[1]!, OH, OW], 'adaptiveAvgPool2dBackward');
  const rows = adaptiveBins(H, OH);
  const columns = adaptiveBins(W, OW);
  const dys = storageOf(dy);
  const dx = new Float64Array(sizeOf(xShape));
  let out = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let i = 0; i < OH; i++) {
      const h0 = rows.start[i]!;
      const h1 = rows.end[i]!;
      for (let j = 0; j < OW; j++, out++) {
        const w0 = columns.start[j]!;
        const w1 = columns.end[j]!;
        const share = dys[out]! / ((h1 - h0) * (w1 - w0));
        for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) dx[base + h * W + w]! += share;
      }
    }
  }
  const result = allocate(dy.dtype, dx.length);
  result.set(dx);
  return new Tensor(result, xShape);
}
