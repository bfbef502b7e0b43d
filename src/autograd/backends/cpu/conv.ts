/**
 * conv — 2-D convolution (PyTorch's cross-correlation) and its two gradients on the cpu.
 *
 *   y[n, o, i, j] = Σ_c Σ_a Σ_b  w[o, c, a, b] · x[n, g·Cg + c, i·sh − pt + a·dh, j·sw − pl + b·dw]
 * for x [N, C, H, W], w [O, Cg, KH, KW] with Cg = C/groups, o in group g = ⌊o / (O/groups)⌋;
 * x is read as zero outside [0, H) × [0, W) (the padding); sizes: ../../conv-geometry.ts.
 *
 * im2col. For one image n and one group g we copy every receptive field into a column:
 *   cols[k, p] = x[n, g·Cg + c, i·sh − pt + a·dh, j·sw − pl + b·dw],  k = (c·KH + a)·KW + b,  p = i·OW + j
 * a [K, P] matrix with K = Cg·KH·KW and P = OH·OW. The convolution becomes one matrix product
 *   Y_g = W_g · cols       [Og, K] · [K, P] = [Og, P]     (Og = O/groups rows of w, flattened)
 * and its gradients are that product's (derived above conv2dBackpropInput). We accumulate in
 * float64 and round once; the plain i-k-j loops run at about 1 GFLOP/s, and faster backends
 * override these kernels.
 */
