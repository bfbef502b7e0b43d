/**
 * prior-shift — re-estimating class priors on unlabelled data, and correcting the posteriors,
 * by the EM algorithm of Saerens, Latinne & Decaestecker (2002, "Adjusting the outputs of a
 * classifier to new a priori probabilities: a simple procedure", Neural Computation 14).
 *
 * If only the class priors change between training (π_c) and deployment (π'_c) — the mails of
 * each class look the same, there are just more spam — Bayes' rule moves a calibrated posterior:
 *   p'(c | x) = (π'_c / π_c)·p(c | x) / Σ_j (π'_j / π_j)·p(j | x)                  (eq. 2.4)
 * π' is unknown, but EM finds the maximum-likelihood value from the unlabelled new samples:
 *   E step  p⁽ˢ⁾(c | xᵢ) by the formula above with the current priors π⁽ˢ⁾
 *   M step  π⁽ˢ⁺¹⁾_c = (1/N) Σᵢ p⁽ˢ⁾(c | xᵢ)                                     (eq. 2.9)
 * starting from π⁽⁰⁾ = π. Each step raises the log-likelihood of the new samples,
 * Σᵢ log Σ_c (π_c' / π_c)·p(c | xᵢ) (up to a constant), which we record. The posteriors must be
 * calibrated for the estimate to mean anything (fit a calibrator on a validation slice first).
 */
import { isMatrix, toMatrix, toVector, type MatrixLike, type VectorLike } from './input.js';

/** Options of `emPriorShift`: the tolerance and the most EM iterations. */
export interface PriorShiftOptions {
  /** Stop after this many EM steps (default 1000). */
  readonly maxIter?: number;
  /** Stop when no prior moves by more than this (default 1e-10). */
  readonly tol?: number;
}

/**
 * What `emPriorShift` (Saerens et al. 2002) estimated: the new class priors, the adjusted posteriors and the likelihood path.
 */
export interface PriorShift {
  /** The estimated new priors π', one per class. */
  readonly priors: number[];
  /** The adjusted posteriors p'(c | x): [N] P(positive) for binary input, [N, C] rows otherwise. */
  readonly posteriors: number[] | number[][];
  readonly iterations: number;
  readonly converged: boolean;
  /** The log-likelihood of the new samples at π⁽⁰⁾, π⁽¹⁾, … (non-decreasing). */
  readonly logLikelihood: number[];
}

/** Binary input: P(positive) per sample and the training prior of the positive class. */
function asRows(prob: VectorLike | MatrixLike, trainPriors: number | readonly number[], where: string): { rows: number[][]; priors: number[]; binary: boolean } {
  const binary = !isMatrix(prob);
  const rows = binary ? toVector(prob as VectorLike, where, 'prob').map((p) => [1 - p, p]) : toMatrix(prob as MatrixLike, where, 'prob');
  if (rows.length === 0) throw new RangeError(`${where}: no samples`);
  const priors = typeof trainPriors === 'number' ? [1 - trainPriors, trainPriors] : [...trainPriors];
  if (binary !== (typeof trainPriors === 'number')) {
    throw new TypeError(`${where}: give 1-D P(positive) with one training prior (a number), or [N, C] probabilities with C priors`);
  }
  if (priors.length !== rows[0]!.length) throw new RangeError(`${where}: ${priors.length} training priors for ${rows[0]!.length} classes`);
  priors.forEach((p, c) => {
    if (!(p > 0 && p < 1)) throw new RangeError(`${where}: training prior of class ${c} must be in (0, 1), got ${p}`);
  });
  rows.forEach((row, i) => row.forEach((p, c) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${where}: probability of class ${c} for sample ${i} is ${p}, outside [0, 1]`);
  }));
  return { rows, priors, binary };
}

/** Each row reweighted by ratio_c = π'_c / π_c and renormalised, and log Σ_c ratio_c·p_c per row. */
function reweight(rows: readonly number[][], ratio: readonly number[]): { adjusted: number[][]; logLikelihood: number } {
  let logLikelihood = 0;
  const adjusted = rows.map((row) => {
    const w = row.map((p, c) => p * ratio[c]!);
    const total = w.reduce((a, b) => a + b, 0);
    logLikelihood += Math.log(total);
    return total > 0 ? w.map((v) => v / total) : row.map(() => 1 / row.length);
  });
  return { adjusted, logLikelihood };
}

/**
 * Posteriors moved from training priors to new ones by Bayes' rule (eq. 2.4).
 * @example adjustPosteriors([0.5, 0.9], 0.5, 0.8)  // [0.8, 0.9729…]
 */
export function adjustPosteriors(prob: VectorLike, trainPrior: number, newPrior: number): number[];
export function adjustPosteriors(prob: MatrixLike, trainPriors: readonly number[], newPriors: readonly number[]): number[][];
export function adjustPosteriors(prob: VectorLike | MatrixLike, trainPriors: number | readonly number[], newPriors: number | readonly number[]): number[] | number[][] {
  const where = 'adjustPosteriors';
  const { rows, priors, binary } = asRows(prob, trainPriors, where);
  const target = typeof newPriors === 'number' ? [1 - newPriors, newPriors] : [...newPriors];
  if (target.length !== priors.length || target.some((p) => !(p >= 0 && p <= 1))) {
    throw new RangeError(`${where}: new priors must be ${priors.length} values in [0, 1], got [${target.join(', ')}]`);
  }
  const { adjusted } = reweight(rows, target.map((p, c) => p / priors[c]!));
  return binary ? adjusted.map((row) => row[1]!) : adjusted;
}

/**
 * Estimates the new class priors of unlabelled samples by EM and returns them with the adjusted
 * posteriors. Binary: `prob` is P(positive) per sample and `trainPriors` the training fraction of
 * positives; otherwise [N, C] rows and C priors.
 * @example emPriorShift([0.9, 0.8, 0.3, 0.2, 0.6, 0.1], 0.3).priors[1]  // 0.889…: far more positives than the 0.3 of training
 */
export function emPriorShift(prob: VectorLike | MatrixLike, trainPriors: number | readonly number[], options: PriorShiftOptions = {}): PriorShift {
  const where = 'emPriorShift';
  const { maxIter = 1000, tol = 1e-10 } = options;
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new RangeError(`${where}: maxIter must be a positive integer, got ${maxIter}`);
  if (!(tol > 0)) throw new RangeError(`${where}: tol must be > 0, got ${tol}`);
  const { rows, priors, binary } = asRows(prob, trainPriors, where);
  let current = [...priors];
  let { adjusted, logLikelihood } = reweight(rows, current.map(() => 1));
  const trace = [logLikelihood];
  let converged = false;
  let iterations = 0;
  while (iterations < maxIter && !converged) {
    iterations += 1;
    const next = current.map((_, c) => adjusted.reduce((a, row) => a + row[c]!, 0) / rows.length); // M step
    converged = next.every((p, c) => Math.abs(p - current[c]!) <= tol);
    current = next;
    ({ adjusted, logLikelihood } = reweight(rows, current.map((p, c) => p / priors[c]!))); //           E step
    trace.push(logLikelihood);
  }
  return { priors: current, posteriors: binary ? adjusted.map((row) => row[1]!) : adjusted, iterations, converged, logLikelihood: trace };
}
