/**
 * linalg — matmul and convolution with its two gradients: tfjs-backend-webgpu's BatchMatMul and
 * Conv2D on our buffers (tfjs-bridge.ts), our own kernels for the two gradients.
 *
 * Layout. tfjs's convolutions are tuned for channels-last (NHWC), and its channels-first matmul
 * program fails an assertion on some shapes, so we hand it NHWC, permuting activations in and
 * results out (the transposes are part of the measured cost, DESIGN.md); a weight is permuted to
 * tfjs's [KH, KW, C, O] once per *version* and kept beside its storage. The filter gradient is
 * conv-direct.ts's loop, NCHW throughout: tfjs's Conv2DBackpropFilter is the same loop, so calling
 * it added only three transposes (0.93–5.40× raw tfjs, median 1.92, against 0.37–2.43×, median
 * 0.82, without them; 11 ResNet-18 shapes on SwiftShader). The input gradient (groups 1) is
 * conv-input-gemm.ts's channels-first implicit GEMM, also without transposes. conv-direct.ts runs
 * grouped convolutions and their input gradient, and forward convolutions with one input channel
 * (tfjs's channels-last tiles waste most of their work when C = 1: 2.7 s against 0.35 s for an
 * MNIST stem on SwiftShader). Matmul: tfjs broadcasts batch axes only against a batch of one, so
 * other broadcasts are materialised first; an int32 matmul runs in float32 (exact below 2²⁴).
 */
import { untrack } from '../../device.js';
import { convGeometry } from '../../conv-geometry.js';
import { broadcastShapes, sizeOf, type Shape } from '../../shape.js';
import { type Tensor } from '../../tensor.js';
import { deviceArrayOf, storageObject } from '../../tensor-storage.js';
import { cacheVersion } from '../../storage.js';
import type { Conv2dAttrs } from '../types.js';
import { cast } from './elementwise.js';
import { conv2dDirect, conv2dFilterDirect, conv2dInputDirect } from './conv-direct.js';
import { conv2dIm2col, im2colRoute } from './conv-im2col.js';
import { conv2dInputGemm } from './conv-input-gemm.js';
import { broadcastTo, permute, slice } from './movement.js';
import { runTfjs } from './tfjs-bridge.js';

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.dtype === 'int32' && b.dtype === 'int32') return cast(matmul(cast(a, 'float32'), cast(b, 'float32')), 'int32');
  const [m, k, n] = [a.shape.at(-2)!, a.shape.at(-1)!, b.shape.at(-1)!];
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), 'matmul');
  const count = sizeOf(batch);
  // tfjs flattens each side's batch axes: they must match, or one side must have a batch of one
  const fit = (t: Tensor, rows: number, cols: number): Tensor => {
    const own = sizeOf(t.shape.slice(0, -2));
    return own === count || own === 1 ? t : broadcastTo(t, [...batch, rows, cols]);
  };
  const [a3, b3] = [fit(a, m, k), fit(b, k, n)];
  const shape3 = (t: Tensor, rows: number, cols: number) => [sizeOf(t.shape.slice(0, -2)), rows, cols];
  return runTfjs('BatchMatMul', { a: { t: a3, shape: shape3(a3, m, k) }, b: { t: b3, shape: shape3(b3, k, n) } }, { transposeA: false, transposeB: false }, [...batch, m, n], 'float32');
}

/** A tensor made from a weight, kept per weight storage and version (a weight changes once per step). */
type Kept = WeakMap<object, { readonly version: number; readonly t: Tensor }>;

function keptFor(cache: Kept, w: Tensor, shape: readonly number[], make: () => Tensor): Tensor {
  const key = storageObject(w);
  const version = cacheVersion(key);
  const cached = cache.get(key);
  if (version !== null && cached !== undefined && cached.version === version && cached.t.shape.join() === shape.join()) return cached.t;
  const t = make();
  if (version !== null) {
    untrack(deviceArrayOf(t)!); // the cache owns it, for as long as the weight's storage lives
    cache.set(key, { version, t });
  }
  return t;
}

/** Weights as [KH, KW, C, O], for tfjs's NHWC programs. */
const hwio: Kept = new WeakMap();
const filterOf = (w: Tensor): Tensor => keptFor(hwio, w, [w.shape[2]!, w.shape[3]!, w.shape[1]!, w.shape[0]!], () => permute(w, [2, 3, 1, 0]));

