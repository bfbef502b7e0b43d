/**
 * conv-input-gemm — the input gradient of a convolution (groups 1) as a tiled implicit GEMM over
 * channels-first tensors (NCHW dy, OIHW w in, NCHW dx out; no transposes, no unfolded matrix):
 *
 *   dx[n, c, h·W + v] = Σ_k A[c, k] · B[k, h·W + v],   k = (o·KH + p)·KW + q,   A[c, k] = w[o, c, p, q]
 *   B[k, h·W + v] = dy[n, o, a/sh, b/sw]  with a = h + pt − p·dh, b = v + pl − q·dw, when both
 *                   divide evenly and land inside dy; 0 otherwise
 *
 * A stride splits dx's pixels into sh·sw phases (h mod sh, v mod sw) whose pixels all take the
 * same taps (p, q), so a workgroup works on one phase and skips the taps that feed none of its
 * pixels (3 in 4 at stride 2). It computes a TM × TN tile (channels × pixels of the phase), walking
 * k in steps of TK: its threads load the A and B tiles (B gathered from dy) into workgroup memory,
 * then each accumulates an RM × 4 block. tfjs's channels-last Conv2DDerInput is the same product
 * transposed, over every tap; the tile sizes here are fitted to C and the phase's pixels.
 */
import type { Shape } from '../../shape.js';
import { deviceArrayOf, type Tensor } from '../../tensor.js';
import type { Conv2dAttrs } from '../types.js';
import { launch } from './gpu.js';
import type { GpuArray } from './gpu-array.js';
import { emptyTensor, Operands } from './strided.js';

/** A tile: TM channels × TN pixels (a multiple of 4), TK output channels deep; each thread RM channels × 4 pixels (RM ≤ TM / 4). */
export interface Tile { readonly TM: number; readonly TN: number; readonly TK: number; readonly RM: number; /** Steps of k unrolled in the product (divides TK; 1 unless given). */ readonly U?: number }

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * The shader for one tile shape (meta = [N, C, H, W, O, OH, OW, KH, KW, sh, sw, pt, pl, dh, dw]).
 * k runs over (p, q) outside and o inside, so a thread works out where its pixels land in dy once
 * per (p, q), not once per element. The per-thread loops are unrolled here, in the generator:
 * a software adapter runs WGSL loops and indexed local arrays as written.
 */
