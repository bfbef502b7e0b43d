/**
 * test-adapter — what a WebGPU test file needs: whether the suites run (test-setup.ts probed the
 * adapter), the backend's kernels, and reading a kernel's outputs back to compare them.
 */
import { inject } from 'vitest';
import { Tensor } from '../../tensor.js';
import { backendKernels } from '../index.js';
import type { Kernels } from '../types.js';

/** The adapter's description, or null: `describe.skipIf(!adapter)`. */
export const adapter: string | null = inject('webgpu');

/** The webgpu kernels (opens the device on first use). */
export const webgpuKernels = (): Promise<Kernels> => backendKernels('webgpu');

/** Host copies of whatever tensors `values` holds (others pass through), for synchronous checks. */
export async function toHost<T>(values: readonly T[]): Promise<T[]> {
  return Promise.all(values.map(async (v) => (v instanceof Tensor ? ((await v.to('cpu')) as T) : v)));
}
