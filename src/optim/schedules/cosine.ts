/**
 * Cosine schedules (Loshchilov & Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm
 * Restarts"), as `torch.optim.lr_scheduler` (PyTorch 1.13). With c(τ, T) = (1 + cos(π·τ/T)) / 2,
 * which falls from 1 to 0 as τ goes from 0 to T:
 *
 *   CosineAnnealingLR            η_t = ηmin + (η₀ − ηmin) · c(t − W, T − W)       t ≥ W
 *                                η_t = η₀ · (s + (1 − s) · t / W)                t < W (warm-up)
 *   CosineAnnealingWarmRestarts  η_t = ηmin + (η₀ − ηmin) · c(tCur, tI): tCur counts from 0 to
 *                                tI − 1, then the lr jumps back to η₀ and tI ← tI · tMult
 *
 * CosineAnnealingLR is chainable around ηmin (see lr-schedule.ts): a step maps the lr it finds,
 * η ← ηmin + (η − ηmin) · c(τ)/c(τ − 1). CosineAnnealingWarmRestarts sets its closed form outright.
 */
import { checkNumber, LrSchedule, rescale, type ScheduledOptimizer, type ScheduleStateDict } from './lr-schedule.js';

/** (1 + cos(π·τ/T)) / 2: 1 at τ = 0, 0 at τ = T. */
const halfCosine = (tau: number, period: number): number => (1 + Math.cos((Math.PI * tau) / period)) / 2;

