/**
 * Learning-rate schedules — each owns the `lr` of every parameter group of one optimizer and
 * rewrites it when you call `step()`, as `torch.optim.lr_scheduler` (PyTorch 1.13).
 *
 * Construction counts as step 0 and already sets the lr for it (PyTorch's "initial step"), so
 * the loop is: `optimizer.step()` then `schedule.step()`, once per epoch or once per batch, as
 * the schedule was sized. With η₀ a group's lr when the schedule was made and t the number of
 * `step()` calls so far:
 *
 *   StepLR              η_t = η₀ · γ^⌊t / stepSize⌋
 *   CosineAnnealingLR   η_t = η₀ · (s + (1 − s) · t / W)                            t < W (warm-up)
 *                       η_t = ηmin + (η₀ − ηmin) · (1 + cos(π · (t − W) / (T − W))) / 2   t ≥ W
 *   OneCycleLR          up from maxLr/divFactor to maxLr over pctStart of the steps, then down to
 *                       maxLr/(divFactor·finalDivFactor), each phase a half cosine (or a line);
 *                       momentum (or Adam's β₁) moves the opposite way (Smith & Topin 2018)
 *   ReduceLROnPlateau   η ← max(η · factor, minLr) after `patience` steps without improvement
 *
 * The first three are computed in closed form from t (not by multiplying the previous lr, as
 * PyTorch's "chainable" forms do), so they agree with PyTorch to rounding, and a schedule
 * overwrites any lr set by hand in between: give each optimizer one schedule.
 */
import { Tensor } from '../autograd/tensor.js';
import { Optimizer, type BaseOptions, type ParamGroup } from './optimizer.js';

/** Any optimizer a schedule can drive (every optimizer's groups have a writable `lr`). */
export type ScheduledOptimizer = Optimizer<BaseOptions, object>;

/** A schedule's state: counters and per-group numbers only, so it survives JSON.stringify. */
export type ScheduleStateDict = Readonly<Record<string, number | null | readonly number[]>>;

/** What every schedule offers. */
export interface LrScheduler {
  /** The lr of each group after the latest step (or after construction). */
  getLastLr(): number[];
  stateDict(): ScheduleStateDict;
  loadStateDict(dict: ScheduleStateDict): void;
}

function checkOptimizer(optimizer: unknown, where: string): asserts optimizer is ScheduledOptimizer {
  if (!(optimizer instanceof Optimizer)) throw new TypeError(`${where}: expected an Optimizer, got ${typeof optimizer}`);
}

function checkNumber(where: string, name: string, value: number, ok: (v: number) => boolean, rule: string): void {
  if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) throw new RangeError(`${where}: ${name} must be ${rule}, got ${String(value)}`);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNumberList = (v: unknown, length: number): v is readonly number[] =>
  Array.isArray(v) && v.length === length && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** One value per group: a number is repeated, a list must have one entry per group. */
function perGroup(where: string, name: string, value: number | readonly number[], groups: number): number[] {
  if (typeof value === 'number') return Array.from({ length: groups }, () => value);
  if (!isNumberList(value, groups)) throw new RangeError(`${where}: ${name} needs one number per parameter group (${groups}), got ${String(value)}`);
  return [...value];
}

/**
 * The closed-form schedules: subclasses give the lr of every group at step t; this class keeps
 * the count, writes the lr into the optimizer, and saves and restores the count.
 */
export abstract class LrSchedule implements LrScheduler {
  readonly optimizer: ScheduledOptimizer;
  /** Each group's lr when the schedule was made: η₀ in the formulas. */
  readonly baseLrs: readonly number[];
  #lastStep = -1;
  #lastLr: number[] = [];
  protected abstract get name(): string;

  constructor(optimizer: ScheduledOptimizer) {
    checkOptimizer(optimizer, new.target.name);
    this.optimizer = optimizer;
    this.baseLrs = Object.freeze(optimizer.paramGroups.map((g) => g.lr));
  }

  /** The lr of every group at step `t` (t = 0 at construction). */
  protected abstract lrAt(t: number): number[];
  /** Anything else a step sets (OneCycleLR's momentum). */
  protected afterStep(_t: number): void {}
  /** Checks a loaded state before it is applied; returns what is wrong, if anything. */
  protected checkLoaded(_dict: ScheduleStateDict): string[] {
    return [];
  }

  /** How many times `step()` has run since construction. */
  get lastStep(): number {
    return this.#lastStep;
  }