import { allocate, type DataArray } from '../../dtype.js';
import { convGeometry, type ConvGeometry } from '../../conv-geometry.js';
import { fmt, type Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';
import type { Conv2dAttrs, ConvEpilogue } from '../types.js';
import { relu as reluOf } from './relu.js';

/** The shared geometry and what the im2col loops derive from it. */
interface Geometry extends ConvGeometry {
  /** Input channels per group (= w.shape[1]). */
  readonly Cg: number;
  /** Output channels per group. */
  readonly Og: number;
  /** Rows of cols: Cg·KH·KW. */
  readonly K: number;
  /** Columns of cols: OH·OW. */
  readonly P: number;
}

function geometry(xShape: Shape, wShape: Shape, attrs: Conv2dAttrs, where: string): Geometry {
  const g = convGeometry(xShape, wShape, attrs, where);
  const Cg = g.C / g.groups;
  return { ...g, Cg, Og: g.O / g.groups, K: Cg * g.KH * g.KW, P: g.OH * g.OW };
}

function checkOutput(dyShape: Shape, g: Geometry, where: string): void {
  const expected = [g.N, g.O, g.OH, g.OW];
  if (fmt(dyShape) !== fmt(expected)) {
    throw new RangeError(`${where}: dy ${fmt(dyShape)} does not match the convolution output ${fmt(expected)}`);
  }
}

/** Fills cols [K, P] with the receptive fields of channels [c0, c0 + Cg) of image n. */
function im2col(x: ArrayLike<number>, n: number, c0: number, g: Geometry, cols: Float64Array): void {
  const { C, H, W, KH, KW, OH, OW, Cg, P } = g;
  const { stride: [sh, sw], dilation: [dh, dw], pads: [top, , left] } = g;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = (n * C + c0 + c) * H * W;
    for (let a = 0; a < KH; a++) {
      for (let b = 0; b < KW; b++, row++) {
        const out = row * P;
        for (let i = 0; i < OH; i++) {
          const ih = i * sh - top + a * dh;
          const dst = out + i * OW;
          if (ih < 0 || ih >= H) {
            cols.fill(0, dst, dst + OW);
            continue;
          }
          const src = plane + ih * W;
          for (let j = 0; j < OW; j++) {
            const iw = j * sw - left + b * dw;
            cols[dst + j] = iw >= 0 && iw < W ? x[src + iw]! : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds each entry of cols [K, P] into dx [Cg, H, W] (which it does not clear). */
function col2im(cols: Float64Array, g: Geometry, dx: Float64Array): void {
  const { H, W, KH, KW, OH, OW, Cg, P } = g;
  const { stride: [sh, sw], dilation: [dh, dw], pads: [top, , left] } = g;
  let row = 0;
  for (let c = 0; c < Cg; c++) {
    const plane = c * H * W;
    for (let a = 0; a < KH; a++) {
      for (let b = 0; b < KW; b++, row++) {
        const src = row * P;
        for (let i = 0; i < OH; i++) {
          const ih = i * sh - top + a * dh;
          if (ih < 0 || ih >= H) continue;
          const dst = plane + ih * W;
          for (let j = 0; j < OW; j++) {
            const iw = j * sw - left + b * dw;
            if (iw >= 0 && iw < W) dx[dst + iw]! += cols[src + i * OW + j]!;
          }
        }
      }
    }
  }
}

/** y = conv2d(x, w): [N, C, H, W] ⊛ [O, C/groups, KH, KW] → [N, O, OH, OW], in x's dtype. */
export function conv2d(x: Tensor, w: Tensor, attrs: Conv2dAttrs): Tensor {
  return fusedConv2d(x, w, attrs, {});
}

/** conv2d with its epilogue, y = relu?(conv + bias[o] + residual), applied to the fresh output. */
export function fusedConv2d(x: Tensor, w: Tensor, attrs: Conv2dAttrs, epilogue: ConvEpilogue): Tensor {
  const g = geometry(x.shape, w.shape, attrs, 'conv2d');
  const { N, O, OH, OW, groups, Cg, Og, K, P } = g;
  const xs = storageOf(x);
  const ws = storageOf(w);
  const y = allocate(x.dtype, N * O * P);
  const cols = new Float64Array(K * P);
  const acc = new Float64Array(Og * P); // Y_g for one image
  for (let n = 0; n < N; n++) {
    for (let grp = 0; grp < groups; grp++) {
      im2col(xs, n, grp * Cg, g, cols);
      acc.fill(0);
      // Y_g = W_g · cols, i-k-j order so the innermost loop runs along contiguous rows
      for (let o = 0; o < Og; o++) {
        const wRow = (grp * Og + o) * K;
        const yRow = o * P;
        for (let k = 0; k < K; k++) {
          const wv = ws[wRow + k]!;
          const colRow = k * P;
          for (let p = 0; p < P; p++) acc[yRow + p]! += wv * cols[colRow + p]!;
        }
      }
      y.set(acc, (n * O + grp * Og) * P);
    }
  }
  applyEpilogue(y, N, O, P, epilogue);
  return new Tensor(y, [N, O, OH, OW]);
}

/** y [N, O, P] ← relu?(y + bias[o] + residual), in place (y is the kernel's own fresh output). */
export function applyEpilogue(y: DataArray, N: number, O: number, P: number, { bias = null, residual = null, relu = false }: ConvEpilogue): void {
  if (bias === null && residual === null && !relu) return;
  const b = bias === null ? undefined : storageOf(bias);
  const r = residual === null ? undefined : storageOf(residual);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const at = (n * O + o) * P;
      const add = b === undefined ? 0 : b[o]!;
      // relu() as the elementwise kernels have it: NaN stays NaN, as PyTorch's does (v > 0 ? v : 0 made it 0)
      if (r !== undefined) {
        if (relu) for (let p = at; p < at + P; p++) y[p] = reluOf(y[p]! + add + r[p]!);
        else for (let p = at; p < at + P; p++) y[p] = y[p]! + add + r[p]!;
      } else if (relu) for (let p = at; p < at + P; p++) y[p] = reluOf(y[p]! + add);
      else for (let p = at; p < at + P; p++) y[p]! += add;
    }
  }
}

/*
 * Gradients. With L a function of y and dY = ∂L/∂y, the product rule on Y_g = W_g · cols gives
 *   ∂L/∂W_g[o, k] = Σ_n Σ_p dY_g[o, p] · cols[k, p]   ⇒  dW_g = Σ_n dY_g · colsᵀ   [Og, P]·[P, K]
 *   ∂L/∂cols[k, p] = Σ_o W_g[o, k] · dY_g[o, p]        ⇒  dCols = W_gᵀ · dY_g       [K, Og]·[Og, P]
 * and since each cols entry is a copy of one x entry (or of a padding zero), x's gradient is
 * the sum of the gradients of all its copies: dX = col2im(dCols), the adjoint of im2col, which
 * scatter-adds each column back into the window it came from (padding positions are dropped).
 */

/** dX = col2im(W_gᵀ · dY_g) per image and group: dy [N, O, OH, OW] → xShape [N, C, H, W], in dy's dtype. */
export function conv2dBackpropInput(dy: Tensor, w: Tensor, xShape: Shape, attrs: Conv2dAttrs): Tensor {
  const g = geometry(xShape, w.shape, attrs, 'conv2dBackpropInput');
  checkOutput(dy.shape, g, 'conv2dBackpropInput');
  const { N, C, H, W, O, groups, Cg, Og, K, P } = g;
  const dys = storageOf(dy);
  const ws = storageOf(w);
  const dx = allocate(dy.dtype, N * C * H * W);
  const dCols = new Float64Array(K * P);
  const dxGroup = new Float64Array(Cg * H * W);
  for (let n = 0; n < N; n++) {
    for (let grp = 0; grp < groups; grp++) {
      dCols.fill(0);
      // dCols = W_gᵀ · dY_g: each row o of dY_g, scaled by w[o, k], lands in row k of dCols
      for (let o = 0; o < Og; o++) {
        const wRow = (grp * Og + o) * K;
        const dyRow = (n * O + grp * Og + o) * P;
        for (let k = 0; k < K; k++) {
          const wv = ws[wRow + k]!;
          const colRow = k * P;
          for (let p = 0; p < P; p++) dCols[colRow + p]! += wv * dys[dyRow + p]!;
        }
      }
      dxGroup.fill(0);
      col2im(dCols, g, dxGroup);
      dx.set(dxGroup, (n * C + grp * Cg) * H * W);
    }
  }
  return new Tensor(dx, xShape);
}

/** dW = Σ_n dY_g · colsᵀ per group: x [N, C, H, W] and dy [N, O, OH, OW] → wShape [O, C/groups, KH, KW], in x's dtype. */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, wShape: Shape, attrs: Conv2dAttrs): Tensor {
  const g = geometry(x.shape, wShape, attrs, 'conv2dBackpropFilter');
  checkOutput(dy.shape, g, 'conv2dBackpropFilter');
  const { N, O, groups, Cg, Og, K, P } = g;
  const xs = storageOf(x);
  const dys = storageOf(dy);
  const dw = new Float64Array(O * K);
  const cols = new Float64Array(K * P);
  for (let n = 0; n < N; n++) {
    for (let grp = 0; grp < groups; grp++) {
      im2col(xs, n, grp * Cg, g, cols);
      // dW_g += dY_g · colsᵀ: entry (o, k) is the dot product of two contiguous rows
      for (let o = 0; o < Og; o++) {
        const dyRow = (n * O + grp * Og + o) * P;
        const dwRow = (grp * Og + o) * K;
        for (let k = 0; k < K; k++) {
          const colRow = k * P;
          let s = 0;
          for (let p = 0; p < P; p++) s += dys[dyRow + p]! * cols[colRow + p]!;
          dw[dwRow + k]! += s;
        }
      }
    }
  }
  const out = allocate(x.dtype, O * K);
  out.set(dw);
  return new Tensor(out, wShape);
}
