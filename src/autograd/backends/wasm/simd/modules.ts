/**
 * modules — instantiates the project's hand-written WebAssembly SIMD modules: the LSTM's and the
 * GRU's per-step loops (rnn-cells.wat, four float32 cells per instruction), the col2im of the
 * conv input gradient's product path (col2im.wat), the NCHW convolutions of the convs that
 * leave XNNPACK (conv-nchw.wat: the direct conv, its filter gradient, the 1×1 product, a
 * transpose), the optimizer steps (optim.wat), Winograd's transforms (winograd.wat, winograd4.wat),
 * the exact GELU with its derivative (gelu.wat), the softmax over rows (softmax.wat) and LayerNorm's
 * forward and backward (layer-norm.wat). They run on one memory per thread, which they import:
 * `cellArrays` and friends lay a share's arrays end to end in it and the functions take their
 * byte offsets, so a share copies in and out once per call; `heapKernels` instantiates the conv
 * modules on tfjs's own heap.
 * Nothing here imports a Tensor: worker threads load this file.
 */
import type { GruCells } from '../../cpu/gru-loops.js';
import type { LstmCells } from '../../cpu/lstm-loops.js';
import { COL2IM_WASM } from './col2im.wasm.js';
import { GELU_WASM } from './gelu.wasm.js';
import { LAYER_NORM_WASM } from './layer-norm.wasm.js';
import { SOFTMAX_WASM } from './softmax.wasm.js';
import { CONV_NCHW_WASM } from './conv-nchw.wasm.js';
import { OPTIM_WASM } from './optim.wasm.js';
import { RNN_CELLS_WASM } from './rnn-cells.wasm.js';
import { WINOGRAD_WASM } from './winograd.wasm.js';
import { WINOGRAD4_WASM } from './winograd4.wasm.js';
import { withSharedMemoryImport } from './shared-import.js';

interface CellExports {
  lstmForward(N: number, H: number, xp: number, r: number, b: number, cPrev: number, cStride: number, tau: number, s: number, hNext: number): void;
  lstmBackward(
    N: number, H: number, gates: number, tau: number, cPrev: number, cStride: number, dS: number, dhCarry: number, dc: number, carried: number,
    dA: number, dAT: number, rowBytes: number, dB: number,
  ): void;
  gruForward(N: number, H: number, xp: number, v: number, b: number, hPrev: number, vN: number, y: number, hNext: number): void;
  gruBackward(
    N: number, H: number, gates: number, vN: number, hPrev: number, dY: number, dhMat: number, direct: number, carried: number,
    dU: number, dV: number, dUT: number, dVT: number, rowBytes: number, sums: number,
  ): void;
}

/**
 * The part of the WebAssembly JS API used here. The project's `lib` (ES2022, no DOM) does not
 * declare it, though Node has it.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
const wasm = (globalThis as unknown as {
  WebAssembly: {
    Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object, imports: object) => { exports: unknown };
  };
}).WebAssembly;

const PAGE = 65536;
/** Bytes left unused at the start of the memory, so that no array has address 0: the loops read 0 as "none" (no hNext, no carries). */
const RESERVED = 16;
/** wasm32 addresses 4 GiB; a share that needs more than this runs the TypeScript loops. */
const MAX_BYTES = 2 ** 31;

let sharesRun = 0;

/** How many shares have taken SIMD arrays (tests use it to see which loops ran). */
export function simdShares(): number {
  return sharesRun;
}

/**
 * col2im.wat's one function, for one image (views in the module's memory): dst[c][i·sh + a][j·sw + b]
 * += cols[((i·OW + j)·C + c)·KH·KW + a·KW + b], dst being C planes of Hp × Wp floats.
 */
export type Col2im = (cols: Float32Array, OH: number, OW: number, C: number, KH: number, KW: number, sh: number, sw: number, dst: Float32Array, Hp: number, Wp: number) => void;

/** conv-nchw.wat's functions (views in the module's memory; see the .wat for the layouts). */
export interface DirectConv {
  pad(src: Float32Array, dst: Float32Array, C: number, H: number, W: number, pt: number, pl: number, Hp: number, sw: number, Wq: number): void;
  conv(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, C: number, KH: number, KW: number, O: number, OH: number, OWp: number, Hp: number, sh: number, sw: number, Wq: number, relu: boolean): void;
  compact(y: Float32Array, rows: number, OW: number, OWp: number): void;
  expand(y: Float32Array, rows: number, OW: number, OWp: number): void;
  filter(x: Float32Array, dy: Float32Array, dw: Float32Array, C: number, KH: number, KW: number, O: number, OH: number, OWp: number, Hp: number, sh: number, sw: number, Wq: number): void;
  pointwise(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, C: number, O: number, P8: number, relu: boolean, accumulate?: boolean): void;
  /** dst[c·dstStride + r] = src[r·srcStride + c] for r < R, c < C (strides default to C and R). */
  transpose(src: Float32Array, dst: Float32Array, R: number, C: number, srcStride?: number, dstStride?: number): void;
}

