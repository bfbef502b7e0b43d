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
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip-grad.js';
export {
  LrSchedule,
  StepLR,
  CosineAnnealingLR,
  OneCycleLR,
  ReduceLROnPlateau,
  type LrScheduler,
  type ScheduledOptimizer,
  type ScheduleStateDict,
  type StepLROptions,
  type CosineAnnealingLROptions,
  type OneCycleLROptions,
  type ReduceLROnPlateauOptions,
} from './schedules.js';
