/**
 * parity — the table every backend must pass: cases for each kernel of `Kernels`, core and
 * fused, run on the backend and on `cpu` (the oracle) from the same seeded inputs, and compared
 * at float32 tolerance (`parityError`). Its type lists every kernel, so a kernel added to
 * types.ts does not compile until it has cases here. parity.test.ts runs it on the wasm backend
 * and on a backend of core kernels only (every fused kernel then being its fallback).
 */
import { randn } from '../creation.js';
import type { DType } from '../dtype.js';
import { seededRandom, type Random } from '../random.js';
import { Tensor } from '../tensor.js';
import { cpuKernels } from './cpu/index.js';
import type { BinaryOp, CompareOp, Conv2dAttrs, Kernels, Pool2dAttrs, ReduceOp, UnaryOp } from './types.js';

/** What a case returns: tensors (null where a kernel returns none) or a boolean. */
export type ParityOutput = Tensor | boolean | null;

export interface ParityCase {
  readonly name: string;
  /** Runs the case on `k`; every call with the same kernels returns the same values (inputs are seeded). */
  readonly run: (k: Kernels) => readonly ParityOutput[];
}

/** A convolution: x [N, C, H, W] and w [O, C/groups, KH, KW], with its options. */
export interface ConvCase {
  readonly name: string;
  readonly x: readonly [number, number, number, number];
  readonly w: readonly [number, number, number, number];
  readonly stride?: readonly [number, number];
  readonly pad?: readonly [number, number, number, number]; // top, bottom, left, right
  readonly dilation?: readonly [number, number];
  readonly groups?: number;
}

export function attrsOf(c: ConvCase): Conv2dAttrs {
  const [top, bottom, left, right] = c.pad ?? [0, 0, 0, 0];
  return { stride: c.stride ?? [1, 1], padding: { top, bottom, left, right }, dilation: c.dilation ?? [1, 1], groups: c.groups ?? 1 };
}

export const CONV_CASES: readonly ConvCase[] = [
  { name: '3x3 same, odd sizes', x: [2, 3, 7, 5], w: [5, 3, 3, 3], pad: [1, 1, 1, 1] },
  { name: '1x1', x: [1, 6, 4, 4], w: [10, 6, 1, 1] },
  { name: '1x1 stride 2 (ResNet downsample)', x: [3, 8, 9, 9], w: [16, 8, 1, 1], stride: [2, 2] },
  { name: '1x1 stride [3, 2], sizes the strides do not divide', x: [2, 5, 10, 7], w: [6, 5, 1, 1], stride: [3, 2] },
  { name: '1x1 stride 2 with padding (not subsampled)', x: [1, 4, 5, 6], w: [3, 4, 1, 1], stride: [2, 2], pad: [1, 0, 0, 1] },
  { name: '7x7 stride 2 pad 3 (ResNet stem)', x: [1, 3, 23, 21], w: [8, 3, 7, 7], stride: [2, 2], pad: [3, 3, 3, 3] },
  { name: '3x3 stride 2 pad 1', x: [2, 5, 10, 11], w: [7, 5, 3, 3], stride: [2, 2], pad: [1, 1, 1, 1] },
  { name: 'dilation 2', x: [2, 4, 11, 9], w: [6, 4, 3, 3], dilation: [2, 2], pad: [2, 2, 2, 2] },
  { name: 'dilation 2 and stride 2 (cpu fallback)', x: [1, 2, 12, 12], w: [3, 2, 3, 3], dilation: [2, 2], stride: [2, 2], pad: [1, 1, 1, 1] },
  { name: 'groups 2', x: [2, 6, 6, 6], w: [4, 3, 3, 3], groups: 2, pad: [1, 1, 1, 1] },
  { name: 'depthwise (groups = C)', x: [1, 5, 6, 7], w: [5, 1, 3, 3], groups: 5, pad: [1, 1, 1, 1] },
  { name: 'asymmetric padding', x: [2, 3, 8, 8], w: [4, 3, 4, 2], pad: [1, 2, 0, 1] },
  { name: 'padding larger than the kernel reach', x: [1, 2, 4, 4], w: [3, 2, 1, 1], pad: [2, 1, 1, 2] },
  { name: 'stride 3, rows left over', x: [2, 3, 10, 11], w: [4, 3, 3, 2], stride: [3, 3] },
  { name: 'batch 17, channels not multiples of 4', x: [17, 5, 6, 6], w: [7, 5, 3, 3], pad: [1, 1, 1, 1] },
  { name: 'batch 1, rectangular stride', x: [1, 3, 9, 12], w: [2, 3, 3, 5], stride: [1, 2], pad: [1, 1, 2, 2] },
  // the wasm filter gradient's pixel blocks: rows of one large image, several blocks of whole
  // images, and a filter with few taps (Q = C·KH·KW ≤ O/2: the patches on the right)
  { name: '3x3 on images larger than a pixel block (row blocks)', x: [2, 2, 50, 47], w: [3, 2, 3, 3], pad: [1, 1, 1, 1] },
  { name: 'batch 70 of 6x6 images (two blocks of whole images)', x: [70, 2, 6, 6], w: [3, 2, 3, 3], pad: [1, 1, 1, 1] },
  { name: 'one input channel, 20 output channels (few taps)', x: [3, 1, 9, 8], w: [20, 1, 3, 3], stride: [2, 1], pad: [1, 1, 1, 1] },
  { name: '8 input channels, 3x3 (XNNPACK), float channels past a multiple of 4', x: [2, 8, 6, 7], w: [9, 8, 3, 3], pad: [1, 1, 1, 1] },
];

