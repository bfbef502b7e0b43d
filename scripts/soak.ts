/**
 * npm run soak — long training runs on the wasm backend must keep their memory flat.
 *
 * Trains a small CNN ([16, 1, 28, 28] → 10 classes) and an LSTM ([32, 24, 8] → 1) with Adam for
 * 2,000 steps each (`--quick`: 400), through Sapling's public API only. After a warm-up (the
 * first 10% of the steps, at least 50; `--quick`: the first half, since a process's RSS can still
 * step by 15–30 MB in its first 100–150 steps) we record the process RSS,
 * the main thread's wasm heap (tfjs-core's `tf.backend()`, whose `wasm.HEAPU8` is the heap that
 * `tf.memory()` counts its bytes in) and tfjs-core's `memory()`; at the end we record them
 * again. The run fails (exit code 1) if RSS or the wasm heap grew by more than 10%, or if tfjs
 * holds more tensors or bytes than after the warm-up (Sapling frees every tfjs tensor it makes;
 * the only ones that stay are resident weights, whose number is fixed by the model).
 *
 *   node --expose-gc --import tsx scripts/soak.ts [--quick] [--steps N] [--threads N]
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  Conv2d, CrossEntropyLoss, Flatten, getNumThreads, Linear, Lstm, manualSeed, MaxPool2d, MseLoss, optim, randint, randn, ReLU,
  seededRandom, Sequential, setBackend, setNumThreads, type Tensor,
} from '../src/index.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const steps = Number(option('--steps') ?? (args.includes('--quick') ? 400 : 2000));
const warmup = args.includes('--quick') ? steps / 2 : Math.max(50, Math.floor(steps / 10));
const LIMIT = 0.1;

interface Sample {
  readonly rss: number;
  readonly heap: number;
  readonly tensors: number;
  readonly bytes: number;
}

const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
function sample(): Sample {
  collect();
  const memory = tf.memory();
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  return { rss: process.memoryUsage().rss, heap: backend.wasm?.HEAPU8.length ?? Number.NaN, tensors: memory.numTensors, bytes: memory.numBytes };
}

interface Workload {
  readonly name: string;
  /** One training step; returns the loss. */
  readonly step: () => number;
}

/** A step of `optimizer` on the loss of batch `i` (a fixed pool of batches, cycled). */
function trainer(optimizer: { zeroGrad(): void; step(): void }, loss: (i: number) => Tensor): () => number {
  let i = 0;
  return () => {
    optimizer.zeroGrad();
    const l = loss(i++);
    l.backward();
    optimizer.step();
    return l.item();
  };
}

function cnn(): Workload {
  manualSeed(1);
  const model = new Sequential(
    new Conv2d(1, 16, 5), new ReLU(), new MaxPool2d(2), //  [N, 16, 12, 12]
    new Conv2d(16, 32, 5), new ReLU(), new MaxPool2d(2), // [N, 32, 4, 4]
    new Flatten(), new Linear(32 * 4 * 4, 10),
  );
  const random = seededRandom(2);
  const batches = Array.from({ length: 8 }, () => ({ x: randn([16, 1, 28, 28], { random }), y: randint(0, 10, [16], { random }) }));
  const criterion = new CrossEntropyLoss();
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  return { name: 'CNN', step: trainer(optimizer, (i) => { const b = batches[i % batches.length]!; return criterion.forward(model.forward(b.x), b.y); }) };
}

function lstm(): Workload {
  manualSeed(3);
  const rnn = new Lstm(8, 64, { batchFirst: true });
  const head = new Linear(64, 1);
  const random = seededRandom(4);
  const batches = Array.from({ length: 8 }, () => ({ x: randn([32, 24, 8], { random }), y: randn([32, 1], { random }) }));
  const criterion = new MseLoss();
  const optimizer = new optim.Adam([...rnn.parameters(), ...head.parameters()], { lr: 1e-3 });
  return {
    name: 'LSTM',
    step: trainer(optimizer, (i) => {
      const b = batches[i % batches.length]!;
      const last = rnn.forward(b.x).output.slice([null, 23]).reshape([32, 64]); // the last step's h
      return criterion.forward(head.forward(last), b.y);
    }),
  };
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const growth = (before: number, after: number): number => (after - before) / before;

function soak(workload: Workload): boolean {
  const started = performance.now();
  const losses: number[] = [];
  // The baseline is the highest of five collected samples over the warm-up's second half: one
  // sample can land on a moment when the allocator has just handed pages back (seen: 168 MB
  // against a 183–199 MB plateau), which would read as growth later.
  const baseline: Sample[] = [];
  for (let i = 0; i < warmup; i++) {
    losses.push(workload.step());
    if (i >= warmup / 2 && (warmup - 1 - i) % Math.max(1, Math.floor(warmup / 10)) === 0 && baseline.length < 5) baseline.push(sample());
  }
  baseline.push(sample());
  const before = baseline.reduce((a, b) => (b.rss > a.rss ? { ...b, heap: Math.max(a.heap, b.heap) } : { ...a, heap: Math.max(a.heap, b.heap) }));
  let peakRss = before.rss;
  for (let i = warmup; i < steps; i++) {
    losses.push(workload.step());
    if (i % 50 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const after = sample();
  const seconds = (performance.now() - started) / 1000;
  const problems: string[] = [];
  if (growth(before.rss, after.rss) > LIMIT) problems.push(`RSS grew ${(100 * growth(before.rss, after.rss)).toFixed(1)}%`);
  if (growth(before.heap, after.heap) > LIMIT) problems.push(`the wasm heap grew ${(100 * growth(before.heap, after.heap)).toFixed(1)}%`);
  if (after.tensors > before.tensors || after.bytes > before.bytes) problems.push(`tfjs holds ${after.tensors} tensors (${after.bytes} bytes), ${before.tensors} (${before.bytes}) after the warm-up`);
  console.log(
    `${workload.name.padEnd(5)} ${steps} steps in ${seconds.toFixed(1)} s (${((1000 * seconds) / steps).toFixed(1)} ms/step), loss ${losses[0]!.toFixed(4)} → ${losses[steps - 1]!.toFixed(4)}\n` +
      `      after the ${warmup}-step warm-up → end: RSS ${mb(before.rss)} → ${mb(after.rss)} (${(100 * growth(before.rss, after.rss)).toFixed(1)}%, peak sampled ${mb(peakRss)}), ` +
      `wasm heap ${mb(before.heap)} → ${mb(after.heap)} (${(100 * growth(before.heap, after.heap)).toFixed(1)}%), ` +
      `tfjs tensors ${before.tensors} → ${after.tensors}, bytes ${before.bytes} → ${after.bytes}\n` +
      `      ${problems.length === 0 ? 'ok' : `FAILED: ${problems.join('; ')}`}`,
  );
  return problems.length === 0;
}

await setBackend('wasm');
const threads = option('--threads');
if (threads !== undefined) setNumThreads(Number(threads));
console.log(`soak: ${steps} steps per model on wasm, ${getNumThreads()} thread(s); limits: RSS and wasm heap +${100 * LIMIT}% after warm-up, no tfjs tensor left`);
if (!(globalThis as { gc?: unknown }).gc) console.log('(run with node --expose-gc for steadier RSS figures; npm run soak does)');
const ok = [cnn(), lstm()].map(soak).every(Boolean);
process.exit(ok ? 0 : 1);
