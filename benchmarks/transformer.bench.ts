/**
 * Suite `transformer` (issue 16): attention and a BERT training step, Sapling beside its peers.
 *
 *   npx tsx benchmarks/transformer.bench.ts [--quick] [--check] [--no-write]
 *
 * 1. The attention op, forward + backward: batch 8, 4 heads, head dim 64, T = 128 and 512
 *    (--quick: 16 and 32); Sapling's fused op on wasm; PyTorch 1.13 writing softmax(QKᵀ/√d)V out
 *    (it has no fused op); jax-js 0.1.25's `nn.dotProductAttention` on its wasm device, under jit.
 * 2. A mini-BERT training step (Google's BERT-mini: 4 layers, hidden 256, 4 heads, feed-forward
 *    1024, exact GELU; vocabulary 8,000; T = 128, batch 32, every odd row with 16 padded tokens;
 *    --quick: 2 layers, hidden 64, T = 32, batch 8): forward, cross-entropy of the classifier,
 *    backward, one AdamW step (lr 1e-4, weight decay 0.01), dropout 0 everywhere. Sapling's
 *    BertForSequenceClassification; PyTorch running the HF-structured modules of
 *    scripts/make-bert-fixtures.py; jax-js with the same model written by hand (lib/jax-bert.ts).
 * 3. tfjs-layers 4.22: its MultiHeadAttention (dist/layers/nlp, not exported) is tried on wasm
 *    and the reason it cannot run is printed (in 4.22: no Einsum kernel on wasm).
 * Every task is timed in the same rounds (lib/interleave.ts), PyTorch with Sapling's thread
 * count in its own process (lib/torch-stepper.ts). Peak RSS: each JS framework runs a few steps
 * alone in a child process (`--rss sapling|jax`) and reports its own; PyTorch's process reports its.
 * Targets (lib/targets.ts's issue16Targets, printed as a table with met / missed): the step within
 * 3× PyTorch's, and faster than every JS peer (jax-js on the step and on the attention op).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { F, Tensor, getNumThreads, manualSeed, optim, randn, scaledDotProductAttention, seededRandom, setBackend, type Random } from '../src/index.js';
import { kernels } from '../src/autograd/backends/index.js';
import { bertConfig } from '../src/models/bert-config.js';
import { BertForSequenceClassification } from '../src/models/bert-heads.js';
import { parseFlags } from './lib/compare.js';
import { timeInterleaved, type InterleaveBudget } from './lib/interleave.js';
import { jaxAttention } from './lib/jax-attention.js';
import { jaxBertStep, type BertShape } from './lib/jax-bert.js';
import { formatMachineFacts, machineFacts } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { issue16Targets } from './lib/targets.js';
import { formatMs, markdownTable } from './lib/table.js';
import { startTorch, type TorchStepper } from './lib/torch-stepper.js';

const SUITE = 'transformer';
const argv = process.argv.slice(2);
const rssAt = argv.indexOf('--rss');
const rssOnly = rssAt >= 0 ? argv[rssAt + 1] : undefined;
const flags = parseFlags(rssAt >= 0 ? argv.filter((_, i) => i !== rssAt && i !== rssAt + 1) : argv);
const quick = flags.quick;
const [ATT_BATCH, ATT_HEADS, ATT_DIM] = [8, 4, 64];
const LENGTHS = quick ? [16, 32] : [128, 512];
const BERT: BertShape = quick
  ? { layers: 2, hidden: 64, heads: 2, intermediate: 256, vocab: 8000, batch: 8, time: 32 }
  : { layers: 4, hidden: 256, heads: 4, intermediate: 1024, vocab: 8000, batch: 32, time: 128 };
const budget = (n: number): InterleaveBudget => (quick
  ? { warmupRounds: 1, minRounds: 2, maxRounds: 2, minTimeMs: 0 }
  : { warmupRounds: 1, minRounds: n, maxRounds: 3 * n, minTimeMs: 60_000 });

/** The step's batch: seeded ids in [5, vocab), every odd row's last eighth padded, labels 0/1. */
function bertData(): { ids: Int32Array; mask: Float32Array; labels: Int32Array } {
  const random = seededRandom(7);
  const { batch: B, time: T, vocab: V } = BERT;
  const pad = (i: number): boolean => Math.floor(i / T) % 2 === 1 && i % T >= T - T / 8;
  return {
    ids: Int32Array.from({ length: B * T }, (_, i) => (pad(i) ? 0 : 5 + Math.floor(random() * (V - 5)))),
    mask: Float32Array.from({ length: B * T }, (_, i) => (pad(i) ? 0 : 1)),
    labels: Int32Array.from({ length: B }, (_, i) => i % 2),
  };
}

