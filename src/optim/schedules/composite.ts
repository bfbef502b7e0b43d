/**
 * Schedules made of schedules, as PyTorch's (1.13):
 *
 *   SequentialLR      one schedule after another: schedule k runs from milestone k − 1 on, and
 *                     starts at its own step 0 (its closed form) when its milestone comes
 *   ChainedScheduler  every schedule at every step, in order: each one's chainable form scales
 *                     the lr the one before left, so factors multiply (an overwriting schedule —
 *                     LambdaLR, OneCycleLR, CosineAnnealingWarmRestarts — discards what came before)
 *
 * All the schedules given must drive the optimizer given. Neither takes ReduceLROnPlateau, whose
 * step needs a metric. State dicts nest: each holds its schedules' dicts under `schedulers`.
 */
import { checkOptimizer, isCount, isNumberList, LrSchedule, type ScheduledOptimizer, type ScheduleStateDict, type SteppedScheduler } from './lr-schedule.js';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';

/** Loads every child's dict, or none: a refusal puts back the states that were there. */
function loadAll(where: string, children: readonly SteppedScheduler[], dicts: unknown): void {
  if (!Array.isArray(dicts) || dicts.length !== children.length) {
    throw new Error(`${where}.loadStateDict: refused (nothing was loaded):\n  schedulers should hold ${children.length} state dicts, got ${String(dicts)}`);
  }
  const before = children.map((c) => c.stateDict());
  try {
    children.forEach((c, i) => c.loadStateDict(dicts[i] as ScheduleStateDict));
  } catch (e) {
    children.forEach((c, i) => c.loadStateDict(before[i]!));
    throw new Error(`${where}.loadStateDict: refused (nothing was loaded): a schedule refused its state:\n  ${(e as Error).message}`);
  }
}

/** Options of `SequentialLR`: the schedules to run one after another and the steps at which each hands over. */
export interface SequentialLROptions {
  /** The schedules, in the order they run; all made on this optimizer. */
  readonly schedulers: readonly LrSchedule[];
  /** The steps at which the next schedule takes over: one fewer than the schedules, increasing. */
  readonly milestones: readonly number[];
}

/**
 * Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]` from its step 0, and so on.
 * Making it resets every group's lr to η₀ and starts the first schedule again, undoing what the
 * others did when they were made (as PyTorch does).
 * @example
 * const warmup = new LinearLR(optimizer, { startFactor: 0.1, totalIters: 5 });
 * const decay = new ExponentialLR(optimizer, { gamma: 0.9 });
 * new SequentialLR(optimizer, { schedulers: [warmup, decay], milestones: [5] });  // 0.1η₀ … η₀ at step 5, then ·0.9 a step
 */
export class SequentialLR implements SteppedScheduler {
  readonly optimizer: ScheduledOptimizer;
  readonly schedulers: readonly LrSchedule[];
  readonly milestones: readonly number[];
  #lastStep = 0;
  #lastLr: number[];

