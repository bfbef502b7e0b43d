/** Reference solution of exercise 8.2 (exercises/08-2-qr.ts). */

/** v (v₀ = 1), τ and β with (I − τ v vᵀ) x = β e₁ (LAPACK's dlarfg). */
function reflector(x: readonly number[]): { v: number[]; tau: number; beta: number } {
  const x0 = x[0]!;
  const tail = Math.hypot(...x.slice(1));
  if (tail === 0) return { v: x.map((_, i) => (i === 0 ? 1 : 0)), tau: 0, beta: x0 };
  const beta = -(x0 >= 0 ? 1 : -1) * Math.hypot(x0, tail);
  return { v: x.map((xi, i) => (i === 0 ? 1 : xi / (x0 - beta))), tau: (beta - x0) / beta, beta };
}

export function householderQr(A: readonly (readonly number[])[]): { Q: number[][]; R: number[][] } {
  const m = A.length;
  const n = A[0]!.length;
  const R = A.map((row) => [...row]);
  const Q = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 1 : 0)));
  for (let j = 0; j < Math.min(m - 1, n); j++) {
    const { v, tau, beta } = reflector(R.slice(j).map((row) => row[j]!));
    if (tau === 0) continue;
    for (let c = j; c < n; c++) { //                                  R[j:, :] ← H R[j:, :]
      const w = v.reduce((s, vi, k) => s + vi * R[j + k]![c]!, 0); // vᵀ R[j:, c]
      v.forEach((vi, k) => (R[j + k]![c]! -= tau * vi * w));
    }
    R[j]![j] = beta;
    for (let k = 1; k < v.length; k++) R[j + k]![j] = 0; //           exactly zero, not rounding noise
    for (const row of Q) { //                                          Q[:, j:] ← Q[:, j:] H
      const w = v.reduce((s, vi, k) => s + row[j + k]! * vi, 0);
      v.forEach((vi, k) => (row[j + k]! -= tau * w * vi));
    }
  }
  return { Q, R };
}
