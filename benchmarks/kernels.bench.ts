/**
 * Suite `kernels`: Sapling's wasm kernels beside raw @tensorflow/tfjs-backend-wasm, same run.
 *
 *   npx tsx benchmarks/kernels.bench.ts [--quick] [--check] [--no-write]
 *
 * - matmul n×n for n = 256 … 2048.
 * - every distinct ResNet-18 convolution, at 224×224 batch 1 (ImageNet stem) and at 32×32
 *   batch 32 (CIFAR stem): Sapling's forward, input gradient and filter gradient, beside raw
 *   tfjs-wasm's forward conv of the same shape.
 * - the whole CIFAR ResNet-18 conv stack (20 convs, batch 32): Sapling forward + both
 *   gradients against raw tfjs-wasm forward only, and PyTorch's time for the same work when
 *   /usr/bin/python3 has torch.
 *
 * "Raw tfjs-wasm" is what a TensorFlow.js user gets: NHWC tensors already in the wasm heap, one
 * `tf.conv2d` / `tf.matMul`, and `dataSync()` to read the result. Sapling's time includes
 * everything its kernels do: copying NCHW data in, the transposes to and from NHWC, and the copy
 * out. Targets (issue 3): forward ratio ≤ 1.10; each gradient ≤ 1.5 × Sapling's forward;
 * stack ≤ 3.6 × raw forward.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Bench } from 'tinybench';
import type * as TF from '@tensorflow/tfjs-core';
import { backendKernels, randn, seededRandom, type Kernels, type Tensor } from '../src/index.js';
import type { Conv2dAttrs } from '../src/autograd/backends/types.js';
import { loadTfWasm } from '../src/autograd/backends/tfjs-wasm.js';
import { formatMachineFacts, machineFacts } from './lib/machine.js';
import { markdownTable } from './lib/table.js';
import { writeResults } from './lib/results.js';
import { parseFlags } from './lib/compare.js';

const flags = parseFlags();
const budget = flags.quick
  ? { time: 50, iterations: 2, warmupTime: 0, warmupIterations: 1 }
  : { time: 1000, iterations: 5, warmupTime: 200, warmupIterations: 1 };

interface Conv {
  readonly name: string;
  readonly x: [number, number, number, number];
  readonly w: [number, number, number, number];
  readonly stride: number;
  readonly pad: number;
}

/** The distinct convolutions of ResNet-18 for an input of `size`² pixels, batch `n`, width scale `s`. */
function resnetConvs(stem: 'imagenet' | 'cifar', n: number, s = 1): Conv[] {
  const c = (k: number) => Math.max(1, Math.round(k / s));
  const convs: Conv[] = stem === 'imagenet'
    ? [{ name: 'conv1 7x7/2', x: [n, 3, 224, 224], w: [c(64), 3, 7, 7], stride: 2, pad: 3 }]
    : [{ name: 'conv1 3x3', x: [n, 3, 32, 32], w: [c(64), 3, 3, 3], stride: 1, pad: 1 }];
  let size = stem === 'imagenet' ? 56 : 32;
  let channels = 64;
  convs.push({ name: 'layer1 3x3', x: [n, c(64), size, size], w: [c(64), c(64), 3, 3], stride: 1, pad: 1 });
  for (const [layer, out] of [[2, 128], [3, 256], [4, 512]] as const) {
    convs.push({ name: `layer${layer}.0.conv1 3x3/2`, x: [n, c(channels), size, size], w: [c(out), c(channels), 3, 3], stride: 2, pad: 1 });
    convs.push({ name: `layer${layer}.0.downsample 1x1/2`, x: [n, c(channels), size, size], w: [c(out), c(channels), 1, 1], stride: 2, pad: 0 });
    size /= 2;
    channels = out;
    convs.push({ name: `layer${layer} 3x3`, x: [n, c(out), size, size], w: [c(out), c(out), 3, 3], stride: 1, pad: 1 });
  }
  return convs;
}

/** How many times each distinct conv occurs in the 20-conv CIFAR ResNet-18 stack. */
const STACK_COUNT: Record<string, number> = { 'conv1 3x3': 1, 'layer1 3x3': 4 };
for (const l of [2, 3, 4]) Object.assign(STACK_COUNT, { [`layer${l}.0.conv1 3x3/2`]: 1, [`layer${l}.0.downsample 1x1/2`]: 1, [`layer${l} 3x3`]: 3 });

const attrsOf = (c: Conv): Conv2dAttrs => ({
  stride: [c.stride, c.stride],
  padding: { top: c.pad, bottom: c.pad, left: c.pad, right: c.pad },
  dilation: [1, 1],
  groups: 1,
});
const outShape = (c: Conv): [number, number, number, number] => {
  const o = Math.floor((c.x[2] + 2 * c.pad - c.w[2]) / c.stride) + 1;
  return [c.x[0], c.w[0], o, o];
};
const convFlops = (c: Conv): number => {
  const [n, o, oh, ow] = outShape(c);
  return 2 * n * o * oh * ow * c.w[1] * c.w[2] * c.w[3];
};

