/**
 * elementwise — unary, binary (broadcasting), compare, where and cast on the GPU: each op is a
 * WGSL expression run by the strided map (strided.ts), one thread per output element.
 *
 * Arithmetic is float32 (WGSL has no float64) or, for int32 results of +, −, ×, max, min, neg,
 * abs, sign and square, exact int32; an int32 result of another op (÷, pow, exp of an int, …) is
 * computed in float32 and converted. Float expressions call math.ts, which matches JavaScript's
 * Math where WGSL leaves results undefined.
 */
import { promote, type DType } from '../../dtype.js';
import { broadcastShapes, broadcastStrides, stridesOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import type { BinaryOp, CompareOp, ParamUnaryOp, UnaryOp } from '../types.js';
import { stridedMap, type Wgsl } from './strided.js';

const UNARY: Record<UnaryOp, string> = {
  neg: '-x0',
  exp: 'expf(x0)',
  log: 'logf(x0)',
  sqrt: 'sqrtf(x0)',
  rsqrt: 'rsqrtf(x0)',
  abs: 'abs(x0)',
  sign: 'signf(x0)',
  sin: 'sinf(x0)',
  cos: 'cosf(x0)',
  tanh: 'tanhf(x0)',
  sigmoid: 'sigmoidf(x0)',
  relu: 'reluf(x0)',
  erf: 'erff(x0)',
  softplus: 'softplusf(x0)',
  square: 'x0 * x0',
  reciprocal: '1.0 / x0',
  floor: 'floor(x0)',
  ceil: 'ceil(x0)',
  round: 'round(x0)', // WGSL rounds half to even, as PyTorch
  gelu: '0.5 * x0 * (1.0 + erff(x0 * 0.7071067811865476))',
  geluTanh: '0.5 * x0 * (1.0 + tanhf(0.7978845608028654 * (x0 + 0.044715 * x0 * x0 * x0)))',
};

/** The unary ops exact in int32; the others go through float32. */
const UNARY_INT: Partial<Record<UnaryOp, string>> = { neg: '-x0', abs: 'abs(x0)', sign: 'sign(x0)', square: 'x0 * x0', relu: 'max(x0, 0)' };

const PARAM_UNARY: Record<ParamUnaryOp['kind'], string> = {
  leakyRelu: 'select(p0 * x0, x0, x0 > 0.0)',
  elu: 'select(p0 * (expf(x0) - 1.0), x0, x0 > 0.0)',
  clamp: 'select(select(x0, p1, x0 > p1), p0, x0 < p0)',
};

const BINARY: Record<BinaryOp, string> = {
  add: 'x0 + x1',
  sub: 'x0 - x1',
  mul: 'x0 * x1',
  div: 'x0 / x1',
  pow: 'powf(x0, x1)',
  maximum: 'maxf(x0, x1)',
  minimum: 'minf(x0, x1)',
  reluBackward: 'select(0.0, x0, x1 > 0.0)',
  addRelu: 'reluf(x0 + x1)',
};

/** The binary ops exact in int32 (÷ truncates toward zero, and ÷ 0 gives 0, as storing x / 0 in an Int32Array does). */
const BINARY_INT: Partial<Record<BinaryOp, string>> = {
  add: 'x0 + x1', sub: 'x0 - x1', mul: 'x0 * x1', maximum: 'max(x0, x1)', minimum: 'min(x0, x1)', div: 'select(x0 / x1, 0, x1 == 0)',
};

const COMPARE: Record<CompareOp, string> = { eq: 'x0 == x1', ne: 'x0 != x1', lt: 'x0 < x1', le: 'x0 <= x1', gt: 'x0 > x1', ge: 'x0 >= x1' };

/** A float comparison with IEEE's answer for NaN (false, and true for ≠) whatever the compiler assumes. */
const floatCompare = (op: CompareOp): string => {
  const ordered = '!isNan(x0) && !isNan(x1)';
  return op === 'ne' ? `!(${ordered}) || x0 != x1` : `${ordered} && ${COMPARE[op]}`;
};

const own = (t: Tensor) => ({ t, strides: stridesOf(t.shape) });

/** The int32 expression when the result and every operand are int32 and one exists; else float32 (converted at the store). */
function pick(dtype: DType, operands: readonly Tensor[], floatExpr: string, intExpr: string | undefined): { expr: string; compute: Wgsl } {
  if (dtype === 'int32' && intExpr !== undefined && operands.every((t) => t.dtype === 'int32')) return { expr: intExpr, compute: 'i32' };
  return { expr: floatExpr, compute: 'f32' };
}

export function unary(op: UnaryOp, x: Tensor): Tensor {
  return stridedMap({ what: op, ...pick(x.dtype, [x], UNARY[op], UNARY_INT[op]), shape: x.shape, operands: [own(x)], dtype: x.dtype });
}

export function unaryParam(op: ParamUnaryOp, x: Tensor): Tensor {
  const params = op.kind === 'leakyRelu' ? [op.slope] : op.kind === 'elu' ? [op.alpha] : [op.min, op.max];
  const { expr, compute } = pick(x.dtype, [x], PARAM_UNARY[op.kind], undefined);
  return stridedMap({ what: op.kind, expr, compute, shape: x.shape, operands: [own(x)], dtype: x.dtype, params });
}

function broadcast(what: string, operands: readonly Tensor[], expr: string, compute: Wgsl, dtype: DType): Tensor {
  const shape = operands.slice(1).reduce((s, t) => broadcastShapes(s, t.shape, what), operands[0]!.shape as number[]);
  return stridedMap({ what, expr, compute, shape, operands: operands.map((t) => ({ t, strides: broadcastStrides(t.shape, shape) })), dtype });
}

export function binary(op: BinaryOp, a: Tensor, b: Tensor, dtype: DType): Tensor {
  const { expr, compute } = pick(dtype, [a, b], BINARY[op], BINARY_INT[op]);
  return broadcast(op, [a, b], expr, compute, dtype);
}

export function compare(op: CompareOp, a: Tensor, b: Tensor): Tensor {
  const compute: Wgsl = promote(a.dtype, b.dtype) === 'int32' ? 'i32' : 'f32';
  return broadcast(op, [a, b], `select(0, 1, ${compute === 'f32' ? floatCompare(op) : COMPARE[op]})`, compute, 'int32');
}

export function where(cond: Tensor, a: Tensor, b: Tensor, dtype: DType): Tensor {
  const compute: Wgsl = [cond, a, b].every((t) => t.dtype === 'int32') ? 'i32' : 'f32';
  // the condition is read in the compute type too: non-zero selects a
  return broadcast('where', [cond, a, b], `select(x2, x1, x0 != ${compute === 'f32' ? '0.0' : '0'})`, compute, dtype);
}

export function cast(x: Tensor, dtype: DType): Tensor {
  // f32 → i32 in WGSL truncates toward zero (and saturates where JavaScript would wrap)
  return stridedMap({ what: 'cast', expr: 'x0', compute: dtype === 'int32' && x.dtype === 'int32' ? 'i32' : 'f32', shape: x.shape, operands: [own(x)], dtype });
}
