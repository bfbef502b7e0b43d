/**
 * Determinism: the same seed on the same backend with the same thread count gives bit-identical
 * losses, step after step — for a small CNN and an LSTM trained 20 steps with Adam, on cpu and
 * on wasm (2 threads, with the LSTM large enough that the worker pool takes part). Across thread
 * counts wasm may differ in the last bits (measured in docs/errors.md, "Determinism").
 */
import { afterAll, describe, expect, test } from 'vitest';
import {
  Conv2d, CrossEntropyLoss, Flatten, Linear, Lstm, manualSeed, MaxPool2d, MseLoss, optim, randint, randn, ReLU,
  seededRandom, Sequential, setBackend, type AvailableBackend, type Tensor,
} from './index.js';
import { workerStats } from './autograd/backends/wasm/pool.js';

const STEPS = 20;

function cnnLosses(): number[] {
  manualSeed(7); // the layers' initial weights come from the global generator
  const model = new Sequential(
    new Conv2d(1, 8, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(8, 16, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(16 * 4 * 4, 10),
  );
  const random = seededRandom(11);
  const x = randn([16, 1, 16, 16], { random });
  const y = randint(0, 10, [16], { random });
  const optimizer = new optim.Adam(model.parameters(), { lr: 3e-3 });
  const loss = new CrossEntropyLoss();
  return train(optimizer, () => loss.forward(model.forward(x), y));
}

/** On wasm, batch 64 and hidden 128 are large enough for the kernels to split the LSTM over the worker threads. */
function lstmLosses(batch: number, hidden: number): number[] {
  manualSeed(8);
  const lstm = new Lstm(8, hidden, { batchFirst: true });
  const head = new Linear(hidden, 1);
  const random = seededRandom(12);
  const x = randn([batch, 12, 8], { random });
  const y = randn([batch, 1], { random });
  const optimizer = new optim.Adam([...lstm.parameters(), ...head.parameters()], { lr: 3e-3 });
  const loss = new MseLoss();
  return train(optimizer, () => {
    const { output } = lstm.forward(x); // [batch, 12, hidden]
    return loss.forward(head.forward(output.slice([null, 11]).reshape([batch, hidden])), y); // the last step
  });
}

function train(optimizer: { zeroGrad(): void; step(): void }, step: () => Tensor): number[] {
  const losses: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    optimizer.zeroGrad();
    const loss = step();
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return losses;
}

afterAll(async () => {
  await setBackend('cpu');
});

describe.each<[AvailableBackend, number]>([['cpu', 1], ['wasm', 2]])('%s backend, %i thread(s)', (backend, threads) => {
  test('same seed, same thread count: bit-identical losses over 20 steps (CNN and LSTM)', async () => {
    await setBackend(backend, backend === 'wasm' ? { threads } : {});
    const lstm = backend === 'wasm' ? () => lstmLosses(64, 128) : () => lstmLosses(16, 32);
    for (const run of [cnnLosses, lstm]) {
      const first = run();
      const second = run();
      expect(first.every(Number.isFinite)).toBe(true);
      expect(first[STEPS - 1]!).toBeLessThan(first[0]!); // it learns: the runs compared are real training
      expect(second).toEqual(first); // toEqual compares numbers with Object.is: bit for bit
    }
    if (backend === 'wasm') expect(workerStats().length).toBeGreaterThan(0); // the worker threads took part
  }, 120_000);
});
