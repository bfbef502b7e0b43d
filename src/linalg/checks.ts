/**
 * checks — what every public function does to its input before any arithmetic: accept the
 * forms a user is likely to hold (a `Matrix`, nested rows, a 2-D Sapling tensor), and reject
 * what no decomposition can use (an empty matrix, NaN or ±Infinity, a non-square matrix where a
 * square one is required) with a message that names the function, the shape and the culprit.
 *
 * Tensors are recognised by shape (`shape` + `dataSync()`), so this file needs no runtime
 * import of the autograd package.
 */
import { Matrix, type NestedRows } from './matrix.js';

/** Something with a 2-D shape and host values: a Sapling `Tensor` fits. */
export interface TensorLike {
  readonly shape: readonly number[];
  dataSync(): ArrayLike<number>;
}

/** Any input the linalg functions accept. */
export type MatrixInput = Matrix | NestedRows | TensorLike;

/** `input` as a Matrix (a Matrix is returned as is, not copied). */
export function asMatrix(op: string, input: MatrixInput): Matrix {
  if (input instanceof Matrix) return input;
  if (Array.isArray(input)) return Matrix.from(input as NestedRows);
  const t = input as TensorLike;
  if (t !== null && typeof t === 'object' && Array.isArray(t.shape) && typeof t.dataSync === 'function') {
    if (t.shape.length !== 2) throw new RangeError(`${op}: expected a 2-D tensor, got shape [${t.shape.join(', ')}]`);
    return new Matrix(t.shape[0]!, t.shape[1]!, Float64Array.from(t.dataSync()));
  }
  throw new TypeError(`${op}: expected a Matrix, nested rows or a 2-D tensor`);
}

export function requireNonEmpty(op: string, a: Matrix): void {
  if (a.rows === 0 || a.cols === 0) {
    throw new RangeError(`${op}: the matrix is empty ([${a.rows}, ${a.cols}]); it needs at least one row and one column`);
  }
}

export function requireFinite(op: string, a: Matrix): void {
  const d = a.data;
  for (let i = 0; i < d.length; i++) {
    const x = d[i]!;
    if (x - x !== 0) {
      const r = Math.floor(i / a.cols);
      throw new RangeError(`${op}: entry [${r}, ${i - r * a.cols}] is ${x}; the matrix must hold finite numbers only`);
    }
  }
}

export function requireSquare(op: string, a: Matrix): void {
  if (a.rows !== a.cols) throw new RangeError(`${op}: the matrix must be square, got [${a.rows}, ${a.cols}]`);
}

/** The usual entry checks: converts, then rejects empty and non-finite matrices. */
export function checked(op: string, input: MatrixInput, options: { readonly square?: boolean } = {}): Matrix {
  const a = asMatrix(op, input);
  requireNonEmpty(op, a);
  if (options.square) requireSquare(op, a);
  requireFinite(op, a);
  return a;
}
