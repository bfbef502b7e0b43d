/**
 * targets — issue 23's speed targets judged from the suites' result files (training.json,
 * lstm.json in benchmarks/results/): each target's measured ratio and whether it was met.
 * Pure functions of the parsed JSON, so the judging is tested without running a suite
 * (targets.test.ts); benchmarks/summary.ts reads the files and prints the table.
 *
 * A ratio is Sapling's median step time over the peer's, both from one run (the suites time
 * them interleaved). A target with no figure in the files — a suite not run, run with --quick,
 * or a peer the suites do not time — is "not measured", never met.
 */

export type Verdict = 'met' | 'missed' | 'not measured';

export interface TargetRow {
  readonly target: string;
  /** The measured figures behind the ratio, in words. */
  readonly measured: string;
  readonly ratio: number | null;
  /** The bound the ratio must stay within, e.g. "≤ 2.5". */
  readonly bound: string;
  readonly verdict: Verdict;
}

/**
 * "2 threads never slower than 1" is judged with this much slack on the ratio of medians: on a
 * shared 2-core machine two interleaved medians of the same code differ by a few percent.
 */
export const THREAD_SLACK = 1.05;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** The value at `path` in `v`, or undefined. */
function at(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const key of path) {
    if (Array.isArray(cur) && typeof key === 'number') cur = cur[key];
    else if (isRecord(cur)) cur = cur[String(key)];
    else return undefined;
  }
  return cur;
}

const ms = (x: number): string => `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)} ms`;

/** A row judged as ratio ≤ limit (< limit when `strict`), or "not measured" when either figure is missing. */
function row(target: string, ours: number | null, theirs: number | null, limit: number, what: (a: number, b: number) => string, strict = false, bound = `${strict ? '<' : '≤'} ${limit}`): TargetRow {
  if (ours === null || theirs === null) return { target, measured: 'no figure in the results', ratio: null, bound, verdict: 'not measured' };
  const ratio = ours / theirs;
  return { target, measured: what(ours, theirs), ratio, bound, verdict: (strict ? ratio < limit : ratio <= limit) ? 'met' : 'missed' };
}

const notMeasured = (target: string, measured: string, bound: string): TargetRow => ({ target, measured, ratio: null, bound, verdict: 'not measured' });

/** A full (not --quick) result file, or null. */
const full = (r: unknown): unknown => (at(r, 'mode') === 'full' ? r : null);

/** The training suite's case for `model` ('mlp' or 'cnn'). */
function trainingCase(training: unknown, model: string): unknown {
  const cases = at(training, 'cases');
  return Array.isArray(cases) ? cases.find((c) => at(c, 'model') === model) : undefined;
}

/**
 * Every target of issue 23, from the parsed training.json and lstm.json (undefined where a file
 * is missing).
 */
