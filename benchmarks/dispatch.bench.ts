/**
 * Suite `dispatch`: what one small op costs beyond its arithmetic — a chain of 60 elementwise ops
 * (add, mul, relu, repeated) on an [8, 8] float32 tensor, in µs per op, for Sapling on its cpu
 * and wasm backends (its elementwise kernels are the same TypeScript loops on both), TensorFlow.js
 * on tfjs-backend-wasm and tfjs-backend-cpu, and PyTorch (timed in its own process).
 *
 *   npx tsx benchmarks/dispatch.bench.ts [--quick] [--no-write]
 *
 * Three modes: `inference` (Sapling under noGrad; tfjs inside tidy; torch.no_grad), `recording`
 * (the leaf requires a gradient, so every op also records a graph node), and `backward` (the
 * recorded chain, summed, then backpropagated: about twice the ops, counted as 60). Issue 23
 * asks for this figure so that cuts in per-op bookkeeping can be measured; no target is judged.
 * tfjs has no recording mode: its `recording` and `backward` rows use tf.grad, which records
 * the chain and runs its gradient in one call.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients (tf.grad needs them)
import { add, mul, noGrad, relu, setBackend, seededRandom, sum, tensor, type Tensor } from '../src/index.js';
import { parseFlags } from './lib/compare.js';
import { timeInterleaved, type InterleaveBudget } from './lib/interleave.js';
import { formatMachineFacts, machineFacts } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { markdownTable } from './lib/table.js';

const SUITE = 'dispatch';
const flags = parseFlags();
const OPS = 60;
const SHAPE = [8, 8];
const budget: InterleaveBudget = flags.quick
  ? { warmupRounds: 5, minRounds: 10, maxRounds: 10, minTimeMs: 0 }
  : { warmupRounds: 200, minRounds: 300, maxRounds: 20_000, minTimeMs: 3000 };

const random = seededRandom(1);
const values = Float32Array.from({ length: SHAPE[0]! * SHAPE[1]! }, () => random() - 0.5);
const [a, b] = [tensor([0.01]), tensor([0.99])];

/** OPS ops: (x + a) · b, then relu, repeated. */
function chain(x: Tensor): Tensor {
  let y = x;
  for (let i = 0; i < OPS / 3; i++) y = relu(mul(add(y, a), b));
  return y;
}
function tfChain(x: tf.Tensor, ta: tf.Tensor, tb: tf.Tensor): tf.Tensor {
  let y = x;
  for (let i = 0; i < OPS / 3; i++) y = tf.relu(tf.mul(tf.add(y, ta), tb));
  return y;
}

type Mode = 'inference' | 'recording' | 'backward';
const MODES: readonly Mode[] = ['inference', 'recording', 'backward'];

function saplingTasks(): Record<Mode, () => unknown> {
  const x = tensor(values, SHAPE);
  const leaf = tensor(values, SHAPE).requiresGrad_();
  return {
    inference: () => noGrad(() => chain(x)),
    recording: () => chain(leaf),
    backward: () => {
      leaf.grad = null;
      sum(chain(leaf)).backward();
      return leaf.grad;
    },
  };
}

function tfjsTasks(): Record<Mode, () => unknown> {
  const x = tf.tensor(values, SHAPE);
  const [ta, tb] = [tf.scalar(0.01), tf.scalar(0.99)];
  const grad = tf.grad((t: tf.Tensor) => tf.sum(tfChain(t, ta, tb)));
  return {
    inference: () => tf.tidy(() => tfChain(x, ta, tb).dataSync()),
    recording: () => tf.tidy(() => grad(x).dataSync()),
    backward: () => tf.tidy(() => grad(x).dataSync()),
  };
}

