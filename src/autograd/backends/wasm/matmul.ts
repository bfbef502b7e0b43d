/**
 * matmul — C = A · B on tfjs-wasm (XNNPACK), cut by plan.ts's planMatmul: blocks of a batch of
 * products, or of columns of B (each share packs only its columns: XNNPACK repacks its right
 * operand on every call), or of rows of A. Shares never exchange partial sums. B may stay
 * resident in the heap (operand-key.ts). float64 and int32 go to the cpu kernel.
 * `matmulTransposed` transposes a transposed operand while copying it into tfjs's heap when the
 * product is one share (else in TypeScript first, a tiled copy): tfjs's own transposed-operand
 * paths leave XNNPACK and ran 10–20× slower here (x · Wᵀ for [128, 784] by [256, 784]: 34 ms
 * against 2.4 ms plain, 1 thread; 25 against 1.9 ms CPU again on 2026-12-08).
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
 * A transposed operand is transposed on its way into tfjs's heap when the product is one share;
 * larger products transpose it in TypeScript first. Either way the product may run swapped,
 * Cᵀ = op(B)ᵀ·op(A)ᵀ, so that XNNPACK packs the narrower operand (`swapOperands`): BERT-mini's
 * feed-forward dW2 = dYᵀ [256, 4096] · x [4096, 1024] went from 170 ms to 95 ms that way.
 */
export function wasmMatmulTransposed(run: Run, matmul: (a: Tensor, b: Tensor) => Tensor): (a: Tensor, b: Tensor, t: MatmulTranspose) => Tensor {
  return function matmulTransposed(a, b, t) {
    if (!isF32(a, b)) return cpu.matmulTransposed(a, b, t);
    const [m, k] = t.transposeA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
    const n = t.transposeB ? b.shape[0]! : b.shape[1]!;
    // One share: the transposes happen on the way into tfjs's heap, no transposed array is made.
    if (m * k * n > 0 && planMatmul(1, m, k, n, budget()).parts.length === 1) {
      const out = allocate('float32', m * n);
      const swap = swapOperands(m, k, n);
      // C = op(A)·op(B), or Cᵀ = op(B)ᵀ·op(A)ᵀ computed and written back transposed
      const [left, right, lT, rT, rows, cols] = swap ? [b, a, !t.transposeB, !t.transposeA, n, m] : [a, b, t.transposeA, t.transposeB, m, n];
      const bKey = rT ? undefined : operandKey(right, 0, 1, k, cols);
      const params = { batch: 1, aBatch: 1, bBatch: 1, m: rows, k, n: cols, col: 0, bStride: cols, outStride: cols, bKey, aT: lT, bT: rT, outT: swap };
      run([ownShare({ kind: 'matmul', params, views: { a: f32(left), b: f32(right), out } })]);
      return new Tensor(out, [m, n]);
    }
    if (t.transposeA && !t.transposeB && swapOperands(m, k, n)) return cpu.permute(matmul(cpu.permute(b, [1, 0]), a), [1, 0]);
    return matmul(t.transposeA ? cpu.permute(a, [1, 0]) : a, t.transposeB ? cpu.permute(b, [1, 0]) : b);
  };
}

/**
 * Whether to compute Cᵀ = op(B)ᵀ·op(A)ᵀ instead: XNNPACK packs its right operand (k·n floats) on
 * every call, and the swap packs k·m instead at the price of transposing the m·n result on the
 * way out. Worth it where the packing saved is over twice the transpose. On one thread (CPU per
 * call, 2026-12-08): x·W₁ᵀ, [128, 784]·[256, 784]ᵀ, 2.71 → 2.19 ms; every other product of the
 * MLP 784-256-128-10 was as fast or faster unswapped (dY₁ᵀ·x [256, 128]·[128, 784]: 1.87 against
 * 2.06 ms swapped). Both orders gave the same bits on every shape tried (wasm.test.ts checks):
 * each output is the same dot product over k.
 */
const swapOperands = (m: number, k: number, n: number): boolean => k * (n - m) > 2 * m * n;
