/**
 * attention — the scaledDotProductAttention op, forward and forward+backward, on Sapling's cpu
 * and wasm kernels, at batch 8, 4 heads, head dim 64 and T = 128 and 512 (self-attention, no
 * mask, and causal), and where the time goes: one forward+backward with every kernel call timed
 * and summed by kernel (matmul, each elementwise op, reductions, movement); then the wasm
 * matmul kernel on the op's batched products, as one call and as one call per product.
 *
 *   npx tsx benchmarks/attention.bench.ts [--quick] [--no-write]
 *
 * --quick: T = 16 and 32, two rounds. Beside Sapling, where /usr/bin/python3 has torch, PyTorch
 * runs the same maths (softmax(QKᵀ/√d)V written out, 1.13 having no fused op) with as many
 * threads as Sapling's wasm kernels use, stepped in the same rounds (lib/torch-stepper.ts).
 * Inputs are float32, seeded, made outside the timed code; dO is a fixed random tensor. There is
 * no target: the issue's `transformer` suite sets them; this file tells where the time goes.
 */
import { backendKernels, getNumThreads, randn, scaledDotProductAttention, seededRandom, useKernels, type Kernels, type Tensor } from '../src/index.js';
import { parseFlags } from './lib/compare.js';
import { timeInterleaved, type InterleaveBudget } from './lib/interleave.js';
import { formatMachineFacts, machineFacts } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { formatMs, markdownTable } from './lib/table.js';
import { startTorch, type TorchStepper } from './lib/torch-stepper.js';

const SUITE = 'attention';
const flags = parseFlags();
const quick = flags.quick;
const [BATCH, HEADS, DIM] = [8, 4, 64];
const LENGTHS = quick ? [16, 32] : [128, 512];
const budget: InterleaveBudget = quick
  ? { warmupRounds: 1, minRounds: 2, maxRounds: 2, minTimeMs: 0 }
  : { warmupRounds: 1, minRounds: 3, maxRounds: 8, minTimeMs: 20000 };

interface Inputs { readonly q: Tensor; readonly k: Tensor; readonly v: Tensor; readonly dO: Tensor }

function inputs(T: number): Inputs {
  const random = seededRandom(T);
  const shape = [BATCH, HEADS, T, DIM];
  return { q: randn(shape, { random }), k: randn(shape, { random }), v: randn(shape, { random }), dO: randn(shape, { random }) };
}

/** One forward, or one forward and backward (fresh leaves each time, so gradients never accumulate). */
function run(x: Inputs, backward: boolean, isCausal: boolean): number {
  const [q, k, v] = [x.q, x.k, x.v].map((t) => t.detach().requiresGrad_(backward));
  const o = scaledDotProductAttention(q!, k!, v!, { isCausal });
  if (backward) o.backward(x.dO);
  return o.numel();
}

/** The kernels with every call timed into `totals`, keyed by kernel (and op, for the elementwise ones). */
function timedKernels(k: Kernels, totals: Map<string, { ms: number; calls: number }>): Kernels {
  const wrapped: Record<string, unknown> = { ...k };
  for (const [name, fn] of Object.entries(k)) {
    if (typeof fn !== 'function') continue;
    wrapped[name] = (...args: unknown[]): unknown => {
      const op = typeof args[0] === 'string' ? `${name}:${args[0]}` : typeof args[0] === 'object' && args[0] !== null && 'kind' in args[0] ? `${name}:${String((args[0] as { kind: unknown }).kind)}` : name;
      const t0 = performance.now();
      try {
        return (fn as (...a: unknown[]) => unknown).apply(k, args);
      } finally {
        const entry = totals.get(op) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - t0;
        entry.calls++;
        totals.set(op, entry);
      }
    };
  }
  return wrapped as unknown as Kernels;
}

/** PyTorch's step: the same forward and backward, written out. */
const torchSetup = (T: number, isCausal: boolean): string => `
B, H, T, D = ${BATCH}, ${HEADS}, ${T}, ${DIM}
q0, k0, v0, dO = (torch.randn(B, H, T, D) for _ in range(4))
mask = torch.ones(T, T, dtype=torch.bool).tril() if ${isCausal ? 'True' : 'False'} else None
def step(i):
    q, k, v = (t.detach().requires_grad_() for t in (q0, k0, v0))
    a = q @ k.transpose(-2, -1) / D ** 0.5
    if mask is not None: a = a.masked_fill(~mask, float('-inf'))
    o = torch.softmax(a, -1) @ v
    o.backward(dO)
`;

/**
 * The wasm matmul kernel on the op's two product shapes, B·H = 32 products of [T, 64]·[64, T]
 * (QKᵀ) and of [T, T]·[T, 64] (PV): one batched call against one call per product (fastest of 3).
 */
function batchedVersusSingle(wasm: Kernels, T: number): string[][] {
  const random = seededRandom(1);
  const n = BATCH * HEADS;
  const fastest = (f: () => void): number => {
    f();
    let best = Infinity;
    for (let i = 0; i < 3; i++) { const t0 = performance.now(); f(); best = Math.min(best, performance.now() - t0); }
    return best;
  };
  const flops = 2 * n * T * T * DIM;
  return ([['QKᵀ', [T, DIM], [DIM, T]], ['PV', [T, T], [T, DIM]]] as const).map(([what, sa, sb]) => {
    const a = randn([n, ...sa], { random });
    const b = randn([n, ...sb], { random });
    const as = Array.from({ length: n }, () => randn(sa, { random }));
    const bs = Array.from({ length: n }, () => randn(sb, { random }));
    const batched = fastest(() => wasm.matmul(a, b));
    const single = fastest(() => { for (let i = 0; i < n; i++) wasm.matmul(as[i]!, bs[i]!); });
    return [`T = ${T}, ${what}: ${n} × [${sa.join('×')}]·[${sb.join('×')}]`, formatMs(batched), formatMs(single), (flops / batched / 1e6).toFixed(1), (flops / single / 1e6).toFixed(1)];
  });
}

