/**
 * groupNorm — group normalisation as one op with a hand-derived backward (Wu & He 2018, "Group
 * Normalization", §3), PyTorch's `F.group_norm`; instanceNorm, `F.instance_norm`, built on it.
 *
 * Shapes: x [N, C, *], C = G groups of C/G channels, γ and β [C]. Each (sample, group) pair is
 * normalised on its own over its m = (C/G)·∏* values R, then every channel is scaled and shifted:
 *   μ = Σ_R x / m    σ² = Σ_R (x − μ)² / m  (biased)    x̂ = (x − μ)·s,  s = 1/√(σ² + ε)
 *   y = γ[c] x̂ + β[c]
 * Backward. Within a group it is layer-norm's derivation (layer-norm.ts), with g = dY ⊙ γ the
 * gradient reaching x̂ (γ varies across the group's channels, so g stays inside the means):
 *   dX = s · (g − mean_R(g) − x̂ · mean_R(g ⊙ x̂))         on the view [N, G, m]
 *   dγ[c] = Σ_{n,*} dY ⊙ x̂      dβ[c] = Σ_{n,*} dY      (γ and β broadcast over N and *)
 * Instance norm is G = C (each channel of each sample alone); layer norm over [C, *] is G = 1.
 */
import { apply, isGradEnabled, noGrad, type OpDef } from '../function.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { batchNorm } from './batch-norm.js';
import { add, mul, sub } from './elementwise.js';
import { requireFloat } from './helpers.js';
import { mean, sum, variance } from './reduce.js';
import { reshape } from './shape.js';
import { rsqrt } from './unary.js';

interface GroupNormAttrs {
  readonly groups: number;
  readonly eps: number;
  readonly hasWeight: boolean;
  readonly hasBias: boolean;
}

/** x̂ and s on the grouped view [N, G, m] (recorded when called with grad enabled). */
function normalize(xg: Tensor, eps: number): [Tensor, Tensor] {
  const xc = sub(xg, mean(xg, [2], true));
  const s = rsqrt(add(mean(mul(xc, xc), [2], true), eps)); //                 [N, G, 1]
  return [mul(xc, s), s];
}

const grouped = (t: Tensor, groups: number): Tensor => reshape(t, [t.shape[0]!, groups, -1]); // [N, G, m]
/** [1, C, 1, …]: how a per-channel [C] vector broadcasts against x. */
const channelShape = (x: Tensor): number[] => x.shape.map((d, i) => (i === 1 ? d : 1));
const notChannel = (x: Tensor): number[] => x.shape.map((_, i) => i).filter((i) => i !== 1);

/** Inputs: x, then γ if hasWeight, then β if hasBias. */
const GroupNorm: OpDef<readonly Tensor[], GroupNormAttrs> = {
  name: 'GroupNorm',
  forward(ctx, [x, ...params], { groups, eps, hasWeight, hasBias }) {
    const [xHatG, invStd] = normalize(grouped(x!, groups), eps);
    const xHat = reshape(xHatG, x!.shape);
    const weight = hasWeight ? params[0]! : null;
    const bias = hasBias ? params[hasWeight ? 1 : 0]! : null;
    ctx.save(x!, xHat, invStd, ...(weight ? [weight] : []));
    const scaled = weight ? mul(xHat, reshape(weight, channelShape(x!))) : xHat;
    return bias ? add(scaled, reshape(bias, channelShape(x!))) : scaled;
  },
  backward(ctx, dY, { groups, eps, hasWeight, hasBias }) {
    const [x, savedXHat, savedInvStd, weight] = ctx.saved as [Tensor, Tensor, Tensor, Tensor | undefined];
    // With createGraph, recompute x̂ and s with recorded ops so second derivatives see them depend on x.
    const [xHatG, invStd] = isGradEnabled() ? normalize(grouped(x, groups), eps) : [grouped(savedXHat, groups), savedInvStd];
    const grads: (Tensor | null)[] = [null];
    if (ctx.needsInputGrad[0]) {
      const g = grouped(weight ? mul(dY, reshape(weight, channelShape(x))) : dY, groups); // dL/dx̂ [N, G, m]
      const dXg = mul(sub(sub(g, mean(g, [2], true)), mul(xHatG, mean(mul(g, xHatG), [2], true))), invStd);
      grads[0] = reshape(dXg, x.shape);
    }
    let at = 1;
    if (hasWeight) grads.push(ctx.needsInputGrad[at++] ? sum(mul(dY, reshape(xHatG, x.shape)), notChannel(x)) : null);
    if (hasBias) grads.push(ctx.needsInputGrad[at++] ? sum(dY, notChannel(x)) : null);
    return grads;
  },
};

