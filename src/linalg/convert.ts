/**
 * convert — the edges of `linalg`: Sapling tensors and scijs ndarrays in and out.
 *
 * Every linalg function already accepts a 2-D tensor directly (see checks.ts); these helpers are
 * for the results. Tensors come out as float64 (no precision is lost). ndarrays are read through
 * their own `get`, so transposed or sliced views work; writing one needs the `ndarray` factory,
 * which the caller passes in, so this package depends on it neither at run time nor for types.
 */
import { Tensor } from '../autograd/index.js';
import { Matrix } from './matrix.js';

/**
 * A 2-D float64 tensor holding a copy of the matrix.
 * @example toTensor(Matrix.eye(2)).shape  // [2, 2]
 */
export function toTensor(m: Matrix): Tensor {
  return new Tensor(m.data.slice(), [m.rows, m.cols]);
}

/**
 * A matrix from a 2-D tensor of any dtype (values copied into float64).
 * @example fromTensor(tensor([[1, 2], [3, 4]])).get(1, 0)  // 3
 */
export function fromTensor(t: Tensor): Matrix {
  if (t.shape.length !== 2) throw new RangeError(`fromTensor: expected a 2-D tensor, got shape [${t.shape.join(', ')}]`);
  return new Matrix(t.shape[0]!, t.shape[1]!, Float64Array.from(t.dataSync()));
}

/**
 * The part of a scijs ndarray we read (declared here, structurally, so neither `ndarray` nor
 * `@types/ndarray` is needed at run time or by consumers' type checks).
 */
export interface NdArrayLike {
  readonly shape: readonly number[];
  get(...index: number[]): number | bigint;
}

/**
 * A matrix from a 2-D ndarray (any strides, any numeric data).
 * @example fromNdarray(ndarray(new Float64Array([1, 2, 3, 4]), [2, 2]).transpose(1, 0)).get(0, 1)  // 3
 */
export function fromNdarray(nd: NdArrayLike): Matrix {
  if (nd.shape.length !== 2) throw new RangeError(`fromNdarray: expected a 2-D ndarray, got shape [${nd.shape.join(', ')}]`);
  const [m, n] = nd.shape as [number, number];
  const out = new Matrix(m, n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = Number(nd.get(i, j));
  return out;
}

/** The `ndarray` package's default export, or anything with its signature. */
export type NdarrayFactory<T> = (data: Float64Array, shape: number[]) => T;

/**
 * A row-major 2-D ndarray over a copy of the matrix; pass the `ndarray` function itself.
 * @example toNdarray(Matrix.eye(2), ndarray).get(1, 1)  // 1
 */
export function toNdarray<T>(m: Matrix, ndarray: NdarrayFactory<T>): T {
  return ndarray(m.data.slice(), [m.rows, m.cols]);
}
