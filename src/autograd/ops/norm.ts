/**
 * norm — vector and matrix norms over any axes (torch.linalg.vector_norm, matrix_norm, norm).
 *
 * Vector norms over `dim` (all axes by default):
 *   ‖x‖_p = (Σ |x_i|^p)^(1/p)       any real p ≠ 0 (2 by default)
 *   ‖x‖_∞ = max |x_i|,  ‖x‖_−∞ = min |x_i|,  ‖x‖_0 = the number of non-zero x_i
 * Matrix norms over two axes (the last two by default):
 *   'fro' = √(Σ x_ij²)    1 = max_j Σ_i |x_ij| (columns)    ∞ = max_i Σ_j |x_ij| (rows)
 *   −1 and −∞ take the min instead of the max. 2, −2 and 'nuc' need singular values: use
 *   linalg.norm (float64, no gradient) for those.
 *
 * Backward of the p-norm, n = ‖x‖_p:  ∂n/∂x_i = (1/p)·n^(1−p) · p·|x_i|^(p−1)·sign(x_i), so
 *   dX = dY · sign(x) · |x|^(p−1) / n^(p−1)          (p = 2: dY · x / n;  p = 1: dY · sign(x))
 * At n = 0 we return 0, as PyTorch does (a subgradient; the formula would give 0/0). ±∞ and the
 * matrix norms are compositions of abs, sum and amax/amin, whose backward shares ties evenly,
 * as PyTorch's does; ‖x‖_0 is a count, with no gradient.
 */
import { apply, noGrad, type OpDef } from '../function.js';
import { fmt, normalizeAxes, normalizeAxis, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, eq, mul, ne, where } from './elementwise.js';
import { requireFloat } from './helpers.js';
import { pow } from './pow.js';
import { amax, amin, sum } from './reduce.js';
import { reshape } from './reshape.js';
import { cast } from './cast.js';
import { abs, sign } from './unary.js';

interface PNormAttrs {
  readonly p: number;
  readonly axes: readonly number[];
  /** The output's shape with the reduced axes kept as 1. */
  readonly kept: Shape;
}

const PNorm: OpDef<readonly [Tensor], PNormAttrs> = {
  name: 'PNorm',
  forward(ctx, [x], { p, axes, kept }) {
    const n = p === 2 ? pow(sum(mul(x, x), axes, true), 0.5) : pow(sum(pow(abs(x), p), axes, true), 1 / p);
    ctx.save(x, n);
    return reshape(n, kept);
  },
  backward(ctx, dY, { p }) {
    const [x, n] = ctx.saved as [Tensor, Tensor]; // n has the reduced axes kept as 1
    const perNorm = where(eq(n, 0), 0, div(reshape(dY, n.shape), p === 2 ? n : pow(n, p - 1))); // dY / n^(p−1), 0 where n = 0
    const dX = mul(p === 2 ? x : mul(sign(x), pow(abs(x), p - 1)), perNorm);
    return [p < 1 ? where(eq(x, 0), 0, dX) : dX]; // |x|^(p−1) is infinite at 0 when p < 1; 0 there, as at n = 0
  },
};

const keptShape = (shape: Shape, axes: readonly number[], keepDim: boolean): number[] =>
  keepDim ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));

/**
 * The vector p-norm of x over `dim` (every axis by default), torch.linalg.vector_norm: any real
 * `ord` (2 by default), Infinity, −Infinity or 0.
 * @example vectorNorm(tensor([3, 4])).item()  // 5
 * @example vectorNorm(tensor([[1, -2], [3, 4]]), 1, 1).toArray()  // [3, 7]
 */
export function vectorNorm(x: Tensor, ord = 2, dim?: number | readonly number[], keepDim = false): Tensor {
  requireFloat(x, 'vectorNorm');
  if (typeof ord !== 'number' || Number.isNaN(ord)) throw new TypeError(`vectorNorm: ord must be a number (Infinity and 0 included), got ${String(ord)}`);
  const axes = normalizeAxes(dim, x.ndim, 'vectorNorm');
  if (ord === Infinity) return amax(abs(x), axes, keepDim);
  if (ord === -Infinity) return amin(abs(x), axes, keepDim);
  if (ord === 0) return noGrad(() => cast(sum(ne(x, 0), axes, keepDim), x.dtype));
  return apply(PNorm, [x], { p: ord, axes, kept: keptShape(x.shape, axes, keepDim) });
}

