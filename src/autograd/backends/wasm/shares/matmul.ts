/**
 * matmul share — one thread's products: its blocks of the batch, or its columns of B (all of
 * A), or its rows of A (all of B), through tfjs's MatMul (XNNPACK); B may stay resident.
 */
import { expectShape, heapView, type Tf } from './heap.js';
import { operand } from './resident.js';

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
  readonly bKey?: string | undefined;
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
