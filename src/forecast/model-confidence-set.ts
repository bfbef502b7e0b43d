/**
 * modelConfidenceSet — the Model Confidence Set of Hansen, Lunde & Nason (2011, Econometrica 79).
 *
 * Given the losses L_{i,t} of m models on the same n targets, the MCS at level α is the set of
 * models that cannot be told apart from the best one: it contains the best model(s) with
 * probability ≥ 1 − α. It is built by testing "all models in M have equal expected loss" and, on
 * rejection, eliminating the worst model, until the test no longer rejects:
 *   d̄_ij = L̄_i − L̄_j,   d̄_i· = L̄_i − mean_{j∈M} L̄_j.
 * The variances of these means come from B block-bootstrap resamples of the days (the same
 * resample for every model, so the models' correlation is kept): with L̄*_{b,i} the mean loss of
 * model i on resample b,  v̂ar(d̄) = (1/B) Σ_b (d̄*_b − d̄)².  Two statistics (HLN §3.1.2):
 *   range:  t_ij = d̄_ij / √v̂ar(d̄_ij),  T_R = max_{i,j∈M} |t_ij|,  eliminate argmax_i max_j t_ij;
 *   max:    t_i· = d̄_i· / √v̂ar(d̄_i·),   T_max = max_{i∈M} t_i·,     eliminate argmax_i t_i·.
 * Their null distributions come from the recentred resamples (d̄*_b − d̄)/√v̂ar. The p-value of a
 * test is the share of resamples whose statistic reaches the observed one; the MCS p-value of the
 * k-th eliminated model is the largest test p-value up to step k (so they never decrease), and
 * the last model standing gets 1. The (1 − α) MCS = the models with MCS p-value ≥ α.
 */
import type { Random } from '../autograd/random.js';
import { bootstrapIndices, type BootstrapKind } from './bootstrap.js';

/**
 * Options of `modelConfidenceSet` (Hansen, Lunde and Nason 2011): the generator, the bootstrap's resamples and block length, and α.
 */
export interface ModelConfidenceSetOptions {
  /** Draws the bootstrap resamples (pass seededRandom(seed)). */
  readonly random: Random;
  /** Number of bootstrap resamples B (default 1000). */
  readonly reps?: number;
  /** Mean (stationary) or fixed (moving-block) block length in days (default 10). */
  readonly block?: number;
  /** Bootstrap scheme (default 'stationary', as in HLN's application). */
  readonly bootstrap?: BootstrapKind;
  /** Test statistic (default 'range'). */
  readonly statistic?: 'range' | 'max';
  /** Level α of the reported set (default 0.10: the 90 % MCS). */
  readonly alpha?: number;
}

/** The Model Confidence Set: each model's MCS p-value, the elimination order and the models kept at level α. */
export interface ModelConfidenceSetResult {
  /** The MCS p-value of each model, in input order. */
  readonly pValues: number[];
  /** Model indices in the order they were eliminated; the last is the survivor. */
  readonly eliminationOrder: number[];
  /** Indices (ascending) of the models in the (1 − α) MCS. */
  readonly included: number[];
  readonly alpha: number;
}

/** Standardised d / √var, with 0/0 (two models with identical losses) read as 0. */
const standardise = (d: number, v: number): number => (v > 0 ? d / Math.sqrt(v) : d === 0 ? 0 : Math.sign(d) * Infinity);

/**
 * The MCS of the models whose losses are `losses[i][t]` (model i, target t).
 * @example modelConfidenceSet([good, bad], { random: seededRandom(0) }).included  // [0] when bad is clearly worse
 */
