/**
 * elementwise — Sapling's cpu kernels against TensorFlow.js's pure-JS cpu backend
 * (@tensorflow/tfjs-backend-cpu), same process, same inputs, on 10⁶-element float32 tensors:
 *
 *   add        [1000,1000] + [1000,1000]
 *   mul        [1000,1000] * [1000]          (broadcast along rows)
 *   exp        [1000,1000]
 *   sum        [1000,1000] over axis 0, and over axis 1
 *   transpose  [1000,1000]
 *
 * Target (from the issue): Sapling's median / tfjs-cpu's median ≤ 1.0 for each.
 *
 * Fairness: tfjs runs in production mode (no debug checks) and each timed tfjs call forces its
 * result with dataSync() — on the cpu backend that returns the backing array, no copy — inside
 * tf.tidy, so its tensors are disposed every iteration. Sapling's ops are synchronous and return
 * a tensor whose storage is already on the host; nothing more is forced. Both sides allocate a
 * fresh output every call. Before timing, every pair of results is checked to agree.
 *
 *   npx tsx benchmarks/elementwise.bench.ts [--quick] [--check] [--no-write]
 *   node --expose-gc --import tsx benchmarks/elementwise.bench.ts   # also collects between tasks
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { add, exp, mul, sum, tensor, transpose, type Tensor } from '../src/index.js';
import { assertClose, compare, FULL_BUDGET, parseFlags, QUICK_BUDGET, type Case, type Row } from './lib/compare.js';
import { formatMachineFacts, machineFacts } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { formatMs, markdownTable } from './lib/table.js';

const SUITE = 'elementwise';
const TARGET = 1.0;
const N = 1000;

const flags = parseFlags();
const budget = flags.quick ? QUICK_BUDGET : FULL_BUDGET;

// ── the reference: tfjs on its pure-JS backend, production mode ──
tf.enableProdMode();
if (!(await tf.setBackend('cpu'))) throw new Error('could not select the tfjs cpu backend');
await tf.ready();

/** Uniform values in [-1, 1) from a fixed seed (mulberry32), so every run times the same data. */
function uniform(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

const aData = uniform(N * N, 1);
const bData = uniform(N * N, 2);
const rowData = uniform(N, 3);

const a = tensor(aData, [N, N]);
const b = tensor(bData, [N, N]);
const row = tensor(rowData, [N]);
const ta = tf.tensor2d(aData, [N, N], 'float32');
const tb = tf.tensor2d(bData, [N, N], 'float32');
const trow = tf.tensor1d(rowData, 'float32');

/**
 * Runs a tfjs op inside tf.tidy, forces it with dataSync() and returns the values. The values
 * must NOT be tidy's return value: tidy walks whatever it returns looking for tensors, and a
 * Float32Array of 10⁶ numbers is walked key by key (measured: ~1.8 s per call instead of ~16 ms).
 */
function forced(theirs: () => tf.Tensor): ArrayLike<number> {
  let values: ArrayLike<number> = [];
  tf.tidy(() => {
    values = theirs().dataSync();
  });
  return values;
}

/** One case: the Sapling op and the tfjs op (forced and tidied). */
function pair(op: string, shape: string, ours: () => Tensor, theirs: () => tf.Tensor): Case {
  assertClose(`${op} ${shape}`, ours().storage, forced(theirs));
  return { op, shape, ours: () => ours().storage, theirs: () => forced(theirs) };
}

const cases: Case[] = [
  pair('add', '[1000,1000] + [1000,1000]', () => add(a, b), () => tf.add(ta, tb)),
  pair('mul (broadcast)', '[1000,1000] * [1000]', () => mul(a, row), () => tf.mul(ta, trow)),
  pair('exp', '[1000,1000]', () => exp(a), () => tf.exp(ta)),
  pair('sum axis 0', '[1000,1000] → [1000]', () => sum(a, 0), () => tf.sum(ta, 0)),
  pair('sum axis 1', '[1000,1000] → [1000]', () => sum(a, 1), () => tf.sum(ta, 1)),
  pair('transpose', '[1000,1000]', () => transpose(a), () => tf.transpose(ta)),
];

const machine = machineFacts();
console.log(`# Sapling vs tfjs-cpu: elementwise, reductions, transpose${flags.quick ? ' (quick)' : ''}\n`);
console.log(formatMachineFacts(machine));
console.log(`- tfjs-core / tfjs-backend-cpu: ${tf.version_core} (backend: ${tf.getBackend()}, prod mode)`);
console.log(`- Budget per task: ${budget.time} ms and ≥ ${budget.iterations} iterations after ${budget.warmupTime} ms / ${budget.warmupIterations} iterations of warmup${(globalThis as { gc?: unknown }).gc ? '; GC between tasks' : ''}`);
console.log(`- Target: Sapling / tfjs-cpu median ≤ ${TARGET.toFixed(1)}\n`);

const tensorsBefore = tf.memory().numTensors;
const rows: Row[] = await compare(cases, budget, {
  labels: ['Sapling', 'tfjs-cpu'],
  onProgress: (name) => process.stderr.write(`  timed ${name}\n`),
});
const leaked = tf.memory().numTensors - tensorsBefore;
if (leaked !== 0) throw new Error(`tfjs leaked ${leaked} tensors during the run: the timed functions do not dispose`);

const header = ['op', 'shape', 'Sapling median ms', 'tfjs-cpu median ms', 'ratio', 'Sapling min ms', 'tfjs-cpu min ms', 'target'];
const body = rows.map((r) => [
  r.op,
  r.shape,
  formatMs(r.ours.medianMs),
  formatMs(r.theirs.medianMs),
  r.ratio.toFixed(2),
  formatMs(r.ours.minMs),
  formatMs(r.theirs.minMs),
  r.ratio <= TARGET ? 'ok' : 'MISS',
]);
console.log(markdownTable(header, body, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left']));

const misses = rows.filter((r) => r.ratio > TARGET);
console.log(`\n${rows.length - misses.length}/${rows.length} within target${misses.length ? `; missed: ${misses.map((r) => `${r.op} (${r.ratio.toFixed(2)})`).join(', ')}` : ''}.`);

if (!flags.noWrite) {
  // A quick run keeps its own file, so a smoke run never overwrites a full measurement.
  const path = writeResults(flags.quick ? `${SUITE}.quick` : SUITE, {
    suite: SUITE,
    date: new Date().toISOString(),
    mode: flags.quick ? 'quick' : 'full',
    machine,
    reference: { name: '@tensorflow/tfjs-backend-cpu', version: tf.version_core, prodMode: true },
    budget,
    target: TARGET,
    rows: rows.map((r) => ({ op: r.op, shape: r.shape, sapling: r.ours, tfjsCpu: r.theirs, ratio: r.ratio })),
  });
  console.log(`results: ${path}`);
}

tf.dispose([ta, tb, trow]);
if (flags.check && misses.length > 0) process.exitCode = 1;
