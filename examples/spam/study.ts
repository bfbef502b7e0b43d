/**
 * The spam-thresholds study: for each split, seed, model and loss, train on the fit mails, score
 * the validation slice and the test mails, and run every thresholding policy.
 *
 *   random    scikit-learn's stratified 80/20 split with random_state = seed (the baseline's
 *             protocol: seed 0 is its canonical split); the training seed is the same number
 *   temporal  train on the older collections (easy-ham-1, hard-ham-1, spam-1: 14.5% spam), test
 *             on the newer ones (easy-ham-2, spam-2: 47.7% spam); the seed varies the
 *             fit/validation division and the training
 * The validation slice is a stratified 20% of the training side (trainTestSplit, seed = seed):
 * it stops training and fits every calibrator and threshold. The test mails are touched only
 * by scoring them — except by the policies whose names say they use test labels.
 */
import { trainTestSplit } from '../../src/data/train-test-split.js';
import { averagePrecision, rocAuc } from '../../src/metrics/ranking.js';
import type { SpamAssassinGroup } from '../../src/data/spam-assassin.js';
import { temporalSplit } from '../../src/data/spam-assassin.js';
import type { Costs } from '../../src/metrics/thresholds.js';
import { SPAM_MODELS, type LabelledTexts } from './models.js';
import { evaluatePolicies, type PolicyResult, type Scored } from './policies.js';
import type { LossKind } from './train-binary.js';

export type SplitKind = 'random' | 'temporal';

export interface SpamData {
  readonly texts: readonly string[];
  readonly labels: Int32Array;
  readonly groups: readonly SpamAssassinGroup[];
}

export interface StudyOptions {
  readonly splits: readonly SplitKind[];
  readonly seeds: readonly number[];
  /** Keys of SPAM_MODELS. */
  readonly models: readonly string[];
  readonly losses: readonly LossKind[];
  /** The losses of one model, when they differ from `losses` (the models' own defaults). */
  readonly lossesOf?: (model: string) => readonly LossKind[];
  readonly costs: Costs;
  /** Test-period labels for the re-thresholding policies (temporal split only). */
  readonly labelBudgets: readonly number[];
  readonly draws: number;
  /** Cap on epochs (smoke runs); the models' own limits otherwise. */
  readonly maxEpochs?: number;
  readonly log: (line: string) => void;
}

export interface RunRecord {
  readonly split: SplitKind;
  readonly seed: number;
  readonly model: string;
  readonly loss: LossKind;
  readonly bestEpoch: number;
  readonly seconds: number;
  readonly sizes: { readonly fit: number; readonly validation: number; readonly test: number };
  readonly testSpamRate: number;
  readonly prAuc: number;
  readonly rocAuc: number;
  readonly policies: PolicyResult[];
}

/** The scores of the first seed's runs, kept for the plots. */
export interface KeptScores {
  readonly split: SplitKind;
  readonly model: string;
  readonly loss: LossKind;
  readonly validation: Scored;
  readonly test: Scored;
}

export interface StudyResult {
  readonly runs: RunRecord[];
  readonly kept: KeptScores[];
}

function subset(data: SpamData, ids: ArrayLike<number>): LabelledTexts {
  return { texts: Array.from(ids, (i) => data.texts[i]!), labels: Int32Array.from(ids, (i) => data.labels[i]!) };
}

/** Train and test indices of one split. */
export function splitIndices(data: SpamData, split: SplitKind, seed: number): { train: Int32Array; test: Int32Array } {
  return split === 'random' ? trainTestSplit(data.texts.length, { testSize: 0.2, seed, stratify: data.labels }) : temporalSplit(data.groups);
}

/** The fit mails, the validation slice (a stratified 20% of the training side) and the test mails of one split and seed. */
export function splitMails(data: SpamData, split: SplitKind, seed: number): { fit: LabelledTexts; validation: LabelledTexts; test: LabelledTexts } {
  const { train, test } = splitIndices(data, split, seed);
  const trainLabels = Int32Array.from(train, (i) => data.labels[i]!);
  const inner = trainTestSplit(train.length, { testSize: 0.2, seed, stratify: trainLabels });
  return { fit: subset(data, Array.from(inner.train, (k) => train[k]!)), validation: subset(data, Array.from(inner.test, (k) => train[k]!)), test: subset(data, test) };
}

