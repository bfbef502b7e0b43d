/**
 * test-adapter — what a WebGPU test file needs: whether the suites run (test-setup.ts probed the
 * adapter), the backend's kernels, and reading a kernel's outputs back to compare them.
 */
import { inject } from 'vitest';
import { deviceBackend } from '../../device.js';
import { Tensor } from '../../tensor.js';
import { backendKernels } from '../index.js';
import type { Kernels } from '../types.js';

/** The adapter's description, or null: `describe.skipIf(!adapter)`. */
export const adapter: string | null = inject('webgpu');

/** The webgpu kernels (opens the device on first use). */
export const webgpuKernels = (): Promise<Kernels> => backendKernels('webgpu');

/**
 * `k` with every host tensor argument moved to the device first, so that a table written with
 * host inputs (parity.ts) runs the GPU kernels — the webgpu kernels run a call whose inputs are
 * all on the host on the cpu. A call involving float64 is left alone (it stays on the cpu), and
 * so is allFinite, a synchronous read that this backend only does for host tensors.
 */
export function onDevice(k: Kernels): Kernels {
  const up = (v: unknown): unknown => (v instanceof Tensor ? deviceBackend('onDevice').upload(v) : Array.isArray(v) ? v.map(up) : v);
  const hasFloat64 = (v: unknown): boolean => (v instanceof Tensor ? v.dtype === 'float64' : Array.isArray(v) ? v.some(hasFloat64) : v === 'float64');
  return Object.fromEntries(
    Object.entries(k).map(([name, f]) => [name, typeof f !== 'function' || name === 'allFinite' ? f : (...args: unknown[]) => (f as (...a: unknown[]) => unknown)(...(args.some(hasFloat64) ? args : args.map(up)))]),
  ) as unknown as Kernels;
}

/** Host copies of whatever tensors `values` holds (others pass through), for synchronous checks. */
export async function toHost<T>(values: readonly T[]): Promise<T[]> {
  return Promise.all(values.map(async (v) => (v instanceof Tensor ? ((await v.to('cpu')) as T) : v)));
}
