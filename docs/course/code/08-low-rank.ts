/**
 * Low-rank approximation: the singular values of a 60 × 80 "image", and the error of keeping the
 * k largest, measured against the Eckart–Young formula. Run: npx tsx docs/course/code/08-low-rank.ts
 */
import { linalg, seededRandom } from '../../../src/index.js';
import { lineChart } from '../../../src/utils/index.js';

// #region image
const random = seededRandom(0);
// Waves, a soft blob, a sharp-edged disk and a little noise: 60 rows × 80 columns
const image = linalg.Matrix.build(60, 80, (i, j) =>
  Math.sin(i / 7) * Math.cos(j / 11) + //                             rank 1
  0.5 * Math.exp(-((i - 30) ** 2 + (j - 40) ** 2) / 200) + //        a Gaussian: rank 1 too
  ((i - 20) ** 2 + (j - 55) ** 2 < 15 ** 2 ? 0.8 : 0) + //           a disk: many slowly decaying σ
  0.02 * (random() - 0.5));
const { U, S, V } = linalg.svd(image); // image = U · diag(S) · Vᵀ
console.log(`σ₁ … σ₅: ${Array.from(S.subarray(0, 5), (s) => s.toFixed(3)).join(', ')}; σ₂₀ = ${S[19]!.toExponential(1)}`);
// #endregion

// #region eckart-young
const ranks = Array.from({ length: 21 }, (_, k) => k);
const measured: number[] = [];
const predicted: number[] = [];
for (const k of ranks) {
  const { approximation } = linalg.truncate(U, S, V, k); // U_k diag(σ₁…σ_k) V_kᵀ
  measured.push(linalg.norm(image.sub(approximation))); // ‖A − A_k‖_F, computed from the difference
  predicted.push(Math.sqrt(Array.from(S.subarray(k)).reduce((sum, s) => sum + s * s, 0))); // √(σ²_(k+1) + …)
}
const stored = (k: number): number => k * (60 + 80 + 1);
for (const k of [2, 5, 10]) {
  console.log(`rank ${String(k).padStart(2)} keeps ${(100 * (1 - (measured[k]! / measured[0]!) ** 2)).toFixed(2)}% of ‖A‖²_F in ${stored(k)} numbers instead of ${60 * 80}`);
}
console.log(`largest gap between measured and predicted error: ${Math.max(...measured.map((m, k) => Math.abs(m - predicted[k]!))).toExponential(1)}`);
// #endregion

export const figures = {
  '08-low-rank.svg': lineChart({
    title: 'A 60 × 80 matrix: singular values and rank-k error',
    series: [
      { name: 'σ_(k+1)', x: ranks, y: ranks.map((k) => S[k]!) },
      { name: '‖A − A_k‖_F', x: ranks, y: measured },
      { name: '√(Σ_(i>k) σ_i²)', x: ranks, y: predicted },
    ],
    xLabel: 'rank k',
    yLabel: 'value',
    logY: true,
  }),
};