/**
 * col2im.wat's `im2colTap`: the rows of one tap of the filter gradient's patches, for every input
 * channel of `images` images (see the .wat; `x` at the block's first image).
 */
export type Im2colTap = (
  x: Float32Array, dst: Float32Array, C: number, HW: number, images: number, rows: number, OW: number,
  rlo: number, rhi: number, jlo: number, jhi: number, base: number, rowStep: number, sw: number, cStride: number,
) => void;

/** The layout and convolution kernels of conv-nchw.wat and col2im.wat, on one memory. */
export interface ConvKernels {
  readonly direct: DirectConv;
  readonly col2im: Col2im;
  readonly im2colTap: Im2colTap;
}

let instance: { memory: WasmMemory; lstm: LstmCells; gru: GruCells } & ConvKernels | null = null;

const compiled = new Map<string, object>();
/** The compiled module; with `shared`, its memory import declared shared (shared-import.ts). */
const moduleOf = (base64: string, shared = false): object => {
  const key = shared ? `shared:${base64}` : base64;
  let module = compiled.get(key);
  if (module === undefined) {
    const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
    compiled.set(key, module = new wasm.Module(shared ? withSharedMemoryImport(bytes) : bytes));
  }
  return module;
};

/** Whether `memory` is shared (tfjs-wasm's threaded build in a cross-origin isolated page). */
const isShared = (memory: WasmMemory): boolean => typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;

/** A view's address in `memory`, for the modules' pointer arguments; refuses a view of any other buffer. */
const addressIn = (memory: WasmMemory) => (a: Float32Array | Int32Array): number => {
  if (a.buffer !== memory.buffer) throw new Error('wasm simd modules: an array outside the module memory (taken before it grew?)');
  return a.byteOffset;
};

function load(): NonNullable<typeof instance> {
  if (instance !== null) return instance;
  const memory = new wasm.Memory({ initial: 1, maximum: MAX_BYTES / PAGE });
  const exports = new wasm.Instance(moduleOf(RNN_CELLS_WASM), { env: { memory } }).exports as unknown as CellExports;
  const at = addressIn(memory);
  const lstm: LstmCells = {
    forward(N, H, xp, r, b, cPrev, cStride, tau, s, hNext) {
      exports.lstmForward(N, H, at(xp), at(r), at(b), at(cPrev), cStride * 4, at(tau), at(s), hNext === null ? 0 : at(hNext));
    },
    backward(N, H, gates, tau, cPrev, cStride, dS, dhCarry, dc, dA, dAT, rowLength, dB) {
      exports.lstmBackward(N, H, at(gates), at(tau), at(cPrev), cStride * 4, at(dS), dhCarry === null ? 0 : at(dhCarry), at(dc), dhCarry === null ? 0 : 1, at(dA), at(dAT), rowLength * 4, at(dB));
    },
  };
  const gru: GruCells = {
    forward(N, H, xp, v, b, hPrev, vN, y, hNext) {
      exports.gruForward(N, H, at(xp), at(v), at(b), at(hPrev), at(vN), at(y), hNext === null ? 0 : at(hNext));
    },
    backward(N, H, gates, vN, hPrev, dY, dhMat, direct, dU, dV, dUT, dVT, rowLength, sums) {
      exports.gruBackward(
        N, H, at(gates), at(vN), at(hPrev), at(dY), dhMat === null ? 0 : at(dhMat), at(direct), dhMat === null ? 0 : 1,
        at(dU), at(dV), at(dUT), at(dVT), rowLength * 4, at(sums),
      );
    },
  };
  instance = { memory, lstm, gru, ...convKernelsOn(memory) };
  return instance;
}

/**
 * conv-nchw.wat's and col2im.wat's functions instantiated on `memory`, which they import: this
 * thread's module memory (`load`), or tfjs-wasm's own heap (`heapKernels`). They take views of
 * that memory, checked to be in it, and pass the module their byte offsets.
 */