export function issue23Targets(files: { readonly training?: unknown; readonly lstm?: unknown }): TargetRow[] {
  const training = full(files.training);
  const lstm = full(files.lstm);
  const mlp = trainingCase(training, 'mlp');
  const cnn = trainingCase(training, 'cnn');
  const median = (c: unknown, key: string): number | null => num(at(c, key, 'medianMs'));
  const threads = num(at(training, 'saplingWasmThreads'));
  const lstmThreads = num(at(lstm, 'threads'));
  const vsTorch = (a: number, b: number): string => `Sapling ${ms(a)}, PyTorch ${ms(b)}`;
  const vsTfjs = (a: number, b: number): string => `Sapling ${ms(a)}, tfjs-layers ${ms(b)}`;
  const vsOne = (n: number | null) => (a: number, b: number): string => `${n ?? '?'} threads ${ms(a)}, 1 thread ${ms(b)}`;
  const tfjsReference = (c: unknown): number | null => num(at(c, 'tfjsLayersWasm', 'ms', 'medianMs')) ?? num(at(c, 'tfjsLayersCpu', 'medianMs'));
  const lstmTorch = (n: number | null): number | null => (n === null ? null : num(at(lstm, 'medianMs', 'torch', String(n))));
  const lstmSapling = (n: number | null): number | null => (n === 1 ? num(at(lstm, 'medianMs', 'saplingWasmOneThread')) : num(at(lstm, 'medianMs', 'saplingWasm')));
  const slack = `≤ ${THREAD_SLACK} (5% noise)`;
  // jax-js and the Sapling step timed in the same block as it (the MLP's SGD one has its own)
  const jax = (c: unknown, key: string): number | null => num(at(c, 'jaxJs', key, 'medianMs'));
  const vsJax = (a: number, b: number): string => `Sapling ${ms(a)}, jax-js ${ms(b)}`;
  return [
    row('MLP train step (wasm, 1 thread) within 2.5× of PyTorch', median(mlp, 'saplingWasm1T'), num(at(mlp, 'torch', 'medianMs')), 2.5, vsTorch),
    row('MNIST CNN train step (wasm, default threads) within 2× of PyTorch', median(cnn, 'saplingWasm'), num(at(cnn, 'torch', 'medianMs')), 2, vsTorch),
    row('LSTM train step (wasm, 1 thread) within 2× of PyTorch (1 thread)', lstmSapling(1), lstmTorch(1), 2, vsTorch),
    lstmThreads === 1
      ? notMeasured('LSTM train step (wasm, 2 threads) within 2× of PyTorch (2 threads)', 'the lstm suite ran on 1 thread', '≤ 2')
      : row(`LSTM train step (wasm, ${lstmThreads ?? 2} threads) within 2× of PyTorch (same threads)`, lstmSapling(lstmThreads), lstmTorch(lstmThreads), 2, vsTorch),
    row('MLP: Sapling well ahead of tfjs-layers', median(mlp, 'saplingWasm'), tfjsReference(mlp), 1, vsTfjs, true),
    row('MNIST CNN: Sapling well ahead of tfjs-layers (tfjs on its cpu backend: wasm cannot train it)', median(cnn, 'saplingWasm'), tfjsReference(cnn), 1, vsTfjs, true),
    row('LSTM: Sapling well ahead of tfjs-layers', lstmSapling(lstmThreads), num(at(lstm, 'medianMs', 'tfjsLayers')), 1, vsTfjs, true),
    row('MLP: 2 threads never slower than 1', median(mlp, 'saplingWasm'), median(mlp, 'saplingWasm1T'), THREAD_SLACK, vsOne(threads), false, slack),
    row('MNIST CNN: 2 threads never slower than 1', median(cnn, 'saplingWasm'), median(cnn, 'saplingWasm1T'), THREAD_SLACK, vsOne(threads), false, slack),
    lstmThreads === 1
      ? notMeasured('LSTM: 2 threads never slower than 1', 'the lstm suite ran on 1 thread', slack)
      : row('LSTM: 2 threads never slower than 1', lstmSapling(lstmThreads), lstmSapling(1), THREAD_SLACK, vsOne(lstmThreads), false, slack),
    notMeasured('npm start training time at most 65% of before', 'no suite times it: run `time npm start` on both commits back to back', '≤ 0.65'),
    row('MLP train step faster than jax-js (jitted), Adam', jax(mlp, 'saplingInSameBlock'), jax(mlp, 'adam'), 1, vsJax, true),
    row('MLP train step faster than jax-js (jitted), SGD', jax(mlp, 'saplingSgd'), jax(mlp, 'sgd'), 1, vsJax, true),
    row('MNIST CNN: lead over jax-js (jitted) kept', jax(cnn, 'saplingInSameBlock'), jax(cnn, 'adam'), 1, vsJax, true),
  ];
}

/** One kernel timed beside raw tfjs-webgpu in the webgpu suite: its family ('matmul', 'conv forward', …) and ratio. */
export interface WebgpuKernelRatio {
  readonly family: string;
  readonly name: string;
  readonly ratio: number;
}

/** One training step of the webgpu suite: its time, the sum of its kernels replayed alone, and the reads in it. */
export interface WebgpuStep {
  readonly model: string;
  readonly stepMs: number;
  readonly sumMs: number;
  readonly reads: number;
}

