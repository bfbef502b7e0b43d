/**
 * matmul — C = A · B for A [..., m, k] and B [..., k, n] with broadcast batch axes.
 *
 * The loop order is i-p-j: for each row i of A and each p, add A[i,p] · (row p of B) to row i
 * of C. The innermost loop then streams through B and C contiguously, which is several times
 * faster than the textbook i-j-p order that walks down a column of B. Rows of C accumulate in a
 * float64 scratch row, so float32 products round once, at the end.
 */
import { allocate } from '../../dtype.js';
import { broadcastShapes, broadcastStrides, sizeOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';
import type { MatmulTranspose } from '../types.js';
import { coalesce, forEachRow } from './iterate.js';

export function matmul(a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.ndim - 2]!;
  const k = a.shape[a.ndim - 1]!;
  const n = b.shape[b.ndim - 1]!;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB, 'matmul');
  const out = allocate(a.dtype, sizeOf(batch) * m * n);
  const av = storageOf(a);
  const bv = storageOf(b);
  const row = new Float64Array(n);
  const multiply = (aOff: number, bOff: number, cOff: number): void => {
    for (let i = 0; i < m; i++) {
      row.fill(0);
      const ai = aOff + i * k;
      for (let p = 0; p < k; p++) {
        const aip = av[ai + p]!;
        const bp = bOff + p * n;
        for (let j = 0; j < n; j++) row[j]! += aip * bv[bp + j]!;
      }
      out.set(row, cOff + i * n);
    }
  };
  if (batch.length === 0 || sizeOf(batch) === 0) {
    if (sizeOf(batch) !== 0) multiply(0, 0, 0);
  } else {
    // Walk the batch axes: matrix strides of A, B and C along each batch axis.
    const strides = [
      broadcastStrides(batch, batch).map((s) => s * m * n),
      broadcastStrides(batchA, batch).map((s) => s * m * k),
      broadcastStrides(batchB, batch).map((s) => s * k * n),
    ];
    const plan = coalesce([...batch, 1], strides.map((s) => [...s, 0]));
    forEachRow(plan, (off, count) => {
      const [c0, a0, b0] = off as [number, number, number];
      const [sc, sa, sb] = plan.strides.map((s) => s.at(-1)!) as [number, number, number];
      for (let t = 0; t < count; t++) multiply(a0 + t * sa, b0 + t * sb, c0 + t * sc);
    });
  }
  return new Tensor(out, [...batch, m, n]);
}

/**
 * C = op(A) · op(B) for 2-D operands, op a transpose where `transposeA` / `transposeB` ask for
 * it: A is [m, k] or, transposed, [k, m]; B is [k, n] or [n, k]. Each case walks its operands
 * in the order that keeps the innermost loop contiguous, so no transposed copy is made:
 *   A · Bᵀ   C_ij = Σ_p A_ip · B_jp, a dot product of two rows (Linear's forward x · Wᵀ);
 *   Aᵀ · B   row i of C accumulates A_pi · (row p of B), as the plain product does (its dW);
 *   Aᵀ · Bᵀ  the dot product of a column of A with a row of B.
 * Sums run in float64 and round once, as in `matmul`.
 */
export function matmulTransposed(a: Tensor, b: Tensor, { transposeA, transposeB }: MatmulTranspose): Tensor {
  if (!transposeA && !transposeB) return matmul(a, b);
  const [m, k] = transposeA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const n = transposeB ? b.shape[0]! : b.shape[1]!;
  const out = allocate(a.dtype, m * n);
  const av = storageOf(a);
  const bv = storageOf(b);
  if (!transposeA) {
    // A · Bᵀ: row i of A against row j of B
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += av[ai + p]! * bv[bj + p]!;
        out[i * n + j] = s;
      }
    }
  } else if (!transposeB) {
    // Aᵀ · B: A_pi sits at p·m + i
    const row = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const api = av[p * m + i]!;
        const bp = p * n;
        for (let j = 0; j < n; j++) row[j]! += api * bv[bp + j]!;
      }
      out.set(row, i * n);
    }
  } else {
    // Aᵀ · Bᵀ: column i of A against row j of B
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += av[p * m + i]! * bv[bj + p]!;
        out[i * n + j] = s;
      }
    }
  }
  return new Tensor(out, [m, n]);
}
