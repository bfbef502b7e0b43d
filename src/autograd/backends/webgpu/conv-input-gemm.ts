/**
 * conv-input-gemm — the input gradient of a convolution (groups 1) as a tiled implicit GEMM over
 * channels-first tensors: NCHW dy and the OIHW weight in, NCHW dx out, with no transposes and no
 * unfolded matrix in memory. For each n, dx[n] seen as [C, H·W] is a product
 *
 *   dx[n, c, h·W + v] = Σ_k A[c, k] · B[k, h·W + v],   k = (o·KH + p)·KW + q
 *   A[c, k] = w[o, c, p, q]
 *   B[k, h·W + v] = dy[n, o, a/sh, b/sw]  with a = h + pt − p·dh, b = v + pl − q·dw, when both
 *                   divide evenly and land inside dy; 0 otherwise
 *
 * One workgroup computes a TM × TN tile of dx[n] (channels × pixels), walking k in steps of TK:
 * its threads load the A and B tiles into workgroup memory together (B gathered from dy on the
 * fly), then each accumulates an RM × RN block of the tile from them. tfjs's channels-last
 * Conv2DDerInput is the same product transposed (pixels × channels); the tile sizes here are fitted
 * to C and H·W (small convolutions would otherwise leave most of a 32 × 32 tile idle).
 */
import type { Shape } from '../../shape.js';
import { deviceArrayOf, type Tensor } from '../../tensor.js';
import type { Conv2dAttrs } from '../types.js';
import { launch } from './gpu.js';
import type { GpuArray } from './gpu-array.js';
import { emptyTensor, Operands } from './strided.js';

/** A tile: TM channels × TN pixels, TK deep, each thread an RM × RN block. */
export interface Tile { readonly TM: number; readonly TN: number; readonly TK: number; readonly RM: number; readonly RN: number }

/** meta = [N, C, H, W, O, OH, OW, KH, KW, sh, sw, pt, pl, dh, dw] */
function source({ TM, TN, TK, RM, RN }: Tile): string {
  const cols = TN / RN;
  const threads = (TM / RM) * cols;
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> args: array<u32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
var<workgroup> As: array<f32, ${TM * TK}>;
var<workgroup> Bs: array<f32, ${TK * TN}>;

@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let N = i32(args[0]); let C = i32(args[1]); let H = i32(args[2]); let W = i32(args[3]);
  let O = i32(args[4]); let OH = i32(args[5]); let OW = i32(args[6]); let KH = i32(args[7]); let KW = i32(args[8]);
  let sh = i32(args[9]); let sw = i32(args[10]); let pt = i32(args[11]); let pl = i32(args[12]);
  let dh = i32(args[13]); let dw = i32(args[14]);
  let P = H * W; let KK = KH * KW; let K = O * KK;
  let tilesN = (P + ${TN - 1}) / ${TN}; let tilesM = (C + ${TM - 1}) / ${TM};
  let tile = i32(wid.x + wid.y * nwg.x);
  let n = tile / (tilesN * tilesM);
  if (n >= N) { return; }
  let m0 = ((tile / tilesN) % tilesM) * ${TM};
  let p0 = (tile % tilesN) * ${TN};
  let t = i32(lid);
  let ty = t / ${cols}; let tx = t % ${cols};
  var acc: array<f32, ${RM * RN}>;
  for (var k0 = 0; k0 < K; k0 += ${TK}) {
    for (var e = t; e < ${TM * TK}; e += ${threads}) {
      let c = m0 + e / ${TK}; let k = k0 + e % ${TK};
      var value = 0.0;
      if (c < C && k < K) {
        let o = k / KK; let pq = k % KK;
        value = w[(o * C + c) * KK + pq];
      }
      As[e] = value;
    }
    for (var e = t; e < ${TK * TN}; e += ${threads}) {
      let k = k0 + e / ${TN}; let pix = p0 + e % ${TN};
      var value = 0.0;
      if (k < K && pix < P) {
        let o = k / KK; let pq = k % KK; let p = pq / KW; let q = pq % KW;
        let a = pix / W + pt - p * dh; let b = pix % W + pl - q * dw;
        if (a >= 0 && b >= 0 && a % sh == 0 && b % sw == 0 && a / sh < OH && b / sw < OW) {
          value = dy[((n * O + o) * OH + a / sh) * OW + b / sw];
        }
      }
      Bs[e] = value;
    }
    workgroupBarrier();
    for (var kk = 0; kk < ${TK}; kk++) {
      var bv: array<f32, ${RN}>;
      for (var j = 0; j < ${RN}; j++) { bv[j] = Bs[kk * ${TN} + tx * ${RN} + j]; }
      for (var i = 0; i < ${RM}; i++) {
        let av = As[(ty * ${RM} + i) * ${TK} + kk];
        for (var j = 0; j < ${RN}; j++) { acc[i * ${RN} + j] = fma(av, bv[j], acc[i * ${RN} + j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0; i < ${RM}; i++) {
    let c = m0 + ty * ${RM} + i;
    if (c >= C) { break; }
    for (var j = 0; j < ${RN}; j++) {
      let pix = p0 + tx * ${RN} + j;
      if (pix < P) { dx[(n * C + c) * P + pix] = acc[i * ${RN} + j]; }
    }
  }
}`;
}

const sources = new Map<string, string>();
const sourceOf = (tile: Tile): string => {
  const key = `${tile.TM},${tile.TN},${tile.TK},${tile.RM},${tile.RN}`;
  let s = sources.get(key);
  if (s === undefined) sources.set(key, (s = source(tile)));
  return s;
};

/** The tile for C channels and P pixels: at most 32 × 32, shrunk (in powers of two) to what the shape fills. */
export function tileFor(C: number, P: number): Tile {
  const fit = (n: number, least: number, most: number) => Math.min(most, Math.max(least, 2 ** Math.ceil(Math.log2(n))));
  const TM = fit(C, 4, 32);
  const TN = fit(P, 4, 32);
  return { TM, TN, TK: 16, RM: 4, RN: 4 };
}

/** dx = conv2dBackpropInput(dy, w) for groups = 1, NCHW (see the header). */
export function conv2dInputGemm(dy: Tensor, w: Tensor, xShape: Shape, attrs: Conv2dAttrs, tile?: Tile): Tensor {
  const [N, C, H, W] = xShape as readonly [number, number, number, number];
  const [O, , KH, KW] = w.shape as readonly [number, number, number, number];
  const [, , OH, OW] = dy.shape as readonly [number, number, number, number];
  const dx = emptyTensor(xShape, 'float32');
  if (dx.numel() === 0) return dx;
  const t = tile ?? tileFor(C, H * W);
  const groups = N * Math.ceil(C / t.TM) * Math.ceil((H * W) / t.TN);
  const { stride: [sh, sw], padding: { top, left }, dilation: [dh, dw] } = attrs;
  const ops = new Operands();
  launch({
    source: sourceOf(t), meta: [N, C, H, W, O, OH, OW, KH, KW, sh, sw, top, left, dh, dw],
    inputs: [ops.buffer(dy, 'conv2dBackpropInput'), ops.buffer(w, 'conv2dBackpropInput')],
    outputs: [(deviceArrayOf(dx) as GpuArray).buffer('conv2dBackpropInput')], groups,
  });
  ops.done();
  return dx;
}