function convKernelsOn(memory: WasmMemory): ConvKernels {
  const col2imExports = new wasm.Instance(moduleOf(COL2IM_WASM, isShared(memory)), { env: { memory } }).exports as unknown as {
    col2im(cols: number, OH: number, OW: number, C: number, KH: number, KW: number, sh: number, sw: number, dst: number, Hp: number, Wp: number): void;
    im2colTap(
      x: number, dst: number, C: number, HW: number, images: number, rows: number, OW: number,
      rlo: number, rhi: number, jlo: number, jhi: number, base: number, rowStep: number, sw: number, cStride: number,
    ): void;
  };
  const at = addressIn(memory);
  const col2im: Col2im = (cols, OH, OW, C, KH, KW, sh, sw, dst, Hp, Wp) => {
    if (cols.length < OH * OW * C * KH * KW || dst.length < C * Hp * Wp || (OH - 1) * sh + KH > Hp || (OW - 1) * sw + KW > Wp) {
      throw new RangeError(`col2im: ${cols.length} columns and ${dst.length} destination floats for ${OH}x${OW} pixels, ${C}x${KH}x${KW} taps, stride ${sh},${sw}, ${Hp}x${Wp} planes`);
    }
    col2imExports.col2im(at(cols), OH, OW, C, KH, KW, sh, sw, at(dst), Hp, Wp);
  };
  const convExports = new wasm.Instance(moduleOf(CONV_NCHW_WASM, isShared(memory)), { env: { memory } }).exports as unknown as {
    pad(src: number, dst: number, C: number, H: number, W: number, pt: number, pl: number, Hp: number, sw: number, Wq: number): void;
    conv(x: number, w: number, bias: number, y: number, C: number, KH: number, KW: number, O: number, OH: number, OWp: number, Hp: number, sh: number, sw: number, Wq: number, relu: number): void;
    compact(y: number, rows: number, OW: number, OWp: number): void;
    expand(y: number, rows: number, OW: number, OWp: number): void;
    filter(x: number, dy: number, dw: number, C: number, KH: number, KW: number, O: number, OH: number, OWp: number, Hp: number, sh: number, sw: number, Wq: number): void;
    pointwise(x: number, w: number, bias: number, y: number, C: number, O: number, P8: number, relu: number, accumulate: number): void;
    transpose(src: number, dst: number, R: number, C: number, srcStride: number, dstStride: number): void;
  };
  const direct: DirectConv = {
    pad(src, dst, C, H, W, pt, pl, Hp, sw, Wq) {
      if (src.length < C * H * W || dst.length < C * Hp * sw * Wq || pt + H > Hp || Math.floor((pl + W - 1) / sw) >= Wq) {
        throw new RangeError(`conv-nchw pad: ${src.length} → ${dst.length} floats for ${C}x${H}x${W} at (${pt}, ${pl}) in ${Hp} rows of ${sw}x${Wq}`);
      }
      convExports.pad(at(src), at(dst), C, H, W, pt, pl, Hp, sw, Wq);
    },
    conv(x, w, bias, y, C, KH, KW, O, OH, OWp, Hp, sh, sw, Wq, relu) {
      if (O % 4 !== 0 || OWp % 8 !== 0 || x.length < C * Hp * sw * Wq || w.length < O * C * KH * KW || y.length < O * OH * OWp
        || (OH - 1) * sh + KH > Hp || OWp + Math.floor((KW - 1) / sw) > Wq || (bias !== null && bias.length < O)) {
        throw new RangeError(`conv-nchw conv: ${O} channels of ${OH}x${OWp} from ${C}x${KH}x${KW} taps, stride ${sh},${sw}, ${Hp} rows of ${sw}x${Wq}`);
      }
      convExports.conv(at(x), at(w), bias === null ? 0 : at(bias), at(y), C, KH, KW, O, OH, OWp, Hp, sh, sw, Wq, relu ? 1 : 0);
    },
    compact(y, rows, OW, OWp) {
      if (OW > OWp || y.length < rows * OWp) throw new RangeError(`conv-nchw compact: ${rows} rows of ${OWp} → ${OW} in ${y.length} floats`);
      convExports.compact(at(y), rows, OW, OWp);
    },
    expand(y, rows, OW, OWp) {
      if (OW > OWp || y.length < rows * OWp) throw new RangeError(`conv-nchw expand: ${rows} rows of ${OW} → ${OWp} in ${y.length} floats`);
      convExports.expand(at(y), rows, OW, OWp);
    },
    filter(x, dy, dw, C, KH, KW, O, OH, OWp, Hp, sh, sw, Wq) {
      if (O % 4 !== 0 || OWp % 4 !== 0 || x.length < C * Hp * sw * Wq || dy.length < O * OH * OWp || dw.length < O * C * KH * KW
        || (OH - 1) * sh + KH > Hp || OWp + Math.floor((KW - 1) / sw) > Wq) {
        throw new RangeError(`conv-nchw filter: ${O} channels of ${OH}x${OWp} to ${C}x${KH}x${KW} taps, stride ${sh},${sw}, ${Hp} rows of ${sw}x${Wq}`);
      }
      convExports.filter(at(x), at(dy), at(dw), C, KH, KW, O, OH, OWp, Hp, sh, sw, Wq);
    },
    pointwise(x, w, bias, y, C, O, P8, relu, accumulate = false) {
      if (O % 4 !== 0 || P8 % 8 !== 0 || x.length < C * P8 || w.length < O * C || y.length < O * P8 || (bias !== null && bias.length < O)) {
        throw new RangeError(`conv-nchw pointwise: ${O} channels of ${P8} pixels from ${C}, arrays of ${x.length}, ${w.length}, ${y.length}`);
      }
      convExports.pointwise(at(x), at(w), bias === null ? 0 : at(bias), at(y), C, O, P8, relu ? 1 : 0, accumulate ? 1 : 0);
    },
    transpose(src, dst, R, C, srcStride = C, dstStride = R) {
      if (R === 0 || C === 0) return;
      if (srcStride < C || dstStride < R || src.length < (R - 1) * srcStride + C || dst.length < (C - 1) * dstStride + R) {
        throw new RangeError(`conv-nchw transpose: [${R}, ${C}] (strides ${srcStride}, ${dstStride}) from ${src.length} to ${dst.length} floats`);
      }
      convExports.transpose(at(src), at(dst), R, C, srcStride, dstStride);
    },
  };
  const im2colTap: Im2colTap = (x, dst, C, HW, images, rows, OW, rlo, rhi, jlo, jhi, base, rowStep, sw, cStride) => {
    const lastRead = rhi > rlo && jhi > jlo ? ((images - 1) * C + C - 1) * HW + base + (rhi - 1) * rowStep + (jhi - 1) * sw : -1;
    const firstRead = rhi > rlo && jhi > jlo ? base + rlo * rowStep + jlo * sw : 0;
    if (rlo > rhi || rhi > rows || jlo > jhi || jhi > OW || firstRead < 0 || lastRead >= x.length || dst.length < (C - 1) * cStride + images * rows * OW) {
      throw new RangeError(`col2im.wat im2colTap: rows [${rlo}, ${rhi}) of ${rows}, columns [${jlo}, ${jhi}) of ${OW}, ${C} channels of ${images} images in ${x.length} → ${dst.length} floats`);
    }
    col2imExports.im2colTap(at(x), at(dst), C, HW, images, rows, OW, rlo, rhi, jlo, jhi, base, rowStep, sw, cStride);
  };
  return { direct, col2im, im2colTap };
}

