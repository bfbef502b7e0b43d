/**
 * iterate — the index arithmetic shared by the cpu kernels.
 *
 * A broadcasting kernel walks the output in row-major order while each input walks its own
 * storage with its own strides (0 along a broadcast axis). `coalesce` first merges adjacent
 * axes that every operand walks contiguously, so [1000, 1000] + [1000, 1000] becomes one loop
 * of 10⁶ and [1000, 1000] + [1000] becomes 1000 rows of 1000. `forEachRow` then calls a row
 * function with the starting offset of each operand and leaves the innermost axis to it.
 */
import type { Shape } from '../../shape.js';

export interface Plan {
  /** Coalesced output shape (at least one axis). */
  readonly shape: readonly number[];
  /** For each operand, its strides along the coalesced axes. */
  readonly strides: readonly (readonly number[])[];
}

/** Merges axes i and i+1 wherever every operand has stride[i] = stride[i+1] · shape[i+1]. */
export function coalesce(shape: Shape, strides: readonly (readonly number[])[]): Plan {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let axis = 0; axis < shape.length; axis++) {
    const size = shape[axis]!;
    if (size === 1) continue; // a size-1 axis moves nothing
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[axis]! * size);
    if (mergeable) {
      outShape[last]! *= size;
      strides.forEach((s, k) => (outStrides[k]![last] = s[axis]!));
    } else {
      outShape.push(size);
      strides.forEach((s, k) => outStrides[k]!.push(s[axis]!));
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls `row(offsets, n)` once per row of the coalesced plan, where `offsets[k]` is where
 * operand k's row starts and `n` the length of the innermost axis. Operand 0 is usually the
 * output. The odometer runs over the outer axes without recursion.
 */
export function forEachRow(plan: Plan, row: (offsets: readonly number[], n: number) => void): void {
  const { shape, strides } = plan;
  const outer = shape.length - 1;
  const n = shape[outer]!;
  const offsets = strides.map(() => 0);
  const counters = new Array<number>(outer).fill(0);
  let rows = 1;
  for (let a = 0; a < outer; a++) rows *= shape[a]!;
  for (let r = 0; r < rows; r++) {
    row(offsets, n);
    // advance the odometer: bump the last outer axis, carrying into earlier ones
    for (let a = outer - 1; a >= 0; a--) {
      counters[a]!++;
      for (let k = 0; k < offsets.length; k++) offsets[k]! += strides[k]![a]!;
      if (counters[a]! < shape[a]!) break;
      for (let k = 0; k < offsets.length; k++) offsets[k]! -= strides[k]![a]! * shape[a]!;
      counters[a] = 0;
    }
  }
}