async function main(): Promise<void> {
  const machine = machineFacts();
  console.log(formatMachineFacts(machine));
  const cpu = await backendKernels('cpu');
  const wasm = await backendKernels('wasm');
  const threads = getNumThreads();
  console.log(`scaledDotProductAttention, float32, batch ${BATCH}, ${HEADS} heads, head dim ${DIM}; wasm kernels on ${threads} thread(s)${quick ? ' (quick)' : ''}\n`);
  const rows: string[][] = [];
  const results: Record<string, unknown>[] = [];
  for (const T of LENGTHS) {
    for (const isCausal of [false, true]) {
      const x = inputs(T);
      const torch: TorchStepper | string = quick ? 'not run with --quick' : await startTorch(torchSetup(T, isCausal), threads, 2);
      const on = (k: Kernels, backward: boolean) => (): number => { const before = useKernels(k); try { return run(x, backward, isCausal); } finally { useKernels(before); } };
      const tasks: Record<string, () => unknown> = {
        'cpu forward': on(cpu, false), 'cpu forward+backward': on(cpu, true),
        'wasm forward': on(wasm, false), 'wasm forward+backward': on(wasm, true),
      };
      if (typeof torch !== 'string') tasks['PyTorch forward+backward'] = () => torch.step();
      let r: Awaited<ReturnType<typeof timeInterleaved<string>>>;
      try {
        r = await timeInterleaved(tasks, budget);
      } finally {
        if (typeof torch !== 'string') torch.close();
      }
      const ms = (name: string): number => r.stats[name]!.medianMs;
      const flops = 6 * 2 * BATCH * HEADS * T * T * DIM; //                          6 matmuls of 2·T·T·D each per head: 2 forward, 4 backward
      const what = `T = ${T}${isCausal ? ', causal' : ''}`;
      for (const backend of ['cpu', 'wasm'] as const) {
        const fb = ms(`${backend} forward+backward`);
        rows.push([what, backend, formatMs(ms(`${backend} forward`)), formatMs(fb), (flops / fb / 1e6).toFixed(1)]);
      }
      const torchMs = typeof torch === 'string' ? null : ms('PyTorch forward+backward');
      rows.push([what, typeof torch === 'string' ? `PyTorch (${torch})` : `PyTorch ${torch.version}, ${torch.threads} thread(s)`, '', torchMs === null ? '–' : formatMs(torchMs), torchMs === null ? '' : (flops / torchMs / 1e6).toFixed(1)]);
      // where the time goes: one forward+backward per backend with every kernel call timed
      const breakdown: Record<string, Record<string, { ms: number; calls: number }>> = {};
      for (const [name, k] of [['cpu', cpu], ['wasm', wasm]] as const) {
        const totals = new Map<string, { ms: number; calls: number }>();
        const before = useKernels(timedKernels(k, totals));
        const t0 = performance.now();
        try { run(x, true, isCausal); } finally { useKernels(before); }
        const wall = performance.now() - t0;
        const sorted = [...totals].sort((a, b) => b[1].ms - a[1].ms);
        breakdown[name] = Object.fromEntries(sorted);
        const inKernels = sorted.reduce((s, [, e]) => s + e.ms, 0);
        console.log(`${what}, ${name}: one forward+backward ${formatMs(wall)} ms, ${formatMs(inKernels)} ms in kernels: ` +
          sorted.slice(0, 8).map(([op, e]) => `${op} ${formatMs(e.ms)} (${e.calls}×)`).join(', '));
      }
      results.push({ T, isCausal, medianMs: Object.fromEntries(Object.keys(tasks).map((n) => [n, ms(n)])), load: r.load, breakdown });
      console.log(`  load average ${r.load.loadavg1.toFixed(2)}${r.load.othersCores === null ? '' : `, other processes used ${r.load.othersCores.toFixed(2)} cores`}\n`);
    }
  }
  console.log(markdownTable(['shape', 'implementation', 'forward ms', 'forward+backward ms', 'GFLOP/s (fwd+bwd)'], rows, ['left', 'left', 'right', 'right', 'right']));
  const products = LENGTHS.flatMap((T) => batchedVersusSingle(wasm, T));
  console.log('\nThe wasm matmul kernel on the op\'s products: one batched call, and one call per product\n');
  console.log(markdownTable(['products', 'batched ms', 'per product ms', 'GFLOP/s batched', 'GFLOP/s per product'], products, ['left', 'right', 'right', 'right', 'right']));
  if (!flags.noWrite) {
    const path = writeResults(quick ? `${SUITE}-quick` : SUITE, { suite: SUITE, date: new Date().toISOString(), mode: quick ? 'quick' : 'full', machine, threads, shape: { batch: BATCH, heads: HEADS, headDim: DIM, lengths: LENGTHS }, results, products });
    console.log(`results: ${path}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