const tf = await loadTfWasm();
const wasm: Kernels = await backendKernels('wasm');
const random = seededRandom(0);

async function timeAll(tasks: Record<string, () => unknown>): Promise<Record<string, { median: number; min: number }>> {
  const bench = new Bench({ ...budget, throws: true });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  const out: Record<string, { median: number; min: number }> = {};
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`${task.name}: ${r.state}`);
    out[task.name] = { median: r.latency.p50, min: r.latency.min };
  }
  return out;
}

/** Raw tfjs: NHWC tensors resident in the wasm heap, one conv, read back. */
function rawConv(c: Conv): { run: () => unknown; dispose: () => void } {
  const x = tf.randomNormal([c.x[0], c.x[2], c.x[3], c.x[1]]) as TF.Tensor4D;
  const f = tf.randomNormal([c.w[2], c.w[3], c.w[1], c.w[0]]) as TF.Tensor4D;
  return {
    run: () => {
      const y = tf.conv2d(x, f, c.stride, [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]]);
      const data = y.dataSync();
      y.dispose();
      return data;
    },
    dispose: () => tf.dispose([x, f]),
  };
}

console.log('# Suite kernels: Sapling wasm kernels vs raw tfjs-backend-wasm (same run)\n');
console.log(formatMachineFacts(machineFacts()));
console.log(`- tfjs: ${tf.version_core}, backend ${tf.getBackend()}${flags.quick ? ' — QUICK MODE (small shapes, indicative only)' : ''}\n`);

// ── matmul ──
const matmulRows: string[][] = [];
const matmulResults: unknown[] = [];
for (const n of flags.quick ? [64, 128] : [256, 512, 1024, 2048]) {
  const a = randn([n, n], { random });
  const b = randn([n, n], { random });
  const ta = tf.tensor(a.storage as Float32Array, [n, n]);
  const tb = tf.tensor(b.storage as Float32Array, [n, n]);
  const t = await timeAll({
    sapling: () => wasm.matmul(a, b),
    raw: () => { const y = tf.matMul(ta, tb); const d = y.dataSync(); y.dispose(); return d; },
  });
  tf.dispose([ta, tb]);
  const gflops = (ms: number) => ((2 * n ** 3) / ms / 1e6).toFixed(1);
  const ratio = t.sapling!.median / t.raw!.median;
  matmulRows.push([`${n}x${n}`, t.sapling!.median.toFixed(2), t.raw!.median.toFixed(2), ratio.toFixed(2), gflops(t.sapling!.median), gflops(t.raw!.median)]);
  matmulResults.push({ op: 'MatMul', shape: [n, n, n], backend: 'wasm', saplingMs: t.sapling, rawMs: t.raw, ratio });
}
console.log('## matmul (target: Sapling / raw ≤ 1.10)\n');
console.log(markdownTable(['shape', 'Sapling ms', 'raw tfjs ms', 'ratio', 'Sapling GFLOP/s', 'raw GFLOP/s'], matmulRows, ['left', 'right', 'right', 'right', 'right', 'right']));

// ── convolutions ──
const convResults: unknown[] = [];
const stackTotals = { sapling: 0, raw: 0 };
for (const [stem, n] of flags.quick ? ([['cifar', 2]] as const) : ([['imagenet', 1], ['cifar', 32]] as const)) {
  const rows: string[][] = [];
  for (const c of resnetConvs(stem, n, flags.quick ? 8 : 1)) {
    const x = randn(c.x, { random });
    const w = randn(c.w, { random });
    const attrs = attrsOf(c);
    const dy = randn(outShape(c), { random });
    const raw = rawConv(c);
    const t = await timeAll({
      raw: raw.run,
      forward: () => wasm.conv2d(x, w, attrs),
      input: () => wasm.conv2dBackpropInput(dy, w, x.shape, attrs),
      filter: () => wasm.conv2dBackpropFilter(x, dy, w.shape, attrs),
    });
    raw.dispose();
    const [rawMs, fwd, dx, dw] = [t.raw!.median, t.forward!.median, t.input!.median, t.filter!.median];
    rows.push([c.name, `[${c.x}]`, `[${c.w}]`, rawMs.toFixed(2), fwd.toFixed(2), (fwd / rawMs).toFixed(2), dx.toFixed(2), (dx / fwd).toFixed(2), dw.toFixed(2), (dw / fwd).toFixed(2), (convFlops(c) / fwd / 1e6).toFixed(1)]);
    convResults.push({ op: 'Conv2d', stem, name: c.name, x: c.x, w: c.w, stride: c.stride, pad: c.pad, backend: 'wasm', rawMs: t.raw, forwardMs: t.forward, inputGradMs: t.input, filterGradMs: t.filter, forwardRatio: fwd / rawMs, inputGradOverForward: dx / fwd, filterGradOverForward: dw / fwd });
    if (stem === 'cifar') {
      const count = STACK_COUNT[c.name] ?? 0;
      stackTotals.sapling += count * (fwd + dx + dw);
      stackTotals.raw += count * rawMs;
    }
  }
  console.log(`\n## ResNet-18 convolutions, ${stem} stem, batch ${n} (targets: fwd/raw ≤ 1.10, dX/fwd and dW/fwd ≤ 1.5)\n`);
  console.log(markdownTable(
    ['conv', 'x', 'w', 'raw fwd ms', 'fwd ms', 'fwd/raw', 'dX ms', 'dX/fwd', 'dW ms', 'dW/fwd', 'fwd GFLOP/s'],
    rows, ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  ));
}