const onMemory = new WeakMap<WasmMemory, ConvKernels>();

/**
 * conv-nchw.wat's and col2im.wat's functions on tfjs-wasm's own heap (`memory`: its
 * WebAssembly.Memory), so that a layout change between two tfjs tensors runs in place there:
 * no copy into this module's memory and back. Its views come from the heap (shares.ts's
 * `heapView`), valid until tfjs's next allocation.
 */
export function heapKernels(memory: WasmMemory): ConvKernels {
  let kernels = onMemory.get(memory);
  if (kernels === undefined) onMemory.set(memory, kernels = convKernelsOn(memory));
  return kernels;
}

/**
 * The two passes of Winograd's F(m×m, 3×3), m = 2 (winograd.wat) or 4 (winograd4.wat), views in
 * the memory they run on (see the .wat files for the layouts): the α² = (m + 2)² matrices of each
 * are passed as views, whose addresses go into `table` (α² ints in the same memory) for the module to read.
 */
export interface WinogradPasses {
  /** The output block's side, m: each tile d is (m + 2) × (m + 2). */
  readonly m: 2 | 4;
  /** V_ξ[row + t][c] = (Bᵀ d B)_ξ for the TH × TW tiles d of `src` ([Hp][Wp][C4], zero-padded); false when some value was not finite. */
  input(src: Float32Array, C4: number, Wp: number, TH: number, TW: number, v: readonly Float32Array[], table: Int32Array, row: number): boolean;
  /** dst [O4][OH][OW] = relu?(bias + (Aᵀ m A) + residual) for the TH × TW tiles, m_ξ = M_ξ[row + t]; residual as dst, OW + 4 floats longer. */
  output(m: readonly Float32Array[], table: Int32Array, bias: Float32Array | null, residual: Float32Array | null, dst: Float32Array, O4: number, OH: number, OW: number, TH: number, TW: number, row: number, relu: boolean): void;
}

