/**
 * elementwise — unary, binary (NumPy broadcasting), comparison, where and cast on the cpu.
 *
 * Each function is defined by a scalar expression in `x` (and `y`). This is one of the few
 * places where we trade plain code for speed, and say so: a loop shared by every op that calls
 * `f(x[i], y[i])` cannot inline `f` once it has seen several ops, and was measured 7x slower
 * (11 ms against 1.6 ms for 2²⁰ float32 adds, Node 20). So we compile one small loop per op
 * from its expression with `new Function` — the generated source is exactly the loop you would
 * write by hand, shown in `rowSource` below. Math helpers the expressions need (erf, relu, mask)
 * are passed in as arguments, so the generated code sees no globals but `Math`. Float32 results
 * get loops of their own whose erf and Φ are erf-float32.ts's fits (exact to float32, not to
 * float64: 7x faster, and the exact GELU of a Transformer's feed-forward is mostly erf).
 */
import { allocate, setInt32, type DataArray, type DType } from '../../dtype.js';
import { broadcastShapes, broadcastStrides, shapesEqual, sizeOf, stridesOf, type Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';
import type { BinaryOp, CompareOp, ParamUnaryOp, UnaryOp } from '../types.js';
import { coalesce, forEachRow } from './iterate.js';
import { erfFloat32, normalCdfFloat32 } from './erf-float32.js';
import { expFloat32 } from './exp-float32.js';
import { mask, relu } from './relu.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const SQRT_PI = 1.7724538509055159; // √π

/**
 * erf(x) to within a few units in the last place of a double (relative error below 1e-15
 * against 40-digit references), so that float64 — the gradcheck oracle — and the exact GELU
 * built on it are as precise as the rest of the kernels. Two classical expansions:
 *   |x| < 2.5   erf x = 2x/√π · e^(−x²) · Σₙ (2x²)ⁿ / (1·3·5···(2n+1))   (all terms positive:
 *               no cancellation, and the relative error stays small as x → 0)
 *   |x| < 6     erfc x = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + 2/(x + …)))))  (Laplace's
 *               continued fraction, evaluated bottom-up from depth 50; depth 30 already suffices)
 *   |x| ≥ 6     erf x = ±1 (erfc 6 ≈ 2e−17 is below half an ulp of 1)
 * The series needs at most 39 terms; over 2²⁰ normal draws this cost about what the Chebyshev
 * fit it replaces did (Numerical Recipes' erfc, whose absolute error of ~3e-8 near 0 was a 0.3%
 * relative error at x = 1e-5).
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  if (z < 2.5) {
    const z2 = 2 * z * z;
    let term = 1;
    let series = 1;
    for (let n = 1; term > 1e-17 * series; n++) {
      term *= z2 / (2 * n + 1);
      series += term;
    }
    return TWO_OVER_SQRT_PI * x * Math.exp(-z * z) * series; // odd in x, and keeps −0
  }
  if (!(z < 6)) return z !== z ? x : x > 0 ? 1 : -1; // NaN stays NaN
  let f = z;
  for (let k = 50; k >= 1; k--) f = z + k / 2 / f;
  const r = 1 - Math.exp(-z * z) / (SQRT_PI * f);
  return x < 0 ? -r : r;
}

const UNARY: Record<UnaryOp, string> = {
  neg: '-x',
  exp: 'Math.exp(x)',
  log: 'Math.log(x)',
  sqrt: 'Math.sqrt(x)',
  rsqrt: '1 / Math.sqrt(x)',
  abs: 'Math.abs(x)',
  sign: 'x > 0 ? 1 : x < 0 ? -1 : x', // keeps NaN and ±0
  sin: 'Math.sin(x)',
  cos: 'Math.cos(x)',
  tanh: 'Math.tanh(x)',
  sigmoid: '1 / (1 + Math.exp(-x))',
  relu: 'relu(x)',
  erf: 'erf(x)',
  softplus: 'x > 20 ? x : Math.log1p(Math.exp(x))', // PyTorch's threshold: exp(20) would lose nothing
  square: 'x * x',
  reciprocal: '1 / x',
  floor: 'Math.floor(x)',
  ceil: 'Math.ceil(x)',
  round: 'x - Math.floor(x) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x)', // half to even, as PyTorch
  gelu: '0.5 * x * (1 + erf(x * Math.SQRT1_2))', // x·Φ(x)
  geluTanh: '0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))', // √(2/π) = 0.79788…
};

/** The float32 loops' expressions where they differ: x·Φ(x) with the float32 Φ, which keeps the left tail's digits. */
const UNARY_FLOAT32: Record<UnaryOp, string> = { ...UNARY, gelu: 'x * cdf(x)' };

const PARAM_UNARY: Record<ParamUnaryOp['kind'], string> = {
  leakyRelu: 'x > 0 ? x : p0 * x',
  elu: 'x > 0 ? x : p0 * (Math.exp(x) - 1)',
  clamp: 'x < p0 ? p0 : x > p1 ? p1 : x',
};

const BINARY: Record<BinaryOp | CompareOp, string> = {
  add: 'x + y',
  sub: 'x - y',
  mul: 'x * y',
  div: 'x / y',
  pow: 'Math.pow(x, y)',
  maximum: 'x > y || x !== x ? x : y', // NaN propagates, as in PyTorch
  minimum: 'x < y || x !== x ? x : y',
  reluBackward: 'mask(x, y)',
  addRelu: 'relu(x + y)',
  eq: 'x === y ? 1 : 0',
  ne: 'x !== y ? 1 : 0',
  lt: 'x < y ? 1 : 0',
  le: 'x <= y ? 1 : 0',
  gt: 'x > y ? 1 : 0',
  ge: 'x >= y ? 1 : 0',
};

/** A row loop: out[o + i] = f(a[ai + i·sa], b[bi + i·sb]) for i < n. */
type BinaryRow = (out: DataArray, o: number, a: DataArray, ai: number, sa: number, b: DataArray, bi: number, sb: number, n: number) => void;
type UnaryLoop = (out: DataArray, x: DataArray, p0: number, p1: number) => void;

function rowSource(expr: string): string {
  return `if (sa === 1 && sb === 1) {
      for (let i = 0; i < n; i++) { const x = a[ai + i], y = b[bi + i]; out[o + i] = ${expr}; }
    } else if (sb === 0) {
      const y = b[bi];
      for (let i = 0; i < n; i++) { const x = a[ai + i * sa]; out[o + i] = ${expr}; }
    } else if (sa === 0) {
      const x = a[ai];
      for (let i = 0; i < n; i++) { const y = b[bi + i * sb]; out[o + i] = ${expr}; }
    } else {
      for (let i = 0; i < n; i++) { const x = a[ai + i * sa], y = b[bi + i * sb]; out[o + i] = ${expr}; }
    }`;
}

const compileBinary = (expr: string): BinaryRow =>
  new Function('erf', 'relu', 'mask', `return function (out, o, a, ai, sa, b, bi, sb, n) { ${rowSource(expr)} };`)(erf, relu, mask) as BinaryRow;

const compileUnary = (expr: string, float32 = false): UnaryLoop =>
  new Function('erf', 'cdf', 'relu', 'mask', `return function (out, x0, p0, p1) {
    for (let i = 0; i < out.length; i++) { const x = x0[i]; out[i] = ${expr}; }
  };`)(float32 ? erfFloat32 : erf, normalCdfFloat32, relu, mask) as UnaryLoop;

const mapValues = <K extends string, V, W>(table: Record<K, V>, f: (v: V) => W): Record<K, W> =>
  Object.fromEntries(Object.entries(table).map(([k, v]) => [k, f(v as V)])) as Record<K, W>;

const unaryLoops = mapValues(UNARY, (e) => compileUnary(e));
const unaryLoopsFloat32 = mapValues(UNARY_FLOAT32, (e) => compileUnary(e, true));
const paramUnaryLoops = mapValues(PARAM_UNARY, (e) => compileUnary(e));
const binaryRows = mapValues(BINARY, compileBinary);

export function unary(op: UnaryOp, x: Tensor): Tensor {
  const out = allocate(x.dtype, x.numel());
  if (op === 'exp' && out instanceof Float32Array) expFloat32(storageOf(x) as Float32Array, out);
  else (out instanceof Float32Array ? unaryLoopsFloat32 : unaryLoops)[op](out, storageOf(x), 0, 0);
  return new Tensor(out, x.shape);
}

export function unaryParam(op: ParamUnaryOp, x: Tensor): Tensor {
  const out = allocate(x.dtype, x.numel());
  const [p0, p1] = op.kind === 'leakyRelu' ? [op.slope, 0] : op.kind === 'elu' ? [op.alpha, 0] : [op.min, op.max];
  paramUnaryLoops[op.kind](out, storageOf(x), p0, p1);
  return new Tensor(out, x.shape);
}

function broadcastBinary(row: BinaryRow, a: Tensor, b: Tensor, dtype: DType, name: string): Tensor {
  // Equal shapes, or one side a single value that adds no axes: one row, no index plan (most
  // calls of a training step; the plan cost more than the arithmetic on small tensors).
  const single = (t: Tensor, other: Tensor): boolean => t.numel() === 1 && t.ndim <= other.ndim;
  if (shapesEqual(a.shape, b.shape) || single(b, a) || single(a, b)) {
    const shape = single(a, b) && !shapesEqual(a.shape, b.shape) ? b.shape : a.shape;
    const out = allocate(dtype, a.numel() === 0 || b.numel() === 0 ? 0 : sizeOf(shape));
    if (out.length > 0) row(out, 0, storageOf(a), 0, a.numel() === 1 ? 0 : 1, storageOf(b), 0, b.numel() === 1 ? 0 : 1, out.length);
    return new Tensor(out, shape);
  }
  const shape = broadcastShapes(a.shape, b.shape, name);
  const out = allocate(dtype, a.numel() === 0 || b.numel() === 0 ? 0 : shape.reduce((p, d) => p * d, 1));
  if (out.length === 0) return new Tensor(out, shape);
  const plan = coalesce(shape, [stridesOf(shape), broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)]);
  const sa = plan.strides[1]!.at(-1)!;
  const sb = plan.strides[2]!.at(-1)!;
  const av = storageOf(a);
  const bv = storageOf(b);
  forEachRow(plan, (off, n) => row(out, off[0]!, av, off[1]!, sa, bv, off[2]!, sb, n));
  return new Tensor(out, shape);
}

