/**
 * winograd share — a 3×3 stride-1 conv as Winograd's F(2×2, 3×3) (Lavin & Gray 2016): each 2 × 2
 * block of the output from a 4 × 4 input tile d with 16 products instead of 36,
 *   Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A,   summed over input channels,
 * so the 16 elementwise products become 16 matrix products M_ξ = V_ξ · U_ξ ([tiles, C]·[C, O]),
 * 2.25× fewer multiply-adds than the direct conv. winograd.wat transforms the input tiles into
 * V and the products back into Y (additions only); tfjs's MatMul (XNNPACK) multiplies, with
 * U = G g Gᵀ resident (computed here once per filter). plan.ts `winogradFits` says which convs.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { ConvForwardParams } from './conv-forward.js';
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
 * y = relu?(conv2d(x, w) + bias + residual) for the share's N images and O output channels, written
 * as convForwardShare writes it. x's images are copied into the heap, transposed row by row into
 * one zero-padded NHWC image (Hp × Wp × C4: whole tiles, the channels in fours), transformed into
 * V_ξ [N·tiles, C4], multiplied by U_ξ [C4, O], and transformed back straight into NCHW planes
 * with the whole epilogue; then each image's planes are copied out in one piece. False (nothing
 * written; the caller runs the direct conv) when x or w holds a NaN or ±Inf — Winograd would
 * spread it over whole 2 × 2 output blocks, the direct conv keeps it to the outputs whose window
 * holds it — and when U could not stay resident (too large, or evicted since it was made).
 */
export function winogradForward(tf: Tf, p: ConvForwardParams, v: { readonly x: Float32Array; readonly w: Float32Array; readonly bias?: Float32Array; readonly residual?: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, OH, OW } = p.g;
  const [pt, , pl] = p.g.pads;
  const TH = Math.ceil(OH / 2);
  const TW = Math.ceil(OW / 2);
  const T = TH * TW;
  const P = OH * OW;
  const C4 = Math.ceil(C / 4) * 4;
  const Hp = 2 * TH + 2;
  const Wp = 2 * TW + 2;
  const slack = OW + 4; // the output pass reads a residual tile's second row before it knows it is inside
  if (p.wKey === undefined || !keepable(C4 * O)) return false;
  const keys = Array.from({ length: 16 }, (_, xi) => `${p.wKey}|winograd${xi}`);
  if (!keys.every(isResident)) {
    // Made before and evicted since: the weights outgrew RESIDENT_LIMIT, and transforming them
    // again at every call would cost more than the direct conv's packing.
    if (keys.some(wasEvicted)) return false;
    // a filter is checked once, when it is transformed (a non-finite one never is, and is checked at every call)
    if (!allFinite(v.w, O * C * 9)) return false;
  }
  return tf.tidy(() => {
    let u: Float32Array | null = null; // the whole transformed filter, made only when some U_ξ is not resident
    const us = Array.from({ length: 16 }, (_, xi) => operand(tf, keys[xi], [1, C4, O], (heap) => {
      u ??= winogradFilter(v.w, O, C, C4);
      heap.set(u.subarray(xi * C4 * O, (xi + 1) * C4 * O));
    }, true));
    const bias = p.bias ? operand(tf, p.biasKey, [O], (heap) => heap.set(v.bias!.subarray(0, O))) : null;
    const images = unfilled(tf, [N * C * H * W]);
    const padded = unfilled(tf, [Hp * Wp * C4]);
    const vs = Array.from({ length: 16 }, () => unfilled(tf, [1, N * T, C4]));
    const table = unfilled(tf, [16]);
    // views only now: an allocation may grow (and move) the heap
    const passes = heapWinogradOf(tf);
    const { transpose } = heapKernelsOf(tf).direct;
    const x = heapView(tf, images);
    x.set(v.x.subarray(0, N * C * H * W));
    const d = heapView(tf, padded);
    d.fill(0); // the padding; each image then overwrites the same interior
    const vViews = vs.map((t) => heapView(tf, t));
    const ints = int32View(heapView(tf, table));
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
    const outTable = unfilled(tf, [16]);
    const mViews = ms.map((m) => heapView(tf, m));
    const yView = heapView(tf, y);
    const rView = residual === null ? null : heapView(tf, residual);
    const biasView = bias === null ? null : heapView(tf, bias);
    const outInts = int32View(heapView(tf, outTable));
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

/** The 16 ints of a table for winograd.wat, in the memory of `floats` (a heap view of 16 floats). */
const int32View = (floats: Float32Array): Int32Array => new Int32Array(floats.buffer, floats.byteOffset, 16);
