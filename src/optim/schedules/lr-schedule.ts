/**
 * LrSchedule — what the step-counting schedules share, as PyTorch's `_LRScheduler` (1.13).
 *
 * Construction counts as step 0 and already sets the lr for it; then `schedule.step()` once per
 * epoch or batch, after `optimizer.step()`. Each schedule has two forms, as in PyTorch:
 *
 *   closed form     η_t = lrAt(t), from η₀ (the group's lr when its first schedule was made) alone
 *   chainable form  η_t from the lr the group holds now: what `step()` uses
 *
 * For a schedule whose closed form is η₀·f(t), the chainable form scales the lr it finds by
 * f(t)/f(t − 1) (by f(0) at step 0); where f(t − 1) = 0 there is nothing to scale, and it adds
 * η₀·(f(t) − f(t − 1)) instead (PyTorch does this for CosineAnnealingLR at its floor). On its own
 * a schedule gives the closed form to rounding; two schedules stepped on one optimizer (or in a
 * ChainedScheduler) multiply. LambdaLR, OneCycleLR and CosineAnnealingWarmRestarts have only the
 * closed form and overwrite the lr, as in PyTorch.
 */
import { Optimizer, type BaseOptions } from '../optimizer.js';

/** Any optimizer a schedule can drive (every optimizer's groups have a writable `lr`). */
export type ScheduledOptimizer = Optimizer<BaseOptions, object>;

/** A schedule's state: counters, per-group numbers and the states of sub-schedules, so it survives JSON.stringify. */
export interface ScheduleStateDict {
  readonly [key: string]: number | null | readonly number[] | readonly ScheduleStateDict[];
}

/** What every schedule offers. */
export interface LrScheduler {
  /** The lr of each group after the latest step (or after construction). */
  getLastLr(): number[];
  stateDict(): ScheduleStateDict;
  loadStateDict(dict: ScheduleStateDict): void;
}

/** A schedule stepped without arguments: every schedule but ReduceLROnPlateau (which needs a metric). */
export interface SteppedScheduler extends LrScheduler {
  readonly optimizer: ScheduledOptimizer;
  step(): void;
}

export function checkOptimizer(optimizer: unknown, where: string): asserts optimizer is ScheduledOptimizer {
  if (!(optimizer instanceof Optimizer)) throw new TypeError(`${where}: expected an Optimizer, got ${typeof optimizer}`);
}

export function checkNumber(where: string, name: string, value: number, ok: (v: number) => boolean, rule: string): void {
  if (typeof value !== 'number' || Number.isNaN(value) || !ok(value)) throw new RangeError(`${where}: ${name} must be ${rule}, got ${String(value)}`);
}

export const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
export const isNumberList = (v: unknown, length: number): v is readonly number[] =>
  Array.isArray(v) && v.length === length && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** One value per group: a number is repeated, a list must have one entry per group. */
export function perGroup(where: string, name: string, value: number | readonly number[], groups: number): number[] {
  if (typeof value === 'number') return Array.from({ length: groups }, () => value);
  if (!isNumberList(value, groups)) throw new RangeError(`${where}: ${name} needs one number per parameter group (${groups}), got ${String(value)}`);
  return [...value];
}

/**
 * The chainable step of a closed form η₀·f(t): scale the lr the group holds (`current`) by
 * f(t)/f(t − 1), or, where f(t − 1) = 0, add η₀·(f(t) − f(t − 1)).
 */
export const rescale = (current: number, base: number, before: number, now: number): number =>
  before !== 0 ? current * (now / before) : current + base * (now - before);

/** Each group's lr when its first schedule was made: PyTorch's `group['initial_lr']`, kept beside the group. */
const initialLrs = new WeakMap<object, number>();
function initialLrOf(group: { lr: number }): number {
  if (!initialLrs.has(group)) initialLrs.set(group, group.lr);
  return initialLrs.get(group)!;
}

/**
 * The step-counting schedules: subclasses give the closed form (and, where PyTorch's schedule is
 * chainable, the chainable form); this class keeps the count, writes the lr into the optimizer,
 * and saves and restores the count.
 */
export abstract class LrSchedule implements SteppedScheduler {
  readonly optimizer: ScheduledOptimizer;
  /** Each group's lr when its first schedule was made: η₀ in the formulas. */
  readonly baseLrs: readonly number[];
  #lastStep = -1;
  #lastLr: number[] = [];
  protected abstract get name(): string;

  constructor(optimizer: ScheduledOptimizer) {
    checkOptimizer(optimizer, new.target.name);
    this.optimizer = optimizer;
    this.baseLrs = Object.freeze(optimizer.paramGroups.map(initialLrOf));
  }

  /** The closed form: the lr of every group at step `t` (t = 0 at construction). */
  protected abstract lrAt(t: number): number[];
  /** The chainable form: the lr at step `t` from `current`, the groups' lr now. Default: the closed form (overwrite). */
  protected chainedLrAt(t: number, _current: readonly number[]): number[] {
    return this.lrAt(t);
  }
  /** Anything else a step sets (OneCycleLR's momentum). */
  protected afterStep(_t: number): void {}
  /** Checks a loaded state before it is applied; returns what is wrong, if anything. */
  protected checkLoaded(_dict: ScheduleStateDict): string[] {
    return [];
  }
  /** Numbers a subclass keeps beyond the step count (saved in the state dict). */
  protected extraState(): Record<string, number> {
    return {};
  }
  /** Restores `extraState()`'s numbers from a dict that `checkLoaded` accepted. */
  protected loadExtra(_dict: ScheduleStateDict): void {}

  /** How many times `step()` has run since construction (or the latest restart). */
  get lastStep(): number {
    return this.#lastStep;
  }

  /** Advances one step and writes the new lr into every group. */
  step(): void {
    const t = this.#lastStep + 1;
    this.setStep(t, this.chainedLrAt(t, this.optimizer.paramGroups.map((g) => g.lr)));
  }

  /** Starts again at step 0 with the closed form: what SequentialLR does at a milestone (PyTorch's `step(0)`). */
  restart(): void {
    this.setStep(0, this.lrAt(0));
  }

  /** Records step `t` and writes `lrs` (computed first, so a refusal leaves everything as it was). */
  protected setStep(t: number, lrs: number[]): void {
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
    return { lastStep: this.#lastStep, baseLrs: [...this.baseLrs], lastLr: [...this.#lastLr], ...this.extraState() };
  }

  /**
   * Restores the step count (and checks that the base lrs match this schedule's). The optimizer's
   * groups hold the current lr, which the chainable form reads: restore the optimizer's own state
   * dict as well, as in PyTorch.
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
    this.loadExtra(dict);
  }
}
