/**
 * Device-resident tensors on the webgpu backend: synchronous reads throw naming the async call,
 * the async reads and to(device) move values, assign copies into device memory, dispose and
 * scope release buffers to the pool (and a released tensor refuses use, naming who released
 * it), the garbage collector releases what nobody holds, and creation can place tensors on the
 * device. Skipped without an adapter (test-setup.ts says how to get one).
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ones, randn, tensor, zeros, zerosLike } from '../../creation.js';
import { keep, scope, toHost } from '../../memory.js';
import { deserializeCheckpoint, serializeCheckpoint } from '../../../io/checkpoint.js';
import { Linear } from '../../../layers/linear.js';
import { mseLoss } from '../../../layers/losses.js';
import { Adam } from '../../../optim/adam.js';
import type { OptimizerStateDict } from '../../../optim/optimizer.js';
import { Tensor } from '../../tensor.js';
import { getBackend, setBackend } from '../index.js';
import { memoryStats } from './gpu.js';
import { adapter } from './test-adapter.js';

describe.skipIf(adapter === null)('webgpu device tensors', () => {
  let previous = 'cpu';
  beforeAll(async () => {
    previous = getBackend();
    await setBackend('webgpu');
  });
  afterAll(async () => setBackend(previous as 'cpu'));

  test('ops on host tensors stay on the host; an op with a device input runs there', async () => {
    const host = tensor([[1, 2], [3, 4]]).mul(2);
    expect(host.device).toBe('cpu');
    expect(host.sum().item()).toBe(20);
    const dev = (await tensor([1, 2]).to('webgpu')).add(tensor([10, 20]));
    expect(dev.device).toBe('webgpu');
    expect(await dev.toArrayAsync()).toEqual([11, 22]);
    expect(() => dev.to('float64')).toThrow(/no float64/);
  });

  test('synchronous reads of a device tensor throw and name the async call', async () => {
    const t = (await tensor([[1, 2], [3, 4]]).to('webgpu')).mul(2);
    expect(t.device).toBe('webgpu');
    expect(() => t.dataSync()).toThrow(/await t\.data\(\)/);
    expect(() => t.toArray()).toThrow(/await t\.toArrayAsync\(\)/);
    expect(() => t.sum().item()).toThrow(/await t\.itemAsync\(\)/);
    expect(() => t.toString()).toThrow(/await t\.to\('cpu'\)/);
    expect(() => t.storage).toThrow(/await t\.data\(\)/);
    expect(() => t.mutate(() => undefined)).toThrow(/webgpu device/);
    expect(Array.from(await t.data())).toEqual([2, 4, 6, 8]);
    expect(await t.toArrayAsync()).toEqual([[2, 4], [6, 8]]);
    expect(await t.sum().itemAsync()).toBe(20);
  });

  test('to() moves values both ways; a tensor already there is returned as it is', async () => {
    const host = randn([3, 5]);
    const dev = await host.to('webgpu');
    expect(dev.device).toBe('webgpu');
    expect(await dev.to('webgpu')).toBe(dev);
    const back = await dev.to('cpu');
    expect(back.device).toBe('cpu');
    expect(back.toArray()).toEqual(host.toArray());
    expect((await dev.to('wasm')).toArray()).toEqual(host.toArray());
    await expect(randn([2], { dtype: 'float64' }).to('webgpu')).rejects.toThrow(/no float64/);
  });

  test('assign copies into device memory (from the host or the device); a host tensor refuses device values', async () => {
    const p = await zeros([2, 2]).to('webgpu');
    const version = p.version;
    p.assign(tensor([[1, 2], [3, 4]]));
    expect(p.version).toBeGreaterThan(version);
    expect(await p.toArrayAsync()).toEqual([[1, 2], [3, 4]]);
    const q = p.mul(10);
    expect(q.device).toBe('webgpu');
    p.assign(q);
    expect(await p.toArrayAsync()).toEqual([[10, 20], [30, 40]]);
    q.assign(tensor([[0, 0], [0, 0]]));
    expect(await p.toArrayAsync()).toEqual([[10, 20], [30, 40]]); // a copy, not shared memory
    expect(() => zeros([2, 2]).assign(q)).toThrow(/lives on the cpu.*on webgpu/);
  });

  test('in-place ops write a device tensor\'s own buffer (views see it), and a backward that saved it refuses to run', async () => {
    const x = await tensor([1, 2, 3]).to('webgpu');
    const view = x.reshape([3, 1]);
    x.add_(10).mul_(2);
    expect(await x.toArrayAsync()).toEqual([22, 24, 26]);
    expect(await view.toArrayAsync()).toEqual([[22], [24], [26]]);
    x.fill_(7);
    expect(await x.toArrayAsync()).toEqual([7, 7, 7]);
    x.copy_(tensor([4, 5, 6])); // from the host: uploaded into x's buffer
    expect(x.device).toBe('webgpu');
    expect(await view.toArrayAsync()).toEqual([[4], [5], [6]]);
    const w = (await tensor([1, 2, 3]).to('webgpu')).requiresGrad_();
    const loss = w.mul(x).sum(); // Mul saves x for w's gradient
    x.mul_(2);
    expect(() => loss.backward()).toThrow(/mul_/);
  });

  test('dispose frees the buffer now; any later use names dispose()', async () => {
    const t = ones([64, 64], { device: 'webgpu' }).mul(3);
    const used = memoryStats().usedBytes;
    t.dispose();
    expect(memoryStats().usedBytes).toBe(used - 64 * 64 * 4);
    t.dispose(); // twice is harmless
    await expect(t.data()).rejects.toThrow(/released by dispose\(\)/);
    expect(() => t.add(1)).toThrow(/released by dispose\(\)/);
  });

  test('scope frees what was made inside except what it returns and what was kept', async () => {
    const before = memoryStats().usedBytes;
    let inner: Tensor | null = null;
    let kept: Tensor | null = null;
    const out = scope(() => {
      const x = ones([32, 32], { device: 'webgpu' });
      inner = x.mul(2).add(1);
      kept = keep(inner.mul(3));
      return { y: inner.sum(), list: [inner.max()] };
    });
    expect(await out.y.itemAsync()).toBe(3 * 32 * 32);
    expect(await out.list[0]!.itemAsync()).toBe(3);
    expect(await kept!.sum().itemAsync()).toBe(9 * 32 * 32);
    await expect(inner!.data()).rejects.toThrow(/released by the end of a scope\(\)/);
    // what remains: the two results (4 bytes each) and the kept 32×32 (plus the one sum above, freed below)
    out.y.dispose();
    out.list[0]!.dispose();
    kept!.dispose();
    expect(memoryStats().usedBytes).toBeLessThanOrEqual(before + 8);
  });

  test('a nested scope hands what it returns to the enclosing one', async () => {
    const outer = scope(() => {
      const fromInner = scope(() => ones([4], { device: 'webgpu' }).mul(2));
      return fromInner.add(1);
    });
    expect(await outer.toArrayAsync()).toEqual([3, 3, 3, 3]);
  });

  test('the garbage collector returns a dropped tensor\'s buffer to the pool', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const make = (): void => {
      ones([256, 256], { device: 'webgpu' }).mul(2); // 2 × 256 KiB, dropped at once
    };
    make();
    const used = memoryStats().usedBytes;
    for (let i = 0; i < 5 && memoryStats().usedBytes >= used; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20)); // finalizers run as tasks
    }
    expect(memoryStats().usedBytes).toBeLessThanOrEqual(used - 256 * 256 * 4);
  });

  test('creation can place tensors on the device, and the *Like functions follow their model', async () => {
    const z = zeros([3, 2], { device: 'webgpu' });
    expect(z.device).toBe('webgpu');
    expect(await z.toArrayAsync()).toEqual([[0, 0], [0, 0], [0, 0]]);
    const o = ones([2], { device: 'webgpu', requiresGrad: true });
    expect(o.requiresGrad && o.device === 'webgpu').toBe(true);
    const like = zerosLike(o);
    expect(like.device).toBe('webgpu');
    expect(await like.toArrayAsync()).toEqual([0, 0]);
  });

  test('a checkpoint saves from the device through toHost(), and loads back into a device model', async () => {
    const model = new Linear(4, 3);
    await model.to('webgpu');
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    const x = randn([5, 4]);
    mseLoss(model.forward(x), randn([5, 3])).backward();
    opt.step();
    expect(() => serializeCheckpoint({ model: model.stateDict(), epoch: 0 })).toThrow(/lives on webgpu.*await toHost/);
    const bytes = serializeCheckpoint(await toHost({ model: model.stateDict(), optimizer: opt.stateDict(), epoch: 1 }));
    const loaded = deserializeCheckpoint(bytes);
    const copy = new Linear(4, 3);
    await copy.to('webgpu');
    copy.loadStateDict(loaded.model);
    expect(copy.weight.device).toBe('webgpu');
    expect(await copy.weight.toArrayAsync()).toEqual(await model.weight.toArrayAsync());
    const opt2 = new Adam(copy.parameters(), { lr: 0.01 });
    opt2.loadStateDict(loaded.optimizer as OptimizerStateDict);
    const step = async (m: Linear, o: Adam): Promise<unknown> => {
      o.zeroGrad();
      mseLoss(m.forward(x), x.slice([null, { stop: 3 }])).backward();
      o.step();
      return m.weight.toArrayAsync();
    };
    expect(await step(copy, opt2)).toEqual(await step(model, opt));
  });

  test('the pool reuses buffers: a repeated computation creates none after the first', async () => {
    const step = async (): Promise<void> => {
      const total = scope(() => ones([128, 64], { device: 'webgpu' }).mul(2).add(1).sum());
      expect(await total.itemAsync()).toBe(3 * 128 * 64);
      total.dispose();
    };
    for (let i = 0; i < 3; i++) await step(); // the pool's steady state: a free and a pending generation
    const created = memoryStats().created;
    for (let i = 0; i < 5; i++) await step();
    expect(memoryStats().created).toBe(created);
  });
});