export function modelConfidenceSet(losses: readonly (readonly number[])[], options: ModelConfidenceSetOptions): ModelConfidenceSetResult {
  const { random, reps = 1000, block = 10, bootstrap = 'stationary', statistic = 'range', alpha = 0.1 } = options;
  const m = losses.length;
  const n = losses[0]?.length ?? 0;
  if (m < 1 || n < 2) throw new RangeError(`modelConfidenceSet: need at least 1 model and 2 targets, got ${m} models of ${n}`);
  for (const [i, l] of losses.entries()) {
    if (l.length !== n) throw new RangeError(`modelConfidenceSet: model ${i} has ${l.length} losses, model 0 has ${n}`);
    if (l.some((v) => !Number.isFinite(v))) throw new RangeError(`modelConfidenceSet: model ${i} has a non-finite loss`);
  }
  if (!Number.isInteger(reps) || reps < 1) throw new RangeError(`modelConfidenceSet: reps must be a positive integer, got ${reps}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`modelConfidenceSet: alpha must lie in (0, 1), got ${alpha}`);

  const mean = losses.map((l) => l.reduce((s, v) => s + v, 0) / n);
  const boot: Float64Array[] = []; //                                   boot[b][i] = L̄*_{b,i}
  for (let b = 0; b < reps; b++) {
    const idx = bootstrapIndices(bootstrap, n, block, random);
    const row = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const l = losses[i]!;
      let s = 0;
      for (let t = 0; t < n; t++) s += l[idx[t]!]!;
      row[i] = s / n;
    }
    boot.push(row);
  }

  const alive = losses.map((_, i) => i);
  const pValues = new Array<number>(m).fill(1);
  const eliminationOrder: number[] = [];
  let running = 0;
  while (alive.length > 1) {
    const { p, worst } = statistic === 'range' ? rangeTest(alive, mean, boot) : maxTest(alive, mean, boot);
    running = Math.max(running, p);
    pValues[worst] = running;
    eliminationOrder.push(worst);
    alive.splice(alive.indexOf(worst), 1);
  }
  eliminationOrder.push(alive[0]!);
  const included = pValues.map((p, i) => [p, i] as const).filter(([p]) => p >= alpha).map(([, i]) => i);
  return { pValues, eliminationOrder, included, alpha };
}

/** T_R on the models `alive`: its bootstrap p-value and the model to eliminate. */
function rangeTest(alive: readonly number[], mean: readonly number[], boot: readonly Float64Array[]): { p: number; worst: number } {
  const k = alive.length;
  const sd = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let c = a + 1; c < k; c++) {
      const [i, j] = [alive[a]!, alive[c]!];
      const d = mean[i]! - mean[j]!;
      let v = 0;
      for (const row of boot) v += (row[i]! - row[j]! - d) ** 2;
      sd[a * k + c] = sd[c * k + a] = v / boot.length;
    }
  }
  let stat = 0;
  let worst = alive[0]!;
  let worstScore = -Infinity;
  for (let a = 0; a < k; a++) {
    let score = -Infinity; //                                       max_j t_ij for model a
    for (let c = 0; c < k; c++) {
      if (c === a) continue;
      const t = standardise(mean[alive[a]!]! - mean[alive[c]!]!, sd[a * k + c]!);
      score = Math.max(score, t);
      stat = Math.max(stat, Math.abs(t));
    }
    if (score > worstScore) [worstScore, worst] = [score, alive[a]!];
  }
  let hits = 0;
  for (const row of boot) {
    let tb = 0;
    for (let a = 0; a < k && tb < stat; a++) {
      for (let c = a + 1; c < k; c++) {
        const [i, j] = [alive[a]!, alive[c]!];
        const t = Math.abs(standardise(row[i]! - row[j]! - (mean[i]! - mean[j]!), sd[a * k + c]!));
        if (t > tb) tb = t;
      }
    }
    if (tb >= stat) hits++;
  }
  return { p: hits / boot.length, worst };
}

/** T_max on the models `alive`: its bootstrap p-value and the model to eliminate. */
function maxTest(alive: readonly number[], mean: readonly number[], boot: readonly Float64Array[]): { p: number; worst: number } {
  const k = alive.length;
  const avg = alive.reduce((s, i) => s + mean[i]!, 0) / k;
  const dot = alive.map((i) => mean[i]! - avg); //                       d̄_i·
  const dotBoot = boot.map((row) => {
    const a = alive.reduce((s, i) => s + row[i]!, 0) / k;
    return alive.map((i, c) => row[i]! - a - dot[c]!); //               d̄*_{b,i·} − d̄_i·
  });
  const v = alive.map((_, c) => dotBoot.reduce((s, r) => s + r[c]! ** 2, 0) / boot.length);
  const t = alive.map((_, c) => standardise(dot[c]!, v[c]!));
  let stat = -Infinity;
  let worst = alive[0]!;
  t.forEach((tc, c) => {
    if (tc > stat) [stat, worst] = [tc, alive[c]!];
  });
  let hits = 0;
  for (const r of dotBoot) {
    let tb = -Infinity;
    r.forEach((x, c) => { tb = Math.max(tb, standardise(x, v[c]!)); });
    if (tb >= stat) hits++;
  }
  return { p: hits / boot.length, worst };
}
