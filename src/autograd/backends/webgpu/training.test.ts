/**
 * Training on the device: the MNIST CNN (Adam) and ResNet-18 at width 8 (SGD with momentum and
 * weight decay, batch norm in training mode) run 20 steps on webgpu and on wasm from the same
 * weights, and their losses agree within float32 tolerance; no step reads anything back (the
 * losses are read once, after the last step); one Transformer encoder layer's forward and
 * backward match the cpu's. Skipped without an adapter. SwiftShader runs these at a few seconds
 * per step, so the batches are small.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randn } from '../../creation.js';
import { manualSeed, seededRandom } from '../../random.js';
import type { Tensor } from '../../tensor.js';
import { loadMnist } from '../../../data/mnist.js';
import { loadSafetensors } from '../../../io/safetensors-file.js';
import { crossEntropy } from '../../../layers/losses.js';
import type { AnyModule } from '../../../layers/module.js';
import { TransformerEncoderLayer } from '../../../layers/transformer.js';
import { mnistCnn } from '../../../models/mnist-cnn.js';
import { ResNet18 } from '../../../models/resnet18.js';
import { Adam } from '../../../optim/adam.js';
import { SGD } from '../../../optim/sgd.js';
import { getBackend, setBackend, type AvailableBackend } from '../index.js';
import { parityError } from '../parity.js';
import { memoryStats } from './gpu.js';
import { adapter } from './test-adapter.js';

const STEPS = 20;
const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'models', 'fixtures');

interface Run {
  readonly model: AnyModule;
  readonly optimizer: Adam | SGD;
  readonly input: Tensor;
  readonly target: Tensor;
}

function mnistRun(): Run {
  manualSeed(20_251);
  const model = mnistCnn();
  const { images, labels } = loadMnist({ split: 'test', limit: 8, normalize: true });
  return { model, optimizer: new Adam(model.parameters(), { lr: 2e-3, weightDecay: 1e-4 }), input: images, target: labels };
}

function resnetRun(): Run {
  const model = new ResNet18({ width: 8, numClasses: 10, random: () => 0.5 });
  model.loadStateDict(loadSafetensors(join(FIXTURES, 'w8.safetensors')).tensors);
  const io = loadSafetensors(join(FIXTURES, 'w8-io.safetensors')).tensors;
  return { model, optimizer: new SGD(model.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 }), input: io.input!, target: io.target! };
}

/** Trains `STEPS` steps on `backend`; returns the losses and how many reads the steps made. */
async function train(backend: AvailableBackend, make: () => Run): Promise<{ losses: number[]; reads: number }> {
  await setBackend(backend);
  const { model, optimizer, input, target } = make();
  if (backend === 'webgpu') await model.to('webgpu');
  const x = await input.to(backend);
  model.train();
  const forward = model.forward.bind(model) as unknown as (x: Tensor) => Tensor;
  const losses: Tensor[] = [];
  const reads = backend === 'webgpu' ? memoryStats().reads : 0;
  for (let i = 0; i < STEPS; i++) {
    optimizer.zeroGrad();
    const loss = crossEntropy(forward(x), target);
    loss.backward();
    optimizer.step();
    losses.push(loss.detach());
  }
  const during = backend === 'webgpu' ? memoryStats().reads - reads : 0;
  return { losses: await Promise.all(losses.map((l) => l.itemAsync())), reads: during };
}

/** Losses agree within float32 tolerance: |a − b| ≤ 1e-5 + 1e-3·|b| (20 steps of float32 rounding, compounded). */
function expectClose(got: readonly number[], want: readonly number[]): void {
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `step ${i}: ${g} against ${want[i]}`).toBeLessThanOrEqual(1e-5 + 1e-3 * Math.abs(want[i]!)));
}

describe.skipIf(adapter === null)('training on webgpu', () => {
  let previous = 'cpu';
  beforeAll(() => {
    previous = getBackend();
  });
  afterAll(async () => setBackend(previous as AvailableBackend));

  test('the MNIST CNN: 20 Adam steps, losses as on wasm, no read during a step', async () => {
    const wasm = await train('wasm', mnistRun);
    const gpu = await train('webgpu', mnistRun);
    expect(gpu.reads).toBe(0);
    expectClose(gpu.losses, wasm.losses);
    expect(gpu.losses.at(-1)!).toBeLessThan(gpu.losses[0]! / 2);
  }, 900_000);

  test('ResNet-18 at width 8: 20 SGD steps with batch norm in training mode, losses as on wasm, no read during a step', async () => {
    const wasm = await train('wasm', resnetRun);
    const gpu = await train('webgpu', resnetRun);
    expect(gpu.reads).toBe(0);
    expectClose(gpu.losses, wasm.losses);
  }, 900_000);

  test('one Transformer encoder layer: forward and backward as on the cpu', async () => {
    const make = () => new TransformerEncoderLayer(16, 4, { dimFeedforward: 32, dropout: 0, activation: 'gelu', random: seededRandom(7) });
    const src = randn([5, 3, 16], { random: seededRandom(8) });
    const weights = randn([5, 3, 16], { random: seededRandom(9) });
    const run = async (backend: AvailableBackend): Promise<Tensor[]> => {
      await setBackend(backend);
      const layer = make();
      if (backend === 'webgpu') await layer.to('webgpu');
      const x = (await src.to(backend)).requiresGrad_();
      const y = layer.forward(x);
      y.mul(weights).sum().backward();
      return Promise.all([y, x.grad!, ...layer.parameters().map((p) => p.grad!)].map((t) => t.to('cpu')));
    };
    const want = await run('cpu');
    const got = await run('webgpu');
    got.forEach((g, i) => expect(parityError(g, want[i]!).ratio, `output ${i} ${parityError(g, want[i]!).detail}`).toBeLessThanOrEqual(1));
  }, 300_000);
});
