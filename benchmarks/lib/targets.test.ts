import { describe, expect, test } from 'vitest';
import { issue23Targets } from './targets.js';

const stats = (medianMs: number) => ({ medianMs });
/** The parts of training.json and lstm.json the targets read, with round figures. */
const training = (mode = 'full') => ({
  mode, saplingWasmThreads: 2,
  cases: [
    { model: 'mlp', saplingWasm: stats(10), saplingWasm1T: stats(9), tfjsLayersWasm: { ms: stats(70) }, tfjsLayersCpu: stats(300), torch: { medianMs: 4 },
      jaxJs: { adam: stats(8), saplingInSameBlock: stats(10), sgd: stats(8), saplingSgd: stats(7) } },
    { model: 'cnn', saplingWasm: stats(40), saplingWasm1T: stats(42), tfjsLayersWasm: { error: 'no kernel', leakedTensors: 3 }, tfjsLayersCpu: stats(9000), torch: { medianMs: 19 },
      jaxJs: { adam: stats(2000), saplingInSameBlock: stats(45) } },
  ],
});
const lstm = { mode: 'full', threads: 2, medianMs: { saplingWasm: 50, saplingWasmOneThread: 60, tfjsLayers: 200, torch: { 1: 25, 2: 20 } } };

const byTarget = (rows: ReturnType<typeof issue23Targets>) => Object.fromEntries(rows.map((r) => [r.target, r]));

describe('issue 23 targets', () => {
  test('ratios and verdicts from result files', () => {
    const rows = byTarget(issue23Targets({ training: training(), lstm }));
    const mlpTorch = rows['MLP train step (wasm, 1 thread) within 2.5× of PyTorch']!;
    expect(mlpTorch.ratio).toBeCloseTo(9 / 4);
    expect(mlpTorch.verdict).toBe('met');
    expect(rows['MNIST CNN train step (wasm, default threads) within 2× of PyTorch']!.verdict).toBe('missed'); // 40 / 19 = 2.1
    expect(rows['LSTM train step (wasm, 1 thread) within 2× of PyTorch (1 thread)']!.verdict).toBe('missed'); //   60 / 25 = 2.4
    expect(rows['LSTM train step (wasm, 2 threads) within 2× of PyTorch (same threads)']!.ratio).toBeCloseTo(2.5);
    // tfjs-layers cannot train the CNN on wasm: its cpu figure is the reference
    expect(rows['MNIST CNN: Sapling well ahead of tfjs-layers (tfjs on its cpu backend: wasm cannot train it)']!.ratio).toBeCloseTo(40 / 9000);
    expect(rows['MLP: Sapling well ahead of tfjs-layers']!.ratio).toBeCloseTo(10 / 70);
    expect(rows['MLP: 2 threads never slower than 1']!.verdict).toBe('missed'); //                     10 / 9 = 1.11 > 1.05
    expect(rows['MNIST CNN: 2 threads never slower than 1']!.verdict).toBe('met');
    expect(rows['LSTM: 2 threads never slower than 1']!.verdict).toBe('met');
    expect(rows['npm start training time at most 65% of before']!.verdict).toBe('not measured');
    expect(rows['MLP train step faster than jax-js (jitted), Adam']!.verdict).toBe('missed'); //    10 / 8
    expect(rows['MLP train step faster than jax-js (jitted), SGD']!.ratio).toBeCloseTo(7 / 8);
    expect(rows['MLP train step faster than jax-js (jitted), SGD']!.verdict).toBe('met');
    expect(rows['MNIST CNN: lead over jax-js (jitted) kept']!.ratio).toBeCloseTo(45 / 2000);
  });

  test('a missing file, a --quick file and a 1-thread LSTM run leave their targets not measured, never met', () => {
    for (const files of [{}, { training: training('quick') }]) {
      const rows = issue23Targets(files);
      expect(rows.filter((r) => r.verdict !== 'not measured')).toEqual([]);
    }
    const rows = byTarget(issue23Targets({ lstm: { ...lstm, threads: 1 } }));
    expect(rows['LSTM: 2 threads never slower than 1']!.verdict).toBe('not measured');
    expect(rows['LSTM train step (wasm, 1 thread) within 2× of PyTorch (1 thread)']!.verdict).toBe('missed');
  });
});