  constructor(optimizer: ScheduledOptimizer, options: SequentialLROptions) {
    const where = 'SequentialLR';
    checkOptimizer(optimizer, where);
    const { schedulers, milestones } = options;
    if (!Array.isArray(schedulers) || schedulers.length === 0) throw new RangeError(`${where}: schedulers must be a non-empty list, got ${String(schedulers)}`);
    schedulers.forEach((s, i) => {
      if (!(s instanceof LrSchedule)) throw new TypeError(`${where}: schedulers[${i}] is not a step-counting schedule (LrSchedule)`);
      if (s.optimizer !== optimizer) throw new RangeError(`${where}: schedulers[${i}] drives a different optimizer`);
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new RangeError(`${where}: expected ${schedulers.length - 1} milestone(s) for ${schedulers.length} schedulers, got ${String(milestones)}`);
    }
    if (!milestones.every((m, i) => Number.isInteger(m) && m >= 1 && (i === 0 || m > milestones[i - 1]!))) {
      throw new RangeError(`${where}: milestones must be increasing integers ≥ 1, got [${String(milestones)}]`);
    }
    this.optimizer = optimizer;
    this.schedulers = Object.freeze([...schedulers]);
    this.milestones = Object.freeze([...milestones]);
    const first = schedulers[0]!;
    optimizer.paramGroups.forEach((g, i) => (g.lr = first.baseLrs[i]!));
    first.restart();
    this.#lastLr = first.getLastLr();
  }

  /** How many times `step()` has run. */
  get lastStep(): number {
    return this.#lastStep;
  }

  /** Steps the schedule whose turn it is; at a milestone, starts the next one at its step 0. */
  step(): void {
    const t = this.#lastStep + 1;
    const k = this.milestones.filter((m) => m <= t).length; // whose turn: PyTorch's bisect_right
    const schedule = this.schedulers[k]!;
    if (k > 0 && this.milestones[k - 1] === t) schedule.restart();
    else schedule.step();
    this.#lastStep = t;
    this.#lastLr = schedule.getLastLr();
  }

  getLastLr(): number[] {
    return [...this.#lastLr];
  }

  stateDict(): ScheduleStateDict {
    return { lastStep: this.#lastStep, lastLr: [...this.#lastLr], milestones: [...this.milestones], schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /** Restores the step count and every schedule's state; restore the optimizer's state dict as well. */
  loadStateDict(dict: ScheduleStateDict): void {
    const problems: string[] = [];
    const groups = this.optimizer.paramGroups.length;
    if (!isCount(dict.lastStep)) problems.push(`lastStep should be a count, got ${String(dict.lastStep)}`);
    if (!isNumberList(dict.lastLr, groups)) problems.push(`lastLr should hold ${groups} numbers, got ${String(dict.lastLr)}`);
    const milestones = dict.milestones;
    if (!isNumberList(milestones, this.milestones.length) || milestones.some((m, i) => m !== this.milestones[i])) {
      problems.push(`milestones [${String(milestones)}] differ from this schedule's [${String(this.milestones)}]`);
    }
    if (problems.length > 0) throw new Error(`SequentialLR.loadStateDict: refused (nothing was loaded):\n  ${problems.join('\n  ')}`);
    loadAll('SequentialLR', this.schedulers, dict.schedulers);
    this.#lastStep = dict.lastStep as number;
    this.#lastLr = [...(dict.lastLr as number[])];
  }
}

/**
 * Steps every schedule at once, in order, as PyTorch's `ChainedScheduler`: the same as calling
 * each one's `step()` yourself. Factors multiply: ExponentialLR(0.9) chained with
 * MultiStepLR([3], 0.5) gives η₀·0.9^t, halved from step 3 on.
 * @example
 * const schedule = new ChainedScheduler([new LinearLR(optimizer, { totalIters: 4 }), new ExponentialLR(optimizer, { gamma: 0.95 })]);
 */
export class ChainedScheduler implements SteppedScheduler {
  readonly optimizer: ScheduledOptimizer;
  readonly schedulers: readonly SteppedScheduler[];
  #lastLr: number[];

  constructor(schedulers: readonly SteppedScheduler[]) {
    const where = 'ChainedScheduler';
    if (!Array.isArray(schedulers) || schedulers.length === 0) throw new RangeError(`${where}: schedulers must be a non-empty list, got ${String(schedulers)}`);
    schedulers.forEach((s: unknown, i) => {
      if (s instanceof ReduceLROnPlateau) throw new TypeError(`${where}: schedulers[${i}] is ReduceLROnPlateau, whose step needs a metric; step it yourself`);
      if (typeof s !== 'object' || s === null || typeof (s as SteppedScheduler).step !== 'function') throw new TypeError(`${where}: schedulers[${i}] is not a schedule`);
    });
    const optimizer = schedulers[0]!.optimizer;
    checkOptimizer(optimizer, where);
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) throw new RangeError(`${where}: schedulers[${i}] drives a different optimizer from schedulers[0]`);
    });
    this.optimizer = optimizer;
    this.schedulers = Object.freeze([...schedulers]);
    this.#lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Steps every schedule, in order. */
  step(): void {
    for (const s of this.schedulers) s.step();
    this.#lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.#lastLr];
  }

  stateDict(): ScheduleStateDict {
    return { lastLr: [...this.#lastLr], schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /** Restores every schedule's state; restore the optimizer's state dict as well. */
  loadStateDict(dict: ScheduleStateDict): void {
    const groups = this.optimizer.paramGroups.length;
    if (!isNumberList(dict.lastLr, groups)) {
      throw new Error(`ChainedScheduler.loadStateDict: refused (nothing was loaded):\n  lastLr should hold ${groups} numbers, got ${String(dict.lastLr)}`);
    }
    loadAll('ChainedScheduler', this.schedulers, dict.schedulers);
    this.#lastLr = [...(dict.lastLr as number[])];
  }
}
