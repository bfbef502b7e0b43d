/**
 * threads — how many threads the wasm kernels may use, and the least work worth a share.
 *
 * The calling thread plus `threads − 1` workers (pool.ts). The default is the cores this process
 * may run on (`os.availableParallelism()`); at most twice that is accepted — more threads than
 * cores only take turns, and each worker is a tfjs-wasm instance of about 35 MB — so a count
 * past it is refused with the limit in the message (1,000 once started 66 workers and 2.3 GB).
 * Twice, not once, so that a 2-core machine can still test the uneven splits of 3 threads.
 */
import { availableParallelism } from 'node:os';
import type { ThreadBudget } from './plan.js';
import { trimWorkers } from './pool.js';

let numThreads = availableParallelism();

/** The most threads `setNumThreads` accepts: twice the cores this process may run on. */
export const maxThreads = (): number => 2 * availableParallelism();

/**
 * Sets how many threads the wasm kernels may use, the calling thread included. Lowering it
 * terminates the workers no longer needed; 1 runs every kernel on the calling thread alone.
 * @example setNumThreads(1)  // single-threaded, as tfjs-wasm itself is in Node
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${String(n)}`);
  const limit = maxThreads();
  if (n > limit) {
    throw new RangeError(`setNumThreads: ${n} threads is more than twice the ${availableParallelism()} cores this process may use (os.availableParallelism()); at most ${limit} (each thread is a tfjs-wasm instance of about 35 MB, and threads beyond the cores only take turns)`);
  }
  numThreads = n;
  trimWorkers(n - 1);
}

/** The number of threads the wasm kernels may use (see `setNumThreads`). */
export function getNumThreads(): number {
  return numThreads;
}

/**
 * Below this many floating-point operations per share a kernel runs on fewer threads. A worker
 * round trip (post, wake, reply) costs 0.05–0.4 ms on top of each share's own tfjs overhead.
 * Measured on 2 idle cores, 1 thread vs 2, in ms (two runs): matmul 192² (14 MFLOP) 1.01 vs
 * 1.32 and 0.65 vs 1.27; 256² (34 MFLOP) 1.79 vs 1.61 and 1.65 vs 1.88; 384² (113 MFLOP) 7.3 vs
 * 5.7 and 4.1 vs 2.9; convs of 38 MFLOP 1.84 vs 1.38 and 1.46 vs 1.95, of 75 MFLOP 3.6 vs 3.6 and
 * 2.8 vs 2.3. Break-even lies between 35 and 75 MFLOP, so a kernel splits in two from 64.
 */
let minFlopsPerShare = 32e6;

/** Sets the per-share work threshold (for tests and benchmarks; 0 splits every kernel). */
export function setMinFlopsPerShare(flops: number): void {
  if (!(flops >= 0)) throw new RangeError(`setMinFlopsPerShare: expected a non-negative number, got ${flops}`);
  minFlopsPerShare = flops;
}

export function getMinFlopsPerShare(): number {
  return minFlopsPerShare;
}

/** What plan.ts cuts kernels by: the thread count and the per-share threshold now. */
export const budget = (): ThreadBudget => ({ threads: numThreads, minFlopsPerShare });