const winogradOn = [new WeakMap<WasmMemory, WinogradPasses>(), new WeakMap<WasmMemory, WinogradPasses>()] as const;

/** winograd.wat (m = 2) or winograd4.wat (m = 4) instantiated on `memory` (tfjs-wasm's heap: its MatMul reads and writes the matrices there), once per memory. */
export function winogradPasses(memory: WasmMemory, m: 2 | 4 = 2): WinogradPasses {
  const cache = winogradOn[m === 2 ? 0 : 1];
  const known = cache.get(memory);
  if (known !== undefined) return known;
  const e = new wasm.Instance(moduleOf(m === 2 ? WINOGRAD_WASM : WINOGRAD4_WASM, isShared(memory)), { env: { memory } }).exports as unknown as {
    input(src: number, C4: number, Wp: number, TH: number, TW: number, table: number, row: number): number;
    output(table: number, bias: number, residual: number, dst: number, O4: number, OH: number, OW: number, TH: number, TW: number, row: number, relu: number): void;
  };
  const count = (m + 2) ** 2;
  const at = addressIn(memory);
  const fill = (table: Int32Array, mats: readonly Float32Array[], floats: number, what: string): void => {
    if (table.length < count || mats.length !== count || mats.some((a) => a.length < floats)) {
      throw new RangeError(`winograd F(${m}x${m}) ${what}: ${count} matrices of ${floats} floats and a table of ${count}, got ${mats.length} of [${mats.map((a) => a.length)}] and ${table.length}`);
    }
    mats.forEach((a, i) => { table[i] = at(a); });
  };
  const passes: WinogradPasses = {
    m,
    input(src, C4, Wp, TH, TW, v, table, row) {
      if (C4 % 4 !== 0 || Wp < m * TW + 2 || src.length < (m * TH + 2) * Wp * C4) {
        throw new RangeError(`winograd F(${m}x${m}) input: ${TH}x${TW} tiles of ${C4} channels from ${src.length} floats in rows of ${Wp}`);
      }
      fill(table, v, (row + TH * TW) * C4, 'input');
      return e.input(at(src), C4, Wp, TH, TW, at(table), row) === 1;
    },
    output(mats, table, bias, residual, dst, O4, OH, OW, TH, TW, row, relu) {
      if (O4 % 4 !== 0 || OH > m * TH || OW > m * TW || dst.length < OH * OW * O4 || (bias !== null && bias.length < O4) || (residual !== null && residual.length < OH * OW * O4 + OW + 4)) {
        throw new RangeError(`winograd F(${m}x${m}) output: ${TH}x${TW} tiles of ${O4} channels to ${OH}x${OW} in ${dst.length} floats`);
      }
      fill(table, mats, (row + TH * TW) * O4, 'output');
      e.output(at(table), bias === null ? 0 : at(bias), residual === null ? 0 : at(residual), at(dst), O4, OH, OW, TH, TW, row, relu ? 1 : 0);
    },
  };
  cache.set(memory, passes);
  return passes;
}

/** Views of `lengths[i]` floats each in the module memory, end to end, each start 16-byte aligned (null: over 2 GiB). */
function arraysOf(lengths: readonly number[]): Float32Array[] | null {
  const padded = lengths.map((n) => Math.ceil(n / 4) * 4);
  const bytes = RESERVED + padded.reduce((a, b) => a + b, 0) * 4;
  if (bytes > MAX_BYTES) return null;
  const { memory } = load();
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
  let offset = RESERVED; //                                                        address 0 stands for "no array"
  return lengths.map((n, i) => {
    const view = new Float32Array(memory.buffer, offset, n);
    offset += padded[i]! * 4;
    return view;
  });
}

let col2imRuns = 0;

/** How many times `col2imArrays` has handed out arrays (tests use it to see which path ran). */
export function col2imShares(): number {
  return col2imRuns;
}

let directRuns = 0;

/** How many times `directConvArrays` has handed out arrays (tests use it to see which path ran). */
export function directConvShares(): number {
  return directRuns;
}

