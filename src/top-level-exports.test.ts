/**
 * The names a PyTorch user reaches for are exported at the top level (`import { SGD } from
 * 'sapling'`), as the very same objects as `optim.*`, which keeps working.
 */
import { expect, test } from 'vitest';
import * as sapling from './index.js';
import { Adam, Linear, SGD, StepLR, optim, tensor, type SteppedScheduler } from './index.js';

const OPTIM_NAMES = [
  'Optimizer', 'SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adadelta', 'NAdam', 'RAdam', 'clipGradNorm', 'clipGradValue',
  'LrSchedule', 'StepLR', 'MultiStepLR', 'ExponentialLR', 'LinearLR', 'LambdaLR', 'CosineAnnealingLR', 'CosineAnnealingWarmRestarts',
  'OneCycleLR', 'ReduceLROnPlateau', 'SequentialLR', 'ChainedScheduler',
] as const;

test('every optimizer and schedule is exported at the top level, as the same object as optim.*', () => {
  for (const name of OPTIM_NAMES) {
    expect(sapling[name], `sapling.${name}`).toBeTypeOf('function');
    expect(sapling[name], `sapling.${name} is not optim.${name}`).toBe(optim[name]);
  }
});

test('a top-level optimizer and schedule train as the namespaced ones do', () => {
  const layer = new Linear(2, 1, { random: () => 0.5 });
  const optimizer = new SGD(layer.parameters(), { lr: 0.5 });
  const schedule: SteppedScheduler = new StepLR(optimizer, { stepSize: 1, gamma: 0.1 });
  const x = tensor([[1, 2]]);
  layer.forward(x).sum().backward();
  optimizer.step();
  schedule.step();
  expect(optimizer.paramGroups[0]!.lr).toBeCloseTo(0.05, 12);
  expect(new Adam(layer.parameters())).toBeInstanceOf(optim.Optimizer);
});
