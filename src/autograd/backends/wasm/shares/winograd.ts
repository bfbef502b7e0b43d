/**
 * winograd share — a 3×3 stride-1 conv as Winograd's F(m×m, 3×3) (Lavin & Gray 2016): each m × m
 * block of the output from an α × α input tile d (α = m + 2) with α² products instead of 9m²,
 *   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A,   summed over input channels,
 * so the α² elementwise products become α² matrix products M_ξ = V_ξ · U_ξ ([tiles, C]·[C, O]):
 * F(2×2, 3×3) 16 of them, 2.25× fewer multiply-adds than the direct conv; F(4×4, 3×3) 36, 4×.
 * winograd.wat / winograd4.wat transform the input tiles into V and the products back into Y;
 * tfjs's MatMul (XNNPACK) multiplies, with U = G g Gᵀ resident (computed here once per filter).
 * plan.ts `winogradFits` says which convs, `winogradTile` which m.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { ConvForwardParams } from './conv-forward.js';
import { winogradTile } from '../plan.js';
import { expectShape, heapKernelsOf, heapView, heapWinogradOf, unfilled, type Tf } from './heap.js';
import { isResident, keepable, operand, wasEvicted } from './resident.js';

let winogradRuns = 0;

/** How many shares have run as Winograd convs (tests use it to see which path ran). */
export function winogradShares(): number {
  return winogradRuns;
}

/**
 * U_ξ[c][o] = (G g_oc Gᵀ)[i][j], ξ = 4i + j, for w [O][C][3][3]; rows c ≥ C (up to C4) stay zero.
 * G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1] turns each 3-tap row or column (a, b, c) into
 * (a, (a + b + c)/2, (a - b + c)/2, c): applied to the columns of g, then to the rows of the result.
 */
export function winogradFilter(w: Float32Array, O: number, C: number, C4: number): Float32Array {
  const u = new Float32Array(16 * C4 * O);
  const gg = new Float64Array(12); // G g: 4 rows of 3
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < C; c++) {
      const k = (o * C + c) * 9;
      for (let b = 0; b < 3; b++) {
        const g0 = w[k + b]!, g1 = w[k + 3 + b]!, g2 = w[k + 6 + b]!;
        gg[b] = g0;
        gg[3 + b] = (g0 + g1 + g2) / 2;
        gg[6 + b] = (g0 - g1 + g2) / 2;
        gg[9 + b] = g2;
      }
      for (let i = 0; i < 4; i++) {
        const a = gg[3 * i]!, b = gg[3 * i + 1]!, cc = gg[3 * i + 2]!;
        const at = (4 * i * C4 + c) * O + o; // U_4i[c][o]; U_4i+j is j·C4·O further
        u[at] = a;
        u[at + C4 * O] = (a + b + cc) / 2;
        u[at + 2 * C4 * O] = (a - b + cc) / 2;
        u[at + 3 * C4 * O] = cc;
      }
    }
  }
  return u;
}

/**
 * U_ξ[c][o] = (G g_oc Gᵀ)[i][j], ξ = 6i + j, for w [O][C][3][3] with F(4×4, 3×3)'s G for the
 * points 0, ±1, ±1/2 and ∞ (winograd4.wat holds Bᵀ and Aᵀ):
 *   G = [4 0 0; 2/3 2/3 2/3; 2/3 -2/3 2/3; -8/3 -4/3 -2/3; -8/3 4/3 -2/3; 0 0 1],
 * applied to the columns of g, then to the rows of the result, in float64 before the one rounding
 * to float32; rows c ≥ C (up to C4) stay zero.
 */
export function winogradFilter4(w: Float32Array, O: number, C: number, C4: number): Float32Array {
  const u = new Float32Array(36 * C4 * O);
  const gg = new Float64Array(18); // G g: 6 rows of 3
  const step = C4 * O; // from U_ξ to U_ξ+1
  for (let o = 0; o < O; o++) {
    for (let c = 0; c < C; c++) {
      const k = (o * C + c) * 9;
      for (let b = 0; b < 3; b++) {
        const g0 = w[k + b]!, g1 = w[k + 3 + b]!, g2 = w[k + 6 + b]!;
        gg[b] = 4 * g0;
        gg[3 + b] = (2 * (g0 + g1 + g2)) / 3;
        gg[6 + b] = (2 * (g0 - g1 + g2)) / 3;
        gg[9 + b] = -(8 * g0 + 4 * g1 + 2 * g2) / 3;
        gg[12 + b] = (-8 * g0 + 4 * g1 - 2 * g2) / 3;
        gg[15 + b] = g2;
      }
      for (let i = 0; i < 6; i++) {
        const a = gg[3 * i]!, b = gg[3 * i + 1]!, cc = gg[3 * i + 2]!;
        const at = (6 * i * C4 + c) * O + o; // U_6i[c][o]
        u[at] = 4 * a;
        u[at + step] = (2 * (a + b + cc)) / 3;
        u[at + 2 * step] = (2 * (a - b + cc)) / 3;
        u[at + 3 * step] = -(8 * a + 4 * b + 2 * cc) / 3;
        u[at + 4 * step] = (-8 * a + 4 * b - 2 * cc) / 3;
        u[at + 5 * step] = cc;
      }
    }
  }
  return u;
}

