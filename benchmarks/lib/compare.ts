/**
 * compare — a head-to-head harness on tinybench: each case is one operation written twice,
 * once for Sapling and once for a reference library, timed in the same process, one after the
 * other, with the same inputs. The table reports medians (robust to the odd GC pause) and the
 * ratio Sapling / reference, so < 1 means Sapling is faster.
 */
import { Bench, type Task } from 'tinybench';

export interface Flags {
  /** Smaller time budget and fewer iterations: a smoke run, numbers are indicative only. */
  readonly quick: boolean;
  /** Exit with status 1 when a ratio misses the target. */
  readonly check: boolean;
  /** Skip writing benchmarks/results/<suite>.json. */
  readonly noWrite: boolean;
}

const USAGE = 'options: --quick (short smoke run), --check (exit 1 if a ratio misses the target), --no-write (do not write results JSON)';

export function parseFlags(argv: readonly string[] = process.argv.slice(2)): Flags {
  const known = new Set(['--quick', '--check', '--no-write']);
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (!known.has(arg)) {
      console.error(`unknown argument ${JSON.stringify(arg)}; ${USAGE}`);
      process.exit(2);
    }
  }
  return { quick: argv.includes('--quick'), check: argv.includes('--check'), noWrite: argv.includes('--no-write') };
}

export interface BudgetOptions {
  /** Time budget per task in ms (tinybench keeps going until both this and `iterations` are met). */
  readonly time: number;
  readonly iterations: number;
  readonly warmupTime: number;
  readonly warmupIterations: number;
}

export const FULL_BUDGET: BudgetOptions = { time: 1000, iterations: 50, warmupTime: 250, warmupIterations: 10 };
export const QUICK_BUDGET: BudgetOptions = { time: 100, iterations: 5, warmupTime: 25, warmupIterations: 2 };

export interface Case {
  readonly op: string;
  readonly shape: string;
  /** One Sapling call, results forced (a host tensor needs nothing more). */
  readonly ours: () => unknown;
  /** The same operation in the reference library, results forced and its memory released. */
  readonly theirs: () => unknown;
}

export interface Stats {
  readonly medianMs: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly p99Ms: number;
  /** Relative margin of error of the mean, in percent. */
  readonly rmePct: number;
  readonly samples: number;
}

export interface Row {
  readonly op: string;
  readonly shape: string;
  readonly ours: Stats;
  readonly theirs: Stats;
  /** ours.medianMs / theirs.medianMs. */
  readonly ratio: number;
}

/** Keeps every result reachable so no engine can decide a call was useless. */
let sink: unknown;
export const lastSink = (): unknown => sink;

function statsOf(task: Task): Stats {
  const r = task.result;
  if (r.state !== 'completed') {
    const detail = r.state === 'errored' ? `: ${r.error.message}` : '';
    throw new Error(`benchmark task ${task.name} ended ${r.state}${detail}`);
  }
  const l = r.latency;
  return { medianMs: l.p50, minMs: l.min, meanMs: l.mean, p99Ms: l.p99, rmePct: l.rme, samples: l.samplesCount };
}

export interface CompareOptions {
  /** How the two sides are named in task names and progress lines. */
  readonly labels?: readonly [ours: string, theirs: string];
  /** Called after each task finishes, with its name (e.g. to print progress on stderr). */
  readonly onProgress?: (name: string) => void;
}

/** Times every case (ours, then theirs, case by case) and returns one row per case. */
export async function compare(cases: readonly Case[], budget: BudgetOptions, options: CompareOptions = {}): Promise<Row[]> {
  const [oursLabel, theirsLabel] = options.labels ?? ['ours', 'theirs'];
  const onProgress = options.onProgress;
  const gc = (globalThis as { gc?: () => void }).gc;
  const bench = new Bench({
    ...budget,
    throws: true,
    // Start every task from a collected heap when the process runs with --expose-gc.
    setup: () => gc?.(),
  });
  for (const c of cases) {
    bench.add(`${c.op} ${c.shape} · ${oursLabel}`, () => { sink = c.ours(); });
    bench.add(`${c.op} ${c.shape} · ${theirsLabel}`, () => { sink = c.theirs(); });
  }
  if (onProgress) bench.addEventListener('cycle', (e) => { if (e.task) onProgress(e.task.name); });
  await bench.run();
  const tasks = bench.tasks;
  return cases.map((c, i) => {
    const ours = statsOf(tasks[2 * i]!);
    const theirs = statsOf(tasks[2 * i + 1]!);
    return { op: c.op, shape: c.shape, ours, theirs, ratio: ours.medianMs / theirs.medianMs };
  });
}

/** Largest |a − b| − rtol·|b| over the arrays (≤ atol means they agree); throws on a length mismatch. */
export function assertClose(what: string, ours: ArrayLike<number>, theirs: ArrayLike<number>, atol = 1e-3, rtol = 1e-4): void {
  if (ours.length !== theirs.length) throw new Error(`${what}: ${ours.length} values against ${theirs.length}`);
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i]!;
    const b = theirs[i]!;
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
      throw new Error(`${what}: results differ at ${i}: Sapling ${a}, reference ${b}`);
    }
  }
}
