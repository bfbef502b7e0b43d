/**
 * optimize — unconstrained minimisation for the maximum-likelihood fits (ARIMA, GARCH): BFGS with
 * central-difference gradients and a backtracking (Armijo) line search, as in Nocedal & Wright,
 * "Numerical Optimization", Algorithm 6.1. Constraints (stationarity, positivity) are handled by
 * the callers through smooth reparametrisations, so the search space here is all of ℝᵏ.
 *
 *   x_{k+1} = x_k − α_k B_k ∇f(x_k)       B ≈ (∇²f)⁻¹, updated with s = Δx, y = Δ∇f:
 *   B ← (I − ρ s yᵀ) B (I − ρ y sᵀ) + ρ s sᵀ,   ρ = 1 / (yᵀ s)    (skipped unless yᵀs > 0)
 */

export interface MinimizeOptions {
  readonly maxIterations?: number;
  /** Stop when the gradient's largest entry is below this (default 1e-6, relative to |f| + 1). */
  readonly gradientTolerance?: number;
  /** Finite-difference step (default 1e-6). */
  readonly step?: number;
}

/** Where `minimize` stopped: the point, the value there, the iterations and whether it converged. */
export interface MinimizeResult {
  readonly x: number[];
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Central-difference gradient of f at x. */
export function numericGradient(f: (x: number[]) => number, x: readonly number[], step = 1e-6): number[] {
  return x.map((xi, i) => {
    const h = step * Math.max(1, Math.abs(xi));
    const plus = [...x];
    const minus = [...x];
    plus[i] = xi + h;
    minus[i] = xi - h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

/**
 * Minimises f from x0 with BFGS; non-finite values count as +∞ (the line search backs off).
 * @example minimize(([a, b]) => (a! - 1) ** 2 + 10 * (b! + 2) ** 2, [0, 0]).x  // ≈ [1, -2]
 */
export function minimize(f: (x: number[]) => number, x0: readonly number[], options: MinimizeOptions = {}): MinimizeResult {
  const { maxIterations = 200, gradientTolerance = 1e-6, step = 1e-6 } = options;
  const safe = (x: number[]): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const k = x0.length;
  let x = [...x0];
  let fx = safe(x);
  if (!Number.isFinite(fx)) throw new RangeError('minimize: the objective is not finite at the starting point');
  let g = numericGradient(safe, x, step);
  let B: number[][] = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)));
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIterations; iterations++) {
    if (Math.max(...g.map(Math.abs)) < gradientTolerance * (Math.abs(fx) + 1)) {
      converged = true;
      break;
    }
    let d = B.map((row) => -row.reduce((s, b, j) => s + b * g[j]!, 0));
    let slope = d.reduce((s, di, i) => s + di * g[i]!, 0);
    if (!(slope < 0)) { // B lost positive definiteness: restart along the steepest descent
      B = B.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
      d = g.map((gi) => -gi);
      slope = -g.reduce((s, gi) => s + gi * gi, 0);
    }
    let alpha = 1;
    let xNew = x;
    let fNew = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      xNew = x.map((xi, i) => xi + alpha * d[i]!);
      fNew = safe(xNew);
      if (fNew <= fx + 1e-4 * alpha * slope) break;
      alpha /= 2;
    }
    if (!(fNew < fx) && !(fNew <= fx + 1e-4 * alpha * slope)) {
      converged = true; // no decrease possible at this precision
      break;
    }
    const gNew = numericGradient(safe, xNew, step);
    const s = xNew.map((v, i) => v - x[i]!);
    const y = gNew.map((v, i) => v - g[i]!);
    const ys = y.reduce((acc, yi, i) => acc + yi * s[i]!, 0);
    if (ys > 1e-12) {
      const rho = 1 / ys;
      const By = B.map((row) => row.reduce((acc, b, j) => acc + b * y[j]!, 0));
      const yBy = y.reduce((acc, yi, i) => acc + yi * By[i]!, 0);
      B = B.map((row, i) => row.map((b, j) => b - rho * (By[i]! * s[j]! + s[i]! * By[j]!) + (rho * rho * yBy + rho) * s[i]! * s[j]!));
    }
    const improvement = fx - fNew;
    x = xNew;
    fx = fNew;
    g = gNew;
    if (improvement >= 0 && improvement < 1e-12 * (Math.abs(fx) + 1)) {
      converged = true;
      break;
    }
  }
  return { x, value: fx, iterations, converged };
}
