/**
 * multiple-testing — Holm's step-down correction (Holm 1979) for a family of m p-values.
 *
 * Testing ten models against one at the 5 % level finds a "significant" difference by chance far
 * more often than 5 % of the time. Holm controls the family-wise error rate (the chance of any
 * false rejection) under any dependence between the tests, and is uniformly more powerful than
 * Bonferroni. Sort the p-values, p_(1) ≤ … ≤ p_(m); the adjusted values are
 *   p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) · p_(j)),
 * and a hypothesis is rejected at level α when its p̃ ≤ α. NaN p-values (a test that could not
 * be computed) stay NaN and do not count in m.
 */

/**
 * Holm-adjusted p-values, in the order given.
 * @example holm([0.01, 0.04, 0.03, 0.005])  // [0.03, 0.06, 0.06, 0.02]
 */
export function holm(pValues: readonly number[]): number[] {
  for (const p of pValues) {
    if (p < 0 || p > 1) throw new RangeError(`holm: p-values must lie in [0, 1], got ${p}`);
  }
  const order = pValues.map((p, i) => [p, i] as const).filter(([p]) => !Number.isNaN(p)).sort((a, b) => a[0] - b[0]);
  const m = order.length;
  const out = pValues.map(() => NaN);
  let running = 0;
  order.forEach(([p, i], j) => {
    running = Math.max(running, Math.min(1, (m - j) * p));
    out[i] = running;
  });
  return out;
}
