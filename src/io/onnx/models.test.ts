/**
 * The proof of the exporter on the models the examples train: each is exported once (traced at
 * batch 1, dynamic batch), run with ONNX Runtime (onnxruntime-node, CPU) at batch 1 and 7 on fixed
 * seeded inputs, and compared with Sapling's own eval-mode forward (float32: rtol 1e-4, atol 1e-5).
 *
 *   MNIST CNN         examples/mnist-cnn.ts's network (conv-relu-pool ×2, flatten, linear ×2)
 *   ResNet-18 w8      src/models/resnet18.ts at width 8 with PyTorch's weights and running
 *                     statistics (src/models/fixtures/w8.safetensors): ONNX Runtime also matches
 *                     PyTorch's own eval logits on the fixture's batch
 *   ResNet-18 full    width 64, 1000 classes, all 11.7 M parameters, on 32×32 inputs to stay fast
 *                     (`npx tsx benchmarks/onnx-latency.ts` runs it at 224×224)
 *   LSTM forecaster   examples/lstm-vs-arima.ts's LstmRegressor (2 features, 44 days, hidden 16)
 * The PyTorch side (loading the .onnx files with the `onnx` package) is not run: Debian's
 * python3 here has torch 1.13 but no `onnx` module; see README.md.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { manualSeed } from '../../autograd/random.js';
import { expectClose } from '../../autograd/test-utils.js';
import { full } from '../../autograd/creation.js';
import { mnistCnn } from '../../models/mnist-cnn.js';
import { ResNet18 } from '../../models/resnet18.js';
import { LstmRegressor } from '../../../examples/lstm-vs-arima.js';
import { loadSafetensors } from '../safetensors-file.js';
import { exportOnnxBytes } from './export.js';
import { runOnnx } from './run-onnx.js';
import { expectOnnxParity } from './test-utils.js';

describe('exported models run in ONNX Runtime like in Sapling (batch 1 and 7)', () => {
  test('MNIST CNN', async () => {
    manualSeed(1);
    await expectOnnxParity(mnistCnn(), { shapes: (n) => [[n, 1, 28, 28]] });
  });

  test('ResNet-18 width 8 with PyTorch weights; ONNX Runtime also matches PyTorch', async () => {
    const fixtures = join(import.meta.dirname, '..', '..', 'models', 'fixtures');
    const model = new ResNet18({ width: 8, numClasses: 10, random: () => 0.5 });
    model.loadStateDict(loadSafetensors(join(fixtures, 'w8.safetensors')).tensors);
    const bytes = await expectOnnxParity(model, { shapes: (n) => [[n, 3, 48, 48]] });
    const io = loadSafetensors(join(fixtures, 'w8-io.safetensors')).tensors;
    const { logits } = await runOnnx(bytes, io.input!);
    const torchLogits = io['eval.logits']!;
    expectClose(logits, torchLogits, { rtol: 1e-4, atol: 1e-4 });
    // BN folded into the convs (FusedConv2d with bias, residual and ReLU): Conv, Add, Relu nodes
    const fused = model.fuseForInference();
    const folded = await expectOnnxParity(fused, { shapes: (n) => [[n, 3, 48, 48]] });
    expect(folded.byteLength).toBeLessThan(bytes.byteLength);
  });

  test('ResNet-18 full size (width 64, 1000 classes) on 32×32 inputs', async () => {
    manualSeed(2);
    const bytes = await expectOnnxParity(new ResNet18(), { shapes: (n) => [[n, 3, 32, 32]] });
    expect(bytes.byteLength).toBeGreaterThan(11_689_512 * 4); // every parameter, as float32
  });

  test('LSTM forecaster (examples/lstm-vs-arima.ts)', async () => {
    const model = new LstmRegressor(2, 16, 0);
    const bytes = await expectOnnxParity(model, { shapes: (n) => [[n, 44, 2]] });
    expect(bytes.byteLength).toBeLessThan(10_000);
  });
});

test('the MNIST CNN export is deterministic: the same model gives the same bytes', () => {
  manualSeed(3);
  const model = mnistCnn();
  const input = full([1, 1, 28, 28], 0.5);
  expect(Buffer.from(exportOnnxBytes(model, input)).equals(Buffer.from(exportOnnxBytes(model, input)))).toBe(true);
});
