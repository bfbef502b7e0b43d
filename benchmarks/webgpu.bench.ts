/**
 * Suite `webgpu`: Sapling's webgpu backend beside raw @tensorflow/tfjs-backend-webgpu on the same
 * adapter in the same run, and beside Sapling's wasm backend.
 *
 *   npx tsx benchmarks/webgpu.bench.ts [--quick] [--full] [--check] [--no-write]
 *   (no GPU: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, see docs/webgpu.md)
 *
 * - matmul n×n, n = 512 … 4096 in GFLOP/s (sizes past the time budget are skipped, and named);
 * - every distinct ResNet-18 convolution (CIFAR stem, 32×32): forward, input and filter gradient,
 *   raw tfjs with NHWC tensors (a tfjs user's layout; Sapling's NCHW includes its transposes);
 * - a training step of the MNIST CNN and of ResNet-18 on CIFAR-sized input: Sapling's step,
 *   the sum of its kernels' times (each kernel of one step replayed alone), and wasm's step.
 *   (No raw tfjs step: tfjs-core alone registers no gradients in Node — that takes the
 *   @tensorflow/tfjs union package, which Sapling does not install — so raw tfjs appears
 *   kernel by kernel, in the tables above.)
 * - batch-1 ResNet-18 inference, beside raw tfjs's conv stack (the 20 convolutions alone).
 * Every GPU time waits for the queue (`onSubmittedWorkDone`) after submitting, for both libraries.
 *
 * On a software adapter (SwiftShader, lavapipe) the times measure a CPU emulating a GPU: only
 * correctness and the ratios to raw tfjs on the same adapter mean anything, and the shapes are
 * shrunk (batch, width) to finish; `--full` uses the real ones (run it on a real GPU).
 * Targets (issue 22): kernels within 1.10× raw tfjs-webgpu; a training step within 1.3× the sum
 * of its kernels' times.
 */
import type * as TF from '@tensorflow/tfjs-core';
import {
  F, backendKernels, manualSeed, noGrad, optim, randint, randn, setBackend, useKernels, webgpuMemory,
  type Kernels, type Module, type Tensor,
} from '../src/index.js';
import type { Conv2dAttrs } from '../src/autograd/backends/types.js';
import { flush, gpu } from '../src/autograd/backends/webgpu/gpu.js';
import { im2colRoute } from '../src/autograd/backends/webgpu/conv-im2col.js';
import { adjointRoute } from '../src/autograd/backends/webgpu/linalg.js';
import { permute } from '../src/autograd/backends/webgpu/movement.js';
import { runTfjs } from '../src/autograd/backends/webgpu/tfjs-bridge.js';
import { ResNet18 } from '../src/models/resnet18.js';
import { mnistCnn } from '../src/models/mnist-cnn.js';
import { parseFlags } from './lib/compare.js';
import { formatMachineFacts, machineFacts } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { markdownTable } from './lib/table.js';
import { issue22Targets, type WebgpuKernelRatio, type WebgpuStep } from './lib/targets.js';

const argv = process.argv.slice(2);
const full = argv.includes('--full');
const flags = parseFlags(argv.filter((a) => a !== '--full'));

let sapling: Kernels;
try {
  sapling = await backendKernels('webgpu');
} catch (error) {
  console.log(`webgpu suite skipped: ${(error as Error).message}`);
  process.exit(0);
}
const { adapter, device } = gpu();
const software = /swiftshader|llvmpipe|lavapipe|software/i.test(adapter);
const big = full || !software;
const tf: typeof TF = await import('@tensorflow/tfjs-core');
const REPS = flags.quick ? 1 : 3;
/** Stop growing a size once one call takes longer than this (ms). */
const BUDGET = flags.quick ? 2_000 : 30_000;

console.log(`adapter: ${adapter}${software ? ' (software: only correctness and ratios to raw tfjs mean anything)' : ''}`);
console.log(formatMachineFacts(machineFacts()));
console.log(`shapes: ${big ? 'full' : 'shrunk for a software adapter (--full for the real ones)'}\n`);

