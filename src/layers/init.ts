/**
 * init — weight initialisation, PyTorch's `torch.nn.init`: each function fills an existing
 * tensor IN PLACE (with `Tensor.assign`, so a Parameter keeps its identity) and returns it.
 *
 * The schemes keep the variance of activations (forward) or gradients (backward) roughly
 * constant from layer to layer. For a weight with fanIn inputs and fanOut outputs per unit:
 *   Xavier / Glorot (2010)  Var(W) = gain² · 2 / (fanIn + fanOut)
 *   Kaiming / He (2015)     Var(W) = gain² / fan        (fan = fanIn or fanOut, by `mode`)
 * A uniform U(−b, b) has variance b²/3, so its bound is b = √3 · std. `gain` corrects for the
 * nonlinearity that follows (calculateGain: √2 for ReLU, 5/3 for tanh, …). `orthogonal` draws
 * a Gaussian matrix and keeps the Q of its QR factorisation (Saxe et al. 2014).
 *
 * Every random function takes `random` (default: the global generator, see `manualSeed`).
 */
import { tensor } from '../autograd/creation.js';
import { defaultRandom, normal as normalDraw, type Random } from '../autograd/random.js';
import { fmt, sizeOf } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';

/** The activations `calculateGain` knows, with PyTorch's names. */
export type Nonlinearity =
  | 'linear' | 'identity' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** Options of the random initialisers: the generator (default: the global one). */
export interface RandomInitOptions {
  readonly random?: Random;
}

/** Options of the Kaiming (He) initialisers: the leaky-ReLU slope, fan-in or fan-out, the nonlinearity. */
export interface KaimingOptions extends RandomInitOptions {
  /** The negative slope of the leaky ReLU that follows (0 for ReLU; default 0). */
  readonly a?: number;
  /** 'fan_in' (default) preserves the forward variance, 'fan_out' the backward one. */
  readonly mode?: 'fan_in' | 'fan_out';
  /** The nonlinearity that follows (default 'leaky_relu', which with a = 0 is ReLU). */
  readonly nonlinearity?: Nonlinearity;
}

/** Options of the Xavier (Glorot) initialisers: the gain. */
export interface XavierOptions extends RandomInitOptions {
  /** Scale factor (default 1). */
  readonly gain?: number;
}

/**
 * The recommended gain for a nonlinearity (PyTorch's table); `param` is leaky_relu's slope.
 * @example calculateGain('relu')  // 1.4142135623730951
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'identity': case 'conv1d': case 'conv2d': case 'conv3d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) throw new RangeError(`calculateGain: negative slope ${slope} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
  }
  throw new RangeError(`calculateGain: unsupported nonlinearity '${String(nonlinearity)}'`);
}

/**
 * fanIn and fanOut of a weight: shape[1] and shape[0] times the receptive field (the product
 * of the remaining sizes), so Linear [out, in] gives (in, out) and Conv2d [O, C, KH, KW] gives
 * (C·KH·KW, O·KH·KW).
 */
export function calculateFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new RangeError(`init: fan in and fan out need a tensor with at least 2 dimensions, got ${fmt(shape)}`);
  const receptive = sizeOf(shape.slice(2));
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** Writes `draw()` into every element of t, in row-major order. */
function fill(t: Tensor, draw: () => number, where: string): Tensor {
  if (t.dtype === 'int32') throw new TypeError(`${where}: needs a float32 or float64 tensor, got int32 ${fmt(t.shape)}`);
  const values = new Float64Array(t.numel());
  for (let i = 0; i < values.length; i++) values[i] = draw();
  return t.assign(tensor(values, t.shape, { dtype: t.dtype }));
}

/**
 * Fills t with draws from U(low, high).
 * @example uniform(zeros([2]), -1, 1)  // values in [-1, 1)
 */
export function uniform(t: Tensor, low = 0, high = 1, options: RandomInitOptions = {}): Tensor {
  if (!(low <= high)) throw new RangeError(`init.uniform: low ${low} must not exceed high ${high}`);
  const random = options.random ?? defaultRandom();
  return fill(t, () => low + (high - low) * random(), 'init.uniform');
}

/** Fills t with draws from N(mean, std²). */
export function normal(t: Tensor, mean = 0, std = 1, options: RandomInitOptions = {}): Tensor {
  if (!(std >= 0)) throw new RangeError(`init.normal: std must be ≥ 0, got ${std}`);
  const random = options.random ?? defaultRandom();
  return fill(t, () => mean + std * normalDraw(random), 'init.normal');
}