/** The direct NCHW conv and views of `lengths[i]` floats in its memory, as `cellArrays`; null when they would not fit. */
export function directConvArrays(lengths: readonly number[]): { direct: DirectConv; arrays: Float32Array[] } | null {
  const arrays = arraysOf(lengths);
  if (arrays === null) return null;
  directRuns++;
  return { direct: load().direct, arrays };
}

/** The SIMD col2im and views of `lengths[i]` floats in its memory, as `cellArrays`; null when they would not fit. */
export function col2imArrays(lengths: readonly number[]): { col2im: Col2im; arrays: Float32Array[] } | null {
  const arrays = arraysOf(lengths);
  if (arrays === null) return null;
  col2imRuns++;
  return { col2im: load().col2im, arrays };
}

/**
 * The SIMD loops and views of `lengths[i]` floats each in their memory, laid end to end (each
 * start 16-byte aligned); null when H is not a multiple of 4 or the arrays would not fit. The
 * views of one call are dead before the next call asks (growing the memory detaches them).
 */
export function cellArrays(H: number, lengths: readonly number[]): { lstm: LstmCells; gru: GruCells; arrays: Float32Array[] } | null {
  if (H % 4 !== 0) return null;
  const arrays = arraysOf(lengths);
  if (arrays === null) return null;
  sharesRun++;
  const { lstm, gru } = load();
  return { lstm, gru, arrays };
}

/** optim.wat's functions (views in the module's memory from `optimArrays`, which pads them; null: none). */
export interface OptimSteps {
  sgd(n: number, theta: Float32Array, g: Float32Array, b0: Float32Array | null, b: Float32Array | null, next: Float32Array,
    lr: number, momentum: number, damp1: number, weightDecay: number, nesterov: boolean, maximize: boolean): void;
  adam(n: number, theta: Float32Array, g: Float32Array, m0: Float32Array, v0: Float32Array, vmax0: Float32Array | null,
    m: Float32Array, v: Float32Array, vmax: Float32Array | null, next: Float32Array,
    beta1: number, c1: number, beta2: number, c2: number, eps: number, stepSize: number, sqrtBias2: number, shrink: number, l2: number, maximize: boolean): void;
  /** ḡ (ga0, ga) for the centred form and b (b0, b) for momentum: both arrays of a pair or neither. */
  rmsprop(n: number, theta: Float32Array, g: Float32Array, s0: Float32Array, ga0: Float32Array | null, b0: Float32Array | null,
    s: Float32Array, ga: Float32Array | null, b: Float32Array | null, next: Float32Array,
    lr: number, alpha: number, c: number, eps: number, weightDecay: number, momentum: number, maximize: boolean): void;
  adagrad(n: number, theta: Float32Array, g: Float32Array, s0: Float32Array, s: Float32Array, next: Float32Array, clr: number, weightDecay: number, eps: number, maximize: boolean): void;
}

let optim: OptimSteps | null = null;

