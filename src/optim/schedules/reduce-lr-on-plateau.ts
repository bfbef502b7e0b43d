/**
 * ReduceLROnPlateau — cut the lr when a metric stops improving, as PyTorch's `ReduceLROnPlateau`
 * (1.13). Unlike the other schedules it counts evaluations, not steps, and `step(metric)` needs
 * the metric; it multiplies the lr the groups hold, so it composes with a hand-set lr.
 */
import { Tensor } from '../../autograd/tensor.js';
import { checkNumber, checkOptimizer, isCount, isNumberList, perGroup, type LrScheduler, type ScheduledOptimizer, type ScheduleStateDict } from './lr-schedule.js';

/** Options of `ReduceLROnPlateau`: the mode, factor, patience, threshold, cooldown and floor. */
export interface ReduceLROnPlateauOptions {
  /** 'min': lower metric is better (a loss); 'max': higher is better (an accuracy). Default 'min'. */
  readonly mode?: 'min' | 'max';
  /** Multiplies the lr on a plateau (default 0.1; must be < 1). */
  readonly factor?: number;
  /** Steps without improvement tolerated before reducing (default 10). */
  readonly patience?: number;
  /** The least change that counts as an improvement (default 1e-4). */
  readonly threshold?: number;
  /** 'rel': better than best·(1 ∓ threshold); 'abs': better than best ∓ threshold (default 'rel'). */
  readonly thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting bad steps again (default 0). */
  readonly cooldown?: number;
  /** A floor for the lr, one for all groups or one per group (default 0). */
  readonly minLr?: number | readonly number[];
  /** A reduction smaller than eps is skipped (default 1e-8). */
  readonly eps?: number;
}

/**
 * Reduces the lr when a metric stops improving, as PyTorch's `ReduceLROnPlateau`. Call
 * `step(metric)` once per evaluation. A metric is an improvement when it beats the best so far
 * by more than the threshold (mode 'min', 'rel': m < best·(1 − threshold)); after more than
 * `patience` steps without one, every group's lr becomes max(lr·factor, minLr) — unless that
 * changes it by less than eps — and `cooldown` steps pass before bad steps count again.
 * @example
 * const plateau = new ReduceLROnPlateau(optimizer, { mode: 'max', patience: 2 });
 * plateau.step(validationAccuracy);
 */
export class ReduceLROnPlateau implements LrScheduler {
  readonly optimizer: ScheduledOptimizer;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: readonly number[];
  readonly eps: number;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  /** Consecutive steps without improvement. */
  numBadSteps = 0;
  /** Steps of cooldown left. */
  cooldownCounter = 0;
  /** How many times `step()` has run. */
  lastStep = 0;
  #lastLr: number[];

  constructor(optimizer: ScheduledOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const where = 'ReduceLROnPlateau';
    checkOptimizer(optimizer, where);
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = options;
    if (mode !== 'min' && mode !== 'max') throw new RangeError(`${where}: mode must be 'min' or 'max', got ${String(mode)}`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new RangeError(`${where}: thresholdMode must be 'rel' or 'abs', got ${String(thresholdMode)}`);
    checkNumber(where, 'factor', factor, (v) => v >= 0 && v < 1, 'in [0, 1)');
    checkNumber(where, 'patience', patience, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
    checkNumber(where, 'cooldown', cooldown, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
    checkNumber(where, 'threshold', threshold, (v) => v >= 0, 'a number ≥ 0');
    checkNumber(where, 'eps', eps, (v) => v >= 0, 'a number ≥ 0');
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = Object.freeze(perGroup(where, 'minLr', minLr, optimizer.paramGroups.length));
    this.eps = eps;
    this.best = this.#worst();
    this.#lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  #worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether `metric` improves on the best so far by more than the threshold. */
  isBetter(metric: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? metric < best * (1 - threshold) : metric < best - threshold;
    return this.thresholdMode === 'rel' ? metric > best * (1 + threshold) : metric > best + threshold;
  }

  /** Records one evaluation of the metric and reduces the lr if it has plateaued. */
  step(metric: number | Tensor): void {
    const value = metric instanceof Tensor ? metric.item() : metric;
    if (typeof value !== 'number') throw new TypeError(`ReduceLROnPlateau.step: metric must be a number or a one-element Tensor, got ${typeof value}`);
    this.lastStep += 1;
    if (this.isBetter(value)) {
      this.best = value;
      this.numBadSteps = 0;
    } else {
      this.numBadSteps += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadSteps = 0; // bad steps during cooldown are forgiven
    }
    if (this.numBadSteps > this.patience) {
      this.optimizer.paramGroups.forEach((group, i) => {
        const reduced = Math.max(group.lr * this.factor, this.minLrs[i]!);
        if (group.lr - reduced > this.eps) group.lr = reduced;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadSteps = 0;
    }
    this.#lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.#lastLr];
  }

  /** The counters; `best` is null before the first metric (JSON has no Infinity). */
  stateDict(): ScheduleStateDict {
    return {
      lastStep: this.lastStep,
      best: Number.isFinite(this.best) ? this.best : null,
      numBadSteps: this.numBadSteps,
      cooldownCounter: this.cooldownCounter,
      lastLr: [...this.#lastLr],
    };
  }

  loadStateDict(dict: ScheduleStateDict): void {
    const problems: string[] = [];
    const groups = this.optimizer.paramGroups.length;
    for (const key of ['lastStep', 'numBadSteps', 'cooldownCounter'] as const) {
      if (!isCount(dict[key])) problems.push(`${key} should be a count, got ${String(dict[key])}`);
    }
    if (dict.best !== null && (typeof dict.best !== 'number' || Number.isNaN(dict.best))) problems.push(`best should be a number or null, got ${String(dict.best)}`);
    if (!isNumberList(dict.lastLr, groups)) problems.push(`lastLr should hold ${groups} numbers, got ${String(dict.lastLr)}`);
    if (problems.length > 0) throw new Error(`ReduceLROnPlateau.loadStateDict: refused (nothing was loaded):\n  ${problems.join('\n  ')}`);
    this.lastStep = dict.lastStep as number;
    this.best = dict.best === null ? this.#worst() : (dict.best as number);
    this.numBadSteps = dict.numBadSteps as number;
    this.cooldownCounter = dict.cooldownCounter as number;
    this.#lastLr = [...(dict.lastLr as number[])];
  }
}