function saplingBertStep(): () => number {
  manualSeed(0);
  const { layers, hidden, heads, intermediate, vocab, batch: B, time: T } = BERT;
  const config = bertConfig('tiny', {
    numHiddenLayers: layers, hiddenSize: hidden, numAttentionHeads: heads, intermediateSize: intermediate, vocabSize: vocab,
    maxPositionEmbeddings: T, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0, hiddenAct: 'gelu',
  });
  const model = new BertForSequenceClassification(config, 2);
  const opt = new optim.AdamW(model.parameters(), { lr: 1e-4, weightDecay: 0.01 });
  const d = bertData();
  const ids = new Tensor(d.ids, [B, T]);
  const mask = new Tensor(Int32Array.from(d.mask), [B, T]);
  const labels = new Tensor(d.labels, [B]);
  return () => {
    const loss = F.crossEntropy(model.forward(ids, { attentionMask: mask }), labels);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    return loss.item();
  };
}

const TORCH_BERT = (here: string): string => `
import importlib.util
spec = importlib.util.spec_from_file_location('hfbert', ${JSON.stringify(`${here}/../scripts/make-bert-fixtures.py`)})
hf = importlib.util.module_from_spec(spec); spec.loader.exec_module(hf)
L, H, A, I, V, B, T = ${BERT.layers}, ${BERT.hidden}, ${BERT.heads}, ${BERT.intermediate}, ${BERT.vocab}, ${BERT.batch}, ${BERT.time}
config = hf.BertConfig(vocab_size=V, hidden_size=H, num_hidden_layers=L, num_attention_heads=A, intermediate_size=I, hidden_act='gelu',
                       hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, max_position_embeddings=T, num_labels=2)
model = hf.BertForSequenceClassification(config).train()
opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
g = torch.Generator().manual_seed(7)
ids = torch.randint(5, V, (B, T), generator=g)
mask = torch.ones(B, T, dtype=torch.long)
mask[1::2, T - T // 8:] = 0
ids[mask == 0] = 0
labels = torch.arange(B) % 2
def step(i):
    loss, _ = model(ids, mask, None, labels)
    opt.zero_grad(); loss.backward(); opt.step()
    return loss.item()
`;

const TORCH_ATTENTION = (T: number): string => `
B, H, T, D = ${ATT_BATCH}, ${ATT_HEADS}, ${T}, ${ATT_DIM}
q0, k0, v0, dO = (torch.randn(B, H, T, D) for _ in range(4))
def step(i):
    q, k, v = (t.detach().requires_grad_() for t in (q0, k0, v0))
    o = torch.softmax(q @ k.transpose(-2, -1) / D ** 0.5, -1) @ v
    o.backward(dO)
`;

function saplingAttention(T: number): () => number {
  const random: Random = seededRandom(T);
  const shape = [ATT_BATCH, ATT_HEADS, T, ATT_DIM];
  const [q, k, v, dO] = [0, 1, 2, 3].map(() => randn(shape, { random })) as [Tensor, Tensor, Tensor, Tensor];
  return () => {
    const [a, b, c] = [q, k, v].map((t) => t.detach().requiresGrad_(true)) as [Tensor, Tensor, Tensor];
    scaledDotProductAttention(a, b, c).backward(dO);
    return a.grad!.numel();
  };
}

