/**
 * test-utils — helpers shared by the op tests (not part of the public API, not built to dist/).
 */
import { availableParallelism } from 'node:os';
import { useKernels } from './backends/index.js';
import { cpuKernels } from './backends/cpu/index.js';
import { getMinFlopsPerShare, setMinFlopsPerShare, setNumThreads } from './backends/wasm/threads.js';
import type { Kernels } from './backends/types.js';
import { tensor } from './creation.js';
import { fmt } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';

/**
 * Runs `fn` on the `wasm` kernels with every kernel cut over `threads` threads, however small
 * (a split threshold of 0). Afterwards the cpu kernels, the threshold and the default thread
 * count are back, whatever `fn` did.
 */
export function onSplitWasm<T>(wasm: Kernels, threads: number, fn: () => T): T {
  const threshold = getMinFlopsPerShare();
  setMinFlopsPerShare(0);
  setNumThreads(threads);
  useKernels(wasm);
  try {
    return fn();
  } finally {
    useKernels(cpuKernels);
    setMinFlopsPerShare(threshold);
    setNumThreads(availableParallelism());
  }
}

/**
 * Checks the shape and every value: |actual − expected| ≤ atol + rtol·|expected| (equal
 * infinities and NaNs pass). Literal expectations are read as float64.
 */
export function expectClose(actual: Tensor, expected: Tensor | NestedArray, { rtol = 1e-12, atol = 1e-12 } = {}): void {
  const want = expected instanceof Tensor ? expected : tensor(expected, { dtype: 'float64' });
  if (fmt(actual.shape) !== fmt(want.shape)) throw new Error(`shape ${fmt(actual.shape)}, expected ${fmt(want.shape)}`);
  const a = actual.storage;
  const e = want.storage;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) throw new Error(`element ${i}: got ${x}, expected ${y}`);
  }
}