export const MATMUL_CASES: readonly (readonly [readonly number[], readonly number[]])[] = [
  [[1, 1], [1, 1]], [[7, 13], [13, 5]], [[64, 65], [65, 63]], [[3, 4, 5], [3, 5, 2]], [[2, 1, 3, 4], [5, 4, 6]], [[4, 6], [2, 6, 3]],
];

/**
 * The largest error of `got` against `want`, measured against the tolerance
 * atol·max(1, scale) + rtol·|want| (scale: the largest |want|, since long sums round in
 * proportion to their terms); ≤ 1 passes. Equal NaNs and equal infinities count as equal.
 */
export function parityError(got: ParityOutput, want: ParityOutput, rtol = 1e-4, atol = 1e-5): { readonly ratio: number; readonly detail: string } {
  if (want === null || typeof want === 'boolean') return got === want ? { ratio: 0, detail: '' } : { ratio: Infinity, detail: `got ${String(got)}, want ${String(want)}` };
  if (!(got instanceof Tensor)) return { ratio: Infinity, detail: `got ${String(got)}, want a tensor` };
  if (got.dtype !== want.dtype || got.shape.join() !== want.shape.join()) {
    return { ratio: Infinity, detail: `got ${got.dtype}[${got.shape}], want ${want.dtype}[${want.shape}]` };
  }
  const [g, w] = [got.storage, want.storage];
  let scale = 0;
  for (let i = 0; i < w.length; i++) if (Number.isFinite(w[i]!)) scale = Math.max(scale, Math.abs(w[i]!));
  let worst = { ratio: 0, detail: '' };
  for (let i = 0; i < w.length; i++) {
    const [a, b] = [g[i]!, w[i]!];
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    const ratio = Number.isFinite(b) ? Math.abs(a - b) / (atol * Math.max(1, scale) + rtol * Math.abs(b)) : Infinity;
    if (!(ratio <= worst.ratio)) worst = { ratio: Number.isNaN(ratio) ? Infinity : ratio, detail: `element ${i}: got ${a}, want ${b}` };
  }
  return worst;
}

// ── the inputs ──────────────────────────────────────────────────────────────────────────────

const rand = (shape: readonly number[], random: Random, dtype: DType = 'float32'): Tensor => randn(shape, { random, dtype: dtype === 'int32' ? 'float32' : dtype });
const positive = (k: Kernels, t: Tensor): Tensor => k.binary('add', k.unary('abs', t), new Tensor(new Float32Array([0.25]), []), t.dtype);
const ints = (values: readonly number[], shape: readonly number[]): Tensor => new Tensor(Int32Array.from(values), shape);
const cases = (list: readonly [string, (k: Kernels, random: Random) => readonly ParityOutput[]][], seed = 1): ParityCase[] =>
  list.map(([name, run]) => ({ name, run: (k) => run(k, seededRandom(seed)) }));

const UNARY: readonly UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'sign', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'erf', 'softplus', 'square', 'reciprocal', 'floor', 'ceil', 'round', 'gelu', 'geluTanh'];
const DOMAIN_POSITIVE: readonly UnaryOp[] = ['log', 'sqrt', 'rsqrt', 'reciprocal'];
const BINARY: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'reluBackward', 'addRelu'];
const COMPARE: readonly CompareOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'];
const REDUCE: readonly ReduceOp[] = ['sum', 'max', 'min', 'prod'];
const POOL: Pool2dAttrs = { kernel: [3, 2], stride: [2, 1], padding: { top: 1, bottom: 1, left: 0, right: 1 }, dilation: [1, 1], countIncludePad: true };
const EPILOGUES = ['bias', 'relu', 'bias relu', 'residual', 'bias residual relu'] as const;

/** An LSTM or GRU layer's operands: x [T, N, I], the initial state, weights [gates·H, ·], biases. */
function recurrent(random: Random, gates: number, stateWidth: number, T: number, N: number, I: number, H: number, dtype: DType) {
  const r = (shape: readonly number[], scale = 0.5): Tensor => cpuKernels.binary('mul', rand(shape, random, dtype), new Tensor(dtype === 'float64' ? new Float64Array([scale]) : new Float32Array([scale]), []), dtype);
  return { x: r([T, N, I], 1), state0: r([N, stateWidth * H]), wIh: r([gates * H, I]), wHh: r([gates * H, H]), bIh: r([gates * H]), bHh: r([gates * H]), dOut: r([T, N, stateWidth === 2 ? 2 * H : H], 1) };
}

/** LSTM and GRU shapes: a size-1 step, a batch the wasm backend splits in blocks of rows, an H not a multiple of 4 (no SIMD cells). */
const RNN_SHAPES: readonly (readonly [string, number, number, number, number, DType])[] = [
  ['T 1, N 2, I 3, H 4', 1, 2, 3, 4, 'float32'],
  ['T 4, N 17, I 5, H 8', 4, 17, 5, 8, 'float32'],
  ['T 3, N 3, I 2, H 3', 3, 3, 2, 3, 'float32'],
  ['T 3, N 2, I 3, H 4, float64', 3, 2, 3, 4, 'float64'],
];

