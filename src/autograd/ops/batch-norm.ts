/**
 * batchNorm — batch normalisation as one fused op with a hand-derived backward (Ioffe & Szegedy
 * 2015, "Batch Normalization", Algorithm 1 and §3), PyTorch's `F.batch_norm`.
 *
 * Shapes: x [N, C, *] (channels on axis 1), γ and β [C]. Statistics are taken per channel over
 * the m = N·∏* elements of the other axes R:
 *   μ = Σ_R x / m    σ² = Σ_R (x − μ)² / m  (biased)    x̂ = (x − μ) / √(σ² + ε)    y = γ x̂ + β
 * In eval mode μ and σ² are the running estimates, constants, so y is a per-channel affine map.
 *
 * Backward. With g = dY · γ (the gradient reaching x̂) and s = 1/√(σ² + ε):
 *   dβ = Σ_R dY                 dγ = Σ_R dY · x̂
 *   eval:   dX = g · s
 *   train:  x̂ depends on x also through μ and σ². Since ∂μ/∂x_i = 1/m and ∂σ²/∂x_i = 2(x_i − μ)/m,
 *           dX = s · (g − mean_R(g) − x̂ · mean_R(g · x̂))
 *           and because γ is constant over R, mean_R(g) = γ·dβ/m and mean_R(g·x̂) = γ·dγ/m, so
 *           dX = (γ s / m) · (m · dY − dβ − x̂ · dγ)      (two reductions in all)
 * Fused passes. Written with elementwise ops the forward and backward take about 13 passes over
 * x-sized arrays and allocate as many; the backends' per-channel kernels do it in 5, with one new
 * array each way:
 *   forward   μ, σ² = channelMoments(x) (two passes: Σ x, then Σ (x − μ)², never E[x²] − μ²).
 *             With s = 1/√(σ² + ε) the output is an affine map per channel,
 *               y = γ (x − μ) s + β = a·x + b,    a = γ s,   b = β − μ γ s
 *             one channelAffine pass (eval: the same map with the running μ, σ²). We save x and keep
 *             μ and s (in attrs); x̂ is never stored.
 *   backward  one channelSums pass gives Σ_R dY and D = Σ_R dY·(x − μ), so dβ = Σ_R dY and
 *             dγ = Σ_R dY·x̂ = s·D. Expanding x̂ = (x − μ) s in the training formula shows that dX
 *             is an affine map of dY and x per channel:
 *               dX = (γ s / m)(m·dY − dβ − (x − μ)·s·dγ)
 *                  = A·dY + B·x + C,   A = γ s,   B = −γ s² dγ / m,   C = −B μ − γ s dβ / m
 *             one more channelAffine pass (eval: A = γ s, B = C = 0). μ, s and the coefficients are
 *             float64 [C] vectors, so B·x + C, which cancels to B·(x − μ) − γ s dβ / m, keeps
 *             float32's digits even when |μ| ≫ σ (and so does a·x + b in the forward).
 * With createGraph (a backward that itself records a graph, for double backward) we use the
 * composed formulas above instead, recomputing x̂ and s from x with differentiable ops.
 * Running statistics (training only, when given): r ← (1 − momentum)·r + momentum·batch, where
 * the running VARIANCE takes the UNBIASED batch variance σ²·m/(m − 1) although x̂ is normalised
 * with the biased σ² — PyTorch's (and the paper's) convention, a classic parity trap.
 */
