/**
 * OneCycleLR — the 1cycle policy (Smith & Topin 2018, "Super-Convergence"), as PyTorch's
 * `OneCycleLR` (1.13): the lr rises from maxLr/divFactor to maxLr, then falls far below where it
 * started, each phase half a cosine (or a line), while momentum (or Adam's β₁) moves the other
 * way. Like PyTorch's, it sets its closed form outright rather than scaling the lr it finds.
 */
import type { BaseOptions, ParamGroup } from '../optimizer.js';
import { checkNumber, LrSchedule, perGroup, type ScheduledOptimizer, type ScheduleStateDict } from './lr-schedule.js';

/**
 * Options of `OneCycleLR` (Smith and Topin 2017): the peak lr, the total steps, the warm-up fraction, the annealing shape and the divisors.
 */
export interface OneCycleLROptions {
  /** The peak lr, one for all groups or one per group. */
  readonly maxLr: number | readonly number[];
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  readonly totalSteps?: number;
  readonly epochs?: number;
  readonly stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  readonly pctStart?: number;
  /** Shape of each phase (default 'cos'). */
  readonly annealStrategy?: 'cos' | 'linear';
  /** Move momentum (SGD, RMSprop) or β₁ (Adam, AdamW) against the lr (default true). */
  readonly cycleMomentum?: boolean;
  /** Momentum at the lr peak (default 0.85). */
  readonly baseMomentum?: number | readonly number[];
  /** Momentum at the start and end (default 0.95). */
  readonly maxMomentum?: number | readonly number[];
  /** The cycle starts at maxLr / divFactor (default 25). */
  readonly divFactor?: number;
  /** And ends at maxLr / (divFactor · finalDivFactor) (default 1e4). */
  readonly finalDivFactor?: number;
  /** Three phases (up, back down to the start, then to the minimum) instead of two (default false). */
  readonly threePhase?: boolean;
}

interface Phase {
  readonly endStep: number;
  readonly startLr: 'initial' | 'max' | 'min';
  readonly endLr: 'initial' | 'max' | 'min';
  readonly startMomentum: 'base' | 'max';
  readonly endMomentum: 'base' | 'max';
}

/**
 * The 1cycle policy (Smith & Topin 2018, "Super-Convergence"), as PyTorch's `OneCycleLR` with
 * its defaults. With N steps and p = pctStart, the lr goes from initial = maxLr/divFactor up to
 * maxLr at step pN − 1, then down to min = initial/finalDivFactor at step N − 1, each phase
 * annealed as  end + (start − end) · (1 + cos(π · pct)) / 2  with pct the fraction of the phase
 * done (linear: start + (end − start) · pct). Momentum runs maxMomentum → baseMomentum → maxMomentum.
 * Stepping past N throws, as PyTorch does. With `cycleMomentum` (the default) the optimizer's
 * momentum (or β₁) is overwritten from the first step on — even an SGD made without momentum.
 * @example
 * new OneCycleLR(optimizer, { maxLr: 0.1, totalSteps: epochs * batchesPerEpoch });
 */
export class OneCycleLR extends LrSchedule {
  readonly totalSteps: number;
  readonly maxLrs: readonly number[];
  readonly initialLrs: readonly number[];
  readonly minLrs: readonly number[];
  readonly cycleMomentum: boolean;
  readonly maxMomentums: readonly number[];
  readonly baseMomentums: readonly number[];
  readonly #phases: readonly Phase[];
  readonly #anneal: (start: number, end: number, pct: number) => number;
  readonly #useBeta1: boolean;
  protected override get name(): string {
    return 'OneCycleLR';
  }