/**
 * The step's arithmetic, FLOPs (2 per multiply-add): per layer and token the Q, K, V, output and
 * two feed-forward products (2·(4H² + 2HI)), per layer the four attention products of the
 * forward pass counted as 2 (2·2·B·heads·T²·d); the backward's products are twice the forward's.
 * The pooler and classifier ([B, H]) are left out.
 */
function stepFlops(s: BertShape): { readonly linear: number; readonly attention: number } {
  const tokens = s.batch * s.time;
  const linear = 3 * s.layers * tokens * 2 * (4 * s.hidden * s.hidden + 2 * s.hidden * s.intermediate);
  const attention = 3 * s.layers * 2 * 2 * s.batch * s.time * s.time * s.hidden; //   heads·d = hidden
  return { linear, attention };
}

/**
 * The wasm matmul on the step's Linear products (x·Wᵀ forward, dW = dYᵀ·x backward) with the
 * suite's threads: the fastest of 5 calls, GFLOP/s. The floor of the step on these kernels is its
 * FLOPs at these rates, whatever the rest costs.
 */
function linearRates(): Record<string, number> {
  const random = seededRandom(3);
  const { hidden: H, intermediate: I, batch: B, time: T } = BERT;
  const N = B * T;
  const [x, h, wq, wi, wo] = [[N, H], [N, I], [H, H], [I, H], [H, I]].map((s) => randn(s, { random })) as [Tensor, Tensor, Tensor, Tensor, Tensor];
  const k = kernels();
  const cases: [string, () => unknown, number][] = [
    [`x·Wᵀ [${N},${H}]·[${H},${H}]ᵀ`, () => k.matmulTransposed(x, wq, { transposeA: false, transposeB: true }), 2 * N * H * H],
    [`x·Wᵀ [${N},${H}]·[${I},${H}]ᵀ`, () => k.matmulTransposed(x, wi, { transposeA: false, transposeB: true }), 2 * N * H * I],
    [`x·Wᵀ [${N},${I}]·[${H},${I}]ᵀ`, () => k.matmulTransposed(h, wo, { transposeA: false, transposeB: true }), 2 * N * H * I],
    [`dW = dYᵀ·x [${N},${I}]ᵀ·[${N},${H}]`, () => k.matmulTransposed(h, x, { transposeA: true, transposeB: false }), 2 * N * H * I],
  ];
  return Object.fromEntries(cases.map(([name, f, flops]) => {
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      f();
      best = Math.min(best, performance.now() - t0);
    }
    return [name, flops / best / 1e6];
  }));
}

/** Tries tfjs-layers 4.22's MultiHeadAttention on tfjs-backend-wasm; returns null or why it cannot run. */
async function tfjsLayersAttention(): Promise<string | null> {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    await tf.setBackend('wasm');
    const { MultiHeadAttention } = await import('@tensorflow/tfjs-layers/dist/layers/nlp/multihead_attention.js') as {
      MultiHeadAttention: new (args: { numHeads: number; keyDim: number }) => { call(q: unknown, kw: { value: unknown }): { dispose(): void } };
    };
    const x = tf.randomNormal([1, 8, 16]);
    new MultiHeadAttention({ numHeads: 2, keyDim: 8 }).call(x, { value: x }).dispose();
    return null;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  }
}

/** Runs this file in a child process doing only `what`'s step (--rss): its own peak RSS, MB. */
function childPeakRss(what: 'sapling' | 'jax'): number | string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--rss', what, ...(quick ? ['--quick'] : []), '--no-write'], { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('peak-rss-mb '));
  return line ? Number(line.split(' ')[1]) : `failed: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`;
}

async function rssChild(what: string): Promise<void> {
  await setBackend('wasm');
  if (what === 'sapling') {
    const step = saplingBertStep();
    for (let i = 0; i < 3; i++) step();
  } else if (what === 'jax') {
    const step = await jaxBertStep(BERT, bertData(), seededRandom(1));
    for (let i = 0; i < 3; i++) await step();
  } else {
    throw new RangeError(`--rss must be sapling or jax, got ${what}`);
  }
  console.log(`peak-rss-mb ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}`);
}

