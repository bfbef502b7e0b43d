import { describe, expect, test } from 'vitest';
import { issue16Targets, issue22Targets, issue23Targets } from './targets.js';

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

describe('issue 22 targets', () => {
  const webgpu = {
    software: true,
    kernelRatios: [
      { family: 'matmul', name: '512', ratio: 0.98 },
      { family: 'conv forward', name: 'a', ratio: 0.9 }, { family: 'conv forward', name: 'b', ratio: 1.3 }, { family: 'conv forward', name: 'c', ratio: 1.05 },
      { family: 'conv input gradient', name: 'a', ratio: 1.2 }, { family: 'conv input gradient', name: 'b', ratio: 1.4 },
    ],
    stepTargets: [{ model: 'MNIST CNN', stepMs: 900, sumMs: 1300, reads: 0 }, { model: 'ResNet-18', stepMs: 2000, sumMs: 1000, reads: 2 }],
  };

  test('a family is judged on its median ratio, with the spread beside it; steps on step / sum and reads', () => {
    const rows = byTarget(issue22Targets(webgpu));
    expect(rows['matmul within 1.10× of raw tfjs-webgpu (median over 1 shape)']).toMatchObject({ ratio: 0.98, verdict: 'met', measured: '0.98' });
    expect(rows['conv forward within 1.10× of raw tfjs-webgpu (median over 3 shapes)']).toMatchObject({ ratio: 1.05, verdict: 'met', measured: '0.90–1.30, 1 of 3 past 1.10' });
    expect(rows['conv input gradient within 1.10× of raw tfjs-webgpu (median over 2 shapes)']!.ratio).toBeCloseTo(1.3);
    expect(rows['conv input gradient within 1.10× of raw tfjs-webgpu (median over 2 shapes)']!.verdict).toBe('missed');
    expect(rows['MNIST CNN: training step within 1.3× the sum of its kernels']).toMatchObject({ verdict: 'met', measured: 'step 900 ms, kernels alone 1300 ms' });
    expect(rows['ResNet-18: training step within 1.3× the sum of its kernels']!.verdict).toBe('missed');
    expect(rows['MNIST CNN: no read to the host inside a step']!.verdict).toBe('met');
    expect(rows['ResNet-18: no read to the host inside a step']).toMatchObject({ verdict: 'missed', measured: '2 reads' });
    expect(rows['ResNet-18 CIFAR training step on a real GPU faster than PyTorch on the CPU']!.verdict).toBe('not measured');
  });

  test('a missing result is not measured, never met', () => {
    const rows = issue22Targets(undefined);
    expect(rows.map((r) => r.verdict)).toEqual(['not measured', 'not measured', 'not measured']);
  });
});

describe('issue 16 targets', () => {
  const transformer = (mode = 'full') => ({
    mode,
    attention: { results: [{ T: 128, medianMs: { Sapling: 150, 'jax-js': 140, PyTorch: 80 } }, { T: 512, medianMs: { Sapling: 1400, 'jax-js': 1500, PyTorch: 650 } }] },
    bert: { medianMs: { Sapling: 9000, 'jax-js': 11000, PyTorch: 2500 } },
    tfjsLayers: "Kernel 'Einsum' not registered for backend 'wasm'",
  });

  test('the step against PyTorch and jax-js, the attention op against jax-js at each length, tfjs-layers with its reason', () => {
    const rows = byTarget(issue16Targets({ transformer: transformer() }));
    expect(rows['mini-BERT training step within 3× PyTorch (same threads)']!.ratio).toBeCloseTo(3.6);
    expect(rows['mini-BERT training step within 3× PyTorch (same threads)']!.verdict).toBe('missed');
    expect(rows['mini-BERT training step faster than jax-js']!.verdict).toBe('met');
    expect(rows['attention forward + backward, T = 128, faster than jax-js']!.verdict).toBe('missed');
    expect(rows['attention forward + backward, T = 512, faster than jax-js']!.verdict).toBe('met');
    expect(rows['mini-BERT step faster than tfjs-layers']!.measured).toMatch(/Einsum/);
  });

  test('a missing or --quick file leaves every target not measured', () => {
    for (const files of [{}, { transformer: transformer('quick') }]) expect(issue16Targets(files).filter((r) => r.verdict !== 'not measured')).toEqual([]);
  });
});