function source({ TM, TN, TK, RM, U = 1 }: Tile): string {
  const T = (TM / RM) * (TN / 4); // threads: at least TN (tileFor), so each loads one pixel column of B
  const step = T / TN; //            B rows loaded at once
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> args: array<u32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
var<workgroup> As: array<f32, ${TM * TK}>;
var<workgroup> Bs: array<vec4<f32>, ${(TK * TN) / 4}>;

@compute @workgroup_size(${T})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let N = i32(args[0]); let C = i32(args[1]); let H = i32(args[2]); let W = i32(args[3]);
  let O = i32(args[4]); let OH = i32(args[5]); let OW = i32(args[6]); let KH = i32(args[7]); let KW = i32(args[8]);
  let sh = i32(args[9]); let sw = i32(args[10]); let pt = i32(args[11]); let pl = i32(args[12]);
  let dh = i32(args[13]); let dw = i32(args[14]);
  let P = H * W; let KK = KH * KW; let plane = OH * OW;
  // The pixels of one phase (h mod sh, v mod sw), the largest phase's count (see the comment at pq)
  let PH = (H + sh - 1) / sh; let PW = (W + sw - 1) / sw; let PP = PH * PW;
  let tilesN = (PP + ${TN - 1}) / ${TN}; let tilesM = (C + ${TM - 1}) / ${TM};
  let tile = i32(wid.x + wid.y * nwg.x);
  let n = tile / (tilesN * tilesM * sh * sw);
  if (n >= N) { return; }
  let phase = (tile / (tilesN * tilesM)) % (sh * sw); let ph = phase / sw; let pv = phase % sw;
  let m0 = ((tile / tilesN) % tilesM) * ${TM};
  let p0 = (tile % tilesN) * ${TN};
  let t = i32(lid);
  let ty = t / ${TN / 4}; let tx = t % ${TN / 4};
  let row0 = t / ${TN}; let col = t % ${TN};
  let dyn = n * O * plane;
  let pix = p0 + col; let i = pix / PW; let j = pix % PW;
  let inside = pix < PP && ph + sh * i < H && pv + sw * j < W;
${range(RM).map((r) => `  var acc${r} = vec4<f32>(0.0);`).join('\n')}
  for (var pq = 0; pq < KK; pq++) {
    // Pixel (h, v) = (ph + sh·i, pv + sw·j) takes tap (p, q) when sh divides h + pt − p·dh, that is
    // when sh divides rp = ph + pt − p·dh: the same for every pixel of the phase, so a workgroup
    // skips the taps that feed none of its pixels (3 in 4 at stride 2). Then a = i + rp / sh, exactly.
    let p = pq / KW; let q = pq % KW;
    let rp = ph + pt - p * dh; let rq = pv + pl - q * dw;
    if (rp % sh != 0 || rq % sw != 0) { continue; }
    var at = -1;
    { let a = i + rp / sh; let b = j + rq / sw;
      if (inside && a >= 0 && b >= 0 && a < OH && b < OW) { at = dyn + a * OW + b; } }
    for (var o0 = 0; o0 < O; o0 += ${TK}) {
      for (var e = t; e < ${TM * TK}; e += ${T}) {
        let c = m0 + e / ${TK}; let o = o0 + e % ${TK};
        var value = 0.0;
        if (c < C && o < O) { value = w[(o * C + c) * KK + pq]; }
        As[e] = value;
      }
      for (var kk = row0; kk < ${TK}; kk += ${step}) {
        let o = o0 + kk;
        var value = 0.0;
        if (at >= 0 && o < O) { value = dy[at + o * plane]; }
        let e = kk * ${TN} + col; Bs[e / 4][e % 4] = value;
      }
      workgroupBarrier();
      for (var kk = 0; kk < ${TK}; kk += ${U}) {
${range(U).map((u) => `        { let b = Bs[(kk + ${u}) * ${TN / 4} + tx];
${range(RM).map((r) => `          acc${r} = fma(vec4<f32>(As[(ty * ${RM} + ${r}) * ${TK} + kk + ${u}]), b, acc${r});`).join('\n')} }`).join('\n')}
      }
      workgroupBarrier();
    }
  }
${range(4).map((k) => `  let px${k} = p0 + tx * 4 + ${k}; let h${k} = ph + sh * (px${k} / PW); let v${k} = pv + sw * (px${k} % PW);
  let out${k} = px${k} < PP && h${k} < H && v${k} < W; let at${k} = h${k} * W + v${k};`).join('\n')}
${range(RM).map((r) => `  { let c = m0 + ty * ${RM} + ${r};
    if (c < C) {
      let base = (n * C + c) * P;
${range(4).map((k) => `      if (out${k}) { dx[base + at${k}] = acc${r}[${k}]; }`).join('\n')}
    } }`).join('\n')}
}`;
}

const sources = new Map<string, string>();
const sourceOf = (tile: Tile): string => {
  const key = `${tile.TM},${tile.TN},${tile.TK},${tile.RM},${tile.U ?? 1}`;
  let s = sources.get(key);
  if (s === undefined) sources.set(key, (s = source(tile)));
  return s;
};

const pow2 = (n: number, least: number, most: number): number => Math.min(most, Math.max(least, 2 ** Math.ceil(Math.log2(n))));

/**
 * The tile for C input channels, P pixels (of a phase) and O output channels: at most 32 × 32 × 32,
 * shrunk (in powers of two) to what the shape fills; a thread takes min(TM / 4, 4) channels, so
 * there are at least TN threads (one B column each).
 */
export function tileFor(C: number, P: number, O: number): Tile {
  const TM = pow2(C, 4, 32);
  return { TM, TN: pow2(P, 4, 32), TK: pow2(O, 4, 32), RM: Math.min(TM / 4, 4), U: 4 };
}

/** dx = conv2dBackpropInput(dy, w) for groups = 1, NCHW (see the header). */
export function conv2dInputGemm(dy: Tensor, w: Tensor, xShape: Shape, attrs: Conv2dAttrs, tile?: Tile): Tensor {
  const [N, C, H, W] = xShape as readonly [number, number, number, number];
  const [O, , KH, KW] = w.shape as readonly [number, number, number, number];
  const [, , OH, OW] = dy.shape as readonly [number, number, number, number];
  const dx = emptyTensor(xShape, 'float32');
  if (dx.numel() === 0) return dx;
  const { stride: [sh, sw], padding: { top, left }, dilation: [dh, dw] } = attrs;
  const phase = Math.ceil(H / sh) * Math.ceil(W / sw); // pixels of the largest phase (see the shader)
  const t = tile ?? tileFor(C, phase, O);
  const groups = N * sh * sw * Math.ceil(C / t.TM) * Math.ceil(phase / t.TN);
  const ops = new Operands();
  launch({
    source: sourceOf(t), meta: [N, C, H, W, O, OH, OW, KH, KW, sh, sw, top, left, dh, dw],
    inputs: [ops.buffer(dy, 'conv2dBackpropInput'), ops.buffer(w, 'conv2dBackpropInput')],
    outputs: [(deviceArrayOf(dx) as GpuArray).buffer('conv2dBackpropInput')], groups,
  });
  ops.done();
  return dx;
}
