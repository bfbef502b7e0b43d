/** Optimizers, gradient clipping and learning-rate schedules (see README.md for the formulas). */
export {
  Optimizer,
  type BaseOptions,
  type OptionValue,
  type ParamGroup,
  type ParamGroupSpec,
  type ParamGroupState,
  type Params,
  type ParamState,
  type OptimizerStateDict,
  type StateKind,
} from './optimizer.js';
export { SGD, type SgdOptions, type SgdState } from './sgd.js';
export { Adam, AdamW, type AdamOptions, type AdamState } from './adam.js';
export { RMSprop, type RmspropOptions, type RmspropState } from './rmsprop.js';
export { Adagrad, type AdagradOptions, type AdagradState } from './adagrad.js';
export { Adadelta, type AdadeltaOptions, type AdadeltaState } from './adadelta.js';
export { NAdam, type NadamOptions, type NadamState } from './nadam.js';
export { RAdam, type RadamOptions, type RadamState } from './radam.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip-grad.js';
export {
  LrSchedule,
  StepLR,
  MultiStepLR,
  ExponentialLR,
  LinearLR,
  LambdaLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  OneCycleLR,
  ReduceLROnPlateau,
  SequentialLR,
  ChainedScheduler,
  type LrScheduler,
  type SteppedScheduler,
  type ScheduledOptimizer,
  type ScheduleStateDict,
  type StepLROptions,
  type MultiStepLROptions,
  type ExponentialLROptions,
  type LinearLROptions,
  type LambdaLROptions,
  type LrLambda,
  type CosineAnnealingLROptions,
  type CosineAnnealingWarmRestartsOptions,
  type OneCycleLROptions,
  type ReduceLROnPlateauOptions,
  type SequentialLROptions,
} from './schedules.js';
