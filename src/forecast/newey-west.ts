/**
 * newey-west — the long-run variance of a mean, and how many lags to give it.
 *
 * For a series d_1 … d_n whose terms are autocorrelated, Var(d̄) ≈ V / n with the long-run
 * variance V = Σ_{l=−∞..∞} γ_l. Newey & West (1987) estimate it with Bartlett weights,
 *   V̂(L) = γ̂_0 + 2 Σ_{l=1..L} (1 − l/(L+1)) γ̂_l,   γ̂_l = (1/n) Σ_{t>l} (d_t − d̄)(d_{t−l} − d̄),
 * which is never negative. The automatic bandwidth of Newey & West (1994), Bartlett kernel, no
 * prewhitening (R's sandwich::bwNeweyWest(prewhite = FALSE), then NeweyWest's floor):
 *   m = ⌊4 (n/100)^{2/9}⌋,  s_0 = γ̂_0 + 2 Σ_{j=1..m} γ̂_j,  s_1 = 2 Σ_{j=1..m} j γ̂_j,
 *   L = ⌊1.1447 · (s_1/s_0)^{2/3} · n^{1/3}⌋   (capped at n − 1).
 * A series with more persistence (larger s_1/s_0) gets more lags.
 */

/** Autocovariances γ̂_0 … γ̂_maxLag of `d` about its mean (divided by n, as in the estimator). */
export function autocovariances(d: readonly number[], maxLag: number): number[] {
  const n = d.length;
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const out: number[] = [];
  for (let l = 0; l <= maxLag; l++) {
    let s = 0;
    for (let t = l; t < n; t++) s += (d[t]! - mean) * (d[t - l]! - mean);
    out.push(s / n);
  }
  return out;
}

/** V̂(L) with Bartlett weights. @example neweyWestVariance([1, -1, 1, -1], 0)  // 1 */
export function neweyWestVariance(d: readonly number[], lags: number): number {
  if (!Number.isInteger(lags) || lags < 0 || lags >= d.length) {
    throw new RangeError(`neweyWestVariance: lags must be an integer in [0, ${d.length - 1}], got ${lags}`);
  }
  const g = autocovariances(d, lags);
  let v = g[0]!;
  for (let l = 1; l <= lags; l++) v += 2 * (1 - l / (lags + 1)) * g[l]!;
  return v;
}

/** The Newey–West (1994) plug-in lag for the Bartlett kernel (no prewhitening). */
export function neweyWestBandwidth(d: readonly number[]): number {
  const n = d.length;
  if (n < 3) throw new RangeError(`neweyWestBandwidth: need at least 3 values, got ${n}`);
  const m = Math.min(n - 1, Math.floor(4 * (n / 100) ** (2 / 9)));
  const g = autocovariances(d, m);
  let s0 = g[0]!;
  let s1 = 0;
  for (let j = 1; j <= m; j++) {
    s0 += 2 * g[j]!;
    s1 += 2 * j * g[j]!;
  }
  if (!(s0 > 0)) return 0;
  return Math.min(n - 1, Math.floor(1.1447 * ((s1 / s0) ** 2) ** (1 / 3) * n ** (1 / 3)));
}
