/**
 * calibrators — maps from scores to calibrated probabilities that keep the ranking, fitted on a
 * validation slice by minimising the negative log-likelihood with Newton's method and a
 * backtracking line search (Lin, Lin & Weng 2007), to a gradient below 1e-10 per sample.
 *
 *   temperature  p = σ(z/T) or softmax(z/T) (Guo et al. 2017). In β = 1/T the NLL is convex:
 *                binary  L′ = Σ z(σ(βz) − y),  L″ = Σ z²σ(1 − σ);  classes  L′ = Σ (E_p[z] − z_y),
 *                L″ = Σ Var_p(z). T changes confidence, never the decision at z = 0.
 *   Platt        p = σ(a·s + b) (Platt 1999) with Platt's targets t₊ = (N₊ + 1)/(N₊ + 2),
 *                t₋ = 1/(N₋ + 2) (they keep a separable slice from sending a to ∞), as sklearn's
 *                `_sigmoid_calibration`: L = Σ t·softplus(−z) + (1 − t)·softplus(z), z = a·s + b,
 *                gradient Σ (σ(z) − t)·[s, 1], Hessian Σ σ(1 − σ)·[s², s; s, 1]. b moves the 0.5 crossing.
 */
import { checkLength, isMatrix, toLabels, toMatrix, toVector, type MatrixLike, type VectorLike } from './input.js';

/** log(1 + eˣ) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function checkFinite(values: readonly number[], where: string, name: string): void {
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`${where}: ${name} must be finite, got ${values[bad]} at index ${bad}`);
}

/** A fitted temperature for scaling logits (Guo et al. 2017): T and the Newton iterations used. */
export interface Temperature {
  /** T > 0; Infinity when the logits carry no information the labels agree with. */
  readonly temperature: number;
  /** Newton iterations used. */
  readonly iterations: number;
}

/**
 * The temperature that minimises the NLL of `yTrue` under σ(logits / T) (1-D logits of the
 * positive class, labels 0/1) or softmax(logits / T) ([N, C] logits, labels are columns).
 * @example fitTemperature([1, 1, 1, 1], [1, 1, 1, 0]).temperature  // 1 / log 3 = 0.910…
 */
export function fitTemperature(logits: VectorLike | MatrixLike, yTrue: VectorLike): Temperature {
  const where = 'fitTemperature';
  const t = toLabels(yTrue, where, 'yTrue');
  // Per sample, the NLL term and its first two derivatives in β, for the given β.
  let terms: (beta: number) => { loss: number; grad: number; hess: number };
  if (isMatrix(logits)) {
    const rows = toMatrix(logits as MatrixLike, where, 'logits');
    checkLength(t, rows, where, ['yTrue', 'logits']);
    rows.forEach((row) => checkFinite(row, where, 'logits'));
    t.forEach((label, i) => {
      if (label < 0 || label >= rows[0]!.length) throw new RangeError(`${where}: label ${label} at index ${i} is not a column of logits (0 … ${rows[0]!.length - 1})`);
    });
    terms = (beta) => {
      let loss = 0;
      let grad = 0;
      let hess = 0;
      rows.forEach((row, i) => {
        const scaled = row.map((z) => beta * z);
        const top = Math.max(...scaled);
        const e = scaled.map((v) => Math.exp(v - top));
        const total = e.reduce((a, b) => a + b, 0);
        const p = e.map((v) => v / total);
        const mean = p.reduce((a, pc, c) => a + pc * row[c]!, 0);
        const second = p.reduce((a, pc, c) => a + pc * row[c]! * row[c]!, 0);
        loss += top + Math.log(total) - scaled[t[i]!]!;
        grad += mean - row[t[i]!]!;
        hess += Math.max(second - mean * mean, 0);
      });
      return { loss, grad, hess };
    };
  } else {
    const z = toVector(logits as VectorLike, where, 'logits');
    checkLength(t, z, where, ['yTrue', 'logits']);
    checkFinite(z, where, 'logits');
    t.forEach((label, i) => {
      if (label !== 0 && label !== 1) throw new RangeError(`${where}: binary labels must be 0 or 1, got ${label} at index ${i}`);
    });
    terms = (beta) => {
      let loss = 0;
      let grad = 0;
      let hess = 0;
      z.forEach((zi, i) => {
        const s = sigmoid(beta * zi);
        loss += t[i] ? softplus(-beta * zi) : softplus(beta * zi);
        grad += zi * (s - t[i]!);
        hess += zi * zi * s * (1 - s);
      });
      return { loss, grad, hess };
    };
  }
  // The NLL is convex in β, so its derivative is increasing: if it is ≥ 0 at β → 0⁺ the best
  // β > 0 is 0 (T = ∞, every prediction uniform).
  if (terms(1e-12).grad >= 0) return { temperature: Infinity, iterations: 0 };
  const { x, iterations } = newton1d(terms, t.length, where);
  return { temperature: 1 / x, iterations };
}