type RnnShape = readonly [T: number, N: number, I: number, H: number, dtype: DType];

/** A recurrent kernel's cases: every shape of RNN_SHAPES, forward in time and reversed. */
const rnnCases = (run: (k: Kernels, random: Random, shape: RnnShape, reverse: boolean) => readonly ParityOutput[]): ParityCase[] =>
  RNN_SHAPES.flatMap(([name, ...shape]) => [false, true].map((reverse) => ({ name: `${name}${reverse ? ', reverse' : ''}`, run: (k: Kernels) => run(k, seededRandom(1), shape, reverse) })));

/** Every kernel's cases. */
export const PARITY: { readonly [K in Exclude<keyof Kernels, 'name'>]: readonly ParityCase[] } = {
  unary: cases([
    ...UNARY.map((op) => [op, (k: Kernels, random: Random) => {
      const x = rand([3, 7], random);
      return [k.unary(op, DOMAIN_POSITIVE.includes(op) ? positive(k, x) : x)];
    }] as [string, (k: Kernels, random: Random) => readonly ParityOutput[]]),
    ['exp, tanh, sigmoid in float64', (k, random) => ['exp', 'tanh', 'sigmoid'].map((op) => k.unary(op as UnaryOp, rand([2, 5], random, 'float64')))],
    ['neg, abs, sign of int32', (k) => ['neg', 'abs', 'sign'].map((op) => k.unary(op as UnaryOp, ints([-3, 0, 2, 7, -1, 4], [2, 3])))],
    ['relu, sign, abs of NaN, ±Inf, ±0', (k) => ['relu', 'sign', 'abs', 'tanh', 'sigmoid'].map((op) => k.unary(op as UnaryOp, new Tensor(Float32Array.from([NaN, Infinity, -Infinity, 0, -0, 2]), [6])))],
  ]),
  unaryParam: cases([
    ['leakyRelu, elu, clamp', (k, random) => {
      const x = rand([4, 5], random);
      return [k.unaryParam({ kind: 'leakyRelu', slope: 0.1 }, x), k.unaryParam({ kind: 'elu', alpha: 1.5 }, x), k.unaryParam({ kind: 'clamp', min: -0.5, max: 0.7 }, x)];
    }],
  ]),
  binary: cases([
    ...BINARY.map((op) => [`${op}, broadcast [3, 1, 4] with [5, 1]`, (k: Kernels, random: Random) => {
      const [a, b] = [rand([3, 1, 4], random), rand([5, 1], random)];
      return op === 'pow' ? [k.binary(op, positive(k, a), b, 'float32')] : op === 'div' ? [k.binary(op, a, positive(k, b), 'float32')] : [k.binary(op, a, b, 'float32')];
    }] as [string, (k: Kernels, random: Random) => readonly ParityOutput[]]),
    ['add and mul of float64, and of int32 with int32', (k, random) => [
      k.binary('add', rand([2, 3], random, 'float64'), rand([3], random, 'float64'), 'float64'),
      k.binary('mul', ints([1, -2, 3, 4, 5, -6], [2, 3]), ints([2, 3, -1], [3]), 'int32'),
    ]],
  ]),
  compare: cases(COMPARE.map((op) => [op, (k: Kernels) => [k.compare(op, new Tensor(Float32Array.from([1, 2, NaN, 4, 5, 6]), [2, 3]), new Tensor(Float32Array.from([2, 2, 1]), [3]))]])),
  where: cases([['broadcast cond [2, 1], a [2, 3], b [3]', (k, random) => [k.where(ints([0, 1], [2, 1]), rand([2, 3], random), rand([3], random), 'float32')]]]),
  // A backend without float64 (webgpu) runs the first case and must refuse the second with a TypeError.
  cast: cases([
    ['float32 → int32 (truncation), int32 → float32', (k, random) => {
      const x = k.binary('mul', rand([2, 5], random), new Tensor(new Float32Array([10]), []), 'float32');
      return [k.cast(x, 'int32'), k.cast(ints([-4, 0, 9], [3]), 'float32')];
    }],
    ['float32 → float64, float64 → float32', (k, random) => {
      const x = k.binary('mul', rand([2, 5], random), new Tensor(new Float32Array([10]), []), 'float32');
      return [k.cast(x, 'float64'), k.cast(rand([3], random, 'float64'), 'float32')];
    }],
  ]),
  allFinite: cases([['finite, NaN, -Inf', (k, random) => [
    k.allFinite(rand([3, 3], random)), k.allFinite(new Tensor(Float32Array.from([1, NaN]), [2])), k.allFinite(new Tensor(Float64Array.from([-Infinity]), [1])),
  ]]]),
  reduce: cases(REDUCE.map((op) => [op, (k: Kernels, random: Random) => {
    const x = rand([3, 4, 5], random);
    return [k.reduce(op, x, [1], false), k.reduce(op, x, [0, 2], true), k.reduce(op, x, [0, 1, 2], false), k.reduce(op, rand([2, 3], random, 'float64'), [0], false)];
  }])),
  argReduce: cases([['argmax, argmin with ties', (k) => {
    const x = new Tensor(Float32Array.from([1, 3, 3, 0, -1, -1, 2, 2]), [2, 4]);
    return [k.argReduce('argmax', x, 1, false), k.argReduce('argmin', x, 1, true), k.argReduce('argmax', x, 0, false)];
  }]]),
  argsort: cases([['every axis of [3, 5, 4] with ties and a NaN, both directions; int32', (k, random) => {
    const special = Float32Array.from(rand([3, 5, 4], random).storage, Math.round); // rounding makes ties; made on the host (a device backend's result cannot be read synchronously)
    special[7] = NaN;
    const withNan = new Tensor(special, [3, 5, 4]);
    return [0, 1, 2].flatMap((axis) => [k.argsort(withNan, axis, false), k.argsort(withNan, axis, true)])
      .concat([k.argsort(ints([3, 1, 3, 0, -2, 1], [6]), 0, false), k.argsort(rand([1, 9], random, 'float64'), 1, true)]);
  }]]),
  scan: cases([['sum and prod along each axis, float32, float64 and int32; axes of size 1 and 0', (k, random) => {
    const x = rand([3, 9, 4], random);
    return [
      ...[0, 1, 2].flatMap((axis) => [k.scan('sum', x, axis), k.scan('prod', x, axis)]),
      k.scan('sum', rand([2, 17], random, 'float64'), 1), k.scan('prod', rand([5], random, 'float64'), 0),
      k.scan('sum', ints([3, -1, 4, 1, -5, 9], [2, 3]), 1), k.scan('prod', ints([3, -1, 4, 1, -5, 9], [2, 3]), 0),
      k.scan('sum', rand([2, 1, 3], random), 1), k.scan('prod', rand([2, 0, 3], random), 1),
    ];
  }]]),
  permute: cases([['[2, 3, 4, 5] by [3, 1, 0, 2], and a 40 × 33 transpose', (k, random) => [k.permute(rand([2, 3, 4, 5], random), [3, 1, 0, 2]), k.permute(rand([40, 33], random), [1, 0])]]]),
  broadcastTo: cases([['[3, 1] to [2, 3, 4]', (k, random) => [k.broadcastTo(rand([3, 1], random), [2, 3, 4])]]]),
  slice: cases([['strided slice of [5, 6, 7]', (k, random) => [k.slice(rand([5, 6, 7], random), [1, 0, 2], [2, 3, 1], [2, 2, 4])]]]),
  sliceScatter: cases([['into zeros of [5, 6]', (k, random) => [k.sliceScatter(rand([2, 3], random), [5, 6], [1, 0], [2, 2])]]]),
  concat: cases([['three tensors on axis 1', (k, random) => [k.concat([rand([2, 1, 3], random), rand([2, 4, 3], random), rand([2, 2, 3], random)], 1)]]]),
  pad: cases([['[2, 3] padded by [1, 2], [0, 3] with 0.5', (k, random) => [k.pad(rand([2, 3], random), [[1, 2], [0, 3]], 0.5)]]]),
  gather: cases([['axis 1', (k, random) => [k.gather(rand([2, 4], random), 1, ints([3, 0, 0, 1, 2, 2], [2, 3]))]]]),
  scatterAdd: cases([['axis 1, repeated indices', (k, random) => [k.scatterAdd(rand([2, 3], random), 1, ints([3, 0, 0, 1, 2, 2], [2, 3]), [2, 4])]]]),
  indexSelect: cases([['axis 0', (k, random) => [k.indexSelect(rand([4, 3], random), 0, ints([2, 0, 2], [3]))]]]),
  indexAdd: cases([['axis 0, repeated indices', (k, random) => [k.indexAdd(rand([3, 3], random), 0, ints([2, 0, 2], [3]), [4, 3])]]]),
  oneHot: cases([['5 classes, float32 and int32', (k) => [k.oneHot(ints([0, 4, 2], [3]), 5, 'float32'), k.oneHot(ints([1, 1], [2]), 3, 'int32')]]]),
  matmul: cases([
    ...MATMUL_CASES.map(([a, b]) => [`[${a}]·[${b}]`, (k: Kernels, random: Random) => [k.matmul(rand(a, random), rand(b, random))]] as [string, (k: Kernels, random: Random) => readonly ParityOutput[]]),
    ['float64', (k, random) => [k.matmul(rand([5, 7], random, 'float64'), rand([7, 3], random, 'float64'))]],
  ]),
  matmulTransposed: cases([
    ...([[1, 1, 1], [7, 13, 5], [64, 65, 63], [33, 128, 40], [6, 200, 90]] as const).map(([m, k, n]) => [`[${m}, ${k}]·[${k}, ${n}], each operand plain and transposed`, (kk: Kernels, random: Random) =>
      ([[false, false], [false, true], [true, false], [true, true]] as const).map(([transposeA, transposeB]) =>
        kk.matmulTransposed(rand(transposeA ? [k, m] : [m, k], random), rand(transposeB ? [n, k] : [k, n], random), { transposeA, transposeB }))] as [string, (k: Kernels, random: Random) => readonly ParityOutput[]]),
    ['float64', (k, random) => [k.matmulTransposed(rand([5, 7], random, 'float64'), rand([3, 7], random, 'float64'), { transposeA: false, transposeB: true }), k.matmulTransposed(rand([7, 5], random, 'float64'), rand([7, 3], random, 'float64'), { transposeA: true, transposeB: false })]],
  ]),
  conv2d: cases(CONV_CASES.map((c) => [c.name, (k: Kernels, random: Random) => [k.conv2d(rand(c.x, random), rand(c.w, random), attrsOf(c))]])),
  conv2dBackpropInput: cases(CONV_CASES.map((c) => [c.name, (k: Kernels, random: Random) => {
    const w = rand(c.w, random);
    const dy = rand(cpuKernels.conv2d(rand(c.x, random), w, attrsOf(c)).shape, random);
    return [k.conv2dBackpropInput(dy, w, c.x, attrsOf(c))];
  }])),
  conv2dBackpropFilter: cases(CONV_CASES.map((c) => [c.name, (k: Kernels, random: Random) => {
    const x = rand(c.x, random);
    const dy = rand(cpuKernels.conv2d(x, rand(c.w, random), attrsOf(c)).shape, random);
    return [k.conv2dBackpropFilter(x, dy, c.w, attrsOf(c))];
  }])),
  fusedConv2d: cases(CONV_CASES.map((c) => [c.name, (k: Kernels, random: Random) => {
    const [x, w] = [rand(c.x, random), rand(c.w, random)];
    const y = cpuKernels.conv2d(x, w, attrsOf(c));
    const [bias, residual] = [rand([c.w[0]], random), rand(y.shape, random)];
    return EPILOGUES.map((e) => k.fusedConv2d(x, w, attrsOf(c), {
      bias: e.includes('bias') ? bias : null, residual: e.includes('residual') ? residual : null, relu: e.includes('relu'),
    }));
  }])),
  maxPool2d: cases([['3x2 window, stride [2, 1], padding; a NaN; ±∞ without a NaN', (k, random) => {
    const x = rand([2, 3, 7, 6], random);
    const special = x.storage.slice();
    special[5] = NaN;
    const infinite = x.storage.slice();
    infinite[7] = Infinity;
    infinite[40] = -Infinity;
    return [k.maxPool2d(x, POOL), k.maxPool2d(new Tensor(special, x.shape), POOL), k.maxPool2d(new Tensor(infinite, x.shape), POOL)];
  }]]),
  maxPool2dWithIndices: cases([['3x2 window, stride [2, 1], padding; a NaN, two NaNs in one window, ties, a window of −∞; 2x2 stride 2; dilation 2', (k, random) => {
    const x = rand([2, 3, 7, 6], random);
    const special = x.storage.slice();
    special[5] = NaN;
    special[8] = special[15] = NaN; // (1, 2) and (2, 3) of plane 0: both in the 3x2 window (1, 2)
    special[60] = special[61] = special[66] = 3; // a tie (plane 1): the first wins
    special[98] = special[99] = special[104] = special[105] = -Infinity; // rows 2–3, cols 2–3 of plane 2: one 2x2 window
    const results = [
      k.maxPool2dWithIndices(new Tensor(special, x.shape), POOL),
      k.maxPool2dWithIndices(x, { ...POOL, kernel: [2, 2], stride: [2, 2], padding: { top: 0, bottom: 0, left: 0, right: 0 } }),
      k.maxPool2dWithIndices(new Tensor(special, x.shape), { ...POOL, kernel: [2, 2], stride: [2, 2], padding: { top: 0, bottom: 0, left: 0, right: 0 } }),
      k.maxPool2dWithIndices(x, { ...POOL, dilation: [2, 2], padding: { top: 1, bottom: 1, left: 1, right: 1 } }),
    ];
    return results.flatMap((r) => [r.out, r.indices]);
  }]]),
  maxPool2dBackward: cases([
    ['3x2 window', (k, random) => {
      const x = rand([2, 3, 7, 6], random);
      return [k.maxPool2dBackward(rand(cpuKernels.maxPool2d(x, POOL).shape, random), x, POOL)];
    }],
    ['2x2 stride 2, windows that do not overlap (odd sizes: a row and a column left out)', (k, random) => {
      const x = rand([2, 3, 7, 9], random);
      const pool: Pool2dAttrs = { ...POOL, kernel: [2, 2], stride: [2, 2], padding: { top: 0, bottom: 0, left: 0, right: 0 } };
      return [k.maxPool2dBackward(rand(cpuKernels.maxPool2d(x, pool).shape, random), x, pool)];
    }],
  ]),
  avgPool2d: cases([['3x2 window, with and without the padding counted', (k, random) => {
    const x = rand([2, 3, 7, 6], random);
    return [k.avgPool2d(x, POOL), k.avgPool2d(x, { ...POOL, countIncludePad: false })];
  }]]),
  avgPool2dBackward: cases([['3x2 window', (k, random) => [k.avgPool2dBackward(rand(cpuKernels.avgPool2d(rand([2, 3, 7, 6], random), POOL).shape, random), [2, 3, 7, 6], POOL)]]]),
  adaptiveAvgPool2d: cases([['7x6 to 3x4', (k, random) => [k.adaptiveAvgPool2d(rand([2, 3, 7, 6], random), [3, 4])]]]),
  adaptiveAvgPool2dBackward: cases([['3x4 back to 7x6', (k, random) => [k.adaptiveAvgPool2dBackward(rand([2, 3, 3, 4], random), [2, 3, 7, 6])]]]),
  channelMoments: cases([
    ['[4, 3, 2, 5] float32, [5, 2] float64', (k, random) => {
      const [a, b] = [k.channelMoments(rand([4, 3, 2, 5], random)), k.channelMoments(rand([5, 2], random, 'float64'))];
      return [a.mean, a.variance, b.mean, b.variance];
    }],
    ['[40, 7, 9] float32 (more values per channel than a workgroup), shifted far from 0', (k, random) => {
      const a = k.channelMoments(k.binary('add', rand([40, 7, 9], random), new Tensor(new Float32Array([100]), []), 'float32'));
      return [a.mean, a.variance];
    }],
  ]),
  channelSums: cases([
    ['[4, 3, 2, 5]', (k, random) => {
      const s = k.channelSums(rand([4, 3, 2, 5], random), rand([4, 3, 2, 5], random), rand([3], random, 'float64'));
      return [s.sum, s.dot];
    }],
    ['[4, 3, 2, 5] with a float32 centre, [2, 70, 9] (more values per channel than a workgroup)', (k, random) => {
      const [s, t] = [k.channelSums(rand([4, 3, 2, 5], random), rand([4, 3, 2, 5], random), rand([3], random)), k.channelSums(rand([40, 7, 9], random), rand([40, 7, 9], random), rand([7], random))];
      return [s.sum, s.dot, t.sum, t.dot];
    }],
  ]),
  channelAffine: cases([
    ['one term with a shift, two terms without (float32, float64)', (k, random) => [
      k.channelAffine([[rand([2, 3, 4], random), rand([3], random, 'float64')]], rand([3], random)),
      k.channelAffine([[rand([2, 3, 2, 2], random, 'float64'), rand([3], random)], [rand([2, 3, 2, 2], random, 'float64'), rand([3], random, 'float64')]], null),
    ]],
    ['float32 scales: one term with a shift, two terms with one', (k, random) => [
      k.channelAffine([[rand([2, 3, 4], random), rand([3], random)]], rand([3], random)),
      k.channelAffine([[rand([2, 3, 2, 2], random), rand([3], random)], [rand([2, 3, 2, 2], random), rand([3], random)]], rand([3], random)),
    ]],
  ]),
  lstmForward: rnnCases((k, random, [T, N, I, H, dtype], reverse) => {
    const r = recurrent(random, 4, 2, T, N, I, H, dtype);
    return [k.lstmForward(r.x, r.state0, r.wIh, r.wHh, r.bIh, r.bHh, reverse).out];
  }),
  lstmBackward: rnnCases((k, random, [T, N, I, H, dtype], reverse) => {
    const r = recurrent(random, 4, 2, T, N, I, H, dtype);
    const { saved } = k.lstmForward(r.x, r.state0, r.wIh, r.wHh, r.bIh, r.bHh, reverse);
    const g = k.lstmBackward(saved, r.x, r.state0, r.wIh, r.wHh, r.dOut, reverse, [true, true, true, true, true]);
    const some = k.lstmBackward(saved, r.x, r.state0, r.wIh, r.wHh, r.dOut, reverse, [false, true, false, true, false]);
    return [g.dX, g.dState0, g.dWIh, g.dWHh, g.dBias, some.dX, some.dState0, some.dWHh];
  }),
  gruForward: rnnCases((k, random, [T, N, I, H, dtype], reverse) => {
    const r = recurrent(random, 3, 1, T, N, I, H, dtype);
    return [k.gruForward(r.x, r.state0, r.wIh, r.wHh, r.bIh, r.bHh, reverse).out];
  }),
  gruBackward: rnnCases((k, random, [T, N, I, H, dtype], reverse) => {
    const r = recurrent(random, 3, 1, T, N, I, H, dtype);
    const { saved } = k.gruForward(r.x, r.state0, r.wIh, r.wHh, r.bIh, r.bHh, reverse);
    const g = k.gruBackward(saved, r.x, r.wIh, r.wHh, r.dOut, reverse, [true, true, true, true, true, true]);
    const some = k.gruBackward(saved, r.x, r.wIh, r.wHh, r.dOut, reverse, [true, false, false, false, true, false]);
    return [g.dX, g.dH0, g.dWIh, g.dWHh, g.dBIh, g.dBHh, some.dX, some.dH0, some.dBIh];
  }),
  sgdStep: cases([
    ['plain, first momentum step, momentum with dampening and decay, Nesterov, maximize', (k, random) => {
      const [p, g, b] = [rand([3, 4], random), rand([3, 4], random), rand([3, 4], random)];
      const base = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
      const steps = [
        k.sgdStep(p, g, null, base),
        k.sgdStep(p, g, null, { ...base, momentum: 0.9 }),
        k.sgdStep(p, g, b, { ...base, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }),
        k.sgdStep(p, g, b, { ...base, momentum: 0.8, nesterov: true, maximize: true }),
      ];
      return steps.flatMap((s) => [s.param, s.momentumBuffer]);
    }],
    // 7 × 13 = 91 elements: an odd count above the wasm backend's SIMD threshold (64)
    ['91 elements: momentum with dampening and decay, Nesterov with maximize', (k, random) => {
      const [p, g, b] = [rand([7, 13], random), rand([7, 13], random), rand([7, 13], random)];
      const base = { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
      const steps = [
        k.sgdStep(p, g, null, { ...base, weightDecay: 0.01 }),
        k.sgdStep(p, g, b, { ...base, dampening: 0.1, weightDecay: 0.01 }),
        k.sgdStep(p, g, b, { ...base, nesterov: true, maximize: true }),
        k.sgdStep(p, g, null, { ...base, momentum: 0 }),
      ];
      return steps.flatMap((s) => [s.param, s.momentumBuffer]);
    }],
  ]),
  geluWithDerivative: cases([
    ['exact and tanh, float32 (with the far tails) and float64', (k, random) => {
      const x = new Tensor(Float32Array.from([...rand([3, 7], random).storage].map((v) => 3 * v).concat([-9, 9, 0, -0, -5, 5, 12])), [4, 7]);
      const x64 = rand([2, 5], random, 'float64');
      return [x, x64].flatMap((t) => (['none', 'tanh'] as const).flatMap((a) => {
        const { y, dydx } = k.geluWithDerivative(t, a);
        return [y, dydx];
      }));
    }],
    ['exact, float32, 155 values (wasm runs gelu.wat from 64) with ±14 and ±∞ among them', (k, random) => {
      const x = new Tensor(Float32Array.from([...rand([5, 30], random).storage].map((v) => 10 * v - 5).concat([-14, 14, 0, -Infinity, Infinity])), [5, 31]);
      const { y, dydx } = k.geluWithDerivative(x, 'none');
      return [y, dydx];
    }],
  ]),
  softmaxLastAxis: cases([
    ['no mask, a broadcast mask with an empty row, a row of −∞; float64', (k, random) => {
      const x = rand([2, 3, 4, 5], random);
      const keep = ints([1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1], [1, 3, 1, 5]); //         row 1 keeps nothing
      const infRow = new Tensor(Float32Array.from([-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, 2, 1, 0]), [2, 4]);
      return [k.softmaxLastAxis(x, null), k.softmaxLastAxis(x, keep), k.softmaxLastAxis(infRow, null), k.softmaxLastAxis(rand([3, 7], random, 'float64'), ints([1, 0, 1, 1, 1, 0, 1], [7]))];
    }],
    ['attention scores [2, 4, 8, 16] with a padding mask [2, 1, 1, 16] (wasm runs softmax.wat from 256 values)', (k, random) => {
      const x = rand([2, 4, 8, 16], random);
      const keep = ints(Array.from({ length: 32 }, (_, i) => (i >= 16 && i % 16 >= 11 ? 0 : 1)), [2, 1, 1, 16]);
      return [k.softmaxLastAxis(x, null), k.softmaxLastAxis(x, keep)];
    }],
  ]),
  softmaxBackward: cases([
    ['float32 and float64', (k, random) => {
      const p = k.softmaxLastAxis(rand([2, 3, 6], random), null);
      const p64 = k.softmaxLastAxis(rand([4, 5], random, 'float64'), null);
      return [k.softmaxBackward(p, rand([2, 3, 6], random)), k.softmaxBackward(p64, rand([4, 5], random, 'float64'))];
    }],
  ]),
  layerNorm: cases([
    ['over 1 and 2 axes, with and without γ, β; float64', (k, random) => {
      const x = rand([2, 3, 4, 5], random);
      const one = k.layerNorm(x, 1, rand([5], random), rand([5], random), 1e-5);
      const two = k.layerNorm(x, 2, rand([4, 5], random), null, 1e-12);
      const bare = k.layerNorm(rand([3, 1, 6], random, 'float64'), 1, null, null, 1e-5);
      return [one.y, one.xHat, one.invStd, two.y, two.invStd, bare.y, bare.invStd];
    }],
    ['[4, 8, 32] rows of 32 with γ and β, and of 8 × 32 (wasm runs layer-norm.wat from 256 values)', (k, random) => {
      const x = rand([4, 8, 32], random);
      const one = k.layerNorm(x, 1, rand([32], random), rand([32], random), 1e-12);
      const two = k.layerNorm(x, 2, null, rand([8, 32], random), 1e-5);
      return [one.y, one.xHat, one.invStd, two.y, two.xHat, two.invStd];
    }],
  ]),
  layerNormBackward: cases([
    ['over 1 and 2 axes, with and without γ; float64', (k, random) => {
      const x = rand([2, 3, 4, 5], random);
      const [w1, w2] = [rand([5], random), rand([4, 5], random)];
      const one = k.layerNorm(x, 1, w1, null, 1e-5);
      const two = k.layerNorm(x, 2, w2, null, 1e-5);
      const bare = k.layerNorm(rand([3, 1, 6], random, 'float64'), 1, null, null, 1e-5);
      return [
        k.layerNormBackward(rand([2, 3, 4, 5], random), one.xHat, one.invStd, w1, 1),
        k.layerNormBackward(rand([2, 3, 4, 5], random), two.xHat, two.invStd, w2, 2),
        k.layerNormBackward(rand([3, 1, 6], random, 'float64'), bare.xHat, bare.invStd, null, 1),
      ].flatMap((g) => [g.dX, g.dWeight, g.dBias]);
    }],
    ['[4, 8, 32] rows of 32 with γ, and of 8 × 32 without (wasm runs layer-norm.wat from 256 values)', (k, random) => {
      const x = rand([4, 8, 32], random);
      const w = rand([32], random);
      const [one, two] = [k.layerNorm(x, 1, w, null, 1e-5), k.layerNorm(x, 2, null, null, 1e-5)];
      return [k.layerNormBackward(rand([4, 8, 32], random), one.xHat, one.invStd, w, 1), k.layerNormBackward(rand([4, 8, 32], random), two.xHat, two.invStd, null, 2)]
        .flatMap((g) => [g.dX, g.dWeight, g.dBias]);
    }],
  ]),
  adamStep: cases([
    ['Adam with L2 decay, AdamW with amsgrad, maximize', (k, random) => {
      const [p, g] = [rand([5, 3], random), rand([5, 3], random)];
      const [m, v, vmax] = [rand([5, 3], random), k.unary('abs', rand([5, 3], random)), k.unary('abs', rand([5, 3], random))];
      const base = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 0.01 / (1 - 0.9 ** 3), sqrtBias2: Math.sqrt(1 - 0.999 ** 3), shrink: 1, l2: 0, maximize: false };
      const steps = [
        k.adamStep(p, g, m, v, null, { ...base, l2: 0.01 }),
        k.adamStep(p, g, m, v, vmax, { ...base, shrink: 1 - 0.01 * 0.05 }),
        k.adamStep(p, g, m, v, null, { ...base, maximize: true }),
      ];
      return steps.flatMap((s) => [s.param, s.expAvg, s.expAvgSq, s.maxExpAvgSq]);
    }],
    ['91 elements: Adam with L2 decay, AdamW with amsgrad and maximize', (k, random) => {
      const [p, g, m] = [rand([7, 13], random), rand([7, 13], random), rand([7, 13], random)];
      const [v, vmax] = [k.unary('abs', rand([7, 13], random)), k.unary('abs', rand([7, 13], random))];
      const base = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 0.01 / (1 - 0.9 ** 2), sqrtBias2: Math.sqrt(1 - 0.999 ** 2), shrink: 1, l2: 0, maximize: false };
      const steps = [
        k.adamStep(p, g, m, v, null, { ...base, l2: 0.01 }),
        k.adamStep(p, g, m, v, vmax, { ...base, shrink: 1 - 0.01 * 0.05, maximize: true }),
      ];
      return steps.flatMap((s) => [s.param, s.expAvg, s.expAvgSq, s.maxExpAvgSq]);
    }],
  ]),
  rmspropStep: cases([
    ['plain, centred with weight decay, momentum with maximize, centred with momentum', (k, random) => {
      const [p, g, ga, b] = [rand([4, 3], random), rand([4, 3], random), rand([4, 3], random), rand([4, 3], random)];
      // a running mean of g² above the square of the mean gradient, as the centred form keeps it
      const s = k.binary('add', k.unary('abs', rand([4, 3], random)), k.binary('mul', ga, ga, 'float32'), 'float32');
      const base = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, maximize: false };
      const steps = [
        k.rmspropStep(p, g, s, null, null, base),
        k.rmspropStep(p, g, s, ga, null, { ...base, weightDecay: 0.01 }),
        k.rmspropStep(p, g, s, null, b, { ...base, momentum: 0.9, maximize: true }),
        k.rmspropStep(p, g, s, ga, b, { ...base, alpha: 0.9, momentum: 0.5, weightDecay: 1e-3 }),
      ];
      return steps.flatMap((r) => [r.param, r.squareAvg, r.gradAvg, r.momentumBuffer]);
    }],
    ['91 elements: centred with momentum and decay, momentum with maximize', (k, random) => {
      const [p, g, b] = [rand([7, 13], random), rand([7, 13], random), rand([7, 13], random)];
      const ga = k.binary('mul', rand([7, 13], random), new Tensor(Float32Array.of(0.1), []), 'float32');
      const s = k.binary('add', k.unary('abs', rand([7, 13], random)), k.binary('mul', ga, ga, 'float32'), 'float32');
      const base = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0.9, maximize: false };
      const steps = [
        k.rmspropStep(p, g, s, ga, b, { ...base, weightDecay: 0.01 }),
        k.rmspropStep(p, g, s, null, b, { ...base, maximize: true }),
      ];
      return steps.flatMap((r) => [r.param, r.squareAvg, r.gradAvg, r.momentumBuffer]);
    }],
  ]),
  adagradStep: cases([
    ['plain, weight decay, maximize; 12 and 91 elements', (k, random) => {
      const [p, g, s] = [rand([4, 3], random), rand([4, 3], random), k.unary('abs', rand([4, 3], random))];
      const [p91, g91, s91] = [rand([7, 13], random), rand([7, 13], random), k.unary('abs', rand([7, 13], random))];
      const base = { clr: 0.1 / (1 + 4 * 1e-3), weightDecay: 0, eps: 1e-10, maximize: false };
      const steps = [
        k.adagradStep(p, g, s, base),
        k.adagradStep(p, g, s, { ...base, weightDecay: 0.01, maximize: true }),
        k.adagradStep(p91, g91, s91, { ...base, weightDecay: 0.01 }),
        k.adagradStep(p91, g91, s91, { ...base, eps: 1e-3, maximize: true }),
      ];
      return steps.flatMap((r) => [r.param, r.sum]);
    }],
  ]),
};

/** Every case of the table as [kernel, case]. */
export const parityCases = (): [string, ParityCase][] => Object.entries(PARITY).flatMap(([kernel, list]) => (list as readonly ParityCase[]).map((c) => [kernel, c] as [string, ParityCase]));
