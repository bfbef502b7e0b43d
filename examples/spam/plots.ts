/**
 * The SVG figures of the spam-thresholds study, drawn from the first seed's scores:
 *   pr-curves.svg    precision-recall curves of each model on the random and the temporal test
 *                    sets (and, for the first model, on the older validation slice)
 *   cost-curves.svg  Drummond & Holte's cost curve on the temporal test set with the cost lines
 *                    of the policies' thresholds; expected cost per mail against the threshold on
 *                    the older validation slice and on the newer test mails
 *   relabel.svg      temporal F1 against the number of test-period labels used to re-threshold
 *   reliability.svg  temporal reliability diagram: raw σ(z), Platt, Platt moved by EM
 */
import { precisionRecallCurve } from '../../src/metrics/ranking.js';
import { reliabilityDiagram } from '../../src/metrics/calibration.js';
import { applyPlatt, fitPlatt } from '../../src/metrics/calibrators.js';
import { emPriorShift } from '../../src/metrics/prior-shift.js';
import { costCurve, costLine, ThresholdSweep, type Costs } from '../../src/metrics/thresholds.js';
import { chartRow, type ChartOptions, type Series } from '../../src/utils/index.js';
import type { KeptScores, RunRecord, SummaryRow } from './study.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** A PR curve thinned to at most ~200 points (the step shape is kept well enough to read). */
function prSeries(name: string, labels: Int32Array, logits: Float64Array): Series {
  const { precision, recall } = precisionRecallCurve(labels, logits);
  const step = Math.max(1, Math.floor(recall.length / 200));
  const keep = recall.map((_, i) => i).filter((i) => i % step === 0 || i === recall.length - 1);
  return { name, x: keep.map((i) => recall[i]!), y: keep.map((i) => precision[i]!) };
}

export function prCurves(kept: readonly KeptScores[]): string {
  const charts: ChartOptions[] = (['random', 'temporal'] as const).flatMap((split) => {
    const mine = kept.filter((k) => k.split === split && k.loss === 'bce');
    if (mine.length === 0) return [];
    const series = mine.map((k) => prSeries(`${k.model}, test`, k.test.labels, k.test.logits));
    series.push(prSeries(`${mine[0]!.model}, validation`, mine[0]!.validation.labels, mine[0]!.validation.logits));
    return [{ title: `precision-recall, ${split} split`, xLabel: 'recall', yLabel: 'precision', series }];
  });
  return chartRow(charts);
}

export function costCurves(kept: readonly KeptScores[], runs: readonly RunRecord[], costs: Costs): string {
  const scores = kept.find((k) => k.split === 'temporal' && k.loss === 'bce') ?? kept[0]!;
  const run = runs.find((r) => r.split === scores.split && r.model === scores.model && r.loss === scores.loss)!;
  const curve = costCurve(scores.test.labels, scores.test.logits, { points: 101 });
  const lines: Series[] = ['fixed 0.5', 'val F1', 'Platt Bayes', 'EM Bayes'].flatMap((name) => {
    const p = run.policies.find((q) => q.policy === name);
    return p ? [{ name, x: [0, 1], y: [costLine(p, 0), costLine(p, 1)] }] : [];
  });
  const byThreshold = (name: string, s: KeptScores['test']): Series => {
    const sweep = new ThresholdSweep(s.labels, Array.from(s.logits, sigmoid), { costs });
    const points = sweep.points().filter((r) => Number.isFinite(r.threshold));
    const step = Math.max(1, Math.floor(points.length / 200));
    const thinned = points.filter((_, i) => i % step === 0);
    return { name, x: thinned.map((r) => r.threshold), y: thinned.map((r) => r.expectedCost) };
  };
  return chartRow([
    { title: `cost curve, ${scores.split} test (${scores.model})`, xLabel: 'probability cost PC(+)', yLabel: 'normalised expected cost', series: [{ name: 'best threshold', x: curve.probabilityCost, y: curve.normalizedExpectedCost }, ...lines] },
    { title: `expected cost per mail (c_FP ${costs.falsePositive}, c_FN ${costs.falseNegative})`, xLabel: 'threshold on σ(z)', yLabel: 'cost per mail', series: [byThreshold('older validation', scores.validation), byThreshold('newer test', scores.test)] },
  ]);
}

export function relabelPlot(summary: readonly SummaryRow[]): string {
  const temporal = summary.filter((r) => r.split === 'temporal' && r.loss === 'bce');
  const models = [...new Set(temporal.map((r) => r.model))];
  const series: Series[] = models.flatMap((model) => {
    const mine = temporal.filter((r) => r.model === model);
    const budgets = mine.filter((r) => r.policy.endsWith('labels F1')).sort((a, b) => a.testLabelsUsed - b.testLabelsUsed);
    const x = budgets.map((r) => Math.log10(r.testLabelsUsed));
    const flat = (policy: string): Series => ({ name: `${model}: ${policy}`, x: [x[0]!, x.at(-1)!], y: Array(2).fill(mine.find((r) => r.policy === policy)!.f1.mean) as number[] });
    return [{ name: `${model}: k labels`, x, y: budgets.map((r) => r.f1.mean) }, flat('fixed 0.5'), flat('EM 0.5'), flat('oracle F1')];
  });
  return chartRow([{ title: 'temporal split: re-thresholding on k newer labels', xLabel: 'log10 k (labels of the newer period)', yLabel: 'F1 on the other newer mails', series, width: 760 }]);
}

export function reliabilityPlot(kept: readonly KeptScores[]): string {
  const scores = kept.find((k) => k.split === 'temporal' && k.loss === 'bce') ?? kept[0]!;
  const raw = Array.from(scores.test.logits, sigmoid);
  const calibrated = applyPlatt(scores.test.logits, fitPlatt(scores.validation.logits, scores.validation.labels));
  const validationPrior = scores.validation.labels.reduce((a, b) => a + b, 0) / scores.validation.labels.length;
  const adjusted = emPriorShift(calibrated, validationPrior).posteriors as number[];
  const diagram = (name: string, p: readonly number[]): Series => {
    const d = reliabilityDiagram(scores.test.labels, p, { nBins: 10 });
    const full = d.count.map((c, b) => (c > 0 ? b : -1)).filter((b) => b >= 0);
    return { name, x: full.map((b) => d.meanPredicted[b]!), y: full.map((b) => d.fractionPositive[b]!) };
  };
  return chartRow([{
    title: `reliability on the ${scores.split} test set (${scores.model})`, xLabel: 'mean predicted P(spam)', yLabel: 'fraction spam',
    series: [{ name: 'perfect', x: [0, 1], y: [0, 1] }, diagram('σ(z)', raw), diagram('Platt', calibrated), diagram('Platt + EM', adjusted)],
  }]);
}