/** Waits until the GPU has done everything submitted so far. */
async function settle(): Promise<void> {
  flush();
  await device.queue.onSubmittedWorkDone();
}

/** Median ms of `run` (which records GPU work) over REPS timed calls after one warm-up (shader compilation). */
async function timeGpu(run: () => void | Promise<void>): Promise<number> {
  await run();
  await settle();
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const start = performance.now();
    await run();
    await settle();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

/**
 * Sapling's and raw tfjs's medians, timed alternately (one of each per round, after a warm-up
 * of each), and the median of the per-round ratios: a change in the machine's load then hits
 * both alike. `raw` runs with tfjs's webgpu backend active.
 */
async function timePair(ours: () => void, theirs: () => void): Promise<{ ours: number; raw: number; ratio: number }> {
  const once = async (run: () => void) => {
    const start = performance.now();
    run();
    await settle();
    return performance.now() - start;
  };
  await once(ours);
  await raw(() => once(theirs));
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < Math.max(REPS, 3); i++) {
    a.push(await once(ours));
    b.push(await raw(() => once(theirs)));
  }
  const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
  return { ours: median(a), raw: median(b), ratio: median(a.map((t, i) => t / b[i]!)) };
}

/** Median ms of a host-synchronous call (the wasm backend). */
function timeHost(run: () => void): number {
  run();
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const ms = (t: number): string => (Number.isFinite(t) ? t.toFixed(t < 10 ? 2 : 0) : '—');
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) ? (a / b).toFixed(2) : '—');
const results: Record<string, unknown> = { adapter, software, full: big };
let missed = 0;
const kernelRatios: WebgpuKernelRatio[] = [];
const stepTargets: WebgpuStep[] = [];
const wasm = await backendKernels('wasm');

/**
 * Runs raw tfjs code on tfjs's webgpu backend (the same device: open.ts registered it), then
 * gives tfjs back to Sapling's wasm kernels, which run on tfjs's active backend.
 */
async function raw<T>(fn: () => Promise<T> | T): Promise<T> {
  await tf.setBackend('webgpu');
  try {
    return await fn();
  } finally {
    await tf.setBackend('wasm');
  }
}

// ── matmul ──
{
  const rows: string[][] = [];
  const skipped: number[] = [];
  for (const n of flags.quick ? [512] : [512, 1024, 2048, 4096]) {
    if (skipped.length > 0) {
      skipped.push(n);
      continue;
    }
    const [a, b] = [randn([n, n]), randn([n, n])];
    const [ga, gb] = [await a.to('webgpu'), await b.to('webgpu')];
    const [ra, rb] = await raw(() => [tf.randomNormal([n, n]), tf.randomNormal([n, n])]);
    const t = await timePair(() => sapling.matmul(ga, gb).dispose(), () => tf.matMul(ra, rb).dispose());
    tf.dispose([ra, rb]);
    const ours = t.ours;
    const host = n <= 1024 ? timeHost(() => wasm.matmul(a, b)) : Number.NaN;
    const gflops = (ms: number) => ((2 * n ** 3) / ms / 1e6).toFixed(2);
    rows.push([`${n}`, ms(ours), ms(t.raw), t.ratio.toFixed(2), gflops(ours), gflops(t.raw), ms(host)]);
    kernelRatios.push({ family: 'matmul', name: `${n}`, ratio: t.ratio });
    if (t.ratio > 1.1) missed++;
    if (ours > BUDGET) skipped.push(n * 2);
  }
  console.log(markdownTable(['matmul n', 'Sapling webgpu ms', 'raw tfjs-webgpu ms', 'ratio', 'Sapling GFLOP/s', 'raw GFLOP/s', 'Sapling wasm ms'], rows));
  if (skipped.length > 0) console.log(`(skipped n = ${skipped.filter((n) => n <= 4096).join(', ')}: past the ${BUDGET / 1000} s budget on this adapter)`);
  results.matmul = rows;
}

// ── ResNet-18 convolutions ──
interface Conv { readonly name: string; readonly x: [number, number, number, number]; readonly w: [number, number, number, number]; readonly stride: number; readonly pad: number }

