/**
 * matmul share — one thread's products: its blocks of the batch, or its columns of B (all of
 * A), or its rows of A (all of B), through tfjs's MatMul (XNNPACK); B may stay resident. A
 * single product may take operands stored transposed, transposed on their way into the heap.
 */
import { expectShape, fromNhwc, heapView, nhwcTensor, type Tf } from './heap.js';
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
  /** a is stored transposed, [k, m], and b [n, k]: transposed while copied into the heap (one product, whole operands). */
  readonly aT?: boolean;
  readonly bT?: boolean;
  /** The product [m, n] is written transposed, as out [n, m] (one product, whole operands). */
  readonly outT?: boolean;
}

export function matmulShare(tf: Tf, p: MatmulParams, v: { readonly a: Float32Array; readonly b: Float32Array; readonly out: Float32Array }): void {
  const { m, k, n, col, bStride, outStride } = p;
  if (p.batch > 1) {
    batchShare(tf, p, v);
    return;
  }
  tf.tidy(() => {
    const a = p.aT === true ? nhwcTensor(tf, v.a, [1, m, k], 1, k, m) : tf.tensor3d(v.a, [1, m, k], 'float32');
    const b = p.bT === true
      ? nhwcTensor(tf, v.b, [1, k, n], 1, n, k)
      : bStride === n
      ? operand(tf, p.bKey, [1, k, n], (heap) => heap.set(v.b.subarray(0, k * n)))
      : operand(tf, p.bKey, [1, k, n], (heap) => { for (let r = 0; r < k; r++) heap.set(v.b.subarray(r * bStride + col, r * bStride + col + n), r * n); });
    const y = tf.matMul(a, b);
    expectShape(y, [1, m, n], 'matmul');
    if (p.outT === true) {
      fromNhwc(tf, y, v.out, 1, m, n, m * n);
      return;
    }
    const values = heapView(tf, y);
    if (outStride === n) v.out.set(values);
    else for (let r = 0; r < m; r++) v.out.set(values.subarray(r * n, (r + 1) * n), r * outStride);
  });
}

/**
 * A batch of products, one tfjs call each: tfjs-wasm's BatchMatMul runs batch-1 products through
 * XNNPACK but a batch of them at under 1 GFLOP/s (attention's [B·H, L, E] · [B·H, E, S] products
 * ran 6–14× slower batched than one call per product). A B shared by every product is made once.
 */
function batchShare(tf: Tf, p: MatmulParams, v: { readonly a: Float32Array; readonly b: Float32Array; readonly out: Float32Array }): void {
  const { m, k, n } = p;
  tf.tidy(() => {
    const shared = p.bBatch === 1 ? operand(tf, p.bKey, [1, k, n], (heap) => heap.set(v.b.subarray(0, k * n))) : null;
    for (let i = 0; i < p.batch; i++) {
      tf.tidy(() => {
        const aAt = p.aBatch === 1 ? 0 : i * m * k;
        const a = tf.tensor3d(v.a.subarray(aAt, aAt + m * k), [1, m, k], 'float32');
        const b = shared ?? tf.tensor3d(v.b.subarray(i * k * n, (i + 1) * k * n), [1, k, n], 'float32');
        const y = tf.matMul(a, b);
        expectShape(y, [1, m, n], 'matmul');
        v.out.set(heapView(tf, y), i * m * n);
      });
    }
  });
}
