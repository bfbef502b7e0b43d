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
    notMeasured('MLP train step faster than jax-js (jitted), SGD and Adam', 'the training suite has no jax-js peer', '< 1'),
    notMeasured('MNIST CNN: lead over jax-js kept', 'the training suite has no jax-js peer', '< 1'),
  ];
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