/** The distinct convolutions of a CIFAR-stem ResNet-18 of `width` on 32×32 input, batch `n`. */
function resnetConvs(n: number, width: number): Conv[] {
  const c = (k: number) => (k * width) / 64;
  const convs: Conv[] = [{ name: 'conv1 3x3', x: [n, 3, 32, 32], w: [c(64), 3, 3, 3], stride: 1, pad: 1 }];
  convs.push({ name: 'layer1 3x3', x: [n, c(64), 32, 32], w: [c(64), c(64), 3, 3], stride: 1, pad: 1 });
  let [size, channels] = [32, 64];
  for (const [layer, out] of [[2, 128], [3, 256], [4, 512]] as const) {
    convs.push({ name: `layer${layer}.0.conv1 3x3/2`, x: [n, c(channels), size, size], w: [c(out), c(channels), 3, 3], stride: 2, pad: 1 });
    convs.push({ name: `layer${layer}.0.downsample 1x1/2`, x: [n, c(channels), size, size], w: [c(out), c(channels), 1, 1], stride: 2, pad: 0 });
    [size, channels] = [size / 2, out];
    convs.push({ name: `layer${layer} 3x3`, x: [n, c(out), size, size], w: [c(out), c(out), 3, 3], stride: 1, pad: 1 });
  }
  return convs;
}

const attrsOf = (c: Conv): Conv2dAttrs => ({ stride: [c.stride, c.stride], padding: { top: c.pad, bottom: c.pad, left: c.pad, right: c.pad }, dilation: [1, 1], groups: 1 });
const outOf = (c: Conv): [number, number, number, number] => {
  const o = Math.floor((c.x[2] + 2 * c.pad - c.w[2]) / c.stride) + 1;
  return [c.x[0], c.w[0], o, o];
};

