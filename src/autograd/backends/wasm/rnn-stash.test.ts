/**
 * The LSTM's activation stash (rnn.ts, shares/stash.ts): a worker's rows of the saved
 * activations stay on it from forward to backward. Its results must be the ones without the
 * stash bit for bit — when the worker has them, when it no longer has them (a second backward
 * on the same handle recomputes them on the calling thread), and through `activations()`.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { randn } from '../../creation.js';
import { seededRandom } from '../../random.js';
import type { Tensor } from '../../tensor.js';
import { onSplitWasm } from '../../test-utils.js';
import { backendKernels } from '../index.js';
import type { Kernels, LstmSaved } from '../types.js';
import { stashRecomputes, useActivationStash } from './rnn.js';

let wasm: Kernels;
beforeAll(async () => {
  wasm = await backendKernels('wasm');
});

const bits = (ts: readonly (Tensor | null)[]): number[][] => ts.map((t) => Array.from(new Uint32Array((t!.dataSync() as Float32Array).slice().buffer)));

describe.each([2, 3])('LSTM activation stash on %i threads', (threads) => {
  const random = seededRandom(threads);
  const [T, N, I, H] = [5, 21, 3, 16]; // 21 rows: uneven blocks
  const [x, s0, wIh, wHh, bIh, bHh, dS] = [[T, N, I], [N, 2 * H], [4 * H, I], [4 * H, H], [4 * H], [4 * H], [T, N, 2 * H]].map((shape) => randn(shape, { random })) as Tensor[];
  const need = [true, true, true, true, true] as const;
  const forward = (reverse: boolean) => wasm.lstmForward(x!, s0!, wIh!, wHh!, bIh!, bHh!, reverse);
  const backward = (saved: LstmSaved, reverse: boolean) => {
    const g = wasm.lstmBackward(saved, x!, s0!, wIh!, wHh!, dS!, reverse, need);
    return [g.dX, g.dState0, g.dWIh, g.dWHh, g.dBias];
  };
  const activations = (saved: LstmSaved) => {
    const a = saved.activations();
    return [a.gates, a.tanhC, a.hPrev, a.s];
  };

  test.each([false, true])('forward, backward, a second backward and activations() equal the unstashed ones bit for bit (reverse = %s)', (reverse) => {
    onSplitWasm(wasm, threads, () => {
      const previous = useActivationStash(false);
      try {
        const plain = forward(reverse);
        const want = { out: bits([plain.out]), grads: bits(backward(plain.saved, reverse)), acts: bits(activations(plain.saved)) };
        useActivationStash(true);
        const recomputed = stashRecomputes();
        const kept = forward(reverse);
        expect(bits([kept.out])).toEqual(want.out);
        expect(bits(backward(kept.saved, reverse))).toEqual(want.grads); //   from the workers' stashes
        expect(stashRecomputes()).toBe(recomputed);
        expect(bits(backward(kept.saved, reverse))).toEqual(want.grads); //   taken already: recomputed here
        expect(stashRecomputes()).toBe(recomputed + 1);
        expect(bits(activations(kept.saved))).toEqual(want.acts);
        const again = forward(reverse);
        expect(bits(activations(again.saved))).toEqual(want.acts); //         recomputed before any backward
        expect(bits(backward(again.saved, reverse))).toEqual(want.grads);
        expect(stashRecomputes()).toBe(recomputed + 2);
      } finally {
        useActivationStash(previous);
      }
    });
  });
});
