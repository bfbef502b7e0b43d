/**
 * The thresholding policies of the spam example: each turns a model's test logits into
 * decisions, using the validation slice (older mails, labelled), the unlabelled test mails,
 * or — only where its name says so — some labels of the test period.
 *
 *   fixed 0.5               p = σ(z) ≥ 0.5, the baseline's rule (z ≥ 0)
 *   val F1 / val cost       the threshold on σ(z) that maximises F1 / minimises cost on validation
 *   temperature 0.5         σ(z/T), T fitted on validation: same decisions, other probabilities
 *   Platt 0.5 / Platt Bayes σ(a·z + b) fitted on validation; cut at 0.5, or at the cost-optimal
 *                           c_FP / (c_FP + c_FN) (Elkan 2001)
 *   EM 0.5 / EM Bayes       the Platt probabilities of the test mails, moved to the spam rate
 *                           that EM estimates from them (Saerens et al. 2002); no test labels
 *   EM rate                 flag the π̂·N test mails with the highest probability (π̂ from EM)
 *   k labels F1             re-threshold σ(z) by F1 on k labelled test-period mails, scored on
 *                           the other test mails; metrics averaged over random draws of the k
 *                           (the threshold reported is the median draw's)
 *   oracle F1               the best F1 any threshold reaches on the test labels: a ceiling
 * Every policy reports F1, balanced accuracy, precision, recall, the expected cost with the
 * study's costs, and the ECE of the probabilities it thresholds.
 */
import { seededRandom } from '../../src/index.js';
import { randomPermutation } from '../../src/data/dataset.js';
import { applyPlatt, applyTemperature, fitPlatt, fitTemperature } from '../../src/metrics/calibrators.js';
import { expectedCalibrationError } from '../../src/metrics/calibration.js';
import { emPriorShift } from '../../src/metrics/prior-shift.js';
import { bayesThreshold, selectThreshold, thresholdReport, type Costs, type ThresholdReport } from '../../src/metrics/thresholds.js';

export interface Scored {
  readonly logits: Float64Array;
  readonly labels: Int32Array;
}

export interface PolicyResult {
  readonly policy: string;
  /** Labels of the test period the policy used (0 for all but 'k labels'). */
  readonly testLabelsUsed: number;
  readonly threshold: number;
  readonly f1: number;
  readonly balancedAccuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly falsePositiveRate: number;
  readonly expectedCost: number;
  /** ECE of the probabilities the policy thresholds (10 uniform bins); NaN where it has none of its own. */
  readonly ece: number;
  /** The spam rate EM estimated for the test mails (EM policies only). */
  readonly estimatedPrior?: number;
}