{
  const [batch, width] = flags.quick ? [1, 8] : big ? [32, 64] : [1, 16];
  const rows: string[][] = [];
  let raws = 0;
  for (const c of resnetConvs(batch, width)) {
    const attrs = attrsOf(c);
    const y = outOf(c);
    const [x, w, dy] = await Promise.all([randn(c.x).to('webgpu'), randn(c.w).to('webgpu'), randn(y).to('webgpu')]);
    const nhwc = (s: readonly number[]) => [s[0]!, s[2]!, s[3]!, s[1]!] as [number, number, number, number];
    const pad = [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]];
    const [rx, rw, rdy] = await raw(() => [tf.randomNormal(nhwc(c.x)), tf.randomNormal([c.w[2], c.w[3], c.w[1], c.w[0]]), tf.randomNormal(nhwc(y))]);
    const fwd = await timePair(() => sapling.conv2d(x, w, attrs).dispose(), () => tf.conv2d(rx as TF.Tensor4D, rw as TF.Tensor4D, c.stride, c.pad === 0 ? 'valid' : (pad as Parameters<typeof tf.conv2d>[3])).dispose());
    const dX = await timePair(() => sapling.conv2dBackpropInput(dy, w, c.x, attrs).dispose(), () => (tf.engine().runKernel('Conv2DBackpropInput', { dy: rdy, filter: rw }, { inputShape: nhwc(c.x), strides: [c.stride, c.stride], pad, dataFormat: 'NHWC' }) as TF.Tensor).dispose());
    const dW = await timePair(() => sapling.conv2dBackpropFilter(x, dy, c.w, attrs).dispose(), () => (tf.engine().runKernel('Conv2DBackpropFilter', { x: rx, dy: rdy }, { strides: [c.stride, c.stride], pad, dataFormat: 'NHWC', filterShape: [c.w[2], c.w[3], c.w[1], c.w[0]] }) as TF.Tensor).dispose());
    // Where the forward time goes: the NHWC route pays two transposes (x in, y out) around tfjs's
    // kernel, timed here alone; the NCHW im2col route (conv-im2col.ts) and the adjoint's input
    // gradient (stride-1 spatial convs, linalg.ts) pay none.
    const adjoint = adjointRoute(attrs, c.w[2], c.w[3]);
    const nchw = adjoint || im2colRoute(y) || (c.w[2] === 1 && c.stride === 1 && c.pad === 0);
    const transposes = nchw ? 0 : await timeGpu(() => {
      permute(x, [0, 2, 3, 1]).dispose();
      permute(dy, [0, 2, 3, 1]).dispose();
    });
    // Where an NCHW route runs, the NHWC route it replaced, timed against raw tfjs in the same run.
    const hwio = permute(w, [2, 3, 1, 0]);
    const nhwcRoute = nchw ? await timePair(() => {
      const xt = permute(x, [0, 2, 3, 1]);
      const yt = runTfjs('Conv2D', { x: { t: xt }, filter: { t: hwio } }, { strides: [c.stride, c.stride], pad, dataFormat: 'NHWC', dilations: [1, 1] }, nhwc(y), 'float32');
      permute(yt, [0, 3, 1, 2]).dispose();
      xt.dispose();
      yt.dispose();
    }, () => tf.conv2d(rx as TF.Tensor4D, rw as TF.Tensor4D, c.stride, c.pad === 0 ? 'valid' : (pad as Parameters<typeof tf.conv2d>[3])).dispose()) : null;
    hwio.dispose();
    tf.dispose([rx!, rw!, rdy!]);
    raws += fwd.raw;
    for (const t of [fwd, dX, dW]) if (t.ratio > 1.1) missed++;
    for (const [family, t] of [['conv forward', fwd], ['conv input gradient', dX], ['conv filter gradient', dW]] as const) kernelRatios.push({ family, name: c.name, ratio: t.ratio });
    rows.push([c.name, `[${c.x}] ⊛ [${c.w}]`, nchw ? `${adjoint ? 'adjoint\'s input gradient' : 'NCHW im2col'} (NHWC route: ${nhwcRoute!.ratio.toFixed(2)})` : `NHWC, transposes ${ms(transposes)}`, ...[fwd, dX, dW].flatMap((t) => [ms(t.ours), ms(t.raw), t.ratio.toFixed(2)])]);
    for (const t of [x, w, dy]) t.dispose();
  }
  console.log(`\nResNet-18 convolutions (CIFAR stem, batch ${batch}, width ${width}); raw tfjs NHWC:`);
  console.log(markdownTable(['conv', 'shape', 'forward route', 'fwd ms', 'raw ms', 'ratio', 'dX ms', 'raw ms', 'ratio', 'dW ms', 'raw ms', 'ratio'], rows));
  console.log('(input gradient: our NCHW implicit GEMM, conv-input-gemm.ts; filter gradient: our NCHW loop, tfjs\'s algorithm without transposes)');
  results.convs = { batch, width, rows, rawForwardSum: raws };
}

// ── training steps and inference ──

/** Records the top-level kernel calls of `run` (their arguments kept alive), then times each alone. */
async function kernelSum(run: () => void): Promise<{ sum: number; calls: number }> {
  const calls: [string, unknown[]][] = [];
  const recording = Object.fromEntries(Object.entries(sapling).map(([name, k]) => [name, typeof k !== 'function' ? k : (...args: unknown[]) => {
    calls.push([name, args]);
    return (k as (...a: unknown[]) => unknown)(...args);
  }])) as unknown as Kernels;
  const previous = useKernels(recording);
  try {
    run();
  } finally {
    useKernels(previous);
  }
  await settle();
  let sum = 0;
  for (const [name, args] of calls) sum += await timeGpu(() => void (sapling as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args));
  return { sum, calls: calls.length };
}

/** One training step of `model` on (x, y) with `opt`. */
const trainStep = (model: Module<[Tensor], Tensor>, opt: optim.Adam | optim.SGD, x: Tensor, y: Tensor) => (): void => {
  opt.zeroGrad();
  F.crossEntropy(model.forward(x), y).backward();
  opt.step();
};

