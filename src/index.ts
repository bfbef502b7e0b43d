/**
 * Sapling — a deep learning framework written from scratch in TypeScript.
 * The public surface; everything here is re-exported from the folders that define it. This is
 * the isomorphic core (the package's `browser` and `default` entry): nothing reachable from it
 * imports a Node built-in, so it bundles for browsers (src/bundle.test.ts checks). Node's entry,
 * node.ts, re-exports it and adds the file-system functions (loadMnist, saveCheckpoint, …).
 * @module sapling
 */
export * from './autograd/index.js';
export * as optim from './optim/index.js';
export * as metrics from './metrics/index.js';
export * from './data/index.js';
export * from './io/index.js';
export * from './layers/index.js';
export * as linalg from './linalg/index.js';
export * as forecast from './forecast/index.js';
export * from './models/index.js';
export * as text from './text/index.js';
export * as features from './features/index.js';
// What PyTorch users reach for, at the top level too (`import { SGD } from 'sapling'`); `optim.*` stays.
export {
  Optimizer, SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, NAdam, RAdam, clipGradNorm, clipGradValue,
  LrSchedule, StepLR, MultiStepLR, ExponentialLR, LinearLR, LambdaLR, CosineAnnealingLR, CosineAnnealingWarmRestarts,
  OneCycleLR, ReduceLROnPlateau, SequentialLR, ChainedScheduler,
  type LrScheduler, type SteppedScheduler, type ScheduledOptimizer, type OptimizerStateDict, type ScheduleStateDict,
  type SgdOptions, type AdamOptions, type RmspropOptions, type AdagradOptions, type AdadeltaOptions, type NadamOptions, type RadamOptions,
} from './optim/index.js';