const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Issue 22's targets from the webgpu suite's result (webgpu.json, or the object the suite builds):
 * each kernel family within 1.10× raw tfjs-webgpu on the same adapter — judged on the family's
 * median ratio over its shapes, the spread and the shapes past 1.10 shown beside it (on a software
 * adapter a single shape's ratio is noisy); each training step within 1.3× the sum of its kernels'
 * times, with no read to the host inside it; the ResNet-18 step against PyTorch on the CPU only on
 * a real GPU (not measured on a software adapter, nor by this suite).
 */
export function issue22Targets(webgpu: unknown): TargetRow[] {
  const kernels = (Array.isArray(at(webgpu, 'kernelRatios')) ? at(webgpu, 'kernelRatios') : []) as WebgpuKernelRatio[];
  const steps = (Array.isArray(at(webgpu, 'stepTargets')) ? at(webgpu, 'stepTargets') : []) as WebgpuStep[];
  const families = [...new Set(kernels.map((k) => k.family))];
  const rows: TargetRow[] = families.map((family) => {
    const ratios = kernels.filter((k) => k.family === family).map((k) => k.ratio);
    const m = median(ratios);
    const over = ratios.filter((r) => r > 1.1).length;
    const target = `${family} within 1.10× of raw tfjs-webgpu (median over ${ratios.length} shape${ratios.length > 1 ? 's' : ''})`;
    const measured = ratios.length > 1 ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}, ${over} of ${ratios.length} past 1.10` : `${ratios[0]!.toFixed(2)}`;
    return { target, measured, ratio: m, bound: '≤ 1.1', verdict: m <= 1.1 ? 'met' : 'missed' };
  });
  if (families.length === 0) rows.push(notMeasured('kernels within 1.10× of raw tfjs-webgpu', 'no kernel ratios in the result', '≤ 1.1'));
  for (const s of steps) {
    rows.push(row(`${s.model}: training step within 1.3× the sum of its kernels`, s.stepMs, s.sumMs, 1.3, (a, b) => `step ${ms(a)}, kernels alone ${ms(b)}`));
    rows.push({ target: `${s.model}: no read to the host inside a step`, measured: `${s.reads} reads`, ratio: null, bound: '0 reads', verdict: s.reads === 0 ? 'met' : 'missed' });
  }
  if (steps.length === 0) rows.push(notMeasured('training step within 1.3× the sum of its kernels', 'no training steps in the result', '≤ 1.3'));
  rows.push(notMeasured('ResNet-18 CIFAR training step on a real GPU faster than PyTorch on the CPU', at(webgpu, 'software') === false ? 'the suite times no PyTorch step: compare with benchmarks/resnet18.bench.ts' : 'software adapter: needs a real GPU', '< 1'));
  return rows;
}

/**
 * Issue 16's targets from the parsed transformer.json (benchmarks/transformer.bench.ts): the
 * mini-BERT training step within 3× PyTorch's (same threads, same rounds), and faster than every
 * JavaScript peer in the same run — jax-js on the step and on the attention op at each length;
 * tfjs-layers 4.22, whose MultiHeadAttention cannot run on wasm, is listed as not measured with
 * the reason the suite recorded.
 */
export function issue16Targets(files: { readonly transformer?: unknown }): TargetRow[] {
  const t = full(files.transformer);
  const step = (who: string): number | null => num(at(t, 'bert', 'medianMs', who));
  const vs = (peer: string) => (a: number, b: number): string => `Sapling ${ms(a)}, ${peer} ${ms(b)}`;
  const attention = at(t, 'attention', 'results');
  const lengths = Array.isArray(attention) ? attention : [];
  const tfjs = at(t, 'tfjsLayers');
  return [
    row('mini-BERT training step within 3× PyTorch (same threads)', step('Sapling'), step('PyTorch'), 3, vs('PyTorch')),
    row('mini-BERT training step faster than jax-js', step('Sapling'), step('jax-js'), 1, vs('jax-js'), true),
    ...lengths.map((r) => row(`attention forward + backward, T = ${String(at(r, 'T'))}, faster than jax-js`, num(at(r, 'medianMs', 'Sapling')), num(at(r, 'medianMs', 'jax-js')), 1, vs('jax-js'), true)),
    notMeasured('mini-BERT step faster than tfjs-layers', t === null ? 'no figure in the results' : typeof tfjs === 'string' && tfjs !== 'runs' ? `tfjs-layers cannot run it: ${tfjs}` : 'the suite does not time tfjs-layers', '< 1'),
  ];
}
