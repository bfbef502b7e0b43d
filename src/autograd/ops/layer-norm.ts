/**
 * layerNorm — layer normalisation as one fused op with a hand-derived backward (Ba, Kiros &
 * Hinton 2016, "Layer Normalization", §3), PyTorch's `F.layer_norm`.
 *
 * Shapes: x [*, D₁ … D_k], normalizedShape = [D₁ … D_k], γ and β of that shape. Each leading
 * index is normalised on its own over the last k axes R (m = D₁·…·D_k elements):
 *   μ = Σ_R x / m    σ² = Σ_R (x − μ)² / m  (biased)    x̂ = (x − μ)·s,  s = 1/√(σ² + ε)
 *   y = γ ⊙ x̂ + β    (γ, β broadcast over the leading axes)
 *
 * Backward. It is batch-norm's derivation (batch-norm.ts) with the roles of the axes swapped:
 * there the statistics run over the batch and γ is per channel; here they run over the features
 * and γ is per feature, so g = dY ⊙ γ varies along R and cannot leave the means:
 *   dβ = Σ_leading dY           dγ = Σ_leading dY ⊙ x̂
 *   dX = s · (g − mean_R(g) − x̂ · mean_R(g ⊙ x̂))
 * (from ∂μ/∂x_i = 1/m and ∂σ²/∂x_i = 2(x_i − μ)/m, as there). There is no running state and
 * no train/eval difference. The forward, and the backward without createGraph, are one kernel
 * each (kernels' layerNorm and layerNormBackward); with createGraph the backward is these
 * formulas in recorded ops.
 */
import { apply, isGradEnabled, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { fmt, shapesEqual, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul, sub } from './elementwise.js';
import { requireFloat } from './helpers.js';
import { mean, sumToShape } from './reduce.js';
import { rsqrt } from './unary.js';

interface LayerNormAttrs {
  /** The last k axes, over which each row is normalised. */
  readonly axes: readonly number[];
  readonly eps: number;
  readonly hasWeight: boolean;
  readonly hasBias: boolean;
}

/** x̂ and s from x (recorded when called with grad enabled). */
function normalize(x: Tensor, axes: readonly number[], eps: number): [Tensor, Tensor] {
  const xc = sub(x, mean(x, axes, true));
  const s = rsqrt(add(mean(mul(xc, xc), axes, true), eps)); //                [*, 1, …, 1]
  return [mul(xc, s), s];
}

/** Inputs: x, then γ if hasWeight, then β if hasBias. */
const LayerNorm: OpDef<readonly Tensor[], LayerNormAttrs> = {
  name: 'LayerNorm',
  forward(ctx, [x, ...params], { axes, eps, hasWeight, hasBias }) {
    const weight = hasWeight ? params[0]! : null;
    const bias = hasBias ? params[hasWeight ? 1 : 0]! : null;
    const { y, xHat, invStd } = kernels().layerNorm(x!, axes.length, weight, bias, eps);
    ctx.save(x!, xHat, invStd, ...(weight ? [weight] : []));
    return y;
  },
  backward(ctx, dY, { axes, eps, hasWeight, hasBias }) {
    const [x, savedXHat, savedInvStd, weight] = ctx.saved as [Tensor, Tensor, Tensor, Tensor | undefined];
    if (!isGradEnabled()) {
      const { dX, dWeight, dBias } = kernels().layerNormBackward(dY, savedXHat, savedInvStd, weight ?? null, axes.length);
      const need = ctx.needsInputGrad;
      return [need[0] ? dX : null, ...(hasWeight ? [need[1] ? dWeight : null] : []), ...(hasBias ? [need[hasWeight ? 2 : 1] ? dBias : null] : [])];
    }
    // With createGraph, recompute x̂ and s with recorded ops so second derivatives see them depend on x.
    const [xHat, invStd] = normalize(x, axes, eps);
    const grads: (Tensor | null)[] = [null];
    if (ctx.needsInputGrad[0]) {
      const g = weight ? mul(dY, weight) : dY; //                                  dL/dx̂
      grads[0] = mul(sub(sub(g, mean(g, axes, true)), mul(xHat, mean(mul(g, xHat), axes, true))), invStd);
    }
    let at = 1;
    if (hasWeight) grads.push(ctx.needsInputGrad[at++] ? sumToShape(mul(dY, xHat), weight!.shape) : null);
    if (hasBias) grads.push(ctx.needsInputGrad[at++] ? sumToShape(dY, x.shape.slice(x.ndim - axes.length)) : null);
    return grads;
  },
};

/**
 * Normalises each row of x over its last `normalizedShape.length` axes, then scales by
 * `weight` and shifts by `bias` (each of `normalizedShape`, or null).
 * @example layerNorm(tensor([[1, 3]]), [2]).toArray()  // ≈ [[-1, 1]]  (x̂ = ±1/√(1 + 1e-5))
 */
export function layerNorm(x: Tensor, normalizedShape: Shape, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const op = 'layerNorm';
  requireFloat(x, op);
  const k = normalizedShape.length;
  if (k === 0 || !normalizedShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(`${op}: normalizedShape must be a non-empty list of positive sizes, got ${fmt(normalizedShape)}`);
  }
  if (x.ndim < k || !shapesEqual(x.shape.slice(x.ndim - k), normalizedShape)) {
    throw new RangeError(`${op}: input ${fmt(x.shape)} does not end with normalizedShape ${fmt(normalizedShape)}`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (!t) continue;
    requireFloat(t, op, name);
    if (!shapesEqual(t.shape, normalizedShape)) throw new RangeError(`${op}: ${name} ${fmt(t.shape)} must have normalizedShape ${fmt(normalizedShape)}`);
    if (t.dtype !== x.dtype) throw new TypeError(`${op}: ${name} is ${t.dtype} but the input is ${x.dtype}; convert one with .to('${x.dtype}')`);
  }
  if (!(eps >= 0)) throw new RangeError(`${op}: eps must be ≥ 0, got ${eps}`);
  const axes = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return apply(LayerNorm, inputs, { axes, eps, hasWeight: weight !== null, hasBias: bias !== null });
}