async function main(): Promise<void> {
  if (rssOnly !== undefined) return rssChild(rssOnly);
  const machine = machineFacts();
  console.log(formatMachineFacts(machine));
  await setBackend('wasm');
  const threads = getNumThreads();
  const here = fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '');
  console.log(`\nSapling on wasm with ${threads} thread(s); PyTorch with as many; jax-js on its wasm device${quick ? ' (quick: small shapes, two rounds)' : ''}\n`);

  // 1. attention
  const attention: Record<string, unknown>[] = [];
  const rows: string[][] = [];
  for (const T of LENGTHS) {
    const torch = await startTorch(TORCH_ATTENTION(T), threads, 2);
    const jax = await jaxAttention([ATT_BATCH, T, ATT_HEADS, ATT_DIM], T);
    const tasks: Record<string, () => unknown> = { Sapling: saplingAttention(T), 'jax-js': jax };
    if (typeof torch !== 'string') tasks['PyTorch'] = () => torch.step();
    const r = await timeInterleaved(tasks, budget(3)).finally(() => { if (typeof torch !== 'string') torch.close(); });
    const ms = Object.fromEntries(Object.entries(r.stats).map(([k, s]) => [k, s.medianMs]));
    const flops = 6 * 2 * ATT_BATCH * ATT_HEADS * T * T * ATT_DIM;
    for (const [who, t] of Object.entries(ms)) rows.push([`T = ${T}`, who === 'PyTorch' && typeof torch !== 'string' ? `PyTorch ${torch.version}` : who, formatMs(t), (flops / t / 1e6).toFixed(1)]);
    if (typeof torch === 'string') rows.push([`T = ${T}`, `PyTorch (${torch})`, '–', '']);
    attention.push({ T, medianMs: ms, load: r.load });
    console.log(`attention T = ${T}: load average ${r.load.loadavg1.toFixed(1)}${r.load.othersCores === null ? '' : `, other processes used ${r.load.othersCores.toFixed(2)} cores`}`);
  }
  console.log(`\nAttention op forward + backward (batch ${ATT_BATCH}, ${ATT_HEADS} heads, head dim ${ATT_DIM})\n`);
  console.log(markdownTable(['shape', 'implementation', 'median ms', 'GFLOP/s'], rows, ['left', 'left', 'right', 'right']));

  // 2. the BERT step
  const tfjsReason = await tfjsLayersAttention();
  await setBackend('wasm');
  const torch: TorchStepper | string = await startTorch(TORCH_BERT(here), threads, 2);
  const jax = await jaxBertStep(BERT, bertData(), seededRandom(1));
  const sapling = saplingBertStep();
  const tasks: Record<string, () => unknown> = { Sapling: sapling, 'jax-js': jax };
  if (typeof torch !== 'string') tasks['PyTorch'] = () => torch.step();
  let torchRss: number | null = null;
  const r = await timeInterleaved(tasks, budget(3)).finally(async () => {
    if (typeof torch !== 'string') {
      torchRss = await torch.peakRssMb();
      torch.close();
    }
  });
  const ms = Object.fromEntries(Object.entries(r.stats).map(([k, s]) => [k, s.medianMs])) as Record<string, number>;
  const rss = { Sapling: childPeakRss('sapling'), 'jax-js': childPeakRss('jax'), PyTorch: torchRss === null ? 'not run' : Math.round(torchRss) };
  const tokens = BERT.batch * BERT.time;
  const stepRows = Object.entries(ms).map(([who, t]) => [who === 'PyTorch' && typeof torch !== 'string' ? `PyTorch ${torch.version} (${torch.threads} threads)` : who, formatMs(t), String(Math.round((tokens / t) * 1000)), String(rss[who as keyof typeof rss])]);
  if (typeof torch === 'string') stepRows.push([`PyTorch (${torch})`, '–', '', '']);
  stepRows.push(['tfjs-layers 4.22 (MultiHeadAttention)', tfjsReason === null ? 'runs, not timed' : 'cannot run', '', '']);
  console.log(`\nmini-BERT training step: ${BERT.layers} layers, hidden ${BERT.hidden}, ${BERT.heads} heads, feed-forward ${BERT.intermediate}, vocabulary ${BERT.vocab}, T = ${BERT.time}, batch ${BERT.batch}, AdamW\n`);
  console.log(markdownTable(['implementation', 'median ms / step', 'tokens/s', 'peak RSS MB'], stepRows, ['left', 'right', 'right', 'right']));
  console.log(`tfjs-layers 4.22: its MultiHeadAttention ${tfjsReason === null ? 'ran on wasm: time it here' : `cannot run on wasm: ${tfjsReason}`}`);
  const vsTorch = ms['PyTorch'] === undefined ? null : ms['Sapling']! / ms['PyTorch'];
  const vsJax = ms['Sapling']! / ms['jax-js']!;
  console.log(`\nSapling / PyTorch = ${vsTorch === null ? '–' : vsTorch.toFixed(2)} (target ≤ 3); Sapling / jax-js = ${vsJax.toFixed(2)} (target < 1); load average ${r.load.loadavg1.toFixed(1)}` +
    (r.load.othersCores === null ? '' : `, other processes (the PyTorch stepper included) used ${r.load.othersCores.toFixed(2)} cores`));
  const result = {
    suite: SUITE, date: new Date().toISOString(), mode: quick ? 'quick' : 'full', machine, threads,
    attention: { batch: ATT_BATCH, heads: ATT_HEADS, headDim: ATT_DIM, results: attention },
    bert: { shape: BERT, medianMs: ms, peakRssMb: rss, load: r.load, vsTorch, vsJax }, tfjsLayers: tfjsReason ?? 'runs',
  };
  // The targets table, judged as benchmarks/summary.ts judges the written file (lib/targets.ts).
  const targets = issue16Targets({ transformer: result });
  console.log(`\nTargets (issue 16)${quick ? ': not judged on --quick shapes' : ''}\n`);
  console.log(markdownTable(['target', 'measured', 'ratio', 'bound', 'verdict'], targets.map((t) => [t.target, t.measured, t.ratio === null ? '—' : t.ratio.toFixed(2), t.bound, t.verdict]), ['left', 'left', 'right', 'left', 'left']));
  // The floor: the step's FLOPs at the wasm matmul's own rates on its Linear shapes.
  const flops = stepFlops(BERT);
  const rates = linearRates();
  const rate = Object.values(rates).reduce((a, b) => a + b, 0) / Object.values(rates).length;
  const floorMs = ((flops.linear + flops.attention) / rate) / 1e6;
  console.log(`\nThe step's arithmetic: ${((flops.linear + flops.attention) / 1e9).toFixed(1)} GFLOP (Linear ${(flops.linear / 1e9).toFixed(1)}, attention ${(flops.attention / 1e9).toFixed(1)}). ` +
    `The wasm matmul on its Linear shapes (${threads} threads, fastest of 5): ${Object.entries(rates).map(([n, g]) => `${n} ${g.toFixed(1)}`).join(', ')} GFLOP/s; ` +
    `at their mean, ${rate.toFixed(1)} GFLOP/s, the products alone take ${formatMs(floorMs)} ms (Sapling's step ${formatMs(ms['Sapling']!)}, ${ms['PyTorch'] === undefined ? '' : `3× PyTorch ${formatMs(3 * ms['PyTorch'])}, `}jax-js ${formatMs(ms['jax-js']!)}).`);
  Object.assign(result.bert, { flops, linearGflops: rates, matmulFloorMs: floorMs });
  const met = targets.slice(0, 2).every((t) => t.verdict === 'met'); //  the step's two targets
  if (!quick) console.log(`Targets: ${met ? 'met' : 'NOT met'}.`);
  if (!flags.noWrite) console.log(`results: ${writeResults(quick ? `${SUITE}-quick` : SUITE, result)}`);
  if (flags.check && !quick && !met) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