  constructor(optimizer: ScheduledOptimizer, options: OneCycleLROptions) {
    super(optimizer);
    const where = 'OneCycleLR';
    const { maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true } = options;
    const { baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false } = options;
    const groups = optimizer.paramGroups.length;
    const positiveInteger = (v: number): boolean => Number.isInteger(v) && v > 0;
    if (totalSteps !== undefined) {
      checkNumber(where, 'totalSteps', totalSteps, positiveInteger, 'a positive integer');
      this.totalSteps = totalSteps;
    } else if (epochs !== undefined && stepsPerEpoch !== undefined) {
      checkNumber(where, 'epochs', epochs, positiveInteger, 'a positive integer');
      checkNumber(where, 'stepsPerEpoch', stepsPerEpoch, positiveInteger, 'a positive integer');
      this.totalSteps = epochs * stepsPerEpoch;
    } else {
      throw new RangeError(`${where}: give either totalSteps or both epochs and stepsPerEpoch`);
    }
    checkNumber(where, 'pctStart', pctStart, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    checkNumber(where, 'divFactor', divFactor, (v) => v > 0, 'a number > 0');
    checkNumber(where, 'finalDivFactor', finalDivFactor, (v) => v > 0, 'a number > 0');
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') throw new RangeError(`${where}: annealStrategy must be 'cos' or 'linear', got ${String(annealStrategy)}`);
    this.#anneal =
      annealStrategy === 'cos'
        ? (start, end, pct) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1)
        : (start, end, pct) => (end - start) * pct + start;

    const n = this.totalSteps;
    // Phase boundaries are PyTorch's, fractional ones included.
    this.#phases = threePhase
      ? [
          { endStep: pctStart * n - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
          { endStep: 2 * pctStart * n - 2, startLr: 'max', endLr: 'initial', startMomentum: 'base', endMomentum: 'max' },
          { endStep: n - 1, startLr: 'initial', endLr: 'min', startMomentum: 'max', endMomentum: 'max' },
        ]
      : [
          { endStep: pctStart * n - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' },
          { endStep: n - 1, startLr: 'max', endLr: 'min', startMomentum: 'base', endMomentum: 'max' },
        ];

    this.maxLrs = Object.freeze(perGroup(where, 'maxLr', maxLr, groups));
    this.initialLrs = Object.freeze(this.maxLrs.map((lr) => lr / divFactor));
    this.minLrs = Object.freeze(this.initialLrs.map((lr) => lr / finalDivFactor));
    this.cycleMomentum = cycleMomentum;
    this.maxMomentums = Object.freeze(perGroup(where, 'maxMomentum', maxMomentum, groups));
    this.baseMomentums = Object.freeze(perGroup(where, 'baseMomentum', baseMomentum, groups));
    this.#useBeta1 = 'betas' in optimizer.defaults;
    if (cycleMomentum && !this.#useBeta1 && !('momentum' in optimizer.defaults)) {
      throw new RangeError(`${where}: cycleMomentum needs an optimizer with momentum or betas; pass cycleMomentum: false`);
    }
    this.start();
  }

  /** Where step t falls: the phase, its fraction done, and the phase's index. */
  #locate(t: number): { phase: Phase; pct: number } {
    let startStep = 0;
    for (let i = 0; i < this.#phases.length; i++) {
      const phase = this.#phases[i]!;
      if (t <= phase.endStep || i === this.#phases.length - 1) return { phase, pct: (t - startStep) / (phase.endStep - startStep) };
      startStep = phase.endStep;
    }
    throw new Error('OneCycleLR: no phases'); // unreachable: there are always two or three
  }

  protected override lrAt(t: number): number[] {
    if (t > this.totalSteps) {
      throw new RangeError(`OneCycleLR: tried to step ${t} times; the schedule has ${this.totalSteps} total steps`);
    }
    const { phase, pct } = this.#locate(t);
    const lrs = { initial: this.initialLrs, max: this.maxLrs, min: this.minLrs };
    return this.maxLrs.map((_, i) => this.#anneal(lrs[phase.startLr][i]!, lrs[phase.endLr][i]!, pct));
  }

  protected override afterStep(t: number): void {
    if (!this.cycleMomentum) return;
    const { phase, pct } = this.#locate(t);
    const momentums = { base: this.baseMomentums, max: this.maxMomentums };
    this.optimizer.paramGroups.forEach((group, i) => {
      const m = this.#anneal(momentums[phase.startMomentum][i]!, momentums[phase.endMomentum][i]!, pct);
      setMomentum(group, m, this.#useBeta1);
    });
  }

  protected override checkLoaded(dict: ScheduleStateDict): string[] {
    const t = dict.lastStep;
    return typeof t === 'number' && t > this.totalSteps ? [`lastStep ${t} is past this schedule's ${this.totalSteps} total steps`] : [];
  }
}

/** Writes momentum into a group: β₁ for Adam-like optimizers, `momentum` otherwise. */
function setMomentum(group: ParamGroup<BaseOptions>, value: number, useBeta1: boolean): void {
  const g = group as ParamGroup<BaseOptions> & { momentum?: number; betas?: readonly [number, number] };
  if (useBeta1) g.betas = [value, g.betas![1]];
  else g.momentum = value;
}
