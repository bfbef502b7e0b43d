/**
 * Schedules that multiply η₀ by a factor of the step count t, as `torch.optim.lr_scheduler`
 * (PyTorch 1.13):
 *
 *   StepLR         η_t = η₀ · γ^⌊t / stepSize⌋
 *   MultiStepLR    η_t = η₀ · γ^(number of milestones ≤ t)
 *   ExponentialLR  η_t = η₀ · γ^t
 *   LinearLR       η_t = η₀ · (s + (e − s) · min(t, T) / T)
 *   LambdaLR       η_t = η₀ · λ(t), for a function λ of your own
 *
 * The first four are chainable (see lr-schedule.ts): each step scales the lr the group holds by
 * f(t)/f(t − 1), so they compose by multiplication with any other schedule on the optimizer.
 * LambdaLR, as in PyTorch, sets η₀·λ(t) outright.
 */
import { checkNumber, LrSchedule, rescale, type ScheduledOptimizer } from './lr-schedule.js';

/** A schedule whose closed form is η₀·f(t), and whose chainable form scales by f(t)/f(t − 1). */
abstract class FactorSchedule extends LrSchedule {
  /** f(t), the factor on η₀ at step t. */
  protected abstract factor(t: number): number;

  protected override lrAt(t: number): number[] {
    return this.baseLrs.map((lr) => lr * this.factor(t));
  }

  protected override chainedLrAt(t: number, current: readonly number[]): number[] {
    const before = t === 0 ? 1 : this.factor(t - 1);
    const now = this.factor(t);
    return current.map((lr, i) => rescale(lr, this.baseLrs[i]!, before, now));
  }
}

/** Options of `StepLR`: multiply the lr by gamma every stepSize steps. */
export interface StepLROptions {
  /** Steps between decays. */
  readonly stepSize: number;
  /** Multiplicative decay γ (default 0.1). */
  readonly gamma?: number;
}

/**
 * Decays every group's lr by γ every `stepSize` steps: η_t = η₀ · γ^⌊t / stepSize⌋.
 * @example
 * const schedule = new StepLR(new SGD(params, { lr: 1 }), { stepSize: 2, gamma: 0.5 });
 * // lr at steps 0, 1, 2, 3, 4: 1, 1, 0.5, 0.5, 0.25
 */
export class StepLR extends FactorSchedule {
  readonly stepSize: number;
  readonly gamma: number;
  protected override get name(): string {
    return 'StepLR';
  }

  constructor(optimizer: ScheduledOptimizer, options: StepLROptions) {
    super(optimizer);
    const { stepSize, gamma = 0.1 } = options;
    checkNumber('StepLR', 'stepSize', stepSize, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1');
    checkNumber('StepLR', 'gamma', gamma, (v) => v > 0, 'a number > 0');
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.start();
  }

  protected override factor(t: number): number {
    return this.gamma ** Math.floor(t / this.stepSize);
  }
}

/** Options of `MultiStepLR`: multiply the lr by gamma at each milestone. */
export interface MultiStepLROptions {
  /** The steps at which the lr is multiplied by γ (a step listed twice multiplies by γ²). */
  readonly milestones: readonly number[];
  /** Multiplicative decay γ (default 0.1). */
  readonly gamma?: number;
}

/**
 * Decays every group's lr by γ at each milestone: η_t = η₀ · γ^(number of milestones ≤ t).
 * @example
 * new MultiStepLR(optimizer, { milestones: [30, 80] });  // η₀ until step 29, η₀/10 until 79, then η₀/100
 */
export class MultiStepLR extends FactorSchedule {
  /** The milestones, sorted. */
  readonly milestones: readonly number[];
  readonly gamma: number;
  protected override get name(): string {
    return 'MultiStepLR';
  }

  constructor(optimizer: ScheduledOptimizer, options: MultiStepLROptions) {
    super(optimizer);
    const { milestones, gamma = 0.1 } = options;
    if (!Array.isArray(milestones) || !milestones.every((m) => Number.isInteger(m) && m >= 0)) {
      throw new RangeError(`MultiStepLR: milestones must be a list of integers ≥ 0, got ${String(milestones)}`);
    }
    checkNumber('MultiStepLR', 'gamma', gamma, (v) => v > 0, 'a number > 0');
    this.milestones = Object.freeze([...milestones].sort((a, b) => a - b));
    this.gamma = gamma;
    this.start();
  }

