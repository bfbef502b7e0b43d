/**
 * Exercise 1.1 — the broadcasting rule (docs/course/01-tensors.md, §3).
 *
 *   1. Align the two shapes on the right; missing leading axes count as size 1.
 *   2. Two sizes are compatible when they are equal or one of them is 1.
 *   3. The result takes the larger size on each axis.
 * broadcastShapes([4, 1, 3], [5, 1]) is [4, 5, 3]; broadcastShapes([2, 3], [2]) is an error.
 *
 * Check your work: npm run exercise -- 1
 */

/**
 * The shape of `a op b` for an elementwise op. Throws a RangeError whose message contains both
 * shapes written as [2,3] (no spaces) when they cannot be broadcast together.
 */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  throw new Error('not implemented yet: broadcastShapes(a, b) — walk both shapes from the last axis; equal sizes or a 1 broadcast, anything else is a RangeError naming both shapes');
}
