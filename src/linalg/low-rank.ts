/**
 * low-rank — the best rank-k approximation of A (Eckart & Young 1936).
 *
 * Keep the k largest singular triplets: A_k = Σ_{i<k} σ_i u_i v_iᵀ = U_k Σ_k V_kᵀ. No matrix of
 * rank ≤ k is closer to A, in the 2-norm or the Frobenius norm, and the distances are known
 * without forming A − A_k:
 *     ‖A − A_k‖₂ = σ_k,     ‖A − A_k‖_F = √(σ_k² + σ_{k+1}² + …).
 * Storing U_k, Σ_k, V_k takes k(m + n + 1) numbers instead of mn: the idea behind image
 * compression (examples/svd-image-compression.ts) and PCA (examples/pca-mnist.ts).
 */
import { checked, type MatrixInput } from './checks.js';
import { Matrix } from './matrix.js';
import { svd } from './svd.js';

/** A rank-k approximation U_k Σ_k V_kᵀ and its errors in the Frobenius and spectral norms (Eckart–Young). */
export interface LowRank {
  /** m × k */
  readonly U: Matrix;
  /** k singular values, non-increasing. */
  readonly S: Float64Array;
  /** n × k */
  readonly V: Matrix;
  /** A_k = U diag(S) Vᵀ (m × n). */
  readonly approximation: Matrix;
  /** ‖A − A_k‖_F, from the discarded singular values. */
  readonly errorFro: number;
  /** ‖A − A_k‖_F / ‖A‖_F. */
  readonly relativeError: number;
  /** ‖A − A_k‖₂ = σ_k (0 when k = min(m, n)). */
  readonly error2: number;
}

/**
 * The best rank-k approximation of A, with its factors and its error.
 * @example lowRankApprox([[3, 0], [0, 1]], 1).approximation.toArray()  // [[3, 0], [0, 0]]
 */
export function lowRankApprox(input: MatrixInput, k: number): LowRank {
  const a = checked('lowRankApprox', input);
  const kmax = Math.min(a.rows, a.cols);
  if (!Number.isInteger(k) || k < 0 || k > kmax) {
    throw new RangeError(`lowRankApprox: rank k must be an integer in 0..${kmax} for a [${a.rows}, ${a.cols}] matrix, got ${k}`);
  }
  const full = svd(a);
  return truncate(full.U, full.S, full.V, k);
}

/** Truncates an existing SVD to rank k (lets a caller try several k with one decomposition). */
export function truncate(U: Matrix, S: Float64Array, V: Matrix, k: number): LowRank {
  const m = U.rows;
  const n = V.rows;
  const Uk = U.slice(0, m, 0, k);
  const Vk = V.slice(0, n, 0, k);
  const Sk = S.slice(0, k);
  const approximation = new Matrix(m, n);
  const scaled = Uk.clone();
  for (let i = 0; i < m; i++) for (let r = 0; r < k; r++) scaled.data[i * k + r] = scaled.data[i * k + r]! * Sk[r]!;
  const x = approximation.data;
  for (let i = 0; i < m; i++) {
    for (let r = 0; r < k; r++) {
      const u = scaled.data[i * k + r]!;
      if (u === 0) continue;
      for (let j = 0; j < n; j++) x[i * n + j] = x[i * n + j]! + u * Vk.data[j * k + r]!;
    }
  }
  let tail = 0;
  let total = 0;
  const smax = S[0] ?? 0;
  for (let i = 0; i < S.length; i++) {
    const t = smax === 0 ? 0 : (S[i]! / smax) ** 2;
    total += t;
    if (i >= k) tail += t;
  }
  const errorFro = smax * Math.sqrt(tail);
  return {
    U: Uk,
    S: Sk,
    V: Vk,
    approximation,
    errorFro,
    relativeError: total === 0 ? 0 : Math.sqrt(tail / total),
    error2: k < S.length ? S[k]! : 0,
  };
}