import { apply, isGradEnabled, noGrad, type Context, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { ones, zeros } from '../creation.js';
import { add, mul, sub } from './elementwise.js';
import { requireFloat } from './helpers.js';
import { mean, sum } from './reduce.js';
import { reshape } from './shape.js';
import { rsqrt } from './unary.js';

/**
 * Options of `batchNorm` (PyTorch's `F.batch_norm`): training or eval statistics, the running statistics, momentum and eps.
 */
export interface BatchNormOptions {
  /** Normalise with the batch statistics (true) or with the running ones (false). */
  readonly training: boolean;
  /** Running mean [C]; updated in place when training (as F.batch_norm does). */
  readonly runningMean?: Tensor | null;
  /** Running variance [C]; updated in place, with the unbiased batch variance, when training. */
  readonly runningVar?: Tensor | null;
  /** Weight of the new batch in the running averages (default 0.1). */
  readonly momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps?: number;
}

interface BatchNormAttrs {
  /** 'batch': μ, σ² are functions of x; 'running': they are constants. */
  readonly statistics: 'batch' | 'running';
  /** The reduction axes R: every axis but 1. */
  readonly axes: readonly number[];
  /** [1, C, 1, …]: how a per-channel [C] vector broadcasts against x. */
  readonly channelShape: readonly number[];
  /** μ and s = 1/√(σ² + ε), both float64 [C] whatever x's dtype. */
  readonly mean: Tensor;
  readonly invStd: Tensor;
  readonly eps: number;
}

type BatchNormGrads = readonly [Tensor | null, Tensor | null, Tensor | null];

/** x̂ and s as differentiable functions of x, for a backward that itself records a graph. */
function normalizedWithGraph(x: Tensor, { statistics, axes, channelShape, mean: mu, invStd, eps }: BatchNormAttrs): [Tensor, Tensor] {
  if (statistics === 'running') {
    const s = reshape(invStd.to(x.dtype), channelShape);
    return [mul(sub(x, reshape(mu.to(x.dtype), channelShape)), s), s];
  }
  const xc = sub(x, mean(x, axes, true));
  const s = rsqrt(add(mean(mul(xc, xc), axes, true), eps));
  return [mul(xc, s), s];
}

/** The backward in differentiable ops (the derivation's first form), used under createGraph. */
function backwardWithGraph(ctx: Context, dY: Tensor, x: Tensor, weight: Tensor, attrs: BatchNormAttrs): BatchNormGrads {
  const { statistics, axes, channelShape } = attrs;
  const [xHat, invStd] = normalizedWithGraph(x, attrs);
  const dBeta = sum(dY, axes, true); //                                            [1, C, 1, …]
  const dGamma = sum(mul(dY, xHat), axes, true); //                                [1, C, 1, …]
  const gamma = reshape(weight, channelShape);
  let dX: Tensor | null = null;
  if (ctx.needsInputGrad[0]) {
    if (statistics === 'running') {
      dX = mul(dY, mul(gamma, invStd));
    } else {
      const m = x.numel() / x.shape[1]!;
      const centred = sub(sub(mul(dY, m), dBeta), mul(xHat, dGamma)); //        m·dY − dβ − x̂·dγ
      dX = mul(centred, mul(mul(gamma, invStd), 1 / m));
    }
  }
  return [
    dX,
    ctx.needsInputGrad[1] ? reshape(dGamma, weight.shape) : null,
    ctx.needsInputGrad[2] ? reshape(dBeta, weight.shape) : null,
  ];
}

const BatchNorm: OpDef<readonly [Tensor, Tensor, Tensor], BatchNormAttrs> = {
  name: 'BatchNorm',
  forward(ctx, [x, weight, bias], { mean: mu, invStd: s }) {
    ctx.save(x, weight);
    const a = mul(weight.to('float64'), s); //                                      γ·s         [C]
    const b = sub(bias.to('float64'), mul(mu, a)); //                               β − μ·γ·s   [C]
    return kernels().channelAffine([[x, a]], b); //                                 [N, C, *]
  },
  backward(ctx, dY, attrs) {
    const [x, weight] = ctx.saved as [Tensor, Tensor];
    // Recording a graph (createGraph): the second derivative must see how x̂ and s depend on x.
    if (isGradEnabled()) return backwardWithGraph(ctx, dY, x, weight, attrs);
    const { statistics, mean: mu, invStd: s } = attrs;
    const [needsX, needsWeight, needsBias] = ctx.needsInputGrad;
    const gs = mul(weight.to('float64'), s); //                                      A = γ s         [C]
    if (statistics === 'running' && !needsWeight && !needsBias) {
      // A frozen layer in eval mode: dX = γ s · dY needs neither sum.
      return [needsX ? kernels().channelAffine([[dY, gs]], null) : null, null, null];
    }
    const { sum: dBeta, dot } = kernels().channelSums(dY, x, mu); //                 Σ dY, Σ dY·(x − μ)  [C]
    const dGamma = mul(dot, s); //                                                   dγ = s·Σ dY·(x − μ)
    let dX: Tensor | null = null;
    if (needsX) {
      if (statistics === 'running') {
        dX = kernels().channelAffine([[dY, gs]], null);
      } else {
        const m = x.numel() / x.shape[1]!;
        const coefX = mul(mul(gs, mul(s, dGamma)), -1 / m); //                       B = −γ s² dγ / m
        const shift = sub(mul(coefX, mu).neg(), mul(gs, mul(dBeta, 1 / m))); //      C = −B μ − γ s dβ / m
        dX = kernels().channelAffine([[dY, gs], [x, coefX]], shift); //              [N, C, *]
      }
    }
    return [dX, needsWeight ? dGamma.to(weight.dtype) : null, needsBias ? dBeta.to(weight.dtype) : null];
  },
};

function requireChannelVector(op: string, t: Tensor, name: string, x: Tensor): void {
  requireFloat(t, op, name);
  const C = x.shape[1]!;
  if (t.ndim !== 1 || t.shape[0] !== C) throw new RangeError(`${op}: ${name} must be [${C}] for input ${fmt(x.shape)}, got ${fmt(t.shape)}`);
  if (t.dtype !== x.dtype) throw new TypeError(`${op}: ${name} is ${t.dtype} but the input is ${x.dtype}; convert one with .to('${x.dtype}')`);
}

/**
 * Batch normalisation of x [N, C, *] per channel; with `training` it normalises with the batch
 * statistics and updates `runningMean` / `runningVar` in place, otherwise it uses them.
 * @example batchNorm(tensor([[1], [3]]), null, null, { training: true }).toArray()  // ≈ [[-1], [1]]  (x̂ = ±1/√(1 + 1e-5))
 */
export function batchNorm(x: Tensor, weight: Tensor | null, bias: Tensor | null, options: BatchNormOptions): Tensor {
  const op = 'batchNorm';
  requireFloat(x, op);
  if (x.ndim < 2) throw new RangeError(`${op}: input must be at least 2-D [N, C, *], got ${fmt(x.shape)}`);
  const { training, runningMean = null, runningVar = null, momentum = 0.1, eps = 1e-5 } = options;
  const C = x.shape[1]!;
  if (weight) requireChannelVector(op, weight, 'weight', x);
  if (bias) requireChannelVector(op, bias, 'bias', x);
  if (runningMean) requireChannelVector(op, runningMean, 'runningMean', x);
  if (runningVar) requireChannelVector(op, runningVar, 'runningVar', x);
  if ((runningMean === null) !== (runningVar === null)) throw new TypeError(`${op}: give both runningMean and runningVar, or neither`);
  if (!(eps >= 0)) throw new RangeError(`${op}: eps must be ≥ 0, got ${eps}`);
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const channelShape = x.shape.map((d, i) => (i === 1 ? d : 1));
  const m = x.numel() / Math.max(C, 1);

  const attrs = noGrad((): BatchNormAttrs => {
    if (!training) {
      if (!runningMean || !runningVar) throw new TypeError(`${op}: eval mode (training: false) needs runningMean and runningVar`);
      const invStd = rsqrt(add(runningVar.to('float64'), eps));
      return { statistics: 'running', axes, channelShape, mean: runningMean.to('float64'), invStd, eps };
    }
    if (m <= 1) throw new RangeError(`${op}: expected more than 1 value per channel when training, got input ${fmt(x.shape)}`);
    const moments = kernels().channelMoments(x); //                                   μ, biased σ²: float64 [C]
    if (runningMean && runningVar) {
      const mu = moments.mean.to(x.dtype);
      const variance = moments.variance.to(x.dtype);
      runningMean.assign(add(mul(runningMean, 1 - momentum), mul(mu, momentum)));
      const unbiased = mul(variance, m / (m - 1));
      runningVar.assign(add(mul(runningVar, 1 - momentum), mul(unbiased, momentum)));
    }
    return { statistics: 'batch', axes, channelShape, mean: moments.mean, invStd: rsqrt(add(moments.variance, eps)), eps };
  });
  const gamma = weight ?? ones([C], { dtype: x.dtype });
  const beta = bias ?? zeros([C], { dtype: x.dtype });
  return apply(BatchNorm, [x, gamma, beta], attrs);
}