  protected override factor(t: number): number {
    return this.gamma ** this.milestones.filter((m) => m <= t).length;
  }
}

/** Options of `ExponentialLR`: multiply the lr by gamma every step. */
export interface ExponentialLROptions {
  /** Multiplicative decay γ per step. */
  readonly gamma: number;
}

/**
 * Decays every group's lr by γ every step: η_t = η₀ · γ^t.
 * @example
 * new ExponentialLR(optimizer, { gamma: 0.9 });  // η₀, 0.9η₀, 0.81η₀, …
 */
export class ExponentialLR extends FactorSchedule {
  readonly gamma: number;
  protected override get name(): string {
    return 'ExponentialLR';
  }

  constructor(optimizer: ScheduledOptimizer, options: ExponentialLROptions) {
    super(optimizer);
    checkNumber('ExponentialLR', 'gamma', options.gamma, (v) => v > 0 && Number.isFinite(v), 'a number > 0');
    this.gamma = options.gamma;
    this.start();
  }

  protected override factor(t: number): number {
    return this.gamma ** t;
  }
}

/** Options of `LinearLR`: scale the lr linearly from startFactor to endFactor over totalIters steps. */
export interface LinearLROptions {
  /** The factor s on η₀ at step 0, in [0, 1] (default 1/3). */
  readonly startFactor?: number;
  /** The factor e on η₀ from step T on, in [0, 1] (default 1). */
  readonly endFactor?: number;
  /** The step T at which the factor reaches e (default 5). */
  readonly totalIters?: number;
}

/**
 * Moves the factor on η₀ in a straight line from s to e over T steps, then holds it:
 * η_t = η₀ · (s + (e − s) · min(t, T) / T). A warm-up with the defaults; a decay with s = 1, e < 1.
 * s may be 0: PyTorch 1.13 then divides by zero at step 1, and we add instead (see lr-schedule.ts).
 * @example
 * new LinearLR(optimizer, { startFactor: 0.1, totalIters: 4 });  // 0.1η₀, 0.325η₀, 0.55η₀, 0.775η₀, η₀, η₀ …
 */
export class LinearLR extends FactorSchedule {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;
  protected override get name(): string {
    return 'LinearLR';
  }

  constructor(optimizer: ScheduledOptimizer, options: LinearLROptions = {}) {
    super(optimizer);
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5 } = options;
    checkNumber('LinearLR', 'startFactor', startFactor, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    checkNumber('LinearLR', 'endFactor', endFactor, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    checkNumber('LinearLR', 'totalIters', totalIters, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1');
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.start();
  }

  protected override factor(t: number): number {
    const { startFactor: s, endFactor: e, totalIters: total } = this;
    return s + ((e - s) * Math.min(t, total)) / total;
  }
}

/** A factor as a function of the step count t. */
export type LrLambda = (t: number) => number;

/** Options of `LambdaLR`: the lr is the base lr times lrLambda(step) (one function, or one per group). */
export interface LambdaLROptions {
  /** λ: one function for every group, or one per group. */
  readonly lrLambda: LrLambda | readonly LrLambda[];
}

/**
 * Sets every group's lr to η₀ · λ(t) for a function λ of your own (one per group if you like).
 * The functions are not part of the state dict (PyTorch saves only callable objects' fields).
 * @example
 * new LambdaLR(optimizer, { lrLambda: (t) => Math.min((t + 1) / 100, 1) });  // a 100-step linear warm-up
 */
export class LambdaLR extends LrSchedule {
  readonly lrLambdas: readonly LrLambda[];
  protected override get name(): string {
    return 'LambdaLR';
  }

  constructor(optimizer: ScheduledOptimizer, options: LambdaLROptions) {
    super(optimizer);
    const { lrLambda } = options;
    const groups = optimizer.paramGroups.length;
    const lambdas = typeof lrLambda === 'function' ? Array.from({ length: groups }, () => lrLambda) : lrLambda;
    if (!Array.isArray(lambdas) || lambdas.length !== groups || !lambdas.every((f) => typeof f === 'function')) {
      throw new TypeError(`LambdaLR: lrLambda must be a function or one function per parameter group (${groups}), got ${String(lrLambda)}`);
    }
    this.lrLambdas = Object.freeze([...lambdas]);
    this.start();
  }

  protected override lrAt(t: number): number[] {
    return this.lrLambdas.map((lambda, i) => {
      const factor = lambda(t);
      if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 0) {
        throw new RangeError(`LambdaLR: lrLambda for group ${i} returned ${String(factor)} at step ${t}; it must return a finite number ≥ 0`);
      }
      return this.baseLrs[i]! * factor;
    });
  }
}
