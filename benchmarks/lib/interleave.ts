/**
 * interleave — times several tasks round by round (A B C, B C A, C A B, …) instead of one after
 * the other, so a change in the machine's load during the run hits every task alike; a task that
 * returns a promise is awaited (tfjs-layers' `trainOnBatch` is async). Each round starts with the
 * next task in turn, so no task always runs right after the same neighbour (and its garbage).
 *
 * Beside the times it reports how busy the machine was meanwhile: the 1-minute load average and
 * the CPU time *other* processes took, in cores (from /proc/stat, less this process's own time,
 * worker threads included). On a shared machine a figure means little without them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Stats } from './compare.js';

export interface InterleaveBudget {
  /** Untimed rounds first (JIT, caches, lazily started workers). */
  readonly warmupRounds: number;
  /** Timed rounds: at least `minRounds`, then more until `minTimeMs` has passed, at most `maxRounds`. */
  readonly minRounds: number;
  readonly maxRounds: number;
  /** Wall time of the timed rounds, all tasks together. */
  readonly minTimeMs: number;
}

export interface LoadSample {
  /** 1-minute load average at the end. */
  readonly loadavg1: number;
  /** CPU other processes used while the tasks ran, in cores (null without /proc/stat). */
  readonly othersCores: number | null;
}

export interface Interleaved<K extends string> {
  readonly stats: Record<K, Stats>;
  /** Every timed sample, ms, in the order taken. */
  readonly samples: Record<K, number[]>;
  readonly load: LoadSample;
}

/** Busy and total jiffies over all CPUs (null where /proc/stat is missing). */
export function cpuTicks(): { busy: number; total: number } | null {
  if (!existsSync('/proc/stat')) return null;
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - fields[4]!, total }; // less idle and iowait
}

/** Times `fn` (awaited) while measuring the machine's load; see the module comment. */
export async function measuringLoad<T>(fn: () => Promise<T>): Promise<{ value: T; load: LoadSample }> {
  const ticks0 = cpuTicks();
  const own0 = process.cpuUsage();
  const wall0 = performance.now();
  const value = await fn();
  const ticks1 = cpuTicks();
  const own = process.cpuUsage(own0);
  const wallMs = performance.now() - wall0;
  return { value, load: loadBetween(ticks0, ticks1, (own.user + own.system) / 1000, wallMs) };
}

/**
 * The load over an interval from two `cpuTicks()` readings: the CPU everything but the measured
 * work took, in cores, given the work's own CPU time (`ownCpuMs`) over `wallMs`.
 */
export function loadBetween(ticks0: ReturnType<typeof cpuTicks>, ticks1: ReturnType<typeof cpuTicks>, ownCpuMs: number, wallMs: number): LoadSample {
  const cores = cpus().length;
  let othersCores: number | null = null;
  if (ticks0 !== null && ticks1 !== null && ticks1.total - ticks0.total >= 10 * cores) { // ≥ 0.1 s of ticks
    const busyShare = (ticks1.busy - ticks0.busy) / (ticks1.total - ticks0.total);
    othersCores = Math.max(0, busyShare * cores - ownCpuMs / wallMs);
  }
  return { loadavg1: loadavg()[0]!, othersCores };
}

/** Summary statistics of a list of times in ms. */
export function statsOf(times: readonly number[]): Stats {
  if (times.length === 0) throw new RangeError('statsOf: no samples');
  const sorted = [...times].sort((a, b) => a - b);
  const n = sorted.length;
  const at = (q: number): number => sorted[Math.min(n - 1, Math.floor(q * n))]!;
  const median = n % 2 === 1 ? sorted[n >> 1]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { medianMs: median, minMs: sorted[0]!, meanMs: mean, p99Ms: at(0.99), rmePct: n > 1 ? (100 * 1.96 * sd) / Math.sqrt(n) / mean : 0, samples: n };
}

/**
 * What a task returns when it timed itself: a task that runs in another process (a PyTorch step,
 * see torch-stepper.ts) reports the time it measured there, without the message round trip.
 */
export interface SelfTimed {
  readonly selfTimedMs: number;
}

const isSelfTimed = (v: unknown): v is SelfTimed => typeof v === 'object' && v !== null && typeof (v as SelfTimed).selfTimedMs === 'number';

/** Times each task once per round, rotating the order; returns per-task statistics and the load. */
export async function timeInterleaved<K extends string>(tasks: Record<K, () => unknown>, budget: InterleaveBudget): Promise<Interleaved<K>> {
  const names = Object.keys(tasks) as K[];
  const samples = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  const once = async (k: K): Promise<number> => {
    const start = performance.now();
    let out = tasks[k]();
    if (out instanceof Promise) out = await out;
    const wall = performance.now() - start;
    return isSelfTimed(out) ? out.selfTimedMs : wall;
  };
  for (let r = 0; r < budget.warmupRounds; r++) for (const k of names) await once(k);
  const { load } = await measuringLoad(async () => {
    const started = performance.now();
    for (let r = 0; r < budget.maxRounds; r++) {
      for (let i = 0; i < names.length; i++) {
        const k = names[(r + i) % names.length]!;
        samples[k].push(await once(k));
      }
      if (r + 1 >= budget.minRounds && performance.now() - started >= budget.minTimeMs) break;
    }
  });
  const stats = Object.fromEntries(names.map((k) => [k, statsOf(samples[k])])) as Record<K, Stats>;
  return { stats, samples, load };
}
