/**
 * shares — one thread's part of a hot kernel, on bare Float32Arrays and one tfjs-wasm instance.
 *
 * A parallel kernel is cut into shares (a range of images, of output rows, of channels); the
 * main thread runs share 0 and each worker thread one of the others, all with the functions in
 * this file, so a share computes the same numbers wherever it runs. With one thread the whole
 * kernel is a single share on the main thread: there is one code path, not two.
 *
 * A share reads its inputs in Sapling's layout (NCHW activations, [O, C, KH, KW] filters, row-
 * major matrices), copies them into the wasm heap and changes the layout there (small tensors:
 * during the copy, in TypeScript; large ones: in SIMD inside the heap, conv-nchw.wat and
 * col2im.wat running on tfjs's own memory), runs tfjs kernels and copies the result out into its
 * output view the same way. It allocates no tfjs tensor that outlives the call.
 *
 * Shares are plain data in, views out: `params` are numbers (they cross threads by structured
 * clone), `views` are Float32Arrays (on the main thread: the tensors' own storage; in a worker:
 * windows of the shared arena).
 */
import type * as TF from '@tensorflow/tfjs-core';
import { relu } from '../cpu/relu.js';
import { flippedTransposed, phaseSteps, scatterPhase, type ConvGeometry, type Pads } from './conv-geometry.js';
import { gruBackwardShare, gruForwardShare, type GruBackwardParams } from '../cpu/gru-loops.js';
import { lstmBackwardShare, lstmForwardShare, type LstmBackwardParams, type LstmShareParams, type Products } from '../cpu/lstm-loops.js';
import { cellArrays, col2imArrays, directConvArrays, heapKernels, type ConvKernels } from './simd/modules.js';
import {
  channelsFirst, dyChannelsByPixel, dyPixelsByChannelSimd, im2colTSimd, nchwToNhwc, nchwToNhwcStrided, nhwcToNchw, oihwToHwio, pixelBlocks, scratchFloats,
} from './layout.js';

export type Tf = typeof TF;

/** The two internals of tfjs-wasm's backend we use to move data without an extra copy. */
interface WasmHeapAccess {
  write(values: null, shape: number[], dtype: 'float32'): TF.DataId;
  typedArrayFromHeap(info: { shape: number[]; dtype: 'float32'; dataId: TF.DataId }): Float32Array;
}

/**
 * A tfjs tensor whose heap memory `fill` writes directly: the layout change happens during the
 * one copy into the heap, not in a temporary array first.
 */
function heapTensor(tf: Tf, shape: number[], fill: (heap: Float32Array) => void): TF.Tensor {
  const backend = tf.backend() as unknown as WasmHeapAccess;
  const dataId = backend.write(null, shape, 'float32');
  const t = tf.engine().makeTensorFromDataId(dataId, shape, 'float32', tf.backend());
  fill(backend.typedArrayFromHeap({ shape, dtype: 'float32', dataId }));
  return t;
}

/** A view of a tensor's values in the wasm heap: valid until the next tfjs allocation. */
function heapView(tf: Tf, t: TF.Tensor): Float32Array {
  return (tf.backend() as unknown as WasmHeapAccess).typedArrayFromHeap({ shape: t.shape, dtype: 'float32', dataId: t.dataId });
}

// ── resident operands ────────────────────────────────────────────────────────────────────

/**
 * Weights are often the same from call to call: inference, any loop that runs one model on many
 * inputs, a saliency map's input gradients. XNNPACK packs a filter into its own blocked layout
 * the first time a tfjs tensor is used as one and keeps the packed copy (in tfjs-wasm's operator
 * cache) for as long as that tensor lives — ~9 ns a weight, 21 of 28 ms for a 3×3×512×512 conv
 * at batch 1. A fresh tfjs tensor on every call throws that work away. So an operand that comes
 * with a `key` (the caller's name for "these exact values in this exact layout": the storage's
 * identity, the slice and the layout; see `operandKey` in ../tfjs-wasm.ts) may stay *resident*:
 *   - a key seen for the first time is only noted — in training every weight is new at every
 *     step (optimizers replace a parameter's storage), so nothing is kept there;
 *   - the second time, the tensor is kept (tf.keep) and found again on every later call;
 *   - at most RESIDENT_LIMIT floats stay per thread, least recently used evicted first
 *     (disposing a tensor also frees XNNPACK's packed copy).
 * Sapling never writes into a tensor's storage after creating it (`assign` swaps in a new
 * array), which is what makes the storage's identity a safe key.
 */
const RESIDENT_LIMIT = 48 * 2 ** 20; // floats per thread: 192 MB, plus XNNPACK's packed copies
const SIGHTINGS_LIMIT = 4096;

const residents = new Map<string, TF.Tensor>(); // in least-recently-used order
const sightings = new Set<string>();
let residentFloats = 0;
let residentHits = 0;

/** The operand `key` names, resident if it has been asked for before; else made by `fill`. */
function operand(tf: Tf, key: string | undefined, shape: number[], fill: (heap: Float32Array) => void): TF.Tensor {
  if (key === undefined) return heapTensor(tf, shape, fill);
  const hit = residents.get(key);
  if (hit !== undefined) {
    residents.delete(key); // re-inserted: now the most recently used
    residents.set(key, hit);
    residentHits++;
    return hit;
  }
  const t = heapTensor(tf, shape, fill);
  if (!sightings.has(key)) {
    if (sightings.size >= SIGHTINGS_LIMIT) sightings.clear();
    sightings.add(key);
    return t;
  }
  sightings.delete(key);
  if (t.size > RESIDENT_LIMIT / 4) return t; // one operand may not push out everything else
  for (const [old, tensor] of residents) {
    if (residentFloats + t.size <= RESIDENT_LIMIT) break;
    residents.delete(old);
    residentFloats -= tensor.size;
    tensor.dispose();
  }
  residents.set(key, tf.keep(t));
  residentFloats += t.size;
  return t;
}

/** What this thread keeps resident: tensors, their floats, and how many calls found one. */
export function residentStats(): { tensors: number; floats: number; hits: number } {
  return { tensors: residents.size, floats: residentFloats, hits: residentHits };
}

/** Disposes every resident operand of this thread (and forgets every sighting). */
export function clearResidents(): void {
  for (const t of residents.values()) t.dispose();
  residents.clear();
  sightings.clear();
  residentFloats = 0;
}