  /** Advances one step and writes the new lr into every group. */
  step(): void {
    const t = this.#lastStep + 1;
    const lrs = this.lrAt(t); // may throw (OneCycleLR past its end) before anything changes
    this.#lastStep = t;
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]!));
    this.afterStep(t);
    this.#lastLr = lrs;
  }

  /** The initial step; subclasses call it at the end of their constructors, once their fields are set. */
  protected start(): void {
    this.step();
  }

  getLastLr(): number[] {
    return [...this.#lastLr];
  }

  stateDict(): ScheduleStateDict {
    return { lastStep: this.#lastStep, baseLrs: [...this.baseLrs], lastLr: [...this.#lastLr] };
  }

  /**
   * Restores the step count (and checks that the base lrs match this schedule's). The optimizer's
   * groups hold the current lr: restore the optimizer's own state dict as well.
   */
  loadStateDict(dict: ScheduleStateDict): void {
    const groups = this.optimizer.paramGroups.length;
    const problems: string[] = [];
    if (!isCount(dict.lastStep)) problems.push(`lastStep should be a count, got ${String(dict.lastStep)}`);
    if (!isNumberList(dict.baseLrs, groups)) problems.push(`baseLrs should hold ${groups} numbers, got ${String(dict.baseLrs)}`);
    else if (dict.baseLrs.some((v, i) => v !== this.baseLrs[i])) problems.push(`baseLrs [${String(dict.baseLrs)}] differ from this schedule's [${String(this.baseLrs)}]`);
    if (!isNumberList(dict.lastLr, groups)) problems.push(`lastLr should hold ${groups} numbers, got ${String(dict.lastLr)}`);
    problems.push(...this.checkLoaded(dict));
    if (problems.length > 0) throw new Error(`${this.name}.loadStateDict: refused (nothing was loaded):\n  ${problems.join('\n  ')}`);
    this.#lastStep = dict.lastStep as number;
    this.#lastLr = [...(dict.lastLr as number[])];
  }
}

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
export class StepLR extends LrSchedule {
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

  protected override lrAt(t: number): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(t / this.stepSize));
  }
}

export interface CosineAnnealingLROptions {
  /** The step at which the lr reaches ηmin, counted from 0 and including the warm-up (T). */
  readonly tMax: number;
  /** The lowest lr, reached at step T (default 0). */
  readonly etaMin?: number;
  /** Length W of the linear warm-up (default 0: none). */
  readonly warmupSteps?: number;
  /** The warm-up starts at s·η₀ (default 0). */
  readonly warmupStartFactor?: number;
}

/**
 * Cosine annealing (Loshchilov & Hutter 2017, without restarts), with an optional linear warm-up:
 *
 *   t < W:  η_t = η₀ · (s + (1 − s) · t / W)
 *   t ≥ W:  η_t = ηmin + (η₀ − ηmin) · (1 + cos(π · (t − W) / (T − W))) / 2
 *
 * so the lr climbs linearly from s·η₀ to η₀ over the first W steps, then follows half a cosine
 * down to ηmin at t = T. Past T the cosine carries on and the lr rises again, as in PyTorch.
 * Without warm-up this is `torch.optim.lr_scheduler.CosineAnnealingLR(T_max=T, eta_min)`; with
 * it, `SequentialLR([LinearLR(start_factor=s, total_iters=W), CosineAnnealingLR(T_max=T−W)],
 * milestones=[W])` (and, for s = 0 and ηmin = 0, Hugging Face's `get_cosine_schedule_with_warmup`).
 * @example
 * new CosineAnnealingLR(optimizer, { tMax: 100, warmupSteps: 5 });  // lr 0, η₀/5, … η₀ at step 5, … 0 at step 100
 */
export class CosineAnnealingLR extends LrSchedule {
  readonly tMax: number;
  readonly etaMin: number;
  readonly warmupSteps: number;
  readonly warmupStartFactor: number;
  protected override get name(): string {
    return 'CosineAnnealingLR';
  }

  constructor(optimizer: ScheduledOptimizer, options: CosineAnnealingLROptions) {
    super(optimizer);
    const { tMax, etaMin = 0, warmupSteps = 0, warmupStartFactor = 0 } = options;
    checkNumber('CosineAnnealingLR', 'warmupSteps', warmupSteps, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
    checkNumber('CosineAnnealingLR', 'tMax', tMax, (v) => Number.isInteger(v) && v > warmupSteps, `an integer > warmupSteps (${warmupSteps})`);
    checkNumber('CosineAnnealingLR', 'etaMin', etaMin, (v) => v >= 0 && Number.isFinite(v), 'a number ≥ 0');
    checkNumber('CosineAnnealingLR', 'warmupStartFactor', warmupStartFactor, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.warmupSteps = warmupSteps;
    this.warmupStartFactor = warmupStartFactor;
    this.start();
  }

  protected override lrAt(t: number): number[] {
    const { tMax, etaMin, warmupSteps: w, warmupStartFactor: s } = this;
    if (t < w) return this.baseLrs.map((lr) => lr * (s + ((1 - s) * t) / w));
    const cosine = (1 + Math.cos((Math.PI * (t - w)) / (tMax - w))) / 2;
    return this.baseLrs.map((lr) => etaMin + (lr - etaMin) * cosine);
  }
}

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
