/**
 * The active backend. Ops call `kernels()` for every element loop; `setBackend('wasm')` (async,
 * once) swaps in the WebAssembly kernels, `useKernels(k)` any `Kernels` object (tests use it to
 * run one case on each backend). The default is `cpu`, which needs no setup. The wasm backend is
 * a dynamic import: nothing of it (tfjs, worker_threads, the SIMD modules) loads until it is
 * asked for, so `import 'sapling'` on cpu stays small and loads no Node-only module.
 * Overlapping calls follow one rule: the last call wins (see `setBackend`).
 */
import { cpuKernels } from './cpu/index.js';
import type { Kernels } from './types.js';

let active: Kernels = cpuKernels;

/** Counts setBackend and useKernels calls: a backend that finishes loading after a later call does not become active. */
let calls = 0;

/** The kernels every op dispatches to. */
export function kernels(): Kernels {
  return active;
}

/** Makes `k` the active kernels (overriding any setBackend still loading); returns the previous ones so callers can restore them. */
export function useKernels(k: Kernels): Kernels {
  calls++;
  const previous = active;
  active = k;
  return previous;
}

const BACKENDS = ['cpu', 'wasm'] as const;
/** The backends `setBackend` accepts: 'cpu' (plain TypeScript, the reference) and the faster ones. */
export type AvailableBackend = (typeof BACKENDS)[number];

/** Options of `setBackend`. */
export interface BackendOptions {
  /** wasm only: how many threads its kernels may use, the calling thread included (see `setNumThreads`). */
  readonly threads?: number;
  /**
   * wasm only, first load only: where the tfjs-wasm binaries are — a folder URL ending in '/', or
   * one URL per binary, as a bundler gives them (tfjs-backend-wasm's `setWasmPaths`). Node finds
   * them in node_modules; a browser page by default looks beside the script that loads tfjs.
   */
  readonly wasmPaths?: WasmPaths;
}

type WasmModule = typeof import('./wasm/index.js');
type WasmPaths = import('./wasm/index.js').WasmPaths;
type WasmHostLoader = import('./wasm/index.js').WasmHostLoader;
/** How the kernels use threads (see `getThreading`). */
export type Threading = import('./wasm/index.js').Threading;
let wasmModule: Promise<WasmModule> | null = null;
/** The wasm module once its import has resolved (setNumThreads needs it synchronously). */
let wasm: WasmModule | null = null;
let wasmKernels: Promise<Kernels> | null = null;
let wasmHost: WasmHostLoader | null = null;

/**
 * Installs the platform's host for the wasm backend (src/node.ts installs Node's: worker threads,
 * binaries from node_modules); without one the backend finds its own when it loads (host.ts).
 */
export function useWasmHost(loader: WasmHostLoader): void {
  if (wasmKernels !== null) throw new Error('useWasmHost: the wasm backend is loaded already; install its host before the first setBackend(\'wasm\')');
  wasmHost = loader;
}

const unknown = (name: unknown): RangeError => new RangeError(`setBackend: unknown backend '${String(name)}' (available: ${BACKENDS.join(', ')})`);

/** The kernels of a backend, loading it on first use (with the options of that first call). */
export async function backendKernels(name: AvailableBackend, options: BackendOptions = {}): Promise<Kernels> {
  switch (name) {
    case 'cpu':
      return cpuKernels;
    case 'wasm':
      wasmModule ??= import('./wasm/index.js').then((m) => (wasm = m));
      wasmKernels ??= wasmModule.then((m) => m.createWasmKernels({ host: wasmHost, wasmPaths: options.wasmPaths ?? null, ...(options.threads === undefined ? {} : { threads: options.threads }) }));
      return wasmKernels;
  }
  throw unknown(name);
}

/**
 * Selects the backend for every op that follows; call it before building tensors' graphs. When
 * calls overlap — a second call made while the first one's backend is still loading — the last
 * call wins: an earlier call that finishes loading later changes nothing (nor does it set its
 * `threads`), whichever order the loads finish in. A `useKernels` call counts as a later call.
 * @example await setBackend('wasm', { threads: 2 }); getBackend()  // 'wasm'
 */
export async function setBackend(name: AvailableBackend, options: BackendOptions = {}): Promise<void> {
  if (!BACKENDS.includes(name)) throw unknown(name);
  if (options.threads !== undefined && name !== 'wasm') {
    throw new RangeError(`setBackend: threads is an option of the wasm backend; the ${name} kernels run on the calling thread`);
  }
  if (options.wasmPaths !== undefined && name !== 'wasm') throw new RangeError(`setBackend: wasmPaths is an option of the wasm backend, not of ${name}`);
  const call = ++calls;
  const k = await backendKernels(name, options);
  if (call !== calls) return; // a later setBackend or useKernels call has been made: it wins
  if (options.threads !== undefined) wasm!.setNumThreads(options.threads);
  active = k;
}

/** The name of the active backend. */
export function getBackend(): string {
  return active.name;
}

/**
 * How many threads the wasm backend's kernels may use, the calling thread included; a thin alias
 * of `setBackend('wasm', { threads })` once that backend is loaded. At most twice the cores this
 * process may use. The cpu kernels run on the calling thread, so before the wasm backend is
 * loaded this throws and says so.
 * @example await setBackend('wasm'); setNumThreads(1)  // every kernel on the calling thread
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${String(n)}`);
  if (wasm === null) {
    throw new Error(`setNumThreads: threads are an option of the wasm backend, which is not loaded; the ${active.name} kernels run on the calling thread (use await setBackend('wasm', { threads: ${n} }))`);
  }
  wasm.setNumThreads(n);
}

/** The number of threads the wasm kernels may use (1 until the wasm backend is loaded: the cpu kernels use the calling thread). */
export function getNumThreads(): number {
  return wasm?.getNumThreads() ?? 1;
}

/**
 * How the kernels use threads: Sapling's worker threads (Node), tfjs-wasm's Web Workers (a
 * cross-origin isolated page), or none, with a sentence saying why — what a page shows its user.
 * @example await setBackend('wasm'); getThreading().workers  // 'worker_threads' in Node on 2 cores
 */
export function getThreading(): Threading {
  if (active.name !== 'wasm' || wasm === null) return { threads: 1, workers: 'none', detail: `one thread: the ${active.name} kernels run on the calling thread` };
  return wasm.threading();
}

export type * from './types.js';