function requireChannelVector(op: string, t: Tensor, name: string, x: Tensor): void {
  requireFloat(t, op, name);
  const C = x.shape[1]!;
  if (t.ndim !== 1 || t.shape[0] !== C) throw new RangeError(`${op}: ${name} must have shape [${C}] (one per channel of input ${fmt(x.shape)}), got ${fmt(t.shape)}`);
  if (t.dtype !== x.dtype) throw new TypeError(`${op}: ${name} is ${t.dtype} but the input is ${x.dtype}; convert one with .to('${x.dtype}')`);
}

/**
 * Normalises x [N, C, *] over each of `numGroups` groups of channels per sample, then scales and
 * shifts each channel by `weight` and `bias` ([C] each, or null).
 * @example groupNorm(tensor([[1, 3, 0, 4]]), 2).toArray()  // ≈ [[-1, 1, -1, 1]]
 */
export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const op = 'groupNorm';
  requireFloat(x, op);
  if (x.ndim < 2) throw new RangeError(`${op}: input must be at least 2-D [N, C, *], got ${fmt(x.shape)}`);
  const C = x.shape[1]!;
  if (!Number.isInteger(numGroups) || numGroups < 1 || C % numGroups !== 0) {
    throw new RangeError(`${op}: numGroups must be a positive integer dividing the ${C} channels of input ${fmt(x.shape)}, got ${numGroups}`);
  }
  if (weight) requireChannelVector(op, weight, 'weight', x);
  if (bias) requireChannelVector(op, bias, 'bias', x);
  if (!(eps >= 0)) throw new RangeError(`${op}: eps must be ≥ 0, got ${eps}`);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return apply(GroupNorm, inputs, { groups: numGroups, eps, hasWeight: weight !== null, hasBias: bias !== null });
}

/** Options of `instanceNorm`: running statistics, affine weight and bias, which statistics to use, momentum and eps. */
export interface InstanceNormOptions {
  /** Running mean [C]: updated in place when using the input's statistics, read otherwise. */
  readonly runningMean?: Tensor | null;
  /** Running variance [C]: updated with the UNBIASED per-instance variances, as PyTorch does. */
  readonly runningVar?: Tensor | null;
  readonly weight?: Tensor | null;
  readonly bias?: Tensor | null;
  /** Normalise with each instance's own statistics (default true), or with the running ones. */
  readonly useInputStats?: boolean;
  /** Weight of the new batch in the running averages (default 0.1). */
  readonly momentum?: number;
  readonly eps?: number;
}

/**
 * Normalises each channel of each sample of x [N, C, *] over its spatial axes (groupNorm with
 * C groups). With useInputStats false it normalises with the running statistics instead (an
 * affine map per channel, batchNorm in eval mode). When using the input's statistics and given
 * running ones, it updates them, PyTorch's rule: r ← (1 − momentum)·r + momentum·mean_N(stat),
 * with the unbiased variance of each instance (÷ (m − 1)).
 * @example instanceNorm(tensor([[[1, 3], [0, 4]]])).toArray()  // ≈ [[[-1, 1], [-1, 1]]]
 */
export function instanceNorm(x: Tensor, options: InstanceNormOptions = {}): Tensor {
  const op = 'instanceNorm';
  const { runningMean = null, runningVar = null, weight = null, bias = null, useInputStats = true, momentum = 0.1, eps = 1e-5 } = options;
  requireFloat(x, op);
  if (x.ndim < 3) throw new RangeError(`${op}: input must be at least 3-D [N, C, *], got ${fmt(x.shape)}`);
  if ((runningMean === null) !== (runningVar === null)) throw new TypeError(`${op}: give both runningMean and runningVar, or neither`);
  if (runningMean) requireChannelVector(op, runningMean, 'runningMean', x);
  if (runningVar) requireChannelVector(op, runningVar, 'runningVar', x);
  if (!useInputStats) {
    if (!runningMean || !runningVar) throw new TypeError(`${op}: useInputStats false needs runningMean and runningVar`);
    return batchNorm(x, weight, bias, { training: false, runningMean, runningVar, eps });
  }
  const spatial = x.shape.slice(2).reduce((a, b) => a * b, 1);
  if (spatial <= 1) throw new RangeError(`${op}: expected more than 1 spatial element per channel when using input statistics, got input ${fmt(x.shape)}`);
  if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`${op}: momentum must be in [0, 1], got ${momentum}`);
  const y = groupNorm(x, x.shape[1]!, weight, bias, eps);
  if (runningMean && runningVar) {
    noGrad(() => {
      const axes = x.shape.slice(2).map((_, i) => i + 2);
      const mu = mean(mean(x, axes), [0]); //                                      [C]: the batch mean of the per-instance means
      const v = mean(variance(x, axes), [0]); //                                   unbiased per instance, then averaged
      runningMean.assign(add(mul(runningMean, 1 - momentum), mul(mu, momentum)));
      runningVar.assign(add(mul(runningVar, 1 - momentum), mul(v, momentum)));
    });
  }
  return y;
}