/**
 * y = relu?(conv2d(x, w) + bias + residual) for the share's N images and O output channels, written
 * as convForwardShare writes it. x's images are copied into the heap, transposed row by row into
 * one zero-padded NHWC image (Hp × Wp × C4: whole tiles, the channels in fours), transformed into
 * V_ξ [N·tiles, C4], multiplied by U_ξ [C4, O], and transformed back straight into NCHW planes
 * with the whole epilogue; then each image's planes are copied out in one piece. False (nothing
 * written; the caller runs the direct conv) when x or w holds a NaN or ±Inf — Winograd would
 * spread it over whole m × m output blocks, the direct conv keeps it to the outputs whose window
 * holds it — and when U could not stay resident (too large, or evicted since it was made).
 */
export function winogradForward(tf: Tf, p: ConvForwardParams, v: { readonly x: Float32Array; readonly w: Float32Array; readonly bias?: Float32Array; readonly residual?: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, OH, OW } = p.g;
  const [pt, , pl] = p.g.pads;
  const m = winogradTile(p.g);
  const count = (m + 2) ** 2; // α² products
  const TH = Math.ceil(OH / m);
  const TW = Math.ceil(OW / m);
  const T = TH * TW;
  const P = OH * OW;
  const C4 = Math.ceil(C / 4) * 4;
  const Hp = m * TH + 2;
  const Wp = m * TW + 2;
  const slack = OW + 4; // the output pass reads a residual tile's row (F(2×2): its second row) before it knows it is inside
  if (p.wKey === undefined || !keepable(C4 * O)) return false;
  const keys = Array.from({ length: count }, (_, xi) => m === 2 ? `${p.wKey}|winograd${xi}` : `${p.wKey}|winograd4x4|${xi}`);
  if (!keys.every(isResident)) {
    // Made before and evicted since: the weights outgrew RESIDENT_LIMIT, and transforming them
    // again at every call would cost more than the direct conv's packing.
    if (keys.some(wasEvicted)) return false;
    // a filter is checked once, when it is transformed (a non-finite one never is, and is checked at every call)
    if (!allFinite(v.w, O * C * 9)) return false;
  }
  return tf.tidy(() => {
    let u: Float32Array | null = null; // the whole transformed filter, made only when some U_ξ is not resident
    const us = Array.from({ length: count }, (_, xi) => operand(tf, keys[xi], [1, C4, O], (heap) => {
      u ??= m === 2 ? winogradFilter(v.w, O, C, C4) : winogradFilter4(v.w, O, C, C4);
      heap.set(u.subarray(xi * C4 * O, (xi + 1) * C4 * O));
    }, true));
    const bias = p.bias ? operand(tf, p.biasKey, [O], (heap) => heap.set(v.bias!.subarray(0, O))) : null;
    const images = unfilled(tf, [N * C * H * W]);
    const padded = unfilled(tf, [Hp * Wp * C4]);
    const vs = Array.from({ length: count }, () => unfilled(tf, [1, N * T, C4]));
    const table = unfilled(tf, [count]);
    // views only now: an allocation may grow (and move) the heap
    const passes = heapWinogradOf(tf, m);
    const { transpose } = heapKernelsOf(tf).direct;
    const x = heapView(tf, images);
    x.set(v.x.subarray(0, N * C * H * W));
    const d = heapView(tf, padded);
    d.fill(0); // the padding; each image then overwrites the same interior
    const vViews = vs.map((t) => heapView(tf, t));
    const ints = int32View(heapView(tf, table), count);
    for (let n = 0; n < N; n++) {
      const image = x.subarray(n * C * H * W, (n + 1) * C * H * W);
      // row h of every channel → pixels (pt + h, pl …) of the NHWC image
      for (let h = 0; h < H; h++) transpose(image.subarray(h * W), d.subarray(((pt + h) * Wp + pl) * C4), C, W, H * W, C4);
      if (!passes.input(d, C4, Wp, TH, TW, vViews, ints, n * T)) return false;
    }
    winogradRuns++;
    const ms = vs.map((a, xi) => tf.matMul(a as TF.Tensor3D, us[xi] as TF.Tensor3D));
    ms.forEach((m) => expectShape(m, [1, N * T, O], 'conv2d (winograd)'));
    const y = unfilled(tf, [O * P]);
    const residual = v.residual === undefined ? null : unfilled(tf, [O * P + slack]);
    const outTable = unfilled(tf, [count]);
    const mViews = ms.map((m) => heapView(tf, m));
    const yView = heapView(tf, y);
    const rView = residual === null ? null : heapView(tf, residual);
    const biasView = bias === null ? null : heapView(tf, bias);
    const outInts = int32View(heapView(tf, outTable), count);
    for (let n = 0; n < N; n++) {
      const at = n * p.outBatchStride + p.outChannel * P; // the share's planes of image n, in out and in residual
      rView?.set(v.residual!.subarray(at, at + O * P));
      passes.output(mViews, outInts, biasView, rView, yView, O, OH, OW, TH, TW, n * T, p.relu);
      v.out.set(yView, at);
    }
    return true;
  });
}

/** Whether a[0 … n) holds only finite numbers. */
function allFinite(a: Float32Array, n: number): boolean {
  let bad = 0;
  for (let i = 0; i < n; i++) bad += a[i]! * 0; // 0 for a finite value, NaN for NaN and ±Inf
  return bad === 0;
}

/** The `count` ints of a table for winograd.wat or winograd4.wat, in the memory of `floats` (a heap view of `count` floats). */
const int32View = (floats: Float32Array, count: number): Int32Array => new Int32Array(floats.buffer, floats.byteOffset, count);
