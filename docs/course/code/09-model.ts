/**
 * The workload of chapter 9: a small CNN on a batch of 32 random 28 × 28 images, and one training
 * step split into its phases. A module the chapter's programs import; it prints nothing.
 * Chapter 9 (docs/course/09-performance.md).
 */
import { Conv2d, F, Flatten, Linear, manualSeed, MaxPool2d, optim, randint, randn, Relu, seededRandom, Sequential, type Tensor } from '../../../src/node.js';

// #region model
/** conv 1→8, relu, pool, conv 8→16, relu, pool, linear 784→10: LeNet's shape at MNIST's size. */
export function makeModel(): Sequential {
  manualSeed(0);
  return new Sequential(
    new Conv2d(1, 8, 3, { padding: 1 }), new Relu(), new MaxPool2d(2), //  [32, 1, 28, 28] → [32, 8, 14, 14]
    new Conv2d(8, 16, 3, { padding: 1 }), new Relu(), new MaxPool2d(2), // → [32, 16, 7, 7]
    new Flatten(), new Linear(16 * 7 * 7, 10), //                          → [32, 10]
  );
}
const random = seededRandom(9);
export const images = randn([32, 1, 28, 28], { random });
export const labels = randint(0, 10, [32], { random });

/** Milliseconds spent in each phase of one step. */
export interface StepTimes {
  readonly forward: number;
  readonly backward: number;
  readonly update: number;
}

/** One SGD step of `model` on the batch, each phase timed with performance.now(). */
export function trainingStep(model: Sequential, optimizer: optim.SGD, x: Tensor = images, y: Tensor = labels): StepTimes {
  const t0 = performance.now();
  const loss = F.crossEntropy(model.forward(x), y);
  const t1 = performance.now();
  optimizer.zeroGrad();
  loss.backward();
  const t2 = performance.now();
  optimizer.step();
  const t3 = performance.now();
  return { forward: t1 - t0, backward: t2 - t1, update: t3 - t2 };
}
// #endregion
