/**
 * In-place optimizer steps against the wasm backend's caches: a conv's filter kept resident (and
 * run as Winograd, which applies only to a filter seen before) and a Linear's weight kept in tfjs's
 * heap must be read afresh after each in-place Adam or SGD step, on one and on two threads. The
 * same model, run on cpu from the same values after the steps, is the oracle.
 */
import { afterAll, expect, test } from 'vitest';
import { F, Tensor, getBackend, noGrad, randn, seededRandom, setBackend } from '../index.js';
import { setNumThreads } from '../autograd/backends/index.js';
import { storageObject } from '../autograd/tensor-storage.js';
import { residentStats } from '../autograd/backends/wasm/shares/resident.js';
import { winogradShares } from '../autograd/backends/wasm/shares/winograd.js';
import { Conv2d } from '../layers/conv2d.js';
import { Linear } from '../layers/linear.js';
import { Adam } from './adam.js';
import { SGD } from './sgd.js';

const before = getBackend();
afterAll(async () => {
  setNumThreads(1);
  await setBackend(before as 'cpu' | 'wasm');
});

const maxDiff = (a: Tensor, b: Tensor): number => {
  let m = 0;
  for (let i = 0; i < a.numel(); i++) m = Math.max(m, Math.abs(a.storage[i]! - b.storage[i]!));
  return m;
};

for (const threads of [1, 2]) {
  for (const name of ['Adam', 'SGD'] as const) {
    test(`${name}, ${threads} thread(s): inference after in-place steps sees the new weights`, async () => {
      await setBackend('wasm');
      setNumThreads(threads);
      const random = seededRandom(7);
      const conv = new Conv2d(16, 16, 3, { padding: 1 });
      const fc = new Linear(16 * 14 * 14, 10);
      const x = randn([1, 16, 14, 14], { random });
      const forward = (): Tensor => fc.forward(F.relu(conv.forward(x)).reshape([1, -1]));
      const params = [...conv.parameters(), ...fc.parameters()];
      const opt = name === 'Adam' ? new Adam(params, { lr: 1e-2 }) : new SGD(params, { lr: 1e-2, momentum: 0.9 });
      for (let round = 0; round < 3; round++) {
        const [winograd, hits] = [winogradShares(), residentStats().hits];
        for (let i = 0; i < 3; i++) noGrad(forward); // the filter is seen, kept, and run as Winograd
        expect(winogradShares(), 'Winograd ran').toBeGreaterThan(winograd);
        expect(residentStats().hits, 'a resident operand was reused').toBeGreaterThan(hits);
        const stored = params.map((p) => storageObject(p)); // not `storage`, which hands the array out (and stops in-place steps)
        opt.zeroGrad();
        F.crossEntropy(forward(), new Tensor(new Int32Array([round]), [1])).backward();
        opt.step();
        if (round > 0) params.forEach((p, i) => expect(storageObject(p), 'written in place').toBe(stored[i]));
        const got = noGrad(forward);
        await setBackend('cpu');
        const want = noGrad(forward);
        await setBackend('wasm');
        expect(maxDiff(got, want), `round ${round}`).toBeLessThan(1e-4 * Math.max(1, ...Array.from(want.storage, Math.abs)));
      }
    });
  }
}
