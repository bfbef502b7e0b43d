/**
 * Where the time of a training step goes: its phases on the cpu and wasm backends, then every
 * kernel call of one step timed through the kernel seam (a wrapped `Kernels` object). Prints
 * times, so the page shows one run. Chapter 9 (docs/course/09-performance.md).
 * Run: npx tsx docs/course/code/09-where-time-goes.ts
 */
import { backendKernels, F, kernels, optim, useKernels, type Kernels } from '../../../src/node.js';
import { heatmap } from '../../../src/utils/index.js';
import { images, labels, makeModel, trainingStep, type StepTimes } from './09-model.js';

// #region phases
/** The median of each phase over `steps` steps on kernels `k`, after one untimed step. */
function phases(k: Kernels, steps = 5): StepTimes {
  const before = useKernels(k);
  try {
    const model = makeModel();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
    trainingStep(model, optimizer); // warm-up: compiles the code, faults in the memory
    const runs = Array.from({ length: steps }, () => trainingStep(model, optimizer));
    const mid = (key: keyof StepTimes): number => runs.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(steps / 2)]!;
    return { forward: mid('forward'), backward: mid('backward'), update: mid('update') };
  } finally {
    useKernels(before);
  }
}
const cpu = kernels();
const wasm = await backendKernels('wasm');
for (const k of [cpu, wasm]) {
  const t = phases(k);
  console.log(`${k.name.padEnd(4)}: forward ${t.forward.toFixed(1)} ms, backward ${t.backward.toFixed(1)} ms, update ${t.update.toFixed(2)} ms`);
}
// #endregion

// #region timed
type Totals = Map<string, { ms: number; calls: number }>;
/** `k` with every kernel call timed into `totals`, keyed by kernel ('matmul') or kernel and op ('binary:add'). */
function timed(k: Kernels, totals: Totals): Kernels {
  const wrapped: Record<string, unknown> = { ...k };
  for (const [name, fn] of Object.entries(k)) {
    if (typeof fn !== 'function') continue;
    wrapped[name] = (...args: unknown[]): unknown => {
      const key = typeof args[0] === 'string' ? `${name}:${args[0]}` : name;
      const start = performance.now();
      try {
        return (fn as (...a: unknown[]) => unknown).apply(k, args);
      } finally {
        const entry = totals.get(key) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - start;
        entry.calls++;
        totals.set(key, entry);
      }
    };
  }
  return wrapped as unknown as Kernels;
}
// #endregion

// #region by-kernel
const model = makeModel();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });
trainingStep(model, optimizer); // warm-up
const [forward, backward]: [Totals, Totals] = [new Map(), new Map()];
for (let step = 0; step < 3; step++) { // three steps, summed: one alone is noisy
  useKernels(timed(cpu, forward));
  const loss = F.crossEntropy(model.forward(images), labels);
  useKernels(timed(cpu, backward));
  optimizer.zeroGrad();
  loss.backward();
  useKernels(cpu);
  optimizer.step();
}
const inKernels = (t: Totals): number => [...t.values()].reduce((sum, e) => sum + e.ms, 0);
console.log(`cpu, 3 steps, time in kernels: forward ${inKernels(forward).toFixed(1)} ms, backward ${inKernels(backward).toFixed(1)} ms`);
const total = (key: string): number => (forward.get(key)?.ms ?? 0) + (backward.get(key)?.ms ?? 0);
const keys = [...new Set([...forward.keys(), ...backward.keys()])].sort((x, y) => total(y) - total(x));
for (const key of keys.slice(0, 8)) {
  const [f, b] = [forward.get(key), backward.get(key)];
  console.log(`  ${key.padEnd(21)} forward ${(f?.ms ?? 0).toFixed(1).padStart(6)} ms (${f?.calls ?? 0} calls), backward ${(b?.ms ?? 0).toFixed(1).padStart(6)} ms (${b?.calls ?? 0} calls)`);
}
// #endregion

const top = keys.slice(0, 8);
export const figures = {
  '09-kernels.svg': heatmap({
    title: 'Three cpu training steps: ms per kernel',
    values: top.map((key) => [forward.get(key)?.ms ?? 0, backward.get(key)?.ms ?? 0]),
    rowLabels: top,
    columnLabels: ['forward', 'backward'],
    format: (ms) => ms.toFixed(1),
    cellSize: 64,
  }),
};
