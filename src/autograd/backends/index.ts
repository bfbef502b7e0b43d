/**
 * The active backend. Ops call `kernels()` for every element loop; `useKernels(k)` swaps the
 * implementation (tests use it to run the same case on each backend). The default is `cpu`.
 */
import { cpuKernels } from './cpu/index.js';
import type { Kernels } from './types.js';

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

export type * from './types.js';