/** µs per op from PyTorch, timed in its own process (null and a reason when it cannot run). */
function torchFigures(): Record<Mode, number> | string {
  if (flags.quick) return 'not run with --quick';
  if (!existsSync('/usr/bin/python3')) return 'no /usr/bin/python3';
  const script = `
import json, time
try:
    import torch
except ImportError:
    print(json.dumps({'error': 'no torch'})); raise SystemExit
torch.set_num_threads(1)
torch.manual_seed(0)
x = torch.rand(${SHAPE[0]}, ${SHAPE[1]}) - 0.5
a, b = torch.tensor([0.01]), torch.tensor([0.99])
def chain(y):
    for i in range(${OPS / 3}):
        y = torch.relu((y + a) * b)
    return y
leaf = x.clone().requires_grad_()
def inference():
    with torch.no_grad():
        chain(x)
def recording():
    chain(leaf)
def backward():
    leaf.grad = None
    chain(leaf).sum().backward()
out = {}
for name, f in [('inference', inference), ('recording', recording), ('backward', backward)]:
    for i in range(200): f()
    times = []
    t_end = time.perf_counter() + 1.0
    while time.perf_counter() < t_end or len(times) < 300:
        t0 = time.perf_counter(); f(); times.append(time.perf_counter() - t0)
    times.sort()
    out[name] = times[len(times) // 2] * 1e6 / ${OPS}
out['version'] = torch.__version__
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) return `the script failed: ${(r.stderr || String(r.error)).trim().split('\n').at(-1)}`;
  const parsed = JSON.parse(r.stdout.trim()) as Record<Mode, number> | { error: string };
  return 'error' in parsed ? parsed.error : parsed;
}

const perOp = (ms: number): number => (ms * 1000) / OPS;

async function main(): Promise<void> {
  tf.enableProdMode();
  const rows: Record<string, Record<Mode, number>> = {};
  const loads: string[] = [];
  // Sapling's wasm backend loads tfjs-wasm into the shared tfjs engine: time tfjs on wasm beside it.
  await setBackend('wasm', { threads: 1 });
  for (const [side, tasks] of [['Sapling wasm', saplingTasks()], ['tfjs-backend-wasm', tfjsTasks()]] as const) {
    const r = await timeInterleaved(tasks, budget);
    rows[side] = Object.fromEntries(MODES.map((m) => [m, perOp(r.stats[m].medianMs)])) as Record<Mode, number>;
    loads.push(`${side}: load ${r.load.loadavg1.toFixed(2)}, others ${r.load.othersCores?.toFixed(2) ?? 'n/a'} cores`);
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('could not select the tfjs cpu backend');
  await setBackend('cpu');
  for (const [side, tasks] of [['Sapling cpu', saplingTasks()], ['tfjs-backend-cpu', tfjsTasks()]] as const) {
    const r = await timeInterleaved(tasks, budget);
    rows[side] = Object.fromEntries(MODES.map((m) => [m, perOp(r.stats[m].medianMs)])) as Record<Mode, number>;
    loads.push(`${side}: load ${r.load.loadavg1.toFixed(2)}, others ${r.load.othersCores?.toFixed(2) ?? 'n/a'} cores`);
  }
  const torch = torchFigures();
  if (typeof torch !== 'string') rows['PyTorch (1 thread)'] = torch;

  console.log(`# Suite dispatch: µs per small op (a chain of ${OPS} on [${SHAPE}] float32)${flags.quick ? ' — QUICK MODE (indicative only)' : ''}\n`);
  console.log(`${formatMachineFacts(machineFacts())}\n`);
  console.log(markdownTable(['side', 'inference µs/op', 'recording µs/op', 'record + backward µs/op'],
    Object.entries(rows).map(([side, r]) => [side, ...MODES.map((m) => r[m].toFixed(2))]), ['left', 'right', 'right', 'right']));
  console.log(`\n${loads.join('; ')}`);
  if (typeof torch === 'string') console.log(`(PyTorch skipped: ${torch})`);
  console.log('tfjs has no separate recording mode: its recording and backward rows are both tf.grad of the chain.');
  if (!flags.noWrite) {
    const path = writeResults(flags.quick ? `${SUITE}-quick` : SUITE, { suite: SUITE, date: new Date().toISOString(), mode: flags.quick ? 'quick' : 'full', machine: machineFacts(), ops: OPS, shape: SHAPE, microsecondsPerOp: rows, loads });
    console.log(`results: ${path}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