async function stepRow(name: string, make: () => Module<[Tensor], Tensor>, xShape: number[], classes: number, optimizer: 'adam' | 'sgd'): Promise<string[]> {
  const newOpt = (m: Module<[Tensor], Tensor>) => (optimizer === 'adam' ? new optim.Adam(m.parameters(), { lr: 1e-3 }) : new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }));
  const x = randn(xShape);
  const y = randint(0, classes, [xShape[0]!]);
  await setBackend('webgpu');
  manualSeed(0);
  const model = make();
  await model.to('webgpu');
  model.train();
  const gx = await x.to('webgpu');
  const opt = newOpt(model);
  const step = trainStep(model, opt, gx, y);
  const ours = await timeGpu(step);
  const reads = webgpuMemory()!.reads;
  step();
  await settle();
  const readsInStep = webgpuMemory()!.reads - reads;
  const { sum, calls } = await kernelSum(step);
  await setBackend('wasm');
  manualSeed(0);
  const hostModel = make();
  hostModel.train();
  const host = timeHost(trainStep(hostModel, newOpt(hostModel), x, y));
  await setBackend('webgpu');
  if (ours / sum > 1.3) missed++;
  stepTargets.push({ model: name, stepMs: ours, sumMs: sum, reads: readsInStep });
  return [name, `[${xShape}]`, ms(ours), ms(sum), `${calls}`, ratio(ours, sum), `${readsInStep}`, ms(host)];
}

{
  const rows: string[][] = [];
  const mnistBatch = flags.quick ? 4 : big ? 64 : 16;
  rows.push(await stepRow('MNIST CNN, Adam', mnistCnn, [mnistBatch, 1, 28, 28], 10, 'adam'));
  const [batch, width] = flags.quick ? [2, 8] : big ? [32, 64] : [4, 16];
  rows.push(await stepRow(`ResNet-18 CIFAR (width ${width}), SGD`, () => new ResNet18({ width, numClasses: 10, stem: 'cifar' }), [batch, 3, 32, 32], 10, 'sgd'));
  console.log('\nTraining steps (target: step ≤ 1.3 × the sum of its kernels, each replayed alone):');
  console.log(markdownTable(['model', 'input', 'Sapling webgpu step ms', 'sum of its kernels ms', 'kernels', 'step / sum', 'reads in a step', 'Sapling wasm step ms'], rows));
  results.steps = rows;

}

{
  const size = big ? 224 : 32;
  const stem = big ? 'imagenet' : 'cifar';
  const width = flags.quick ? 8 : 64;
  await setBackend('webgpu');
  const model = new ResNet18({ width, numClasses: 1000, stem });
  model.eval();
  await model.to('webgpu');
  const x = await randn([1, 3, size, size]).to('webgpu');
  const ours = await timeGpu(() => noGrad(() => model.forward(x).dispose()));
  await setBackend('wasm');
  const hostModel = new ResNet18({ width, numClasses: 1000, stem });
  hostModel.eval();
  const hostX = randn([1, 3, size, size]);
  const host = timeHost(() => noGrad(() => hostModel.forward(hostX)));
  await setBackend('webgpu');
  console.log(`\nbatch-1 ResNet-18 inference (${stem} stem, ${size}×${size}, width ${width}): Sapling webgpu ${ms(ours)} ms, Sapling wasm ${ms(host)} ms`);
  results.inference = { size, stem, width, webgpu: ours, wasm: host };
}

console.log(`\nmemory: ${JSON.stringify(webgpuMemory())}`);
results.kernelRatios = kernelRatios;
results.stepTargets = stepTargets;
const targets = issue22Targets(results);
console.log(`\nIssue 22 targets (${software ? 'software adapter: ratios only' : adapter}):`);
console.log(markdownTable(['target', 'measured', 'ratio', 'bound', 'verdict'], targets.map((r) => [r.target, r.measured, r.ratio === null ? '—' : r.ratio.toFixed(2), r.bound, r.verdict])));
console.log(`every kernel ratio: ${kernelRatios.map((k) => `${k.family} ${k.name} ${k.ratio.toFixed(2)}`).join('; ')}`);
if (!flags.noWrite) console.log(`results: ${writeResults('webgpu', results)}`);
if (flags.check && missed > 0) {
  console.log(`${missed} ratio(s) missed their target`);
  process.exit(1);
}
process.exit(0);
