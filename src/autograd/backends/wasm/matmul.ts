/**
 * matmul — C = A · B on tfjs-wasm (XNNPACK), cut by plan.ts's planMatmul: blocks of a batch of
 * products, or of columns of B (each share packs only its columns: XNNPACK repacks its right
 * operand on every call), or of rows of A. Shares never exchange partial sums. B may stay
 * resident in the heap (operand-key.ts). float64 and int32 go to the cpu kernel.
 * `matmulTransposed` transposes its operands in TypeScript first (a tiled copy): tfjs's own
 * transposed-operand paths leave XNNPACK and ran 10–20× slower here (x · Wᵀ for [128, 784] by
 * [256, 784]: 34 ms against 2.4 ms plain, 1 thread).
 */
import { allocate } from '../../dtype.js';
import { broadcastShapes, fmt, sizeOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { cpuKernels as cpu } from '../cpu/index.js';
import { f32, isF32, type Run } from './common.js';
import { operandKey } from './operand-key.js';
import { planMatmul } from './plan.js';
import { ownShare, workerShare } from './parallel.js';
import { budget } from './threads.js';
import type { MatmulTranspose } from '../types.js';

export function wasmMatmul(run: Run): (a: Tensor, b: Tensor) => Tensor {
  return function matmul(a, b) {
    if (!isF32(a, b) || a.numel() === 0 || b.numel() === 0) return cpu.matmul(a, b);
    const batchShape = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), 'matmul');
    const [m, k] = a.shape.slice(-2) as [number, number];
    const n = b.shape[b.ndim - 1]!;
    const batch = sizeOf(batchShape);
    // tfjs multiplies [batchA, m, k] by [batchB, k, n] when the batch sizes agree or one is 1;
    // any other broadcast of the batch axes is materialised first.
    const flat = (t: Tensor, rows: number, cols: number): { tensor: Tensor; data: Float32Array; batch: number } => {
      const own = sizeOf(t.shape.slice(0, -2));
      const full = own === 1 || fmt(t.shape.slice(0, -2)) === fmt(batchShape) ? t : cpu.broadcastTo(t, [...batchShape, rows, cols]);
      return { tensor: full, data: f32(full), batch: full.numel() / (rows * cols) };
    };
    const A = flat(a, m, k);
    const B = flat(b, k, n);
    const out = allocate('float32', batch * m * n);
    const plan = planMatmul(batch, m, k, n, budget());
    const byBatch = plan.by === 'batch';
    run(plan.parts.map(([s0, s1], i) => {
      const size = s1 - s0;
      if (plan.by === 'columns') {
        // columns [s0, s1) of B and C: all of A
        const params = { batch: 1, aBatch: 1, bBatch: 1, m, k, n: size, col: s0, bStride: n, bKey: operandKey(B.tensor, s0, k, n, size) };
        return i === 0
          ? ownShare({ kind: 'matmul', params: { ...params, outStride: n }, views: { a: A.data, b: B.data, out: out.subarray(s0) } })
          : workerShare({
            kind: 'matmul', params: { ...params, outStride: size }, views: { a: A.data, b: B.data, out: { output: m * size } },
            collect: (v) => { for (let r = 0; r < m; r++) out.set(v.out.subarray(r * size, (r + 1) * size), r * n + s0); },
          });
      }
      // rows [s0, s1) of A and C, or products [s0, s1) of the batch
      const bKey = operandKey(B.tensor, B.batch === 1 ? 0 : s0 * k * n, byBatch && B.batch !== 1 ? size : 1, k, n);
      const params = byBatch
        ? { batch: size, aBatch: A.batch === 1 ? 1 : size, bBatch: B.batch === 1 ? 1 : size, m, k, n, col: 0, bStride: n, outStride: n, bKey }
        : { batch: 1, aBatch: 1, bBatch: 1, m: size, k, n, col: 0, bStride: n, outStride: n, bKey };
      const aPart = !byBatch ? A.data.subarray(s0 * k, s1 * k) : A.batch === 1 ? A.data : A.data.subarray(s0 * m * k, s1 * m * k);
      const bPart = !byBatch || B.batch === 1 ? B.data : B.data.subarray(s0 * k * n, s1 * k * n);
      const at = (byBatch ? s0 * m : s0) * n;
      const length = size * (byBatch ? m : 1) * n;
      return i === 0
        ? ownShare({ kind: 'matmul', params, views: { a: aPart, b: bPart, out: out.subarray(at, at + length) } })
        : workerShare({ kind: 'matmul', params, views: { a: aPart, b: bPart, out: { output: length } }, collect: (v) => out.set(v.out, at), destination: out.subarray(at, at + length) });
    }));
    return new Tensor(out, [...batchShape, m, n]);
  };
}

/**
 * Aᵀ·B (A [k, m], B [k, n]: a weight gradient dW = dYᵀ·x) is computed as (Bᵀ·A)ᵀ when n > m, so
 * that XNNPACK packs the narrower operand: its GEMM slows as the packed right operand widens
 * (k 4096: [256, 4096]·[4096, 1024] ran at 13 GFLOP/s, [1024, 4096]·[4096, 256] at 24, 1 thread),
 * and BERT-mini's feed-forward dW2 = dYᵀ [256, 4096] · x [4096, 1024] went from 170 ms to 95 ms.
 * Either way one [k, ·] operand is transposed; the swap adds the transpose of C [n, m].
 */
export function wasmMatmulTransposed(matmul: (a: Tensor, b: Tensor) => Tensor): (a: Tensor, b: Tensor, t: MatmulTranspose) => Tensor {
  return function matmulTransposed(a, b, t) {
    if (!isF32(a, b)) return cpu.matmulTransposed(a, b, t);
    if (t.transposeA && !t.transposeB && b.shape[1]! > a.shape[1]!) return cpu.permute(matmul(cpu.permute(b, [1, 0]), a), [1, 0]);
    return matmul(t.transposeA ? cpu.permute(a, [1, 0]) : a, t.transposeB ? cpu.permute(b, [1, 0]) : b);
  };
}
