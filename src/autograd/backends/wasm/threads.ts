/**
 * threads — how many threads the wasm kernels may use, and the least work worth a share.
 *
 * In Node: the calling thread plus `threads − 1` workers (pool.ts). The default is the cores this
 * process may run on (`os.availableParallelism()`); at most twice that is accepted — more threads
 * than cores only take turns, and each worker is a tfjs-wasm instance of about 35 MB — so a count
 * past it is refused with the limit in the message (1,000 once started 66 workers and 2.3 GB).
 * Twice, not once, so that a 2-core machine can still test the uneven splits of 3 threads.
 * In a browser there is no share pool: the count is tfjs-wasm's own Web Workers, fixed when it
 * loads (host.ts, web-host.ts), and every kernel is one share.
 */
import type { Threading, WasmHost } from './host.js';
import type { ThreadBudget } from './plan.js';
import { crossOriginIsolated } from './web-host.js';

let host: WasmHost | null = null;
let numThreads = 1;
/** In a browser: tfjs's thread count, fixed at load, and the count asked for then. */
let fixed: number | null = null;
let requested: number | null = null;

/** Called once the backend has loaded: the host's pool decides how threads are used. */
export function configureThreads(loaded: WasmHost, tfThreads: number, asked: number | null): void {
  host = loaded;
  if (loaded.pool === null) {
    fixed = tfThreads;
    requested = asked;
  } else numThreads = loaded.cores();
}

const cores = (): number => host?.cores() ?? 1;

/** The most threads `setNumThreads` accepts: twice the cores this process may run on. */
export const maxThreads = (): number => 2 * cores();

/**
 * Sets how many threads the wasm kernels may use, the calling thread included. Lowering it
 * terminates the workers no longer needed; 1 runs every kernel on the calling thread alone.
 * @example setNumThreads(1)  // single-threaded, as tfjs-wasm itself is in Node
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${String(n)}`);
  if (fixed !== null) {
    if (n === fixed || n === requested) return; // what the load asked for (tfjs may have given fewer: threading() says why)
    throw new RangeError(`setNumThreads: here the wasm backend's threads are tfjs-wasm's own (${fixed}: ${threading().detail}); they are fixed when it loads, so ask for them in the first setBackend('wasm', { threads })`);
  }
  const limit = maxThreads();
  if (n > limit) {
    throw new RangeError(`setNumThreads: ${n} threads is more than twice the ${cores()} cores this process may use (${host?.coresSource ?? 'unknown'}); at most ${limit} (each thread is a tfjs-wasm instance of about 35 MB, and threads beyond the cores only take turns)`);
  }
  numThreads = n;
  host?.pool?.trim(n - 1);
}

/** The number of threads the wasm kernels may use (see `setNumThreads`). */
export function getNumThreads(): number {
  return fixed ?? numThreads;
}

/** How the kernels use threads on this platform (see `Threading`). */
export function threading(): Threading {
  if (fixed === null) {
    return { threads: numThreads, workers: numThreads > 1 ? 'worker_threads' : 'none', detail: `${numThreads} thread${numThreads > 1 ? 's' : ''}: the calling thread${numThreads > 1 ? ` and ${numThreads - 1} worker thread${numThreads > 2 ? 's' : ''} (Sapling's pool)` : ''}` };
  }
  if (fixed > 1) return { threads: fixed, workers: 'web-workers', detail: `${fixed} threads: tfjs-wasm's threaded build, the calling thread and ${fixed - 1} Web Worker${fixed > 2 ? 's' : ''} (the page is cross-origin isolated)` };
  const logical = cores();
  return {
    threads: 1, workers: 'none',
    detail: !crossOriginIsolated()
      ? 'one thread: the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp for Web Worker threads)'
      : requested === 1
        ? 'one thread, as asked (the page is cross-origin isolated: more would run on Web Workers)'
        : `one thread: tfjs-wasm's threaded build uses at most half of navigator.hardwareConcurrency, which is ${logical} here (the page is cross-origin isolated, so on 4 or more logical cores it runs on Web Workers)`,
  };
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

/** What plan.ts cuts kernels by: the thread count and the per-share threshold now (one share where there is no pool). */
export const budget = (): ThreadBudget => ({ threads: fixed === null ? numThreads : 1, minFlopsPerShare });
