/**
 * layer-norm — layer normalisation's forward and backward over rows, each as one kernel
 * (types.ts's layerNorm and layerNormBackward; ops/layer-norm.ts derives them). A row is the
 * m = numel / rows trailing values that are normalised together; γ and β have m values.
 *   forward   μ, σ² = the row's mean and biased variance (two passes, in float64), s = 1/√(σ² + ε),
 *             x̂ = (x − μ)·s, y = γ ⊙ x̂ + β
 *   backward  g = dY ⊙ γ, dX = s·(g − mean(g) − x̂·mean(g ⊙ x̂)); dγ = Σ_rows dY ⊙ x̂, dβ = Σ_rows dY
 * The compositions they replace made eight passes forward and twelve backward over [rows, m].
 */
import { allocate, type DataArray } from '../../dtype.js';
import { fmt, shapesEqual } from '../../shape.js';
import { storageOf, Tensor } from '../../tensor.js';

/** The keep-dim shape of the row statistics: x's shape with its last `k` axes set to 1. */
const statShape = (shape: readonly number[], k: number): number[] => [...shape.slice(0, shape.length - k), ...Array<number>(k).fill(1)];

export function layerNorm(x: Tensor, k: number, weight: Tensor | null, bias: Tensor | null, eps: number): { readonly y: Tensor; readonly xHat: Tensor; readonly invStd: Tensor } {
  if (!(Number.isInteger(k) && k >= 1 && k <= x.ndim)) throw new RangeError(`layerNorm: cannot normalise the last ${k} axes of ${fmt(x.shape)}`);
  const m = x.shape.slice(x.ndim - k).reduce((a, b) => a * b, 1);
  for (const t of [weight, bias]) if (t !== null && t.numel() !== m) throw new RangeError(`layerNorm: γ and β need the shape ${fmt(x.shape.slice(x.ndim - k))}, got ${fmt(t.shape)}`);
  const rows = m === 0 ? 0 : x.numel() / m;
  const [y, xHat, invStd] = [allocate(x.dtype, x.numel()), allocate(x.dtype, x.numel()), allocate(x.dtype, rows)];
  const v = storageOf(x);
  const [w, b] = [weight ? storageOf(weight) : null, bias ? storageOf(bias) : null];
  for (let r = 0; r < rows; r++) {
    const o = r * m;
    let sum = 0;
    for (let j = 0; j < m; j++) sum += v[o + j]!;
    const mean = sum / m;
    let sq = 0;
    for (let j = 0; j < m; j++) sq += (v[o + j]! - mean) ** 2;
    const s = 1 / Math.sqrt(sq / m + eps);
    invStd[r] = s;
    for (let j = 0; j < m; j++) {
      const h = (v[o + j]! - mean) * s;
      xHat[o + j] = h;
      y[o + j] = (w ? h * w[j]! : h) + (b ? b[j]! : 0);
    }
  }
  return { y: new Tensor(y, x.shape), xHat: new Tensor(xHat, x.shape), invStd: new Tensor(invStd, statShape(x.shape, k)) };
}

export function layerNormBackward(dY: Tensor, xHat: Tensor, invStd: Tensor, weight: Tensor | null, k: number): { readonly dX: Tensor; readonly dWeight: Tensor; readonly dBias: Tensor } {
  if (!shapesEqual(dY.shape, xHat.shape) || dY.dtype !== xHat.dtype) throw new RangeError(`layerNormBackward: dY ${fmt(dY.shape)} and x̂ ${fmt(xHat.shape)} must have one shape and dtype`);
  const rowShape = xHat.shape.slice(xHat.ndim - k);
  const m = rowShape.reduce((a, b) => a * b, 1);
  const rows = m === 0 ? 0 : xHat.numel() / m;
  if (weight !== null && weight.numel() !== m) throw new RangeError(`layerNormBackward: γ needs ${m} values, got ${fmt(weight.shape)}`);
  const dX = allocate(xHat.dtype, xHat.numel());
  const [dW, dB] = [new Float64Array(m), new Float64Array(m)]; //          accumulated over the rows in float64
  const [g, h, s] = [storageOf(dY), storageOf(xHat), storageOf(invStd)];
  const w: DataArray | null = weight ? storageOf(weight) : null;
  for (let r = 0; r < rows; r++) {
    const o = r * m;
    let sumG = 0;
    let sumGH = 0;
    for (let j = 0; j < m; j++) {
      const dy = g[o + j]!;
      const hj = h[o + j]!;
      const gj = w ? dy * w[j]! : dy;
      sumG += gj;
      sumGH += gj * hj;
      dW[j]! += dy * hj;
      dB[j]! += dy;
    }
    const [meanG, meanGH, sr] = [sumG / m, sumGH / m, s[r]!];
    for (let j = 0; j < m; j++) {
      const gj = w ? g[o + j]! * w[j]! : g[o + j]!;
      dX[o + j] = sr * (gj - meanG - h[o + j]! * meanGH);
    }
  }
  const vector = (values: Float64Array): Tensor => {
    const out = allocate(xHat.dtype, m);
    out.set(values);
    return new Tensor(out, rowShape);
  };
  return { dX: new Tensor(dX, xHat.shape), dWeight: vector(dW), dBias: vector(dB) };
}