function expectShape(t: TF.Tensor, shape: readonly number[], what: string): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${what}: tfjs returned shape [${t.shape}], expected [${shape}]`);
  }
}

const convNhwc = (tf: Tf, x: TF.Tensor, f: TF.Tensor, stride: readonly [number, number], pads: Pads, dilation: readonly [number, number]): TF.Tensor4D =>
  tf.conv2d(x as TF.Tensor4D, f as TF.Tensor4D, [stride[0], stride[1]], [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]], 'NHWC', [dilation[0], dilation[1]]);

// ── matmul ────────────────────────────────────────────────────────────────────────────────

/**
 * out [batch, m, n] = a [aBatch, m, k] · b [bBatch, k, n], aBatch and bBatch each 1 or `batch`.
 * A column share (one product only) multiplies by the columns [col, col + n) of a `b` whose
 * rows are `bStride` long, and writes rows `outStride` apart; otherwise both strides are `n`.
 */
export interface MatmulParams {
  readonly batch: number;
  readonly aBatch: number;
  readonly bBatch: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly col: number;
  readonly bStride: number;
  readonly outStride: number;
  /** Names b's values (see `operand`): b may stay resident in the wasm heap. */
  readonly bKey?: string;
}

export function matmulShare(tf: Tf, p: MatmulParams, v: { readonly a: Float32Array; readonly b: Float32Array; readonly out: Float32Array }): void {
  const { m, k, n, col, bStride, outStride } = p;
  tf.tidy(() => {
    const a = tf.tensor3d(v.a, [p.aBatch, m, k], 'float32');
    const b = bStride === n
      ? operand(tf, p.bKey, [p.bBatch, k, n], (heap) => heap.set(v.b))
      : operand(tf, p.bKey, [1, k, n], (heap) => { for (let r = 0; r < k; r++) heap.set(v.b.subarray(r * bStride + col, r * bStride + col + n), r * n); });
    const y = tf.matMul(a, b);
    expectShape(y, [p.batch, m, n], 'matmul');
    const values = heapView(tf, y);
    if (outStride === n) v.out.set(values);
    else for (let r = 0; r < m; r++) v.out.set(values.subarray(r * n, (r + 1) * n), r * outStride);
  });
}

// ── conv2d forward ────────────────────────────────────────────────────────────────────────

/**
 * y = conv2d(x, w) for the images and output channels of one share: `g.N` images, `g.O` output
 * channels. The share's y [N, O, OH, OW] is written into `out` at channel `outChannel` of images
 * `outBatchStride` floats apart (so a channel share can write into the full output).
 */
export interface ConvForwardParams {
  readonly g: ConvGeometry;
  readonly outBatchStride: number;
  readonly outChannel: number;
  /** Names w's values (see `operand`): the filter may stay resident in tfjs's layout. */
  readonly wKey?: string;
  /** The epilogue: add `bias` (the share's O values, a view) and/or apply ReLU, inside tfjs's fused conv. */
  readonly bias: boolean;
  readonly biasKey?: string;
  readonly relu: boolean;
  /**
   * Add `residual` (laid out as `out`: the same strides and channel offset) before the ReLU. tfjs
   * has no such epilogue, so it runs in this share's pass over its output, after tfjs's bias.
   */
  readonly residual: boolean;
}

/**
 * Below this many floats a layout change stays in TypeScript: the SIMD one pays a heap allocation
 * and a call per image, which small tensors do not repay.
 */
const SIMD_TRANSPOSE_MIN = 16384;

let heapLayouts = 0;

/** How many layout changes have run in SIMD inside tfjs's heap (tests use it to see which path ran). */
export function heapLayoutChanges(): number {
  return heapLayouts;
}

/**
 * A tfjs tensor of `shape` holding src's N images of C planes of P pixels in NHWC: nchwToNhwc
 * (layout.ts), or for a large tensor, src copied into tfjs's heap as it is and each image
 * transposed there by conv-nchw.wat's `transpose` running on tfjs's own memory. One memcpy and
 * one pass of 4 × 4 blocks: [64, 3136] (ImageNet layer1's input) 0.19 → 0.055 ms,
 * [32 × 64, 1024] (CIFAR layer1's) 2.8–2.9 → 1.4–1.7 ms with a copy more than now (the
 * transpose ran in the module's own memory then, between two copies).
 */
function nhwcTensor(tf: Tf, src: Float32Array, shape: number[], N: number, C: number, P: number): TF.Tensor {
  const n = N * C * P;
  if (n < SIMD_TRANSPOSE_MIN) return heapTensor(tf, shape, (heap) => nchwToNhwc(src, heap, N, C, P));
  const planes = heapTensor(tf, [n], (heap) => heap.set(src.subarray(0, n)));
  const t = unfilled(tf, shape);
  const [from, to] = [heapView(tf, planes), heapView(tf, t)];
  const { transpose } = heapKernelsOf(tf).direct;
  for (let i = 0; i < N; i++) transpose(from.subarray(i * C * P, (i + 1) * C * P), to.subarray(i * C * P, (i + 1) * C * P), C, P);
  planes.dispose();
  heapLayouts++;
  return t;
}

/**
 * y's N images of P pixels × O channels (NHWC, in tfjs's heap) into dst as NCHW, image i's
 * channel 0 at i·batchStride + o0·P: nhwcToNchw (layout.ts), or for a large tensor, each image
 * transposed inside the heap (as `nhwcTensor`) and copied out.
 */
function fromNhwc(tf: Tf, y: TF.Tensor, dst: Float32Array, N: number, P: number, O: number, batchStride: number, o0 = 0): void {
  const n = N * P * O;
  if (n < SIMD_TRANSPOSE_MIN) {
    nhwcToNchw(heapView(tf, y), dst, N, P, O, batchStride, o0);
    return;
  }
  const t = unfilled(tf, [n]);
  const [from, to] = [heapView(tf, y), heapView(tf, t)];
  const { transpose } = heapKernelsOf(tf).direct;
  for (let i = 0; i < N; i++) {
    const image = to.subarray(i * P * O, (i + 1) * P * O);
    transpose(from.subarray(i * P * O, (i + 1) * P * O), image, P, O);
    dst.set(image, i * batchStride + o0 * P);
  }
  t.dispose();
  heapLayouts++;
}

export function convForwardShare(tf: Tf, p: ConvForwardParams, v: { readonly x: Float32Array; readonly w: Float32Array; readonly bias?: Float32Array; readonly residual?: Float32Array; readonly out: Float32Array }): void {
  if (fewChannels(p.g) && directConvForward(p, v)) return;
  if (isPointwise(p.g) && pointwiseForward(p, v)) return;
  const { N, C, H, W, O, KH, KW, OH, OW } = p.g;
  // A 1×1 conv with a stride and no padding reads one pixel in sh·sw: move only those, and run
  // it as the stride-1 conv of the subsampled input (a plain GEMM inside XNNPACK).
  const subsample = isPointwise(p.g) && (p.g.stride[0] > 1 || p.g.stride[1] > 1);
  const stride = subsample ? [1, 1] as const : p.g.stride;
  tf.tidy(() => {
    const x = subsample
      ? heapTensor(tf, [N, OH, OW, C], (heap) => nchwToNhwcStrided(v.x, heap, N, C, H, W, OH, OW, p.g.stride[0], p.g.stride[1]))
      : nhwcTensor(tf, v.x, [N, H, W, C], N, C, H * W);
    const f = operand(tf, p.wKey, [KH, KW, C, O], (heap) => oihwToHwio(v.w, heap, C, KH * KW, O));
    const [pt, pb, pl, pr] = p.g.pads;
    const relu = p.relu && !p.residual; // with a residual, the ReLU comes after it (below)
    const y = !p.bias && !relu
      ? convNhwc(tf, x, f, stride, p.g.pads, p.g.dilation)
      : tf.fused.conv2d({
        x: x as TF.Tensor4D, filter: f as TF.Tensor4D, strides: [stride[0], stride[1]],
        pad: [[0, 0], [pt, pb], [pl, pr], [0, 0]], dataFormat: 'NHWC', dilations: [p.g.dilation[0], p.g.dilation[1]],
        ...(p.bias ? { bias: operand(tf, p.biasKey, [O], (heap) => heap.set(v.bias!)) } : {}),
        activation: relu ? 'relu' : 'linear',
      });
    expectShape(y, [N, OH, OW, O], 'conv2d');
    fromNhwc(tf, y, v.out, N, OH * OW, O, p.outBatchStride, p.outChannel);
    if (p.residual) addResidual(v.out, v.residual!, N, O, OH * OW, p.outBatchStride, p.outChannel, p.relu);
  });
}

/**
 * Below this many input channels (the stems) a conv leaves XNNPACK for kernels of our own. The
 * forward runs as conv-nchw.wat's direct convolution (`directConvForward`), the filter gradient
 * as its `filter` kernel (`directFilterGradient`). The input gradient runs as the direct kernel
 * at stride 1 (`directInputGradient`), else as one matrix product and a col2im
 * (`columnsInputGradient`), rather than one conv per phase: those convs output the input
 * channels, and XNNPACK computes 8 output channels at a time, so 3 of them run at a third of its
 * speed. On the ImageNet stem (3 channels, 7×7/2) the phases took 20 ms against a 9 ms forward.
 */
const FEW_CHANNELS = 8;

/**
 * The convs that leave XNNPACK (see FEW_CHANNELS): fewer than 8 input channels, and dilation 1
 * (the direct kernel reads a window row's taps as neighbours, phase by phase). On ResNet-18's
 * other convs the direct kernel measured from as fast as XNNPACK with its transposes (3×3,
 * stride 1, wide rows) to 2–5× slower (1×1, stride 2, 4-pixel rows), so they stay on tfjs.
 */
function fewChannels(g: ConvGeometry): boolean {
  return g.C < FEW_CHANNELS && g.dilation[0] === 1 && g.dilation[1] === 1;
}

/**
 * How conv-nchw.wat lays out one image of `g`: output rows of OWp pixels (OW rounded up to 8),
 * and the padded input as Hp rows of `stride` column phases of Wq floats, large enough that every
 * window of every computed pixel lies inside it and that it holds the image at (pt, pl).
 */
function directLayout(g: ConvGeometry): { OWp: number; Hp: number; Wq: number } {
  const [sh, sw] = g.stride;
  const [pt, , pl] = g.pads;
  const OWp = Math.ceil(g.OW / 8) * 8;
  const Hp = Math.max((g.OH - 1) * sh + g.KH, pt + g.H);
  const Wq = Math.max(OWp + Math.floor((g.KW - 1) / sw), Math.floor((pl + g.W - 1) / sw) + 1);
  return { OWp, Hp, Wq };
}

/**
 * The forward conv of the share as conv-nchw.wat's direct convolution, image by image, in the
 * SIMD module's memory: the image copied in, padded there (and its columns split into stride
 * phases), convolved straight into NCHW planes with the bias and ReLU, and copied out in one
 * piece. No layout change at all, against tfjs's NCHW → NHWC → NCHW. The weights are padded with
 * zero filters to a multiple of 4 output channels, the rows to a multiple of 8 pixels (the
 * extra ones computed and dropped). False when the arrays would not fit in the module's memory.
 */
function directConvForward(p: ConvForwardParams, v: { readonly x: Float32Array; readonly w: Float32Array; readonly bias?: Float32Array; readonly residual?: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, KH, KW, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const [pt, , pl] = p.g.pads;
  const O4 = Math.ceil(O / 4) * 4;
  const { OWp, Hp, Wq } = directLayout(p.g);
  const T = C * KH * KW;
  const P = OH * OW;
  const simd = directConvArrays([C * H * W, C * Hp * sw * Wq, O4 * T, p.bias ? O4 : 0, O4 * OH * OWp]);
  if (simd === null) return false;
  const [image, padded, w, bias, y] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  w.set(v.w.subarray(0, O * T));
  w.fill(0, O * T);
  if (p.bias) {
    bias.set(v.bias!.subarray(0, O));
    bias.fill(0, O);
  }
  const relu = p.relu && !p.residual; // with a residual, the ReLU comes after it (below)
  for (let n = 0; n < N; n++) {
    image.set(v.x.subarray(n * C * H * W, (n + 1) * C * H * W));
    padded.fill(0);
    simd.direct.pad(image, padded, C, H, W, pt, pl, Hp, sw, Wq);
    simd.direct.conv(padded, w, p.bias ? bias : null, y, C, KH, KW, O4, OH, OWp, Hp, sh, sw, Wq, relu);
    if (OWp !== OW) simd.direct.compact(y, O * OH, OW, OWp);
    v.out.set(y.subarray(0, O * P), n * p.outBatchStride + p.outChannel * P);
  }
  if (p.residual) addResidual(v.out, v.residual!, N, O, P, p.outBatchStride, p.outChannel, p.relu);
  return true;
}

/** A 1×1 conv without padding (ResNet's downsamples, any stride; a single tap makes dilation irrelevant). */
function isPointwise(g: ConvGeometry): boolean {
  return g.KH === 1 && g.KW === 1 && g.pads.every((pad) => pad === 0);
}

/**
 * A 1×1 conv as conv-nchw.wat's `pointwise`, image by image: the pixels it reads gathered into
 * C rows of P8 floats (the image flattened, P = OH·OW rounded up to 8), then Y [O, P] = W [O, C] ·
 * X [C, P], which is already NCHW. False when the arrays would not fit.
 */
function pointwiseForward(p: ConvForwardParams, v: { readonly x: Float32Array; readonly w: Float32Array; readonly bias?: Float32Array; readonly residual?: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const O4 = Math.ceil(O / 4) * 4;
  const P = OH * OW;
  const P8 = Math.ceil(P / 8) * 8;
  const simd = directConvArrays([C * P8, O4 * C, p.bias ? O4 : 0, O4 * P8]);
  if (simd === null) return false;
  const [xs, w, bias, y] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
  w.set(v.w.subarray(0, O * C));
  w.fill(0, O * C);
  if (p.bias) {
    bias.set(v.bias!.subarray(0, O));
    bias.fill(0, O);
  }
  const x = v.x;
  const relu = p.relu && !p.residual;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * H * W;
      let d = c * P8;
      for (let i = 0; i < OH; i++) {
        let s = plane + i * sh * W;
        for (let j = 0; j < OW; j++, s += sw) xs[d++] = x[s]!;
      }
      xs.fill(0, d, (c + 1) * P8);
    }
    simd.direct.pointwise(xs, w, p.bias ? bias : null, y, C, O4, P8, relu);
    if (P8 !== P) simd.direct.compact(y, O, P, P8);
    v.out.set(y.subarray(0, O * P), n * p.outBatchStride + p.outChannel * P);
  }
  if (p.residual) addResidual(v.out, v.residual!, N, O, P, p.outBatchStride, p.outChannel, p.relu);
  return true;
}

/** out ← relu?(out + residual) over `O` channels from `channel` of N images `batchStride` apart (both arrays laid out alike). */
function addResidual(out: Float32Array, residual: Float32Array, N: number, O: number, P: number, batchStride: number, channel: number, withRelu: boolean): void {
  for (let n = 0; n < N; n++) {
    const from = n * batchStride + channel * P;
    const to = from + O * P;
    if (withRelu) for (let i = from; i < to; i++) out[i] = relu(out[i]! + residual[i]!);
    else for (let i = from; i < to; i++) out[i]! += residual[i]!;
  }
}

// ── conv2d input gradient ─────────────────────────────────────────────────────────────────

/**
 * dX = conv2dBackpropInput(dY, w) for `g.N` images and the input channels [c0, c1), written into
 * `out` (NCHW, images `outBatchStride` floats apart, starting at channel `outChannel`).
 * dY holds all O channels of the share's images, w all of [O, C, KH, KW].
 */
export interface ConvInputParams {
  readonly g: ConvGeometry;
  readonly c0: number;
  readonly c1: number;
  readonly outBatchStride: number;
  readonly outChannel: number;
  /** Names w's values (see `operand`): each phase's flipped filter may stay resident. */
  readonly wKey?: string;
  /**
   * `out` is all zeros already (a fresh tensor's storage, on the main thread; a worker's arena
   * view is not): a strided 1×1 conv's input gradient then writes only the pixels it read.
   */
  readonly outZeroed?: boolean;
}

export function convInputShare(tf: Tf, p: ConvInputParams, v: { readonly dy: Float32Array; readonly w: Float32Array; readonly out: Float32Array }): void {
  const g = p.g;
  const { N, H, W, O, OH, OW } = g;
  const Ct = p.c1 - p.c0;
  if (isPointwise(g)) {
    if (!pointwiseInputGradientSimd(p, v)) pointwiseInputGradient(tf, p, v);
    return;
  }
  if (fewChannels(g) && (directInputGradient(p, v) || columnsInputGradient(tf, p, v))) return;
  tf.tidy(() => {
    const dy = nhwcTensor(tf, v.dy, [N, OH, OW, O], N, O, OH * OW);
    // dX, NHWC, in the wasm heap (already-touched memory, unlike a fresh array); rows that no
    // phase reaches stay zero.
    const dx = heapTensor(tf, [N, H, W, Ct], (heap) => heap.fill(0));
    // With stride s, input row h only meets kernel taps a ≡ h + pt (mod s): dX splits into s_h·s_w
    // interleaved phases, each a stride-1 conv of dY with that phase's taps (conv-geometry.ts).
    for (const step of phaseSteps(g)) {
      const shape = [step.rows.taps, step.cols.taps, O, Ct];
      // named by the channel slice and the phase itself (which phases exist depends on H and W)
      const key = p.wKey === undefined ? undefined : `${p.wKey}/${p.c0}:${p.c1}/${step.fh},${step.fw}:${shape[0]}x${shape[1]}`;
      const filter = operand(tf, key, shape, (heap) => flippedTransposed(v.w, g, step, p.c0, Ct, heap));
      const part = convNhwc(tf, dy, filter, [1, 1], step.pads, g.dilation);
      // (views are taken after the conv: an allocation may have grown, and so moved, the heap)
      scatterPhase(heapView(tf, part), part.shape[1]!, part.shape[2]!, step, heapView(tf, dx), N, H, W, Ct, g.stride);
      part.dispose(); // keep the heap small across phases
      if (!filter.kept) filter.dispose(); // (a resident operand is kept: tf.keep)
    }
    fromNhwc(tf, dx, v.out, N, H * W, Ct, p.outBatchStride, p.outChannel);
  });
}

/**
 * The input gradient of a stride-1 conv with few input channels as conv-nchw.wat's direct
 * convolution: dX[c, h, w] = Σ_o Σ_a Σ_b dY[o, h + pt − a, w + pl − b] · W[o, c, a, b] is the
 * forward conv of dY padded by (KH − 1 − pt, KW − 1 − pl) with the filter flipped in both axes
 * and its channels swapped, W'[c, o, a', b'] = W[o, c, KH − 1 − a', KW − 1 − b']. Its input has
 * the O channels of dY, its output the few of x: the direct kernel's 4-channel blocks fit that,
 * where XNNPACK's 8 did not. False (the columns path runs) for strides and for paddings beyond
 * the kernel's reach.
 */
function directInputGradient(p: ConvInputParams, v: { readonly dy: Float32Array; readonly w: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, KH, KW, OH, OW } = p.g;
  const [pt, pb, pl, pr] = p.g.pads;
  if (p.g.stride[0] !== 1 || p.g.stride[1] !== 1 || Math.max(pt, pb) > KH - 1 || Math.max(pl, pr) > KW - 1) return false;
  const Ct = p.c1 - p.c0;
  const C4 = Math.ceil(Ct / 4) * 4;
  const Wp = Math.ceil(W / 8) * 8;
  const [top, left] = [KH - 1 - pt, KW - 1 - pl]; //                                   dY's padding
  const Hp = Math.max(H - 1 + KH, top + OH);
  const Wq = Math.max(Wp + KW - 1, left + OW);
  const T = KH * KW;
  const simd = directConvArrays([O * OH * OW, O * Hp * Wq, C4 * O * T, C4 * H * Wp]);
  if (simd === null) return false;
  const [image, padded, wT, dx] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
  for (let c = 0; c < Ct; c++) {
    for (let o = 0; o < O; o++) {
      const from = (o * C + p.c0 + c) * T;
      const to = (c * O + o) * T;
      for (let t = 0; t < T; t++) wT[to + t] = v.w[from + T - 1 - t]!; // (a', b') = (KH − 1 − a, KW − 1 − b): the taps reversed
    }
  }
  wT.fill(0, Ct * O * T);
  for (let n = 0; n < N; n++) {
    image.set(v.dy.subarray(n * O * OH * OW, (n + 1) * O * OH * OW));
    padded.fill(0);
    simd.direct.pad(image, padded, O, OH, OW, top, left, Hp, 1, Wq);
    simd.direct.conv(padded, wT, null, dx, O, KH, KW, C4, H, Wp, Hp, 1, 1, Wq, false);
    if (Wp !== W) simd.direct.compact(dx, Ct * H, W, Wp);
    v.out.set(dx.subarray(0, Ct * H * W), n * p.outBatchStride + p.outChannel * H * W);
  }
  return true;
}

/**
 * The input gradient as the transpose of im2col's product. With cols[k, (c, a, b)] =
 * Σ_o dY[k, o] · W[o, c, a, b] for each output pixel k = (n, i, j), every window adds its column
 * back where it read:
 *   dX[n, c, i·sh − pt + a, j·sw − pl + b] += cols[k, (c, a, b)]
 * The product runs in XNNPACK ([N·OH·OW, O] · [O, Ct·KH·KW], the columns as wide as the taps, not
 * the few channels), the sums in col2im.wat, four taps at a time, into a padded image in the SIMD
 * module's memory whose interior is then copied out. Dilation 1 only (the taps of a window row are
 * then neighbours). False when the SIMD memory cannot hold an image's arrays (the phases run then).
 */
function columnsInputGradient(tf: Tf, p: ConvInputParams, v: { readonly dy: Float32Array; readonly w: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, KH, KW, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const [pt, , pl] = p.g.pads;
  const Ct = p.c1 - p.c0;
  const Q = Ct * KH * KW; //                                                          columns per pixel
  const P = OH * OW;
  // every window inside the padded image, and the image itself at (pt, pl)
  const Hp = Math.max((OH - 1) * sh + KH, pt + H);
  const Wp = Math.max((OW - 1) * sw + KW, pl + W);
  const simd = col2imArrays([P * Q, Ct * Hp * Wp]);
  if (simd === null) return false;
  const [cols, padded] = simd.arrays as [Float32Array, Float32Array];
  tf.tidy(() => {
    const dy = nhwcTensor(tf, v.dy, [1, N * P, O], N, O, P);
    const key = p.wKey === undefined ? undefined : `${p.wKey}/${p.c0}:${p.c1}/columns`;
    // W's input channels [c0, c1) as [O, Ct·KH·KW]: one contiguous run per output channel
    const f = operand(tf, key, [1, O, Q], (heap) => {
      const T = KH * KW;
      for (let o = 0; o < O; o++) heap.set(v.w.subarray((o * C + p.c0) * T, (o * C + p.c1) * T), o * Q);
    });
    const product = tf.matMul(dy as TF.Tensor3D, f as TF.Tensor3D); //                    [1, N·P, Q]
    expectShape(product, [1, N * P, Q], 'conv2dBackpropInput');
    const all = heapView(tf, product);
    for (let n = 0; n < N; n++) {
      cols.set(all.subarray(n * P * Q, (n + 1) * P * Q));
      padded.fill(0);
      simd.col2im(cols, OH, OW, Ct, KH, KW, sh, sw, padded, Hp, Wp);
      const image = n * p.outBatchStride + p.outChannel * H * W;
      for (let c = 0; c < Ct; c++) {
        for (let h = 0; h < H; h++) {
          const from = (c * Hp + pt + h) * Wp + pl;
          v.out.set(padded.subarray(from, from + W), image + (c * H + h) * W);
        }
      }
    }
  });
  return true;
}

// ── conv2d filter gradient ────────────────────────────────────────────────────────────────

/**
 * dW = conv2dBackpropFilter(x, dY) over the share's `g.N` images, for the output channels
 * [o0, o1). x holds the share's images, dY all O channels of them. The result goes to `out`
 * either as tfjs leaves it, [C, KH, KW, Ot] (a partial sum the caller will reduce and
 * transpose), or, with `transposed`, as the rows [Ot, C, KH, KW] of Sapling's dW.
 */
export interface ConvFilterParams {
  readonly g: ConvGeometry;
  readonly o0: number;
  readonly o1: number;
  readonly transposed: boolean;
}

/**
 * Output pixels per block of the filter gradient's product: large enough that each matmul runs
 * at full speed, small enough that dY's block, the operand XNNPACK packs, stays in the L2 cache.
 * Measured on ResNet-18's convs: 512 → 2048 gains 5–10 %, 8192 nothing more.
 */
const PIXELS_PER_BLOCK = 2048;
/** And at most this many floats of patches per block (32 MB): a filter with many taps gets fewer pixels. */
const MAX_PATCH_FLOATS = 2 ** 23;

/**
 * The filter gradient is a matrix product over the output pixels k = (n, i, j):
 *   dW[o, (c, a, b)] = Σ_k dY[o, k] · patches[(c, a, b), k]
 * with patches[(c, a, b), (n, i, j)] = x[n, c, i·sh − pt + a·dh, j·sw − pl + b·dw] (im2colT). Run
 * one block of pixels at a time and summed over the blocks in order, it is
 *   dWᵀ [Q, Ot] += patches [Q, K] · dY [K, Ot]        (Q = C·KH·KW, K the block's pixels)
 * XNNPACK packs the right operand on every call, so that is dY's block, the smaller one — except
 * when Q is tiny (a 3-channel stem: Q = 27, Ot = 64), where packing the patches [K, Q] and
 * computing dW [Ot, Q] = dY [Ot, K] · patchesᵀ directly is faster (1.3× the forward, not 2×).
 * On ResNet-18's 3×3 convs this is 1.2–1.4× the forward conv. The correlation it replaced (x as
 * [C, H, W, N] convolved with dY as an [OH, OW, N, O] filter) was 1.5–2.9×, worst at batch 1,
 * where that correlation has a single input channel.
 */
export function convFilterShare(tf: Tf, p: ConvFilterParams, v: { readonly x: Float32Array; readonly dy: Float32Array; readonly out: Float32Array }): void {
  const g = p.g;
  if (fewChannels(g) && directFilterGradient(p, v)) return;
  if (isPointwise(g)) {
    if (!pointwiseFilterGradientSimd(p, v)) pointwiseFilterGradient(tf, p, v);
    return;
  }
  const Ot = p.o1 - p.o0;
  const Q = g.C * g.KH * g.KW;
  // The product is [Ot, Q] with the patches on the right, else [Q, Ot]: pick the one that moves
  // fewer values. The right operand is moved twice, transposed into the heap and packed by
  // XNNPACK (patches: N·P·Q values, dY: N·P·Ot), and a product not in the wanted layout is
  // transposed once more at the end (Q·Ot). At batch 1 the deep layers' dW is far larger than
  // their pixels' patches: layer4.0.conv1's is 1.2 M values, its patches 0.1 M.
  const pixels = g.N * g.OH * g.OW;
  const patchesRight = 2 * pixels * Q + (p.transposed ? 0 : Q * Ot) < 2 * pixels * Ot + (p.transposed ? Q * Ot : 0);
  const [rows, cols] = patchesRight ? [Ot, Q] : [Q, Ot];
  const blocks = pixelBlocks(g, Math.min(PIXELS_PER_BLOCK, Math.floor(MAX_PATCH_FLOATS / Q)));
  // The sum over blocks runs in the product's layout: straight in `out` when that is the layout
  // wanted, else in scratch transposed at the end (or, for one block, no sum at all).
  const wanted = p.transposed === patchesRight;
  const sum = wanted ? v.out : blocks.length > 1 ? filterScratchOf(Q * Ot) : null;
  // x and dY's channels [o0, o1) go into tfjs's heap once, as they are; each block's patches and
  // dY's pixels are made from them there, by col2im.wat and conv-nchw.wat on tfjs's memory.
  const kernels = heapKernelsOf(tf);
  const P = g.OH * g.OW;
  const xs = heapTensor(tf, [g.N * g.C * g.H * g.W], (heap) => heap.set(v.x.subarray(0, heap.length)));
  const dys = patchesRight ? null : heapTensor(tf, [g.N * Ot * P], (heap) => {
    for (let n = 0; n < g.N; n++) heap.set(v.dy.subarray((n * g.O + p.o0) * P, (n * g.O + p.o1) * P), n * Ot * P);
  });
  try {
    for (const [index, block] of blocks.entries()) {
      const K = (block.n1 - block.n0) * (block.i1 - block.i0) * g.OW;
      tf.tidy(() => {
        let product: TF.Tensor3D;
        if (patchesRight) {
          const a = heapTensor(tf, [1, Ot, K], (heap) => dyChannelsByPixel(v.dy, heap, g, p.o0, Ot, block));
          const patches = unfilled(tf, [Q, K]);
          const b = unfilled(tf, [1, K, Q]);
          const view = heapView(tf, patches);
          im2colTSimd(kernels, heapView(tf, xs), view, g, block);
          kernels.direct.transpose(view, heapView(tf, b), Q, K);
          product = tf.matMul(a as TF.Tensor3D, b as TF.Tensor3D);
        } else {
          const a = unfilled(tf, [1, Q, K]);
          const b = unfilled(tf, [1, K, Ot]);
          im2colTSimd(kernels, heapView(tf, xs), heapView(tf, a), g, block);
          dyPixelsByChannelSimd(kernels, heapView(tf, dys!), heapView(tf, b), g, Ot, block);
          product = tf.matMul(a as TF.Tensor3D, b as TF.Tensor3D);
        }
        expectShape(product, [1, rows, cols], 'conv2dBackpropFilter');
        if (sum === null) { //                         one block, not in the wanted layout: transposed in the heap
          const t = unfilled(tf, [cols, rows]);
          const view = heapView(tf, t);
          kernels.direct.transpose(heapView(tf, product), view, rows, cols);
          v.out.set(view);
        } else {
          const values = heapView(tf, product);
          if (index === 0) sum.set(values);
          else for (let q = 0; q < sum.length; q++) sum[q]! += values[q]!;
        }
      });
    }
  } finally {
    xs.dispose();
    dys?.dispose();
  }
  if (!wanted && sum !== null) channelsFirst(sum, v.out, rows, cols);
}

/** A tfjs tensor in the heap, its values not yet written: views of it are taken after the last allocation (which may move the heap). */
const unfilled = (tf: Tf, shape: number[]): TF.Tensor => heapTensor(tf, shape, () => {});

/**
 * conv-nchw.wat's and col2im.wat's functions on this thread's tfjs heap: its WebAssembly.Memory
 * is the emscripten module's `asm.memory`, an internal of tfjs-backend-wasm as `WasmHeapAccess`
 * is (the package is pinned to 4.22.x).
 */
function heapKernelsOf(tf: Tf): ConvKernels {
  const memory = (tf.backend() as unknown as { wasm?: { asm?: { memory?: unknown } } }).wasm?.asm?.memory;
  const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: abstract new (...args: never[]) => object } }).WebAssembly;
  if (!(memory instanceof Memory)) throw new Error('wasm backend: tfjs-backend-wasm exposes no heap memory (backend.wasm.asm.memory); Sapling needs the 4.22.x it pins');
  return heapKernels(memory as Parameters<typeof heapKernels>[0]);
}

/**
 * The filter gradient of a conv with few input channels, image by image in conv-nchw.wat: the
 * image padded as the direct forward pads it, dY's planes copied in as they are (rows spread to
 * a multiple of 8 pixels with zeros), and every dW[o, c, a, b] summed as Σ dY[o, i, j] ·
 * x[c, i·sh + a, j·sw + b], 4 channels × 3 taps a block. No patches, no transposes. False when
 * the arrays would not fit in the module's memory.
 */
function directFilterGradient(p: ConvFilterParams, v: { readonly x: Float32Array; readonly dy: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, KH, KW, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const [pt, , pl] = p.g.pads;
  const Ot = p.o1 - p.o0;
  const O4 = Math.ceil(Ot / 4) * 4;
  const { OWp, Hp, Wq } = directLayout(p.g);
  const Q = C * KH * KW;
  const P = OH * OW;
  const simd = directConvArrays([C * H * W, C * Hp * sw * Wq, O4 * OH * OWp, O4 * Q]);
  if (simd === null) return false;
  const [image, padded, dy, dw] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
  dw.fill(0);
  dy.fill(0, Ot * OH * OWp); // the zero channels that make O a multiple of 4
  for (let n = 0; n < N; n++) {
    image.set(v.x.subarray(n * C * H * W, (n + 1) * C * H * W));
    padded.fill(0);
    simd.direct.pad(image, padded, C, H, W, pt, pl, Hp, sw, Wq);
    const from = (n * O + p.o0) * P;
    dy.set(v.dy.subarray(from, from + Ot * P));
    if (OWp !== OW) simd.direct.expand(dy, Ot * OH, OW, OWp);
    simd.direct.filter(padded, dy, dw, C, KH, KW, O4, OH, OWp, Hp, sh, sw, Wq);
  }
  if (p.transposed) v.out.set(dw.subarray(0, Ot * Q)); //                             rows [Ot, C, KH, KW] of dW
  else channelsFirst(dw, v.out, Ot, Q); //                                             [Ot, Q] → tfjs's [C, KH, KW, Ot]
  return true;
}

/** The filter gradient's running sum, per thread. */
const filterScratchOf = scratchFloats();

/**
 * The input gradient of a 1×1 conv without padding as conv-nchw.wat's `pointwise`, image by
 * image: Wᵀ [Ct, O] · dY [O, P] (dY's planes as they are, rows spread to a multiple of 8 pixels),
 * each result written to the pixels the conv read, every other pixel 0. False when the arrays
 * would not fit (tfjs's product runs then: `pointwiseInputGradient`).
 */
function pointwiseInputGradientSimd(p: ConvInputParams, v: { readonly dy: Float32Array; readonly w: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const Ct = p.c1 - p.c0;
  const C4 = Math.ceil(Ct / 4) * 4;
  const P = OH * OW;
  const P8 = Math.ceil(P / 8) * 8;
  const simd = directConvArrays([O * P8, C4 * O, C4 * P8, O * C]);
  if (simd === null) return false;
  const [dy, wT, dx, w] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
  w.set(v.w.subarray(0, O * C));
  simd.direct.transpose(w.subarray(p.c0), wT, O, Ct, C, O); //                           wT[c, o] = W[o, c0 + c]
  wT.fill(0, Ct * O);
  const out = v.out;
  const plane = H * W;
  for (let n = 0; n < N; n++) {
    dy.set(v.dy.subarray(n * O * P, (n + 1) * O * P));
    if (P8 !== P) simd.direct.expand(dy, O, P, P8);
    simd.direct.pointwise(dy, wT, null, dx, O, C4, P8, false);
    const image = n * p.outBatchStride + p.outChannel * plane;
    if (sh === 1 && sw === 1) { // every pixel read: the planes as they are
      if (P8 !== P) simd.direct.compact(dx, Ct, P, P8);
      out.set(dx.subarray(0, Ct * P), image);
      continue;
    }
    if (!p.outZeroed) out.fill(0, image, image + Ct * plane); //                        the pixels no window read
    for (let c = 0; c < Ct; c++) {
      let s = c * P8;
      for (let i = 0; i < OH; i++) {
        const row = image + c * plane + i * sh * W;
        for (let j = 0; j < OW; j++) out[row + j * sw] = dx[s++]!;
      }
    }
  }
  return true;
}

/**
 * The filter gradient of a 1×1 conv without padding as conv-nchw.wat's `pointwise`, summed image
 * by image: dW [Ot, C] += dY [Ot, P] · x_s [P, C], x_s being the pixels the conv read, one row of
 * C channels (rounded up to 8) per pixel. False when the arrays would not fit (tfjs's product runs
 * then: `pointwiseFilterGradient`).
 */
function pointwiseFilterGradientSimd(p: ConvFilterParams, v: { readonly x: Float32Array; readonly dy: Float32Array; readonly out: Float32Array }): boolean {
  const { N, C, H, W, O, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const Ot = p.o1 - p.o0;
  const O4 = Math.ceil(Ot / 4) * 4;
  const C8 = Math.ceil(C / 8) * 8;
  const P = OH * OW;
  const simd = directConvArrays([P * C8, O4 * P, O4 * C8]);
  if (simd === null) return false;
  const [xs, dy, dw] = simd.arrays as [Float32Array, Float32Array, Float32Array];
  xs.fill(0); //                                                            the columns from C to C8
  dy.fill(0, Ot * P); //                                                    the rows from Ot to O4
  dw.fill(0); //                                                            every image adds to it
  const x = v.x;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * H * W;
      let d = c;
      for (let i = 0; i < OH; i++) {
        let s = plane + i * sh * W;
        for (let j = 0; j < OW; j++, s += sw, d += C8) xs[d] = x[s]!;
      }
    }
    dy.set(v.dy.subarray((n * O + p.o0) * P, (n * O + p.o1) * P));
    simd.direct.pointwise(xs, dy, null, dw, P, O4, C8, false, true);
  }
  if (C8 !== C) simd.direct.compact(dw, Ot, C, C8);
  if (p.transposed) v.out.set(dw.subarray(0, Ot * C)); //                             rows [Ot, C] of dW
  else channelsFirst(dw, v.out, Ot, C); //                                             [Ot, C] → tfjs's [C, 1, 1, Ot]
  return true;
}

/**
 * The input gradient of a 1×1 conv without padding: the pixels the conv read get
 *   dX[n, c, i·sh, j·sw] = Σ_o W[o, c] · dY[n, o, i, j]      (a 1×1 conv of dY with Wᵀ)
 * and every other pixel 0. So one stride-1 conv over dY's pixels only, written straight to its
 * places in NCHW, instead of the phase machinery's full-size NHWC dX that is mostly zeros.
 */
function pointwiseInputGradient(tf: Tf, p: ConvInputParams, v: { readonly dy: Float32Array; readonly w: Float32Array; readonly out: Float32Array }): void {
  const { N, C, H, W, O, OH, OW } = p.g;
  const [sh, sw] = p.g.stride;
  const Ct = p.c1 - p.c0;
  const plane = H * W;
  const out = v.out;
  tf.tidy(() => {
    const dy = heapTensor(tf, [N, OH, OW, O], (heap) => nchwToNhwc(v.dy, heap, N, O, OH * OW));
    const key = p.wKey === undefined ? undefined : `${p.wKey}/${p.c0}:${p.c1}/1x1`;
    // the filter [1, 1, O, Ct]: W'[o, c] = W[o, c0 + c]
    const f = operand(tf, key, [1, 1, O, Ct], (heap) => {
      for (let o = 0; o < O; o++) for (let c = 0; c < Ct; c++) heap[o * Ct + c] = v.w[o * C + p.c0 + c]!;
    });
    const part = convNhwc(tf, dy, f, [1, 1], [0, 0, 0, 0], [1, 1]); //                       [N, OH, OW, Ct]
    expectShape(part, [N, OH, OW, Ct], 'conv2dBackpropInput');
    const values = heapView(tf, part);
    for (let n = 0; n < N; n++) {
      const image = n * p.outBatchStride + p.outChannel * plane;
      if ((sh > 1 || sw > 1) && !p.outZeroed) out.fill(0, image, image + Ct * plane); // the pixels no window read
      for (let c = 0; c < Ct; c++) {
        const dst = image + c * plane;
        for (let i = 0; i < OH; i++) {
          const row = dst + i * sh * W;
          let s = ((n * OH + i) * OW) * Ct + c;
          for (let j = 0; j < OW; j++, s += Ct) out[row + j * sw] = values[s]!;
        }
      }
    }
  });
}

/**
 * The filter gradient of a 1×1 conv without padding (any stride) is one matrix product:
 *   dW[o, c] = Σ_{n, i, j} dY[n, o, i, j] · x[n, c, i·sh, j·sw]  =  (dY as [Ot, N·P]) · (x_s as [N·P, C])
 * with x_s the pixels the conv read, in NHWC order (the same copy the forward makes). XNNPACK
 * packs its right operand on every call, so x_s (C columns) goes there rather than dY (O ≥ C
 * columns in ResNet's downsamples); the correlation used for other kernels would pack dY whole.
 */
function pointwiseFilterGradient(tf: Tf, p: ConvFilterParams, v: { readonly x: Float32Array; readonly dy: Float32Array; readonly out: Float32Array }): void {
  const { N, C, H, W, O, OH, OW } = p.g;
  const P = OH * OW;
  const Ot = p.o1 - p.o0;
  tf.tidy(() => {
    // dY's channels [o0, o1), [N, Ot, P] → [Ot, N·P]: N·Ot contiguous runs of P
    const a = heapTensor(tf, [1, Ot, N * P], (heap) => {
      const dy = v.dy;
      for (let o = 0; o < Ot; o++) {
        for (let n = 0; n < N; n++) {
          const from = (n * O + p.o0 + o) * P;
          const to = (o * N + n) * P;
          for (let q = 0; q < P; q++) heap[to + q] = dy[from + q]!; // runs are short (16 floats in layer4): no subarray per run
        }
      }
    });
    const b = heapTensor(tf, [1, N * P, C], (heap) => nchwToNhwcStrided(v.x, heap, N, C, H, W, OH, OW, p.g.stride[0], p.g.stride[1]));
    const dW = tf.matMul(a as TF.Tensor3D, b as TF.Tensor3D); //                         [1, Ot, C]
    expectShape(dW, [1, Ot, C], 'conv2dBackpropFilter');
    const values = heapView(tf, dW);
    if (p.transposed) v.out.set(values); //                                           rows [Ot, C] of dW
    else channelsFirst(values, v.out, Ot, C); //                                      tfjs's [C, 1, 1, Ot]
  });
}

// ── LSTM over a sequence ──────────────────────────────────────────────────────────────────

/**
 * lstm-share.ts's products through this thread's tfjs: each operand becomes one tfjs tensor for
 * the share's lifetime (so XNNPACK packs W_hh once for all T steps), each product is copied
 * out of the heap into `out`.
 */
function tfProducts(tf: Tf): Products {
  const operands: TF.Tensor2D[] = [];
  return {
    operand(b, k, n) {
      operands.push(heapTensor(tf, [k, n], (heap) => heap.set(b.subarray(0, k * n))) as TF.Tensor2D);
      return operands.length - 1;
    },
    multiply(a, m, handle, out) {
      const b = operands[handle]!;
      tf.tidy(() => {
        const y = tf.matMul(heapTensor(tf, [m, b.shape[0]], (heap) => heap.set(a.subarray(0, m * b.shape[0]))) as TF.Tensor2D, b);
        out.set(heapView(tf, y));
      });
    },
    done() {
      for (const t of operands) t.dispose();
      operands.length = 0;
    },
  };
}

/**
 * The LSTM forward over the share's rows, its per-step loops in WebAssembly SIMD (rnn-simd.ts):
 * the arrays the loops touch are copied into the SIMD module's memory and the saved activations
 * copied out at the end, one copy each per call. (H not a multiple of 4: the TypeScript loops.)
 */
export function lstmForwardTfShare(tf: Tf, p: LstmShareParams, v: Parameters<typeof lstmForwardShare>[2]): void {
  const { T, N, H } = p;
  const G = 4 * H;
  const simd = cellArrays(H, [T * N * G, T * N * H, T * N * H, T * N * 2 * H, N * 2 * H, G, N * G]);
  if (simd === null) return lstmForwardShare(tfProducts(tf), p, v);
  const [gates, tanhC, hPrev, s, state0, b, r] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  state0.set(v.state0);
  b.set(v.b);
  lstmForwardShare(tfProducts(tf), p, { ...v, state0, b, gates, tanhC, hPrev, s }, { loops: simd.lstm, r });
  v.gates.set(gates);
  v.tanhC.set(tanhC);
  v.hPrev.set(hPrev);
  v.s.set(s);
}

/** The LSTM backward over the share's rows, its per-step loops in WebAssembly SIMD (see lstmForwardTfShare). */
export function lstmBackwardTfShare(tf: Tf, p: LstmBackwardParams, v: Parameters<typeof lstmBackwardShare>[2]): void {
  const { T, N, H } = p;
  const G = 4 * H;
  const simd = cellArrays(H, [T * N * G, T * N * H, T * N * 2 * H, N * 2 * H, T * N * 2 * H, T * N * G, T * N * G, N * H, N * H, G]);
  if (simd === null) return lstmBackwardShare(tfProducts(tf), p, v);
  const [gates, tanhC, s, state0, dS, dA, dAT, dh, dc, dB] = simd.arrays as [
    Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array,
  ];
  gates.set(v.gates);
  tanhC.set(v.tanhC);
  s.set(v.s);
  state0.set(v.state0);
  dS.set(v.dS);
  lstmBackwardShare(tfProducts(tf), p, { ...v, gates, tanhC, s, state0, dS }, { loops: simd.lstm, dA, dAT, dh, dc, dB });
}

/** The GRU forward over the share's rows, its per-step loops in WebAssembly SIMD (see lstmForwardTfShare). */
export function gruForwardTfShare(tf: Tf, p: LstmShareParams, v: Parameters<typeof gruForwardShare>[2]): void {
  const { T, N, H } = p;
  const G = 3 * H;
  const simd = cellArrays(H, [T * N * G, T * N * H, T * N * H, T * N * H, 4 * H, N * G]);
  if (simd === null) return gruForwardShare(tfProducts(tf), p, v);
  const [gates, vN, hPrev, y, b, r] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  b.set(v.b);
  gruForwardShare(tfProducts(tf), p, { ...v, b, gates, vN, hPrev, y }, { loops: simd.gru, r });
  v.gates.set(gates);
  v.vN.set(vN);
  v.hPrev.set(hPrev);
  v.y.set(y);
}

/** The GRU backward over the share's rows, its per-step loops in WebAssembly SIMD (see lstmForwardTfShare). */
export function gruBackwardTfShare(tf: Tf, p: GruBackwardParams, v: Parameters<typeof gruBackwardShare>[2]): void {
  const { T, N, H } = p;
  const G = 3 * H;
  const simd = cellArrays(H, [T * N * G, T * N * H, T * N * H, T * N * H, T * N * G, T * N * G, T * N * G, T * N * G, N * H, N * H, 4 * H]);
  if (simd === null) return gruBackwardShare(tfProducts(tf), p, v);
  const [gates, vN, hPrev, dY, dU, dV, dUT, dVT, direct, dhMat, sums] = simd.arrays as [
    Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array,
  ];
  gates.set(v.gates);
  vN.set(v.vN);
  hPrev.set(v.hPrev);
  dY.set(v.dY);
  gruBackwardShare(tfProducts(tf), p, { ...v, gates, vN, hPrev, dY }, { loops: simd.gru, dU, dV, dUT, dVT, direct, dhMat, sums });
}

// ── max pooling ─────────────────────────────────────────────────────────────────────────

/**
 * y = maxPool2d(x) for `g.N` images through tfjs's MaxPool (XNNPACK; padding never wins), with
 * x and y in NCHW as everywhere else in Sapling. Dilation 1 only.
 */
export interface MaxPoolParams {
  readonly N: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly OH: number;
  readonly OW: number;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly pads: Pads;
}

export function maxPoolShare(tf: Tf, p: MaxPoolParams, v: { readonly x: Float32Array; readonly out: Float32Array }): void {
  const { N, C, H, W, OH, OW, pads: [pt, pb, pl, pr] } = p;
  tf.tidy(() => {
    const x = nhwcTensor(tf, v.x, [N, H, W, C], N, C, H * W);
    const y = tf.maxPool(x as TF.Tensor4D, [p.kernel[0], p.kernel[1]], [p.stride[0], p.stride[1]], [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
    expectShape(y, [N, OH, OW, C], 'maxPool2d');
    fromNhwc(tf, y, v.out, N, OH * OW, C, C * OH * OW);
  });
}

// ── the table both sides dispatch through ─────────────────────────────────────────────────

export const SHARES = {
  matmul: matmulShare,
  convForward: convForwardShare,
  convInput: convInputShare,
  convFilter: convFilterShare,
  maxPool: maxPoolShare,
  lstmForward: lstmForwardTfShare,
  lstmBackward: lstmBackwardTfShare,
  gruForward: gruForwardTfShare,
  gruBackward: gruBackwardTfShare,
} as const;

export type ShareKind = keyof typeof SHARES;
export type ShareParams<K extends ShareKind> = Parameters<(typeof SHARES)[K]>[1];
export type ShareViews<K extends ShareKind> = Parameters<(typeof SHARES)[K]>[2];

/** Runs one share of kind `kind` (the worker's entry point and the main thread's alike). */
export function runShare<K extends ShareKind>(tf: Tf, kind: K, params: ShareParams<K>, views: ShareViews<K>): void {
  (SHARES[kind] as (tf: Tf, p: ShareParams<K>, v: ShareViews<K>) => void)(tf, params, views);
}