/** Fills t with `value`. */
export function constant(t: Tensor, value: number): Tensor {
  return fill(t, () => value, 'init.constant');
}

/**
 * Fills `t` with zeros, in place, and returns it.
 * @example init.zeros(layer.bias!)
 */
export const zeros = (t: Tensor): Tensor => constant(t, 0);
/** Fills `t` with ones, in place, and returns it. */
export const ones = (t: Tensor): Tensor => constant(t, 1);

function kaimingStd(t: Tensor, options: KaimingOptions, where: string): number {
  const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' } = options;
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new RangeError(`${where}: mode must be 'fan_in' or 'fan_out', got '${String(mode)}'`);
  const { fanIn, fanOut } = calculateFans(t.shape);
  const fan = mode === 'fan_in' ? fanIn : fanOut;
  if (fan === 0) throw new RangeError(`${where}: cannot initialise a tensor with a zero ${mode} ${fmt(t.shape)}`);
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/**
 * He uniform: U(−b, b) with b = gain · √(3 / fan). PyTorch's Linear and Conv2d use it with
 * a = √5, which gives b = 1/√fanIn.
 * @example kaimingUniform(zeros([3, 4]), { a: Math.sqrt(5) })  // values in [-0.5, 0.5)
 */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, options, 'init.kaimingUniform');
  return uniform(t, -bound, bound, options);
}

/** He normal: N(0, gain² / fan). */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd(t, options, 'init.kaimingNormal'), options);
}

function xavierStd(t: Tensor, gain: number): number {
  const { fanIn, fanOut } = calculateFans(t.shape);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/** Glorot uniform: U(−b, b) with b = gain · √(6 / (fanIn + fanOut)). */
export function xavierUniform(t: Tensor, options: XavierOptions = {}): Tensor {
  const bound = Math.sqrt(3) * xavierStd(t, options.gain ?? 1);
  return uniform(t, -bound, bound, options);
}

/** Glorot normal: N(0, gain² · 2 / (fanIn + fanOut)). */
export function xavierNormal(t: Tensor, options: XavierOptions = {}): Tensor {
  return normal(t, 0, xavierStd(t, options.gain ?? 1), options);
}

/**
 * A (semi-)orthogonal matrix times `gain`, viewed as [shape[0], rest]: rows orthonormal when
 * there are fewer rows than columns, columns orthonormal otherwise. We draw a Gaussian A
 * (transposed to be tall), orthonormalise its columns by modified Gram-Schmidt in float64 —
 * that is A = QR with R's diagonal positive, which is what PyTorch's sign correction of
 * QR gives — and write Q back.
 */
export function orthogonal(t: Tensor, options: XavierOptions = {}): Tensor {
  if (t.ndim < 2) throw new RangeError(`init.orthogonal: needs a tensor with at least 2 dimensions, got ${fmt(t.shape)}`);
  if (t.dtype === 'int32') throw new TypeError(`init.orthogonal: needs a float32 or float64 tensor, got int32 ${fmt(t.shape)}`);
  const rows = t.shape[0]!;
  const cols = t.numel() / Math.max(rows, 1);
  const random = options.random ?? defaultRandom();
  const gain = options.gain ?? 1;
  // Work on the tall orientation: m ≥ n columns to orthonormalise, stored column by column.
  const [m, n] = rows < cols ? [cols, rows] : [rows, cols];
  const q = Array.from({ length: n }, () => Float64Array.from({ length: m }, () => normalDraw(random)));
  for (let j = 0; j < n; j++) {
    const v = q[j]!;
    // Two passes of modified Gram-Schmidt ("twice is enough") keep QᵀQ = I to rounding error.
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const u = q[k]!;
        let dot = 0;
        for (let i = 0; i < m; i++) dot += u[i]! * v[i]!;
        for (let i = 0; i < m; i++) v[i] = v[i]! - dot * u[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) throw new Error('init.orthogonal: drew a rank-deficient matrix (retry with another seed)');
    for (let i = 0; i < m; i++) v[i] = v[i]! / norm;
  }
  // Column j of the tall Q is row j of the wide result, or column j of the tall one.
  const values = new Float64Array(t.numel());
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) values[r * cols + c] = gain * (rows < cols ? q[r]![c]! : q[c]![r]!);
  }
  return t.assign(tensor(values, t.shape, { dtype: t.dtype }));
}