// ── the CIFAR ResNet-18 conv stack, with PyTorch where available ──
function torchStackMs(n: number, scale: number): number | null {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return null;
  const convs = resnetConvs('cifar', n, scale).map((c) => ({ ...c, count: STACK_COUNT[c.name] ?? 0 }));
  const script = `
import json, sys, time
try:
    import torch
except ImportError:
    print('null'); sys.exit(0)
torch.manual_seed(0)
convs = json.loads(sys.argv[1])
work = []
for c in convs:
    x = torch.randn(*c['x'], requires_grad=True)
    w = torch.randn(*c['w'], requires_grad=True)
    work.append((x, w, c['stride'], c['pad'], c['count']))
def step():
    for x, w, s, p, count in work:
        for _ in range(count):
            y = torch.nn.functional.conv2d(x, w, stride=s, padding=p)
            gx, gw = torch.autograd.grad(y, (x, w), torch.ones_like(y))
times = []
step()
for _ in range(${flags.quick ? 2 : 5}):
    t0 = time.perf_counter(); step(); times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(json.dumps({'ms': times[len(times) // 2], 'threads': torch.get_num_threads(), 'version': torch.__version__}))
`;
  const result = spawnSync(python, ['-c', script, JSON.stringify(convs)], { encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) return null;
  const parsed = JSON.parse(result.stdout.trim()) as { ms: number; threads: number; version: string } | null;
  if (parsed === null) return null;
  console.log(`\n(PyTorch ${parsed.version} on ${parsed.threads} threads: forward + both gradients of the same 20 convs)`);
  return parsed.ms;
}

const n = flags.quick ? 2 : 32;
const torchMs = torchStackMs(n, flags.quick ? 8 : 1);
const stackRatio = stackTotals.sapling / stackTotals.raw;
console.log(`\n## CIFAR ResNet-18 conv stack: 20 convs, batch ${n} (target: Sapling fwd+dX+dW ≤ 3.6 × raw tfjs fwd)\n`);
console.log(markdownTable(
  ['work', 'ms', 'ratio to raw tfjs forward'],
  [
    ['raw tfjs-wasm, forward only', stackTotals.raw.toFixed(1), '1.00'],
    ['Sapling wasm, forward + dX + dW', stackTotals.sapling.toFixed(1), stackRatio.toFixed(2)],
    ...(torchMs === null ? [] : [['PyTorch CPU, forward + dX + dW', torchMs.toFixed(1), (torchMs / stackTotals.raw).toFixed(2)]]),
  ],
  ['left', 'right', 'right'],
));
if (torchMs === null) console.log('\n(PyTorch column skipped: /usr/bin/python3 has no torch)');

if (!flags.noWrite) {
  const path = writeResults(flags.quick ? 'kernels-quick' : 'kernels', {
    suite: 'kernels', quick: flags.quick, machine: machineFacts(), date: new Date().toISOString(),
    matmul: matmulResults, conv: convResults,
    stack: { batch: n, saplingMs: stackTotals.sapling, rawForwardMs: stackTotals.raw, ratio: stackRatio, torchMs },
  });
  console.log(`\nresults: ${path}`);
}
if (flags.check) {
  const misses = [
    ...(matmulResults as { ratio: number }[]).filter((r) => r.ratio > 1.1),
    ...(convResults as { forwardRatio: number; inputGradOverForward: number; filterGradOverForward: number }[])
      .filter((r) => r.forwardRatio > 1.1 || r.inputGradOverForward > 1.5 || r.filterGradOverForward > 1.5),
  ];
  if (misses.length > 0 || stackRatio > 3.6) process.exit(1);
}
