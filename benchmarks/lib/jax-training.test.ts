import { describe, expect, test } from 'vitest';
import { Conv2d, F, Flatten, Linear, MaxPool2d, ReLU, Sequential, manualSeed, optim, seededRandom, tensor } from '../../src/index.js';
import { jaxTrainer, type JaxOptimizer } from './jax-training.js';

/** The training suite's models, small batches; Sapling on its default (cpu) backend. */
function setup(name: 'mlp' | 'cnn', batch: number) {
  manualSeed(name === 'mlp' ? 1 : 2);
  const model = name === 'mlp'
    ? new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10))
    : new Sequential(new Conv2d(1, 16, 5), new ReLU(), new MaxPool2d(2), new Conv2d(16, 32, 5), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(512, 64), new ReLU(), new Linear(64, 10));
  const shape = name === 'mlp' ? [batch, 784] : [batch, 1, 28, 28];
  const random = seededRandom(3);
  const size = shape.reduce((a, b) => a * b, 1);
  const batches = [0, 1].map(() => ({ x: Float32Array.from({ length: size }, () => random()), labels: Int32Array.from({ length: batch }, () => Math.floor(random() * 10)) }));
  const params = model.parameters().map((p) => ({ values: p.dataSync() as Float32Array, shape: p.shape }));
  return { model, shape, batches, params };
}

describe('jax-training: the jax-js peer trains the same model as Sapling', () => {
  for (const opt of [{ name: 'sgd', lr: 0.01, momentum: 0.9 }, { name: 'adam', lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8 }] as const satisfies readonly JaxOptimizer[]) {
    test(`MLP, ${opt.name}: the same losses over 4 steps from the same weights`, async () => {
      const { model, shape, batches, params } = setup('mlp', 16);
      const jax = await jaxTrainer('mlp', params, batches, shape, opt);
      const optimizer = opt.name === 'sgd'
        ? new optim.SGD(model.parameters(), { lr: opt.lr, momentum: opt.momentum })
        : new optim.Adam(model.parameters(), { lr: opt.lr, betas: opt.betas, eps: opt.eps });
      for (let i = 0; i < 4; i++) {
        const b = batches[i % 2]!;
        const loss = F.crossEntropy(model.forward(tensor(b.x, shape)), tensor(b.labels, [16]));
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        expect(await jax.step(i)).toBeCloseTo(loss.item(), 4);
      }
    });
  }

  test('CNN: the same loss from the same weights', async () => {
    const { model, shape, batches, params } = setup('cnn', 2);
    const jax = await jaxTrainer('cnn', params, batches, shape, { name: 'sgd', lr: 0.01, momentum: 0.9 });
    for (const i of [0, 1]) {
      const b = batches[i]!;
      expect(await jax.loss(i)).toBeCloseTo(F.crossEntropy(model.forward(tensor(b.x, shape)), tensor(b.labels, [2])).item(), 4);
    }
  });
});
