/**
 * Measure first: how to time a piece of code (warm up, repeat, report the median and the spread),
 * then matrix products of growing size on the cpu and wasm backends, as GFLOP/s. Prints times —
 * they depend on the machine and its load, so the page shows one run and the figure.
 * Chapter 9 (docs/course/09-performance.md). Run: npx tsx docs/course/code/09-measure.ts
 */
import { backendKernels, kernels, randn, seededRandom } from '../../../src/node.js';
import { lineChart } from '../../../src/utils/index.js';

// #region time
/** Every call's milliseconds, sorted: `warmup` untimed calls first, then `repeats` timed ones. */
function time(fn: () => unknown, { warmup = 1, repeats = 5 } = {}): number[] {
  for (let i = 0; i < warmup; i++) fn(); // the first calls compile the code they run (V8's JIT)
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b);
}
const median = (sorted: readonly number[]): number => sorted[Math.floor(sorted.length / 2)]!;
// #endregion

// #region cold
const random = seededRandom(0);
const cpu = kernels();
const [a, b] = [randn([128, 128], { random }), randn([128, 128], { random })];
const cold = time(() => cpu.matmul(a, b), { warmup: 0, repeats: 1 })[0]!;
const warm = time(() => cpu.matmul(a, b), { warmup: 2, repeats: 9 });
console.log(`cpu matmul 128 × 128: first call ${cold.toFixed(2)} ms; then min ${warm[0]!.toFixed(2)}, median ${median(warm).toFixed(2)}, max ${warm.at(-1)!.toFixed(2)} ms`);
// #endregion

// #region gflops
const wasm = await backendKernels('wasm'); // loads TensorFlow.js's WebAssembly kernels once
const sizes = [8, 16, 32, 64, 128, 256];
const gflops = { cpu: [] as number[], wasm: [] as number[] };
for (const n of sizes) {
  const [x, y] = [randn([n, n], { random }), randn([n, n], { random })];
  const flops = 2 * n ** 3; // n² outputs, each n multiplications and n additions
  for (const k of [cpu, wasm]) {
    const ms = median(time(() => k.matmul(x, y), { repeats: n >= 256 ? 3 : 7 }));
    gflops[k.name as 'cpu' | 'wasm'].push(flops / (ms * 1e6)); // flop per ms × 1e-6 = GFLOP/s
  }
  console.log(`n = ${String(n).padStart(3)}: cpu ${gflops.cpu.at(-1)!.toFixed(3)} GFLOP/s, wasm ${gflops.wasm.at(-1)!.toFixed(3)} GFLOP/s`);
}
// #endregion

export const figures = {
  '09-matmul.svg': lineChart({
    title: 'n × n matrix products: GFLOP/s on each backend',
    series: [
      { name: 'cpu', x: sizes.map(Math.log2), y: gflops.cpu },
      { name: 'wasm', x: sizes.map(Math.log2), y: gflops.wasm },
    ],
    xLabel: 'log₂ n',
    yLabel: 'GFLOP/s',
    logY: true,
  }),
};
