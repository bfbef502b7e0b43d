/**
 * The parity table (parity.ts) on every backend besides cpu, compared with cpu: the wasm backend,
 * and a backend made of cpu's core kernels only, whose fused kernels are therefore all
 * fallbacks.ts's compositions — the proof that a backend implementing `CoreKernels` alone
 * computes every kernel, as the recipe in README.md says.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { randn } from '../creation.js';
import { gruSequence } from '../ops/gru-sequence.js';
import { lstmSequence } from '../ops/lstm-sequence.js';
import { fusedConv2d } from '../ops/conv.js';
import { seededRandom } from '../random.js';
import type { Tensor } from '../tensor.js';
import { cpuKernels } from './cpu/index.js';
import { coreOnly, FUSED_KERNELS, withFallbacks } from './fallbacks.js';
import { backendKernels, useKernels } from './index.js';
import { parityCases, parityError, PARITY } from './parity.js';
import type { Kernels } from './types.js';

const minimal: Kernels = withFallbacks(coreOnly(cpuKernels, 'minimal'));
const backends: Record<string, Kernels> = { minimal };

beforeAll(async () => {
  backends.wasm = await backendKernels('wasm');
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

describe.each(['wasm', 'minimal'])('%s backend against cpu', (name) => {
  test.each(parityCases().map(([kernel, c]) => [`${kernel}: ${c.name}`, c] as const))('%s', (_, c) => {
    const want = c.run(cpuKernels);
    const got = c.run(backends[name]!);
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => {
      const { ratio, detail } = parityError(g, want[i]!);
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
