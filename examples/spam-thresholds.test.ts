/**
 * The spam-thresholds study, on a small slice of the data with tiny settings (the code path is
 * the study's):
 *   - no leak: scrambling the labels of the newer (test) period changes nothing that a
 *     label-free policy decides, while the policies that use test labels do react;
 *   - the bag-of-words models compute exactly a Linear layer on the dense rows;
 *   - the summaries (mean ± sd over seeds, labels needed to recover the F1) are right on
 *     records made up by hand.
 */
import { describe, expect, test } from 'vitest';
import { loadSpamAssassin } from '../src/data/spam-assassin.js';
import { BagOfWords, sparseToDense, sparseToPadded } from '../src/features/bag-of-words.js';
import { F } from '../src/index.js';
import { formatTables } from './spam-thresholds.js';
import { SparseLinear } from './spam/models.js';
import type { PolicyResult } from './spam/policies.js';
import { labelsToRecover, meanSd, runStudy, summarize, type RunRecord, type SpamData, type StudyOptions } from './spam/study.js';

const all = loadSpamAssassin();
const every = (k: number): SpamData => {
  const ids = all.texts.map((_, i) => i).filter((i) => i % k === 0);
  return { texts: ids.map((i) => all.texts[i]!), labels: Int32Array.from(ids, (i) => all.labels[i]!), groups: ids.map((i) => all.groups[i]!) };
};
const tiny: StudyOptions = {
  splits: ['temporal'], seeds: [0], models: ['logreg'], losses: ['bce'], costs: { falsePositive: 5, falseNegative: 1 },
  labelBudgets: [10, 40], draws: 2, maxEpochs: 2, log: () => undefined,
};

describe('spam-thresholds study', () => {
  test('label-free policies never see the newer period\'s labels; the others do', async () => {
    const data = every(6);
    const newer = data.groups.map((g, i) => (g.endsWith('-2') ? i : -1)).filter((i) => i >= 0);
    // Rotate the labels among the newer mails: same spam rate, different mails.
    const scrambled = Int32Array.from(data.labels);
    newer.forEach((i, k) => (scrambled[i] = data.labels[newer[(k + 7) % newer.length]!]!));
    expect(scrambled).not.toEqual(data.labels);
    const a = (await runStudy(data, tiny)).runs[0]!;
    const b = (await runStudy({ ...data, labels: scrambled }, tiny)).runs[0]!;
    expect(a.policies.map((p) => p.policy)).toEqual(['fixed 0.5', 'val F1', 'val cost', 'temperature 0.5', 'Platt 0.5', 'Platt Bayes', 'EM 0.5', 'EM Bayes', 'EM rate', '10 labels F1', '40 labels F1', 'oracle F1']);
    a.policies.forEach((p, k) => {
      const q = b.policies[k]!;
      if (p.testLabelsUsed === 0) {
        expect(q.threshold, p.policy).toBe(p.threshold);
        expect(q.estimatedPrior, p.policy).toBe(p.estimatedPrior);
      }
    });
    expect(a.policies.filter((p) => p.testLabelsUsed > 0).some((p, k) => p.threshold !== b.policies.filter((q) => q.testLabelsUsed > 0)[k]!.threshold)).toBe(true);
    expect(b.prAuc).not.toBe(a.prAuc); //                                         the scores are the same, the labels not
    expect(a.sizes.test).toBe(newer.length);
  });

  test('a random-split run scores every policy but the label-budget ones', async () => {
    const { runs, kept } = await runStudy(every(8), { ...tiny, splits: ['random'], models: ['logreg', 'mlp'], losses: ['weighted'], maxEpochs: 1 });
    expect(runs.map((r) => r.model)).toEqual(['logreg', 'mlp']);
    expect(runs[0]!.policies.some((p) => p.policy.endsWith('labels F1'))).toBe(false);
    expect(kept).toHaveLength(2);
    for (const r of runs) for (const p of r.policies) expect(p.f1 >= 0 && p.f1 <= 1 && Number.isFinite(p.expectedCost), `${r.model} ${p.policy}`).toBe(true);
    expect(formatTables(summarize(runs))).toContain('random split · mlp · weighted loss');
  });
});

describe('SparseLinear', () => {
  test('equals a Linear layer (weight Wᵀ) on the dense bag-of-words rows', () => {
    const texts = all.texts.slice(0, 40);
    const bow = BagOfWords.fit(texts);
    const rows = bow.transform(texts);
    const layer = new SparseLinear(bow.vocabulary.length, 3, 1);
    const ids = [0, 5, 17, 39];
    const { index, weight } = sparseToPadded(rows, ids);
    const sparse = layer.forward(index, weight).toArray() as number[][];
    const dense = F.linear(sparseToDense(rows, ids), layer.weight.detach().transpose(0, 1), layer.bias.detach()).toArray() as number[][];
    sparse.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(dense[i]![j]!, 5)));
  });
});

describe('summaries', () => {
  const policy = (name: string, f1: number, used = 0): PolicyResult => ({
    policy: name, testLabelsUsed: used, threshold: 0.5, f1, balancedAccuracy: f1, precision: f1, recall: f1, falsePositiveRate: 0, expectedCost: 1 - f1, ece: 0.01,
  });
  const record = (seed: number, f1s: [number, number, number, number]): RunRecord => ({
    split: 'temporal', seed, model: 'logreg', loss: 'bce', bestEpoch: 1, seconds: 1, sizes: { fit: 1, validation: 1, test: 1 }, testSpamRate: 0.5, prAuc: 0.99, rocAuc: 0.99,
    policies: [policy('fixed 0.5', f1s[0]), policy('10 labels F1', f1s[1], 10), policy('50 labels F1', f1s[2], 50), policy('oracle F1', f1s[3], 100)],
  });

  test('mean ± sample sd over seeds; the fewest labels that close 90% of the gap', () => {
    expect(meanSd([1, 2, 3])).toEqual({ mean: 2, sd: 1 });
    expect(meanSd([4])).toEqual({ mean: 4, sd: 0 });
    const rows = summarize([record(0, [0.90, 0.93, 0.975, 0.98]), record(1, [0.92, 0.95, 0.975, 1.0])]);
    const fixed = rows.find((r) => r.policy === 'fixed 0.5')!;
    expect(fixed.f1.mean).toBeCloseTo(0.91, 15);
    expect(fixed.f1.sd).toBeCloseTo(Math.SQRT2 * 0.01, 15);
    // Gap 0.91 → 0.99: 90% needs 0.982; 10 labels reach 0.94, 50 reach 0.975 — short of it.
    expect(labelsToRecover(rows)).toEqual([{ model: 'logreg', loss: 'bce', fixed: expect.closeTo(0.91, 12) as unknown as number, oracle: expect.closeTo(0.99, 12) as unknown as number, labels: null }]);
    expect(labelsToRecover(rows, 0.8)[0]!.labels).toBe(50);
    expect(formatTables(rows)).toMatch(/fixed 0\.5 +0 +0\.9100 ± 0\.0141/);
  });
});