export interface PolicyOptions {
  readonly costs: Costs;
  /** Sizes of the labelled test-period slices for re-thresholding (empty: skip those policies). */
  readonly labelBudgets: readonly number[];
  /** Random draws of each labelled slice. */
  readonly draws: number;
  readonly seed: number;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

function result(policy: string, r: ThresholdReport, probabilities: readonly number[] | null, labels: Int32Array, extra: Partial<PolicyResult> = {}): PolicyResult {
  return {
    policy, testLabelsUsed: 0, threshold: r.threshold, f1: r.f1, balancedAccuracy: r.balancedAccuracy, precision: r.precision,
    recall: r.recall, falsePositiveRate: r.falsePositiveRate, expectedCost: r.expectedCost, ece: probabilities ? expectedCalibrationError(labels, probabilities) : NaN, ...extra,
  };
}

/** Every policy on one trained model's validation and test scores. */
export function evaluatePolicies(validation: Scored, test: Scored, options: PolicyOptions): PolicyResult[] {
  const { costs } = options;
  const y = test.labels;
  const raw = Array.from(test.logits, sigmoid);
  const rawValidation = Array.from(validation.logits, sigmoid);
  const at = (p: readonly number[], t: number): ThresholdReport => thresholdReport(y, p, t, { costs });
  const out: PolicyResult[] = [];

  out.push(result('fixed 0.5', at(raw, 0.5), raw, y));
  out.push(result('val F1', at(raw, selectThreshold(validation.labels, rawValidation, { kind: 'f1' }).threshold), raw, y));
  out.push(result('val cost', at(raw, selectThreshold(validation.labels, rawValidation, { kind: 'cost', costs }).threshold), raw, y));

  const { temperature } = fitTemperature(validation.logits, validation.labels);
  const tempered = applyTemperature(test.logits, temperature);
  out.push(result('temperature 0.5', at(tempered, 0.5), tempered, y));

  const platt = fitPlatt(validation.logits, validation.labels);
  const calibrated = applyPlatt(test.logits, platt);
  const bayes = bayesThreshold(costs);
  out.push(result('Platt 0.5', at(calibrated, 0.5), calibrated, y));
  out.push(result('Platt Bayes', at(calibrated, bayes), calibrated, y));

  // The Platt probabilities carry the validation slice's spam rate as their prior.
  const validationPrior = validation.labels.reduce((a, b) => a + b, 0) / validation.labels.length;
  const em = emPriorShift(calibrated, validationPrior);
  const adjusted = em.posteriors as number[];
  const estimatedPrior = em.priors[1]!;
  out.push(result('EM 0.5', at(adjusted, 0.5), adjusted, y, { estimatedPrior }));
  out.push(result('EM Bayes', at(adjusted, bayes), adjusted, y, { estimatedPrior }));
  const flagged = Math.round(estimatedPrior * adjusted.length);
  const sorted = [...adjusted].sort((a, b) => b - a);
  const rateThreshold = flagged === 0 ? Infinity : sorted[flagged - 1]!;
  out.push(result('EM rate', at(adjusted, rateThreshold), adjusted, y, { estimatedPrior }));

  for (const k of options.labelBudgets) out.push(relabel(test, raw, k, options));

  const best = selectThreshold(y, raw, { kind: 'f1' }, { costs });
  out.push(result('oracle F1', at(raw, best.threshold), raw, y, { testLabelsUsed: y.length }));
  return out;
}

/** Re-thresholding by F1 on k labelled test-period mails, scored on the rest; the mean over draws. */
function relabel(test: Scored, raw: readonly number[], k: number, options: PolicyOptions): PolicyResult {
  const n = test.labels.length;
  if (k >= n) throw new RangeError(`relabel: ${k} labels leave no test mails out of ${n}`);
  const random = seededRandom(options.seed * 7919 + k);
  const runs: PolicyResult[] = [];
  for (let draw = 0; draw < options.draws; draw++) {
    const order = randomPermutation(n, random);
    const labelled = Array.from(order.subarray(0, k));
    const rest = Array.from(order.subarray(k));
    const threshold = selectThreshold(labelled.map((i) => test.labels[i]!), labelled.map((i) => raw[i]!), { kind: 'f1' }).threshold;
    const restLabels = Int32Array.from(rest, (i) => test.labels[i]!);
    const restScores = rest.map((i) => raw[i]!);
    runs.push(result(`${k} labels F1`, thresholdReport(restLabels, restScores, threshold, { costs: options.costs }), restScores, restLabels));
  }
  const mean = (key: 'f1' | 'balancedAccuracy' | 'precision' | 'recall' | 'falsePositiveRate' | 'expectedCost' | 'ece'): number => runs.reduce((a, r) => a + r[key], 0) / runs.length;
  const thresholds = runs.map((r) => r.threshold).sort((a, b) => a - b);
  return {
    policy: `${k} labels F1`, testLabelsUsed: k, threshold: thresholds[Math.floor(thresholds.length / 2)]!, f1: mean('f1'),
    balancedAccuracy: mean('balancedAccuracy'), precision: mean('precision'), recall: mean('recall'), falsePositiveRate: mean('falsePositiveRate'),
    expectedCost: mean('expectedCost'), ece: mean('ece'),
  };
}
