/**
 * Why tensors: the same dot product with a gradient, as n scalar `Value`s and as two Sapling
 * tensors, timed for growing n. Prints the timings (they depend on the machine, so the page
 * shows only the figure). Run: npx tsx docs/course/code/00-why-tensors.ts
 */
import { randn, seededRandom } from '../../../src/index.js';
import { lineChart } from '../../../src/utils/index.js';
import { Value } from './00-value.js';

/** Median wall time of `fn` over `repeats` calls, in milliseconds. */
function time(fn: () => void, repeats = 5): number {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(repeats / 2)]!;
}

// #region race
const random = seededRandom(0);
const sizes = [4, 16, 64, 256, 1024, 4096];
const scalarMs: number[] = [];
const tensorMs: number[] = [];
for (const n of sizes) {
  const xs = Array.from({ length: n }, () => random());
  const ws = Array.from({ length: n }, () => random());
  scalarMs.push(time(() => {
    const w = ws.map((v) => new Value(v));
    const dot = w.reduce((sum, wi, i) => sum.add(wi.mul(xs[i]!)), new Value(0)); // 2n operations
    dot.backward();
  }));
  const x = randn([n]);
  const w = randn([n], { requiresGrad: true });
  tensorMs.push(time(() => {
    w.grad = null;
    x.mul(w).sum().backward(); // 2 operations, whatever n is
  }));
  console.log(`n = ${String(n).padStart(4)}: Values ${scalarMs.at(-1)!.toFixed(3)} ms, tensors ${tensorMs.at(-1)!.toFixed(3)} ms`);
}
// #endregion

export const figures = {
  '00-why-tensors.svg': lineChart({
    title: 'A dot product and its gradient: scalars against tensors',
    series: [
      { name: 'n Values', x: sizes.map(Math.log2), y: scalarMs },
      { name: 'two tensors', x: sizes.map(Math.log2), y: tensorMs },
    ],
    xLabel: 'log₂ n (n = vector length)',
    yLabel: 'milliseconds',
    logY: true,
  }),
};