/** optim.wat instantiated on this thread's module memory (once, on first use). */
function optimSteps(): OptimSteps {
  if (optim !== null) return optim;
  const { memory } = load();
  const e = new wasm.Instance(moduleOf(OPTIM_WASM), { env: { memory } }).exports as unknown as {
    sgd(n: number, theta: number, g: number, b0: number, b: number, next: number, lr: number, momentum: number, damp1: number, wd: number, nesterov: number, maximize: number): void;
    adam(n: number, theta: number, g: number, m0: number, v0: number, vmax0: number, m: number, v: number, vmax: number, next: number,
      beta1: number, c1: number, beta2: number, c2: number, eps: number, stepSize: number, sqrtBias2: number, shrink: number, l2: number, maximize: number): void;
    rmsprop(n: number, theta: number, g: number, s0: number, ga0: number, b0: number, s: number, ga: number, b: number, next: number,
      lr: number, alpha: number, c: number, eps: number, wd: number, momentum: number, maximize: number): void;
    adagrad(n: number, theta: number, g: number, s0: number, s: number, next: number, clr: number, wd: number, eps: number, maximize: number): void;
  };
  const at = addressIn(memory);
  const fits = (n: number, ...arrays: (Float32Array | null)[]): void => {
    // arraysOf pads every view to a multiple of 4 floats, so the loop's last pair stays inside
    for (const a of arrays) if (a !== null && a.length < n) throw new RangeError(`optim.wat: an array of ${a.length} floats for ${n} parameters`);
  };
  optim = {
    sgd(n, theta, g, b0, b, next, lr, momentum, damp1, weightDecay, nesterov, maximize) {
      fits(n, theta, g, b0, b, next);
      e.sgd(n, at(theta), at(g), b0 === null ? 0 : at(b0), b === null ? 0 : at(b), at(next), lr, momentum, damp1, weightDecay, nesterov ? 1 : 0, maximize ? 1 : 0);
    },
    adam(n, theta, g, m0, v0, vmax0, m, v, vmax, next, beta1, c1, beta2, c2, eps, stepSize, sqrtBias2, shrink, l2, maximize) {
      fits(n, theta, g, m0, v0, vmax0, m, v, vmax, next);
      if ((vmax0 === null) !== (vmax === null)) throw new RangeError('optim.wat adam: v̂max needs both its old and its new array');
      e.adam(n, at(theta), at(g), at(m0), at(v0), vmax0 === null ? 0 : at(vmax0), at(m), at(v), vmax === null ? 0 : at(vmax), at(next),
        beta1, c1, beta2, c2, eps, stepSize, sqrtBias2, shrink, l2, maximize ? 1 : 0);
    },
    rmsprop(n, theta, g, s0, ga0, b0, s, ga, b, next, lr, alpha, c, eps, weightDecay, momentum, maximize) {
      fits(n, theta, g, s0, ga0, b0, s, ga, b, next);
      if ((ga0 === null) !== (ga === null) || (b0 === null) !== (b === null)) throw new RangeError('optim.wat rmsprop: ḡ and b each need both their old and their new array');
      const opt = (a: Float32Array | null): number => (a === null ? 0 : at(a));
      e.rmsprop(n, at(theta), at(g), at(s0), opt(ga0), opt(b0), at(s), opt(ga), opt(b), at(next), lr, alpha, c, eps, weightDecay, momentum, maximize ? 1 : 0);
    },
    adagrad(n, theta, g, s0, s, next, clr, weightDecay, eps, maximize) {
      fits(n, theta, g, s0, s, next);
      e.adagrad(n, at(theta), at(g), at(s0), at(s), at(next), clr, weightDecay, eps, maximize ? 1 : 0);
    },
  };
  return optim;
}

/** The SIMD optimizer steps and views of `lengths[i]` floats in their memory, as `cellArrays`; null when they would not fit. */
export function optimArrays(lengths: readonly number[]): { steps: OptimSteps; arrays: Float32Array[] } | null {
  const arrays = arraysOf(lengths);
  if (arrays === null) return null;
  return { steps: optimSteps(), arrays };
}

/** gelu.wat's one function (views in the module's memory from `geluArrays`): y, y′ of x for n floats (n divisible by 4); returns how many lanes the caller must redo. */
export type GeluExact = (n: number, x: Float32Array, y: Float32Array, dydx: Float32Array) => number;

let gelu: GeluExact | null = null;

/** gelu.wat instantiated on this thread's module memory (once, on first use). */
function geluExact(): GeluExact {
  if (gelu !== null) return gelu;
  const { memory } = load();
  const e = new wasm.Instance(moduleOf(GELU_WASM), { env: { memory } }).exports as unknown as { geluExact(n: number, x: number, y: number, d: number): number };
  const at = addressIn(memory);
  gelu = (n, x, y, dydx) => {
    if (n % 4 !== 0 || x.length < n || y.length < n || dydx.length < n) throw new RangeError(`gelu.wat: ${n} values (a multiple of 4) in arrays of ${x.length}, ${y.length}, ${dydx.length} floats`);
    return e.geluExact(n, at(x), at(y), at(dydx));
  };
  return gelu;
}

/** The SIMD GELU and views of `lengths[i]` floats in its memory, as `cellArrays`; null when they would not fit. */
export function geluArrays(lengths: readonly number[]): { gelu: GeluExact; arrays: Float32Array[] } | null {
  const arrays = arraysOf(lengths);
  if (arrays === null) return null;
  return { gelu: geluExact(), arrays };
}

/**
 * softmax.wat's one function (views in the module's memory from `softmaxArrays`): out = the softmax
 * of each of `rows` rows of n floats of x (n a multiple of 4), over the entries keep marks (row r
 * reads keep from offsets[r], `step` 0 or 1 apart; keep null: all). Returns how many finite
 * values left eˣ's fast path (the caller then reruns the tensor in TypeScript).
 */
export type SoftmaxRows = (rows: number, n: number, x: Float32Array, out: Float32Array, keep: Int32Array | null, offsets: Int32Array | null, step: number) => number;

let softmax: SoftmaxRows | null = null;

