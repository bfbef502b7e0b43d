/**
 * Learning-rate schedules — each drives the `lr` of every parameter group of one optimizer, as
 * `torch.optim.lr_scheduler` (PyTorch 1.13). One file per family, in reading order:
 *
 *   schedules/lr-schedule.ts          the base class: step count, closed and chainable forms
 *   schedules/multiplicative.ts       StepLR, MultiStepLR, ExponentialLR, LinearLR, LambdaLR
 *   schedules/cosine.ts               CosineAnnealingLR (with warm-up), CosineAnnealingWarmRestarts
 *   schedules/one-cycle-lr.ts         OneCycleLR
 *   schedules/reduce-lr-on-plateau.ts ReduceLROnPlateau
 *   schedules/composite.ts            SequentialLR, ChainedScheduler
 *
 * Construction counts as step 0 and already sets the lr for it; the loop is `optimizer.step()`
 * then `schedule.step()`, once per epoch or once per batch, as the schedule was sized.
 */
export {
  LrSchedule,
  type LrScheduler,
  type SteppedScheduler,
  type ScheduledOptimizer,
  type ScheduleStateDict,
} from './schedules/lr-schedule.js';
export {
  StepLR,
  MultiStepLR,
  ExponentialLR,
  LinearLR,
  LambdaLR,
  type StepLROptions,
  type MultiStepLROptions,
  type ExponentialLROptions,
  type LinearLROptions,
  type LambdaLROptions,
  type LrLambda,
} from './schedules/multiplicative.js';
export {
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  type CosineAnnealingLROptions,
  type CosineAnnealingWarmRestartsOptions,
} from './schedules/cosine.js';
export { OneCycleLR, type OneCycleLROptions } from './schedules/one-cycle-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './schedules/reduce-lr-on-plateau.js';
export { SequentialLR, ChainedScheduler, type SequentialLROptions } from './schedules/composite.js';
