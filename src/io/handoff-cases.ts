/**
 * handoff-cases — the two training runs handed from Sapling to PyTorch in the tests and fixtures
 * of scripts/continue-in-pytorch.py (test support; not part of the public API).
 *
 * Each case trains a model for STEPS_BEFORE steps on one fixed small batch, saves a Sapling
 * checkpoint (model and optimizer state; in `extra`, what PyTorch needs to rebuild the run: the
 * architecture, the optimizer's class, the loss and the batch itself), then resumes from that
 * checkpoint for STEPS_AFTER steps. PyTorch resumes from the same file; both sides' losses must
 * agree within float32 tolerance.
 *
 *   mnist-cnn     examples/mnist-cnn.ts's network, seeded Sapling weights; Adam (lr 2e-3, L2 1e-4);
 *                 the first 16 MNIST test images
 *   resnet18-w8   ResNet-18 width 8 with PyTorch's weights (src/models/fixtures/w8.safetensors), in
 *                 training mode (batch statistics, running averages updated); SGD (lr 0.05,
 *                 momentum 0.9, weight decay 5e-4); the fixture's batch of 3 × 3 × 48 × 48
 */
import { join } from 'node:path';
import { noGrad } from '../autograd/function.js';
import { manualSeed } from '../autograd/random.js';
import type { Tensor } from '../autograd/tensor.js';
import { loadMnist } from '../data/mnist.js';
import { crossEntropy } from '../layers/losses.js';
import type { AnyModule } from '../layers/module.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import { ResNet18 } from '../models/resnet18.js';
import { Adam } from '../optim/adam.js';
import { SGD } from '../optim/sgd.js';
import { deserializeCheckpoint, type LoadedCheckpoint } from './checkpoint.js';
import { serializeCheckpoint } from './checkpoint-file.js';
import { loadSafetensors } from './safetensors-file.js';

export const STEPS_BEFORE = 3;
export const STEPS_AFTER = 5;
export const HANDOFF_CASES = ['mnist-cnn', 'resnet18-w8'] as const;
export type HandoffCaseName = (typeof HANDOFF_CASES)[number];

interface Run {
  readonly model: AnyModule;
  readonly optimizer: Adam | SGD;
  readonly batch: { readonly input: Tensor; readonly target: Tensor };
  /** What scripts/continue-in-pytorch.py reads to rebuild the run. */
  readonly handoff: { readonly arch: Readonly<Record<string, string | number>>; readonly optimizer: string; readonly loss: string };
}

const MODELS_FIXTURES = join(import.meta.dirname, '..', 'models', 'fixtures');

/** A fresh run of `name`: the model with its initial weights, a fresh optimizer, the batch. */
function freshRun(name: HandoffCaseName): Run {
  if (name === 'mnist-cnn') {
    manualSeed(20_251);
    const model = mnistCnn();
    const { images, labels } = loadMnist({ split: 'test', limit: 16, normalize: true });
    return {
      model,
      optimizer: new Adam(model.parameters(), { lr: 2e-3, weightDecay: 1e-4 }),
      batch: { input: images, target: labels },
      handoff: { arch: { name: 'mnist-cnn' }, optimizer: 'Adam', loss: 'cross_entropy' },
    };
  }
  const model = new ResNet18({ width: 8, numClasses: 10, random: () => 0.5 });
  model.loadStateDict(loadSafetensors(join(MODELS_FIXTURES, 'w8.safetensors')).tensors);
  const io = loadSafetensors(join(MODELS_FIXTURES, 'w8-io.safetensors')).tensors;
  return {
    model,
    optimizer: new SGD(model.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 }),
    batch: { input: io.input!, target: io.target! },
    handoff: { arch: { name: 'resnet18', width: 8, numClasses: 10, inChannels: 3, stem: 'imagenet' }, optimizer: 'SGD', loss: 'cross_entropy' },
  };
}

/** `steps` training steps on the run's batch, in training mode; the loss of each (before its update). */
function train(run: Run, steps: number): number[] {
  const { model, optimizer, batch } = run;
  model.train();
  const forward = model.forward.bind(model) as unknown as (x: Tensor) => Tensor;
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    optimizer.zeroGrad();
    const loss = crossEntropy(forward(batch.input), batch.target);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return losses;
}

/** Trains STEPS_BEFORE steps and returns the checkpoint's bytes (what saveCheckpoint would write). */
export function handoffCheckpoint(name: HandoffCaseName): Uint8Array {
  const run = freshRun(name);
  train(run, STEPS_BEFORE);
  return serializeCheckpoint({
    model: run.model.stateDict(),
    optimizer: run.optimizer.stateDict(),
    epoch: 0,
    extra: { handoff: { ...run.handoff, stepsDone: STEPS_BEFORE }, batch: { input: run.batch.input, target: run.batch.target } },
  });
}

/** Resumes `name` from checkpoint bytes in fresh objects for `steps` steps; their losses. */
export function resumeInSapling(name: HandoffCaseName, bytes: Uint8Array, steps = STEPS_AFTER): number[] {
  const ckpt: LoadedCheckpoint = deserializeCheckpoint(bytes);
  const run = freshRun(name);
  noGrad(() => run.model.loadStateDict(ckpt.model));
  run.optimizer.loadStateDict(ckpt.optimizer!);
  return train(run, steps);
}

/** The same run without a break: STEPS_BEFORE + `steps` losses. */
export function uninterrupted(name: HandoffCaseName, steps = STEPS_AFTER): number[] {
  return train(freshRun(name), STEPS_BEFORE + steps);
}