/** Options of `CosineAnnealingLR`: the period tMax, the floor etaMin and an optional linear warm-up. */
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
 * Cosine annealing (without restarts), with an optional linear warm-up:
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

  /** The warm-up's factor on η₀ at step t < W. */
  #warmup(t: number): number {
    const { warmupSteps: w, warmupStartFactor: s } = this;
    return s + ((1 - s) * t) / w;
  }

  protected override lrAt(t: number): number[] {
    const { tMax, etaMin, warmupSteps: w } = this;
    if (t < w) return this.baseLrs.map((lr) => lr * this.#warmup(t));
    return this.baseLrs.map((lr) => etaMin + (lr - etaMin) * halfCosine(t - w, tMax - w));
  }

  /**
   * The warm-up scales the lr it finds (PyTorch's LinearLR); step W restarts the cosine from its
   * closed form, η₀ (SequentialLR's milestone); after it, η − ηmin scales by c(τ)/c(τ − 1).
   */
  protected override chainedLrAt(t: number, current: readonly number[]): number[] {
    const { tMax, etaMin, warmupSteps: w } = this;
    if (t < w) return current.map((lr, i) => rescale(lr, this.baseLrs[i]!, t === 0 ? 1 : this.#warmup(t - 1), this.#warmup(t)));
    if (t === w && w > 0) return this.lrAt(t);
    const tau = t - w;
    const [before, now] = [tau === 0 ? 1 : halfCosine(tau - 1, tMax - w), halfCosine(tau, tMax - w)];
    return current.map((lr, i) => etaMin + rescale(lr - etaMin, this.baseLrs[i]! - etaMin, before, now));
  }
}

/** Options of `CosineAnnealingWarmRestarts`: the first period t0, its growth factor tMult and the floor etaMin. */
export interface CosineAnnealingWarmRestartsOptions {
  /** Steps in the first cycle (T₀, PyTorch's `T_0`). */
  readonly t0: number;
  /** Each cycle is tMult times longer than the one before (an integer ≥ 1; default 1). */
  readonly tMult?: number;
  /** The lowest lr, approached at the end of each cycle (default 0). */
  readonly etaMin?: number;
}

/**
 * SGDR: half a cosine from η₀ down towards ηmin over tI steps, then a warm restart at η₀ with
 * tI ← tI · tMult (tI starts at t0). `step()` counts on by one; `step(epoch)` jumps to a
 * fractional epoch, as PyTorch's docs do once per batch: `schedule.step(epoch + i / batches)`.
 * @example
 * new CosineAnnealingWarmRestarts(optimizer, { t0: 10, tMult: 2 });  // restarts at steps 10, 30, 70, …
 */
export class CosineAnnealingWarmRestarts extends LrSchedule {
  readonly t0: number;
  readonly tMult: number;
  readonly etaMin: number;
  /** Steps (possibly fractional) since the latest restart. */
  #tCur = 0;
  /** The length of the current cycle. */
  #tI: number;
  protected override get name(): string {
    return 'CosineAnnealingWarmRestarts';
  }

  constructor(optimizer: ScheduledOptimizer, options: CosineAnnealingWarmRestartsOptions) {
    super(optimizer);
    const { t0, tMult = 1, etaMin = 0 } = options;
    checkNumber('CosineAnnealingWarmRestarts', 't0', t0, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1');
    checkNumber('CosineAnnealingWarmRestarts', 'tMult', tMult, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1');
    checkNumber('CosineAnnealingWarmRestarts', 'etaMin', etaMin, (v) => v >= 0 && Number.isFinite(v), 'a number ≥ 0');
    this.t0 = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.#tI = t0;
    this.start();
  }

  /** Where the schedule stands in its current cycle: { tCur, tI }. */
  get cycle(): { tCur: number; tI: number } {
    return { tCur: this.#tCur, tI: this.#tI };
  }

  /** The cycle that epoch e falls in, from scratch: cycle n starts at t0·(tMult^n − 1)/(tMult − 1). */
  #locate(epoch: number): { tCur: number; tI: number } {
    const { t0, tMult } = this;
    if (epoch < t0) return { tCur: epoch, tI: t0 };
    if (tMult === 1) return { tCur: epoch % t0, tI: t0 };
    let n = Math.floor(Math.log((epoch / t0) * (tMult - 1) + 1) / Math.log(tMult));
    const start = (k: number): number => (t0 * (tMult ** k - 1)) / (tMult - 1);
    // The logarithm can round across a restart (log 1000 / log 10 < 3); PyTorch would land at ηmin there.
    if (epoch >= start(n + 1)) n += 1;
    else if (epoch < start(n)) n -= 1;
    return { tCur: epoch - start(n), tI: t0 * tMult ** n };
  }

  #lrs(tCur: number, tI: number): number[] {
    return this.baseLrs.map((lr) => this.etaMin + (lr - this.etaMin) * halfCosine(tCur, tI));
  }

  protected override lrAt(t: number): number[] {
    const { tCur, tI } = this.#locate(t);
    return this.#lrs(tCur, tI);
  }

  /** One step on (no argument), or to a fractional `epoch` ≥ 0 (the step count becomes ⌊epoch⌋). */
  override step(epoch?: number): void {
    let tCur: number;
    let tI: number;
    let t: number;
    if (epoch === undefined && this.lastStep >= 0) {
      [tCur, tI, t] = [this.#tCur + 1, this.#tI, this.lastStep + 1];
      if (tCur >= tI) [tCur, tI] = [tCur - tI, tI * this.tMult];
    } else {
      const e = epoch ?? 0;
      checkNumber('CosineAnnealingWarmRestarts.step', 'epoch', e, (v) => v >= 0 && Number.isFinite(v), 'a finite number ≥ 0');
      ({ tCur, tI } = this.#locate(e));
      t = Math.floor(e);
    }
    const lrs = this.#lrs(tCur, tI);
    [this.#tCur, this.#tI] = [tCur, tI];
    this.setStep(t, lrs);
  }

  override restart(): void {
    this.step(0);
  }

  protected override extraState(): Record<string, number> {
    return { tCur: this.#tCur, tI: this.#tI };
  }

  protected override checkLoaded(dict: ScheduleStateDict): string[] {
    const { tCur, tI } = dict;
    const problems: string[] = [];
    if (typeof tI !== 'number' || !Number.isInteger(tI) || tI < this.t0) problems.push(`tI should be an integer ≥ t0 (${this.t0}), got ${String(tI)}`);
    else if (typeof tCur !== 'number' || !(tCur >= 0 && tCur < tI)) problems.push(`tCur should be a number in [0, tI), got ${String(tCur)}`);
    return problems;
  }

  protected override loadExtra(dict: ScheduleStateDict): void {
    this.#tCur = dict.tCur as number;
    this.#tI = dict.tI as number;
  }
}
