/**
 * sort — argsort along one axis: the readable loop, and the order every backend must reproduce.
 *
 * We bring x to [outer, r, inner] (the axis in the middle, as reduce.ts does): each of the
 * outer · inner lines holds r values, `inner` apart. For each line we sort the positions 0 … r − 1
 * by their values with the engine's sort, which is stable (ECMAScript 2019), so equal values keep
 * their order — descending too, since we flip the comparison, not the result. NaN compares as
 * larger than every number, as in PyTorch: last ascending, first descending. O(r log r) a line.
 */
import { sizeOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';

/** a before b (negative), after (positive) or tied (0), ascending, NaN the largest. */
function ascending(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The stable permutation that sorts each line of x along `axis` (NaN largest), as int32 of x's shape. */
export function argsort(x: Tensor, axis: number, descending: boolean): Tensor {
  const data = storageOf(x);
  const outer = sizeOf(x.shape.slice(0, axis));
  const r = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const out = new Int32Array(data.length);
  const line = new Float64Array(r); // one line's values, contiguous
  const order = Array.from({ length: r }, (_, i) => i);
  const compare = descending ? (i: number, j: number) => ascending(line[j]!, line[i]!) : (i: number, j: number) => ascending(line[i]!, line[j]!);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * r * inner + j;
      for (let i = 0; i < r; i++) {
        line[i] = data[base + i * inner]!;
        order[i] = i;
      }
      order.sort(compare);
      for (let i = 0; i < r; i++) out[base + i * inner] = order[i]!;
    }
  }
  return new Tensor(out, x.shape);
}