export function binary(op: BinaryOp, a: Tensor, b: Tensor, dtype: DType): Tensor {
  return broadcastBinary(binaryRows[op], a, b, dtype, op);
}

export function compare(op: CompareOp, a: Tensor, b: Tensor): Tensor {
  return broadcastBinary(binaryRows[op], a, b, 'int32', op);
}

export function where(cond: Tensor, a: Tensor, b: Tensor, dtype: DType): Tensor {
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape, 'where'), b.shape, 'where');
  const out = allocate(dtype, shape.reduce((p, d) => p * d, 1));
  if (out.length === 0) return new Tensor(out, shape);
  const plan = coalesce(shape, [stridesOf(shape), ...[cond, a, b].map((t) => broadcastStrides(t.shape, shape))]);
  const [sc, sa, sb] = [1, 2, 3].map((k) => plan.strides[k]!.at(-1)!) as [number, number, number];
  const [cv, av, bv] = [storageOf(cond), storageOf(a), storageOf(b)];
  forEachRow(plan, (off, n) => {
    const [o, c, ai, bi] = off as [number, number, number, number];
    for (let i = 0; i < n; i++) out[o + i] = cv[c + i * sc] !== 0 ? av[ai + i * sa]! : bv[bi + i * sb]!;
  });
  return new Tensor(out, shape);
}

export function cast(x: Tensor, dtype: DType): Tensor {
  const out = allocate(dtype, x.numel());
  if (out instanceof Int32Array) {
    // Toward zero, as PyTorch; a value int32 cannot hold (and NaN, ±Inf) is refused, never wrapped (dtype.ts).
    setInt32(out, storageOf(x), "to('int32')");
  } else {
    out.set(storageOf(x));
  }
  return new Tensor(out, x.shape);
}

export function allFinite(x: Tensor): boolean {
  const d = storageOf(x);
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return false;
  return true;
}

export type { Shape };
