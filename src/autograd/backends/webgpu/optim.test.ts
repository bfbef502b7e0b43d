/**
 * RMSprop and Adagrad on the device (optim.ts's rmspropStep: one WGSL pass, two when centred with
 * momentum; adagradStep: one): three steps on device parameters land where the same steps on the
 * cpu do, at float32 tolerance, for every combination of their options, and the parameters and
 * the state stay on the device. The parity table (../parity.test.ts) checks the
 * kernel itself. Skipped without an adapter (test-setup.ts says how to get one).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randn } from '../../creation.js';
import { Adagrad } from '../../../optim/adagrad.js';
import type { BaseOptions, Optimizer } from '../../../optim/optimizer.js';
import { RMSprop } from '../../../optim/rmsprop.js';
import { seededRandom } from '../../random.js';
import type { Tensor } from '../../tensor.js';
import { getBackend, setBackend } from '../index.js';
import { adapter } from './test-adapter.js';

type MakeOptimizer = (params: Tensor[]) => Optimizer<BaseOptions, object>;

/** Three steps of `make`'s optimizer from seeded values; with `device`, the parameters and gradients live there. */
async function threeSteps(make: MakeOptimizer, device: boolean): Promise<{ values: number[][]; onDevice: boolean }> {
  const random = seededRandom(7);
  const host = [randn([37, 11], { random }), randn([5], { random })];
  const grads = [0, 1, 2].map(() => host.map((p) => randn(p.shape, { random })));
  const place = async (t: Tensor): Promise<Tensor> => (device ? t.to('webgpu') : t);
  const params = await Promise.all(host.map(async (t) => (await place(t)).requiresGrad_()));
  const opt = make(params);
  for (const step of grads) {
    const placed = await Promise.all(step.map(place));
    params.forEach((p, i) => { p.grad = placed[i]!; });
    opt.step();
  }
  const state = Object.values(opt.stateDict().state).flatMap((s) => Object.values(s).filter((v): v is Tensor => typeof v === 'object'));
  const onDevice = [...params, ...state].every((t) => t.device === 'webgpu');
  return { values: await Promise.all(params.map(async (p) => [...(await p.data())])), onDevice };
}

describe.skipIf(adapter === null)('RMSprop and Adagrad on the webgpu device', () => {
  let previous = 'cpu';
  beforeAll(async () => {
    previous = getBackend();
    await setBackend('webgpu');
  });
  afterAll(async () => setBackend(previous as 'cpu'));

  test.each<[string, MakeOptimizer]>([
    ['RMSprop', (p) => new RMSprop(p, { lr: 0.01 })],
    ['RMSprop centred, weight decay', (p) => new RMSprop(p, { lr: 0.01, centered: true, weightDecay: 1e-2 })],
    ['RMSprop with momentum, maximize', (p) => new RMSprop(p, { lr: 0.01, momentum: 0.9, maximize: true })],
    ['RMSprop centred with momentum (two passes)', (p) => new RMSprop(p, { lr: 0.01, centered: true, momentum: 0.5, alpha: 0.9 })],
    ['Adagrad', (p) => new Adagrad(p, { lr: 0.1 })],
    ['Adagrad with lr decay, weight decay, an initial sum, maximize', (p) => new Adagrad(p, { lr: 0.1, lrDecay: 0.01, weightDecay: 1e-2, initialAccumulatorValue: 0.5, maximize: true })],
  ])('%s: three steps as on the cpu, everything left on the device', async (_, make) => {
    const [gpu, cpu] = [await threeSteps(make, true), await threeSteps(make, false)];
    expect(gpu.onDevice).toBe(true);
    expect(cpu.onDevice).toBe(false);
    gpu.values.forEach((values, k) => values.forEach((v, i) => {
      const want = cpu.values[k]![i]!;
      if (Math.abs(v - want) > 1e-5 + 1e-5 * Math.abs(want)) throw new Error(`parameter ${k}, element ${i}: webgpu ${v}, cpu ${want}`);
    }));
  });
});
