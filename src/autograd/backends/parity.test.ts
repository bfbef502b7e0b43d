/**
 * The parity table (parity.ts) on every backend besides cpu, compared with cpu: the wasm backend,
 * the webgpu backend (when an adapter exists: webgpu/test-setup.ts), and a backend made of cpu's
 * core kernels only, whose fused kernels are therefore all fallbacks.ts's compositions — the
 * proof that a backend implementing `CoreKernels` alone computes every kernel, as the recipe in
 * README.md says. A device-resident backend's outputs are read back (awaited) before comparing.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { randn } from '../creation.js';
import { gruSequence } from '../ops/gru-sequence.js';
import { lstmSequence } from '../ops/lstm-sequence.js';
import { fusedConv2d } from '../ops/conv.js';
import { seededRandom } from '../random.js';
import { Tensor } from '../tensor.js';
import { cpuKernels } from './cpu/index.js';
import { coreOnly, FUSED_KERNELS, withFallbacks } from './fallbacks.js';
import { backendKernels, useKernels } from './index.js';
import { parityCases, parityError, PARITY, type ParityOutput } from './parity.js';
import type { Kernels } from './types.js';
import { adapter, onDevice, toHost, webgpuKernels } from './webgpu/test-adapter.js';

const minimal: Kernels = withFallbacks(coreOnly(cpuKernels, 'minimal'));
const backends: Record<string, Kernels> = { minimal };

beforeAll(async () => {
  backends.wasm = await backendKernels('wasm');
  if (adapter !== null) backends.webgpu = onDevice(await webgpuKernels()); // the table's host inputs, uploaded
});

test('the table has a case for every kernel, and the minimal backend implements no fused kernel itself', () => {
  for (const [kernel, list] of Object.entries(PARITY)) expect(list.length, kernel).toBeGreaterThan(0);
  expect(Object.keys(PARITY).sort()).toEqual(Object.keys(cpuKernels).filter((k) => k !== 'name').sort());
  const core = coreOnly(cpuKernels, 'minimal') as unknown as Record<string, unknown>;
  for (const fused of FUSED_KERNELS) {
    expect(core[fused], fused).toBeUndefined();
    expect(minimal[fused], fused).not.toBe(cpuKernels[fused]);
  }
});

describe.each(['wasm', 'minimal', 'webgpu'])('%s backend against cpu', (name) => {
  test.skipIf(name === 'webgpu' && adapter === null).each(parityCases().map(([kernel, c]) => [`${kernel}: ${c.name}`, c] as const))('%s', async (_, c) => {
    const want = c.run(cpuKernels);
    let outputs: readonly ParityOutput[];
    try {
      outputs = c.run(backends[name]!);
    } catch (error) {
      // A backend without float64 refuses a float64 value meeting a device tensor, by name.
      if (name === 'webgpu' && c.name.includes('float64') && error instanceof TypeError && /no float64/.test(error.message)) return;
      throw error;
    }
    const got = await toHost(outputs);
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => {
      // On webgpu the channel statistics are float32 (no float64 there): compare them in float32.
      const w = want[i]!;
      const expected = name === 'webgpu' && w instanceof Tensor && g instanceof Tensor && w.dtype === 'float64' && g.dtype === 'float32' ? cpuKernels.cast(w, 'float32') : w;
      const { ratio, detail } = parityError(g, expected);
      expect(ratio, `output ${i}: ${detail}`).toBeLessThanOrEqual(1);
    });
  });
});

describe('ops on the minimal backend (fused kernels from compositions) equal ops on cpu, gradients included', () => {
  const run = (k: Kernels, fn: () => Tensor[]): Tensor[] => {
    const previous = useKernels(k);
    try {
      return fn();
    } finally {
      useKernels(previous);
    }
  };
  test.each([
    ['lstmSequence', (): Tensor[] => {
      const random = seededRandom(3);
      const inputs = [[5, 3, 4], [3, 6], [12, 4], [12, 3], [12], [12]].map((shape) => randn(shape, { random }).requiresGrad_());
      const [x, s0, wIh, wHh, bIh, bHh] = inputs as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
      lstmSequence(x, s0, wIh, wHh, bIh, bHh, true).mul(randn([5, 3, 6], { random })).sum().backward();
      return inputs.map((t) => t.grad!);
    }],
    ['gruSequence', (): Tensor[] => {
      const random = seededRandom(4);
      const inputs = [[4, 2, 3], [2, 5], [15, 3], [15, 5], [15], [15]].map((shape) => randn(shape, { random }).requiresGrad_());
      const [x, h0, wIh, wHh, bIh, bHh] = inputs as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
      gruSequence(x, h0, wIh, wHh, bIh, bHh).mul(randn([4, 2, 5], { random })).sum().backward();
      return inputs.map((t) => t.grad!);
    }],
    ['fusedConv2d with bias, residual and ReLU', (): Tensor[] => {
      const random = seededRandom(5);
      const [x, w, b] = [randn([2, 3, 6, 6], { random }), randn([4, 3, 3, 3], { random }), randn([4], { random })];
      return [fusedConv2d(x, w, b, { padding: 1, activation: 'relu', residual: randn([2, 4, 6, 6], { random }) })];
    }],
  ] as const)('%s', (_, fn) => {
    const want = run(cpuKernels, fn);
    run(minimal, fn).forEach((g, i) => expect(parityError(g, want[i]!).ratio, `output ${i}`).toBeLessThanOrEqual(1));
  });
});
