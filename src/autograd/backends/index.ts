/**
 * The active backend. Ops call `kernels()` for every element loop; `setBackend('wasm')` (async,
 * once) swaps in the WebAssembly kernels, `useKernels(k)` swaps any `Kernels` object (tests use
 * it to run one case on each backend). The default is `cpu`, which needs no setup.
 */
import { cpuKernels } from './cpu/index.js';
import type { BackendName, Kernels } from './types.js';

/** How many threads the wasm kernels may use (worker threads + the caller; see parallel/pool.ts). */
export { setNumThreads, getNumThreads } from './wasm/threads.js';

let active: Kernels = cpuKernels;

/** The kernels every op dispatches to. */
export function kernels(): Kernels {
  return active;
}

/** Makes `k` the active kernels; returns the previous ones so callers can restore them. */
export function useKernels(k: Kernels): Kernels {
  const previous = active;
  active = k;
  return previous;
}

const BACKENDS = ['cpu', 'wasm'] as const;
export type AvailableBackend = (typeof BACKENDS)[number];

let wasmKernels: Promise<Kernels> | null = null;

/** The kernels of a backend, loading it on first use (the wasm binaries come from node_modules). */
export async function backendKernels(name: AvailableBackend): Promise<Kernels> {
  switch (name) {
    case 'cpu':
      return cpuKernels;
    case 'wasm':
      wasmKernels ??= import('./wasm/index.js').then((m) => m.createWasmKernels());
      return wasmKernels;
  }
  throw new RangeError(`setBackend: unknown backend '${String(name)}' (available: ${BACKENDS.join(', ')})`);
}

/**
 * Selects the backend for every op that follows. Call once, before building tensors' graphs.
 * @example await setBackend('wasm'); getBackend()  // 'wasm'
 */
export async function setBackend(name: AvailableBackend): Promise<void> {
  if (!BACKENDS.includes(name)) throw new RangeError(`setBackend: unknown backend '${String(name)}' (available: ${BACKENDS.join(', ')})`);
  active = await backendKernels(name);
}

/** The name of the active backend. */
export function getBackend(): BackendName {
  return active.name;
}

export type * from './types.js';