export async function runStudy(data: SpamData, options: StudyOptions): Promise<StudyResult> {
  const { log } = options;
  const runs: RunRecord[] = [];
  const kept: KeptScores[] = [];
  for (const split of options.splits) {
    for (const seed of options.seeds) {
      const { fit, validation, test: testSet } = splitMails(data, split, seed);
      const cache = new Map<string, unknown>();
      for (const model of options.models) {
        const spec = SPAM_MODELS[model];
        if (!spec) throw new RangeError(`spam-thresholds: unknown model '${model}' (known: ${Object.keys(SPAM_MODELS).join(', ')})`);
        for (const loss of options.lossesOf?.(model) ?? options.losses) {
          log(`${split} split, seed ${seed}: ${model} with ${loss} loss (fit ${fit.texts.length}, validation ${validation.texts.length}, test ${testSet.texts.length})`);
          const trained = await spec.train({ fit, validation, cache }, { loss, seed, log, ...(options.maxEpochs === undefined ? {} : { maxEpochs: options.maxEpochs }) });
          const scoredValidation: Scored = { logits: await trained.logits(validation.texts), labels: validation.labels };
          const scoredTest: Scored = { logits: await trained.logits(testSet.texts), labels: testSet.labels };
          const policies = evaluatePolicies(scoredValidation, scoredTest, {
            costs: options.costs, labelBudgets: split === 'temporal' ? options.labelBudgets : [], draws: options.draws, seed,
          });
          const record: RunRecord = {
            split, seed, model, loss, bestEpoch: trained.bestEpoch, seconds: trained.seconds,
            sizes: { fit: fit.texts.length, validation: validation.texts.length, test: testSet.texts.length },
            testSpamRate: testSet.labels.reduce((a, b) => a + b, 0) / testSet.labels.length,
            prAuc: averagePrecision(testSet.labels, scoredTest.logits),
            rocAuc: rocAuc(testSet.labels, scoredTest.logits),
            policies,
          };
          runs.push(record);
          if (seed === options.seeds[0]) kept.push({ split, model, loss, validation: scoredValidation, test: scoredTest });
          const fixed = policies[0]!;
          log(`  best epoch ${trained.bestEpoch}, ${trained.seconds.toFixed(0)} s: PR-AUC ${record.prAuc.toFixed(4)}, F1 at 0.5 ${fixed.f1.toFixed(4)}`);
        }
      }
    }
  }
  return { runs, kept };
}

export interface SummaryRow {
  readonly split: SplitKind;
  readonly model: string;
  readonly loss: LossKind;
  readonly policy: string;
  readonly testLabelsUsed: number;
  readonly seeds: number;
  readonly f1: MeanSd;
  readonly balancedAccuracy: MeanSd;
  readonly prAuc: MeanSd;
  readonly ece: MeanSd;
  readonly expectedCost: MeanSd;
  readonly estimatedPrior: MeanSd | null;
}

export interface MeanSd {
  readonly mean: number;
  /** Sample standard deviation over seeds (0 for one seed). */
  readonly sd: number;
}

export function meanSd(values: readonly number[]): MeanSd {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, sd };
}

/** Mean ± sd over seeds of every (split, model, loss, policy). */
export function summarize(runs: readonly RunRecord[]): SummaryRow[] {
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const key = `${r.split}|${r.model}|${r.loss}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows: SummaryRow[] = [];
  for (const group of groups.values()) {
    const { split, model, loss } = group[0]!;
    group[0]!.policies.forEach((p, k) => {
      const of = (f: (x: PolicyResult) => number): MeanSd => meanSd(group.map((r) => f(r.policies[k]!)));
      rows.push({
        split, model, loss, policy: p.policy, testLabelsUsed: p.testLabelsUsed, seeds: group.length,
        f1: of((x) => x.f1), balancedAccuracy: of((x) => x.balancedAccuracy), prAuc: meanSd(group.map((r) => r.prAuc)),
        ece: of((x) => x.ece), expectedCost: of((x) => x.expectedCost),
        estimatedPrior: p.estimatedPrior === undefined ? null : of((x) => x.estimatedPrior ?? NaN),
      });
    });
  }
  return rows;
}

/**
 * The fewest test-period labels whose re-thresholding recovers at least `fraction` of the F1 gap
 * between the fixed threshold and the oracle, per (model, loss) on the temporal split.
 */
export function labelsToRecover(rows: readonly SummaryRow[], fraction = 0.9): { model: string; loss: LossKind; fixed: number; oracle: number; labels: number | null }[] {
  const temporal = rows.filter((r) => r.split === 'temporal');
  const keys = [...new Set(temporal.map((r) => `${r.model}|${r.loss}`))];
  return keys.map((key) => {
    const mine = temporal.filter((r) => `${r.model}|${r.loss}` === key);
    const fixed = mine.find((r) => r.policy === 'fixed 0.5')!.f1.mean;
    const oracle = mine.find((r) => r.policy === 'oracle F1')!.f1.mean;
    const budgets = mine.filter((r) => r.policy.endsWith('labels F1')).sort((a, b) => a.testLabelsUsed - b.testLabelsUsed);
    const enough = budgets.find((r) => r.f1.mean >= fixed + fraction * (oracle - fixed));
    return { model: mine[0]!.model, loss: mine[0]!.loss, fixed, oracle, labels: enough ? enough.testLabelsUsed : null };
  });
}