/** softmax.wat instantiated on this thread's module memory (once, on first use). */
function softmaxRows(): SoftmaxRows {
  if (softmax !== null) return softmax;
  const { memory } = load();
  const e = new wasm.Instance(moduleOf(SOFTMAX_WASM), { env: { memory } }).exports as unknown as {
    softmaxRows(rows: number, n: number, x: number, out: number, keep: number, offsets: number, step: number): number;
  };
  const at = addressIn(memory);
  softmax = (rows, n, x, out, keep, offsets, step) => {
    if (n % 4 !== 0 || x.length < rows * n || out.length < rows * n || (keep === null) !== (offsets === null) || (offsets !== null && offsets.length < rows) || (step !== 0 && step !== 1)) {
      throw new RangeError(`softmax.wat: ${rows} rows of ${n} (a multiple of 4) in arrays of ${x.length} and ${out.length} floats, ${offsets?.length ?? 'no'} keep offsets, step ${step}`);
    }
    return e.softmaxRows(rows, n, at(x), at(out), keep === null ? 0 : at(keep), offsets === null ? 0 : at(offsets), step);
  };
  return softmax;
}

/** The SIMD softmax and views of `lengths[i]` floats in its memory, as `cellArrays`; null when they would not fit. */
export function softmaxArrays(lengths: readonly number[]): { softmax: SoftmaxRows; arrays: Float32Array[] } | null {
  const arrays = arraysOf(lengths);
  if (arrays === null) return null;
  return { softmax: softmaxRows(), arrays };
}

/** layer-norm.wat's two functions (views in the module's memory from `layerNormArrays`; m even; γ ones and β zeros when absent). */
export interface LayerNormRows {
  forward(rows: number, m: number, x: Float32Array, w: Float32Array, b: Float32Array, eps: number, y: Float32Array, xHat: Float32Array, invStd: Float32Array): void;
  /** dW and dB: float64, m each, zero on entry; they receive Σ_rows dY·x̂ and Σ_rows dY. */
  backward(rows: number, m: number, dY: Float32Array, xHat: Float32Array, invStd: Float32Array, w: Float32Array, dX: Float32Array, dW: Float64Array, dB: Float64Array): void;
}

let layerNorm: LayerNormRows | null = null;

/** layer-norm.wat instantiated on this thread's module memory (once, on first use). */
function layerNormRows(): LayerNormRows {
  if (layerNorm !== null) return layerNorm;
  const { memory } = load();
  const e = new wasm.Instance(moduleOf(LAYER_NORM_WASM), { env: { memory } }).exports as unknown as {
    forward(rows: number, m: number, x: number, w: number, b: number, eps: number, y: number, xHat: number, invStd: number): void;
    backward(rows: number, m: number, g: number, xHat: number, invStd: number, w: number, dX: number, dW: number, dB: number): void;
  };
  const at = addressIn(memory);
  const f64At = (a: Float64Array): number => {
    if (a.buffer !== memory.buffer) throw new Error('layer-norm.wat: an array outside the module memory (taken before it grew?)');
    return a.byteOffset;
  };
  const check = (rows: number, m: number, big: readonly (Float32Array | Float64Array)[], small: readonly (Float32Array | Float64Array)[], r: Float32Array): void => {
    if (m % 2 !== 0 || big.some((a) => a.length < rows * m) || small.some((a) => a.length < m) || r.length < rows) {
      throw new RangeError(`layer-norm.wat: ${rows} rows of ${m} (even) in arrays of ${big.map((a) => a.length)}, ${small.map((a) => a.length)} and ${r.length}`);
    }
  };
  layerNorm = {
    forward(rows, m, x, w, b, eps, y, xHat, invStd) {
      check(rows, m, [x, y, xHat], [w, b], invStd);
      e.forward(rows, m, at(x), at(w), at(b), eps, at(y), at(xHat), at(invStd));
    },
    backward(rows, m, dY, xHat, invStd, w, dX, dW, dB) {
      check(rows, m, [dY, xHat, dX], [w, dW, dB], invStd);
      e.backward(rows, m, at(dY), at(xHat), at(invStd), at(w), at(dX), f64At(dW), f64At(dB));
    },
  };
  return layerNorm;
}

/** LayerNorm's SIMD loops and views of `lengths[i]` floats in their memory, as `cellArrays`; null when they would not fit. */
export function layerNormArrays(lengths: readonly number[]): { layerNorm: LayerNormRows; arrays: Float32Array[] } | null {
  const arrays = arraysOf(lengths);
  if (arrays === null) return null;
  return { layerNorm: layerNormRows(), arrays };
}