/** Minimises a convex function of β > 0 from β = 1 by Newton's method, halving steps that do not decrease it. */
function newton1d(f: (beta: number) => { loss: number; grad: number; hess: number }, samples: number, where: string): { x: number; iterations: number } {
  let beta = 1;
  let current = f(beta);
  for (let iteration = 1; iteration <= 200; iteration++) {
    let step = current.hess > 0 ? -current.grad / current.hess : -Math.sign(current.grad) * beta;
    while (beta + step <= 0) step /= 2; //                                       stay in β > 0
    let next = f(beta + step);
    for (let halvings = 0; next.loss > current.loss + 1e-12 * Math.abs(current.loss) && halvings < 60; halvings++) {
      step /= 2;
      next = f(beta + step);
    }
    beta += step;
    current = next;
    if (Math.abs(current.grad) <= 1e-10 * samples || Math.abs(step) <= 1e-15 * beta) return { x: beta, iterations: iteration };
    if (beta > 1e12) return { x: beta, iterations: iteration }; //                 separable: T → 0
  }
  throw new Error(`${where}: Newton's method did not converge in 200 iterations (β = ${beta}, gradient ${current.grad})`);
}

/**
 * Divides logits by a temperature and returns probabilities: P(positive) for 1-D logits,
 * softmax rows for [N, C].
 * @example applyTemperature([0, 2], 2)  // [0.5, σ(1) = 0.7310…]
 */
export function applyTemperature(logits: VectorLike, temperature: number): number[];
export function applyTemperature(logits: MatrixLike, temperature: number): number[][];
export function applyTemperature(logits: VectorLike | MatrixLike, temperature: number): number[] | number[][] {
  const where = 'applyTemperature';
  if (!(temperature > 0)) throw new RangeError(`${where}: temperature must be > 0, got ${temperature}`);
  if (!isMatrix(logits)) return toVector(logits as VectorLike, where, 'logits').map((z) => sigmoid(z / temperature));
  return toMatrix(logits as MatrixLike, where, 'logits').map((row) => {
    const scaled = row.map((z) => z / temperature);
    const top = Math.max(...scaled);
    const e = scaled.map((v) => Math.exp(v - top));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  });
}

/** A fitted Platt scaling p = σ(a·s + b) of scores s. */
export interface Platt {
  /** Slope: p = σ(a·s + b). */
  readonly a: number;
  readonly b: number;
  readonly iterations: number;
}

/**
 * Platt scaling: the a, b of p = σ(a·s + b) that maximise the likelihood of Platt's smoothed
 * targets (set `smoothTargets: false` for plain 0/1 targets). scikit-learn writes the same fit
 * as 1/(1 + exp(A·s + B)), so A = −a and B = −b.
 * @example fitPlatt([-2, -1, 1, 2], [0, 1, 0, 1])  // { a: 0.2023…, b: 0 (to 1e-16), … }: the scores barely inform
 */
export function fitPlatt(scores: VectorLike, yTrue: VectorLike, options: { readonly posLabel?: number; readonly smoothTargets?: boolean } = {}): Platt {
  const where = 'fitPlatt';
  const { posLabel = 1, smoothTargets = true } = options;
  const s = toVector(scores, where, 'scores');
  const labels = toLabels(yTrue, where, 'yTrue');
  checkLength(labels, s, where, ['yTrue', 'scores']);
  checkFinite(s, where, 'scores');
  const positive = labels.map((l) => l === posLabel);
  const nPos = positive.filter(Boolean).length;
  const nNeg = s.length - nPos;
  const target = positive.map((p) => (smoothTargets ? (p ? (nPos + 1) / (nPos + 2) : 1 / (nNeg + 2)) : p ? 1 : 0));
  const evaluate = (a: number, b: number): { loss: number; g: [number, number]; h: [number, number, number] } => {
    let loss = 0;
    const g: [number, number] = [0, 0];
    const h: [number, number, number] = [0, 0, 0];
    s.forEach((si, i) => {
      const z = a * si + b;
      const ti = target[i]!;
      loss += ti * softplus(-z) + (1 - ti) * softplus(z);
      const p = sigmoid(z);
      const w = p * (1 - p);
      g[0] += (p - ti) * si;
      g[1] += p - ti;
      h[0] += w * si * si;
      h[1] += w * si;
      h[2] += w;
    });
    return { loss, g, h };
  };
  let a = 0;
  let b = Math.log((nPos + 1) / (nNeg + 1)); //                                     the prior log-odds, as sklearn starts
  let current = evaluate(a, b);
  for (let iteration = 1; iteration <= 200; iteration++) {
    const [haa, hab, hbb] = current.h;
    const ridge = 1e-12 * (haa + hbb) + 1e-300; //                                   a singular Hessian (all scores equal)
    const det = (haa + ridge) * (hbb + ridge) - hab * hab;
    let da = -((hbb + ridge) * current.g[0] - hab * current.g[1]) / det;
    let db = -(-hab * current.g[0] + (haa + ridge) * current.g[1]) / det;
    let next = evaluate(a + da, b + db);
    for (let halvings = 0; next.loss > current.loss + 1e-12 * Math.abs(current.loss) && halvings < 60; halvings++) {
      da /= 2;
      db /= 2;
      next = evaluate(a + da, b + db);
    }
    a += da;
    b += db;
    current = next;
    const gradNorm = Math.hypot(...current.g);
    if (gradNorm <= 1e-10 * s.length || Math.hypot(da, db) <= 1e-15 * (1 + Math.hypot(a, b))) return { a, b, iterations: iteration };
  }
  throw new Error(`${where}: Newton's method did not converge in 200 iterations (a = ${a}, b = ${b})`);
}

/**
 * σ(a·s + b) for each score.
 * @example applyPlatt([0, 1], { a: 2, b: -2 })  // [σ(−2) = 0.119…, 0.5]
 */
export function applyPlatt(scores: VectorLike, platt: Pick<Platt, 'a' | 'b'>): number[] {
  return toVector(scores, 'applyPlatt', 'scores').map((si) => sigmoid(platt.a * si + platt.b));
}