/** The orders matrixNorm computes: Frobenius, and the max (or min) absolute column (1) or row (∞) sum. */
export type MatrixNormOrd = 'fro' | 1 | -1 | typeof Infinity;

/**
 * The matrix norm of x over the two axes `dim` (the last two by default), batched over the rest,
 * torch.linalg.matrix_norm: 'fro' (default), 1, −1, Infinity or −Infinity. 2, −2 and 'nuc' need
 * singular values: linalg.norm gives those as numbers.
 * @example matrixNorm(tensor([[1, 2], [3, 4]]), 1).item()  // 6
 * @example matrixNorm(tensor([[1, 2], [3, 4]]), Infinity).item()  // 7
 */
export function matrixNorm(x: Tensor, ord: MatrixNormOrd | 2 | -2 | 'nuc' = 'fro', dim: readonly [number, number] = [-2, -1], keepDim = false): Tensor {
  requireFloat(x, 'matrixNorm');
  if (x.ndim < 2) throw new RangeError(`matrixNorm: the input must have at least 2 dimensions, got ${fmt(x.shape)}`);
  if (!Array.isArray(dim) || dim.length !== 2) throw new RangeError(`matrixNorm: dim must be two axes, got ${JSON.stringify(dim)}`);
  const [rows, cols] = dim.map((d) => normalizeAxis(d, x.ndim, 'matrixNorm')) as [number, number];
  if (rows === cols) throw new RangeError(`matrixNorm: dim must be two different axes, got [${dim.join(', ')}]`);
  if (ord === 'fro') return vectorNorm(x, 2, [rows, cols], keepDim);
  if (ord === 2 || ord === -2 || ord === 'nuc') {
    throw new RangeError(`matrixNorm: ord ${String(ord)} needs singular values, which are not differentiable here; linalg.norm(matrix, ${typeof ord === 'string' ? `'${ord}'` : ord}) gives its value`);
  }
  if (ord !== 1 && ord !== -1 && Math.abs(ord) !== Infinity) throw new RangeError(`matrixNorm: ord must be 'fro', 1, -1, Infinity or -Infinity, got ${String(ord)}`);
  // ord ±1: sum over the rows axis (each column's sum), then the extreme over the columns; ±∞ the other way.
  const [summed, extreme] = Math.abs(ord) === 1 ? [rows, cols] : [cols, rows];
  const sums = sum(abs(x), summed, true);
  const out = ord > 0 ? amax(sums, extreme, true) : amin(sums, extreme, true);
  return reshape(out, keptShape(x.shape, [rows, cols], keepDim));
}

/**
 * torch.linalg.norm: with one axis in `dim` a vector norm (ord 2 by default), with two a matrix
 * norm ('fro' by default). Without dim: the 2-norm of every element when ord is not given,
 * otherwise the vector norm of a 1-D x or the matrix norm of a 2-D x.
 * @example norm(tensor([[3, 0], [0, 4]])).item()  // 5
 */
export function norm(x: Tensor, ord?: number | 'fro' | 'nuc', dim?: number | readonly number[], keepDim = false): Tensor {
  requireFloat(x, 'norm');
  const axes = dim === undefined ? undefined : typeof dim === 'number' ? [dim] : [...dim];
  const isMatrix = axes ? axes.length === 2 : ord !== undefined && x.ndim === 2;
  if (axes && axes.length !== 1 && axes.length !== 2) throw new RangeError(`norm: dim must be one axis or two, got ${JSON.stringify(dim)}`);
  if (!axes && ord !== undefined && x.ndim !== 1 && x.ndim !== 2) {
    throw new RangeError(`norm: with ord and without dim the input must be 1-D or 2-D, got ${fmt(x.shape)}; pass dim`);
  }
  if (isMatrix) return matrixNorm(x, (ord ?? 'fro') as MatrixNormOrd, (axes ?? [-2, -1]) as [number, number], keepDim);
  if (typeof ord === 'string') throw new RangeError(`norm: ord '${ord}' is a matrix norm; give two axes in dim (or a 2-D input)`);
  return vectorNorm(x, ord ?? 2, axes, keepDim);
}