/**
 * The adjoint filter w'[c, o, p, q] = w[o, c, KH−1−p, KW−1−q], kept per weight version like `filterOf`.
 * A stride-1 conv is the input gradient of the conv with this filter: the input gradient sums
 * dy[o, h + pt' − p'·d] · w'[o, c, p'] (conv-input-gemm.ts); with dy := x, p' = KH−1−p and
 * pt' = (KH−1)·d − pt that is Σ x[c, h − pt + p·d] · w[o, c, p], the forward conv.
 */
const adjoints: Kept = new WeakMap();
const adjointOf = (w: Tensor): Tensor => keptFor(adjoints, w, [w.shape[1]!, w.shape[0]!, w.shape[2]!, w.shape[3]!], () => {
  const [, , KH, KW] = w.shape as readonly [number, number, number, number];
  const flipped = slice(w, [0, 0, KH - 1, KW - 1], [1, 1, -1, -1], w.shape);
  const t = permute(flipped, [1, 0, 2, 3]);
  flipped.dispose();
  return t;
});

/** Whether a conv runs as the input gradient of its adjoint: stride 1, a spatial filter, padding within its reach. */
export function adjointRoute(attrs: Conv2dAttrs, KH: number, KW: number): boolean {
  const { stride: [sh, sw], dilation: [dh, dw], padding: p } = attrs;
  if (sh !== 1 || sw !== 1 || KH * KW === 1) return false;
  return Math.max(p.top, p.bottom) <= (KH - 1) * dh && Math.max(p.left, p.right) <= (KW - 1) * dw;
}

const dilated = (attrs: Conv2dAttrs): boolean => attrs.dilation[0] !== 1 || attrs.dilation[1] !== 1;
const padless = ({ padding: p }: Conv2dAttrs): boolean => p.top + p.bottom + p.left + p.right === 0;

/** tfjs's explicit padding in NHWC order. */
const explicitPad = ({ padding: p }: Conv2dAttrs): number[][] => [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
const toNhwc = (t: Tensor): Tensor => permute(t, [0, 2, 3, 1]);
const nhwcShape = (s: Shape): number[] => [s[0]!, s[2]!, s[3]!, s[1]!];

/** Runs a tfjs kernel whose result is NHWC and returns it NCHW, freeing the NHWC temporaries. */
function nchwResult(run: () => Tensor, temps: readonly Tensor[]): Tensor {
  const nhwc = run();
  const out = permute(nhwc, [0, 3, 1, 2]);
  for (const t of [nhwc, ...temps]) t.dispose();
  return out;
}

export function conv2d(x: Tensor, w: Tensor, attrs: Conv2dAttrs): Tensor {
  const g = convGeometry(x.shape, w.shape, attrs, 'conv2d');
  const yShape = [g.N, g.O, g.OH, g.OW];
  if (attrs.groups !== 1 || g.C === 1) return conv2dDirect(x, w, yShape, attrs);
  if (adjointRoute(attrs, g.KH, g.KW)) {
    const { dilation: [dh, dw], padding: p } = attrs;
    const padding = { top: (g.KH - 1) * dh - p.top, bottom: (g.KH - 1) * dh - p.bottom, left: (g.KW - 1) * dw - p.left, right: (g.KW - 1) * dw - p.right };
    return conv2dInputGemm(x, adjointOf(w), yShape, { ...attrs, padding });
  }
  if (im2colRoute(yShape) || (g.KH === 1 && g.KW === 1 && !dilated(attrs) && attrs.stride[0] === 1 && attrs.stride[1] === 1 && padless(attrs))) return conv2dIm2col(x, w, yShape, attrs);
  const xt = toNhwc(x);
  return nchwResult(() => runTfjs('Conv2D', { x: { t: xt }, filter: { t: filterOf(w) } }, { strides: [...attrs.stride], pad: explicitPad(attrs), dataFormat: 'NHWC', dilations: [...attrs.dilation] }, nhwcShape(yShape), 'float32'), [xt]);
}


export function conv2dBackpropInput(dy: Tensor, w: Tensor, xShape: Shape, attrs: Conv2dAttrs): Tensor {
  if (attrs.groups !== 1) return conv2dInputDirect(dy, w, xShape, attrs);
  return conv2dInputGemm(dy, w, xShape, attrs); // NCHW throughout: no transposes (conv-input-gemm.ts)
}

export function conv2dBackpropFilter(x: Tensor, dy: Tensor, wShape: Shape, attrs: Conv2dAttrs): Tensor {
  return conv2dFilterDirect(x, dy, wShape, attrs); //                             tfjs's algorithm, without the transposes
}
