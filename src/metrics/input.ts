/**
 * input — what the metric functions accept, and its conversion to plain float64 numbers.
 *
 * Every metric takes Sapling tensors or plain arrays:
 *   vectors  a 1-D Tensor [N], a number[] or a typed array        (labels, scores, targets)
 *   matrices a 2-D Tensor [N, C] or an array of N rows of C numbers (class scores, multi-output)
 * Labels must be integers (class indices or any integer codes). Metrics are summaries computed
 * once per evaluation, on the host, in float64 — outside the graph, as sklearn computes them —
 * so tensors are read once with `dataSync()` (which copies) and never modified.
 */
import { Tensor } from '../autograd/tensor.js';

/** A 1-D input: a Tensor of shape [N], a number[] or a typed array. */
export type VectorLike = Tensor | ArrayLike<number>;
/** A 2-D input: a Tensor of shape [N, C], or N rows of C numbers. */
export type MatrixLike = Tensor | readonly ArrayLike<number>[];

/** The values of a 1-D input as a plain array. */
export function toVector(x: VectorLike, where: string, name: string): number[] {
  if (x instanceof Tensor) {
    if (x.ndim !== 1) throw new RangeError(`${where}: ${name} must be 1-D [N], got shape [${x.shape.join(',')}]`);
    return Array.from(x.dataSync());
  }
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number') throw new TypeError(`${where}: ${name} must be a Tensor or an array of numbers`);
  const out = Array.from(x);
  out.forEach((v, i) => {
    if (typeof v !== 'number') throw new TypeError(`${where}: ${name}[${i}] is ${Array.isArray(v) ? 'an array (expected a 1-D input)' : typeof v}, not a number`);
  });
  return out;
}

/** The rows of a 2-D input. */
export function toMatrix(x: MatrixLike, where: string, name: string): number[][] {
  if (x instanceof Tensor) {
    if (x.ndim !== 2) throw new RangeError(`${where}: ${name} must be 2-D [N, C], got shape [${x.shape.join(',')}]`);
    const [n, c] = x.shape as [number, number];
    const data = x.dataSync();
    return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * c, (i + 1) * c)));
  }
  if (!Array.isArray(x)) throw new TypeError(`${where}: ${name} must be a 2-D Tensor or an array of rows`);
  const rows = x.map((row, i) => toVector(row, where, `${name}[${i}]`));
  const width = rows[0]?.length ?? 0;
  rows.forEach((row, i) => {
    if (row.length !== width) throw new RangeError(`${where}: ${name} is ragged: row ${i} has ${row.length} values, row 0 has ${width}`);
  });
  return rows;
}

/** Whether a 1-D or 2-D input was given (a Tensor's rank, or whether the first element is a row). */
export function isMatrix(x: VectorLike | MatrixLike): boolean {
  if (x instanceof Tensor) return x.ndim === 2;
  return Array.isArray(x) && x.length > 0 && typeof x[0] === 'object' && x[0] !== null;
}

/** Integer labels; throws naming the first value that is not one. */
export function toLabels(x: VectorLike, where: string, name: string): number[] {
  const labels = toVector(x, where, name);
  const bad = labels.findIndex((v) => !Number.isInteger(v));
  if (bad >= 0) throw new TypeError(`${where}: ${name} must hold integer labels, got ${labels[bad]} at index ${bad}`);
  return labels;
}

/** Throws unless the two inputs have the same number of samples. */
export function checkLength(a: readonly unknown[], b: readonly unknown[], where: string, names = ['yTrue', 'yPred']): void {
  if (a.length !== b.length) throw new RangeError(`${where}: ${names[0]} has ${a.length} samples but ${names[1]} has ${b.length}`);
  if (a.length === 0) throw new RangeError(`${where}: no samples`);
}

/** The sorted distinct values of the inputs (sklearn's `unique_labels`). */
export function uniqueSorted(...lists: readonly (readonly number[])[]): number[] {
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}
