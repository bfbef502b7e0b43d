/** Reference solution of exercise 1.1 (exercises/01-1-broadcast-shapes.ts). */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1; // a missing leading axis counts as 1
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`broadcastShapes: shapes [${a.join(',')}] and [${b.join(',')}] cannot be broadcast together (axis ${i} of the result: ${da} against ${db})`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}
