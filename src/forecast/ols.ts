/**
 * ols — ordinary least squares for the small regressions of the forecasting toolkit (HAR,
 * Hannan–Rissanen starting values, the ADF regression), in float64 with no dependencies.
 *
 *   β̂ = argmin ‖y − Xβ‖² = (XᵀX)⁻¹ Xᵀy,   se(β̂_j) = √(s² [(XᵀX)⁻¹]_jj),   s² = RSS / (n − k)
 *
 * We solve the normal equations with Gauss–Jordan elimination and partial pivoting: k is at most
 * a few dozen here and the regressors are well scaled, so the squared condition number of XᵀX
 * costs nothing we can measure. (src/linalg has QR for the ill-conditioned cases.)
 */

/** Solves A·x = b for a square A (row-major, n×n), with partial pivoting; throws if singular. */
export function solve(a: readonly number[][], b: readonly number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-300) throw new RangeError(`solve: the ${n}×${n} matrix is singular (column ${col})`);
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]!;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = m[r]!;
      const factor = row[col]! / p[col]!;
      if (factor === 0) continue;
      for (let c = col; c <= n; c++) row[c]! -= factor * p[c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Inverse of a small square matrix (by solving against each unit vector). */
export function inverse(a: readonly number[][]): number[][] {
  const n = a.length;
  const cols = Array.from({ length: n }, (_, j) => solve(a, Array.from({ length: n }, (_, i) => (i === j ? 1 : 0))));
  return Array.from({ length: n }, (_, i) => cols.map((c) => c[i]!));
}

/** An ordinary-least-squares fit: coefficients, their standard errors, the residuals and their sum of squares. */
export interface OlsFit {
  /** Coefficients, one per column of X. */
  readonly beta: number[];
  /** Their standard errors (classical, homoskedastic). */
  readonly se: number[];
  readonly residuals: number[];
  /** Residual sum of squares. */
  readonly rss: number;
  readonly n: number;
}

/**
 * Least squares fit of y on the columns of X (rows are observations; add a column of ones for an intercept).
 * @example ols([[1, 0], [1, 1], [1, 2]], [1, 3, 5]).beta  // ≈ [1, 2]
 */
export function ols(x: readonly (readonly number[])[], y: readonly number[]): OlsFit {
  const n = y.length;
  const k = x[0]?.length ?? 0;
  if (x.length !== n || n <= k) throw new RangeError(`ols: need more rows than columns and one y per row; got ${x.length} rows of ${k}, ${n} targets`);
  const xtx = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const xty = new Array<number>(k).fill(0);
  for (let r = 0; r < n; r++) {
    const row = x[r]!;
    for (let i = 0; i < k; i++) {
      xty[i]! += row[i]! * y[r]!;
      for (let j = 0; j <= i; j++) xtx[i]![j]! += row[i]! * row[j]!;
    }
  }
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) xtx[i]![j] = xtx[j]![i]!;
  const beta = solve(xtx, xty);
  const residuals = y.map((v, r) => v - x[r]!.reduce((s, xi, i) => s + xi * beta[i]!, 0));
  const rss = residuals.reduce((s, e) => s + e * e, 0);
  const inv = inverse(xtx);
  const s2 = rss / (n - k);
  return { beta, se: inv.map((row, i) => Math.sqrt(s2 * row[i]!)), residuals, rss, n };
}
