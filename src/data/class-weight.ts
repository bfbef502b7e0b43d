/**
 * computeClassWeight — per-class loss weights that make every class count the same in total,
 * scikit-learn's `compute_class_weight('balanced', classes=…, y=…)`:
 *
 *   w_c = n / (k · n_c)      n samples, k classes, n_c samples of class c
 *
 * so Σ over samples of w_{yᵢ} = n, as without weights, but each class contributes n/k. For a
 * binary problem the ratio w₁/w₀ = n₀/n₁ is BCE's `posWeight`; as a [C] tensor the weights are
 * cross-entropy's `weight`.
 */

/**
 * The balanced weight of each class in `classes` (default: the sorted labels present).
 * @example computeClassWeight('balanced', [0, 0, 0, 1])  // [0.6666…, 2]
 */
export function computeClassWeight(mode: 'balanced', y: ArrayLike<number>, classes?: readonly number[]): number[] {
  const where = 'computeClassWeight';
  if (mode !== 'balanced') throw new RangeError(`${where}: mode must be 'balanced', got '${String(mode)}'`);
  const labels = Array.from(y);
  if (labels.length === 0) throw new RangeError(`${where}: no labels`);
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const list = classes ?? [...counts.keys()].sort((a, b) => a - b);
  const missing = list.find((c) => !counts.has(c));
  if (missing !== undefined) throw new RangeError(`${where}: class ${missing} has no samples in y, so its balanced weight is undefined`);
  const extra = [...counts.keys()].find((c) => !list.includes(c));
  if (extra !== undefined) throw new RangeError(`${where}: y holds label ${extra}, which is not among classes [${list.join(', ')}]`);
  return list.map((c) => labels.length / (list.length * counts.get(c)!));
}
