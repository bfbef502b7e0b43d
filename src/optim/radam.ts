/**
 * RAdam — Adam whose adaptive step is switched on only once the variance of v can be trusted,
 * then scaled by a rectification term r (Liu et al. 2020, "On the Variance of the Adaptive
 * Learning Rate and Beyond", Algorithm 2), step for step as `torch.optim.RAdam` (PyTorch 1.13).
 *
 * With g the gradient (negated when `maximize`), θ the parameter, t the step count (from 1):
 *
 *   g ← g + λ·θ                                   (when λ ≠ 0)
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²,   m̂ ← m / (1 − β₁ᵗ)
 *   ρ∞ ← 2/(1 − β₂) − 1,     ρₜ ← ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)      length of the approximated SMA
 *   ρₜ > 5:  r ← √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ)),  θ ← θ − η·m̂·r·√(1 − β₂ᵗ)/(√v + ε)
 *   ρₜ ≤ 5:  θ ← θ − η·m̂                                      SGD with momentum (bias-corrected)
 *
 * ρₜ grows by about 1 per step: with β₂ = 0.999 steps 1–5 are momentum steps and step 6 is the
 * first adaptive one, a warm-up without a schedule.
 */
import type { Tensor } from '../autograd/tensor.js';
import { zerosLike } from '../autograd/creation.js';
import { checkRange, Optimizer, type ParamGroup, type Params, type StateKind } from './optimizer.js';

/** Options of `RAdam`: lr, betas, eps and weight decay. */
export interface RadamOptions {
  /** Learning rate η (default 1e-3). */
  lr: number;
  /** Decay rates (β₁, β₂) of the first and second moment estimates (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator after the square root (default 1e-8). */
  eps: number;
  /** Weight decay λ, added to the gradient (default 0). */
  weightDecay: number;
  /** Ascend instead of descend (default false; PyTorch 2's flag). */
  maximize: boolean;
}

/** RAdam's per-parameter state: the step count and the two moments. */
export interface RadamState {
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
}

/**
 * RAdam, as `torch.optim.RAdam`. `maximize` is PyTorch 2's (1.13's RAdam has none); later
 * PyTorch's `decoupled_weight_decay` and the `foreach`, `capturable` and `differentiable` flags
 * are left out.
 * @example
 * const opt = new RAdam(model.parameters(), { lr: 1e-3 });
 */
export class RAdam extends Optimizer<RadamOptions, RadamState> {
  protected override get name(): string {
    return 'RAdam';
  }
  protected override readonly stateKinds: Readonly<Record<string, StateKind>> = { step: 'count', expAvg: 'tensor', expAvgSq: 'tensor' };

  constructor(params: Params<RadamOptions>, options: Partial<RadamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false, ...options });
  }

  protected override validate(o: Readonly<RadamOptions>): void {
    checkRange('RAdam', 'lr', o.lr, 0);
    checkRange('RAdam', 'eps', o.eps, 0);
    checkRange('RAdam', 'weightDecay', o.weightDecay, 0);
    if (!Array.isArray(o.betas) || o.betas.length !== 2) throw new RangeError(`RAdam: betas must be a pair [β₁, β₂], got ${String(o.betas)}`);
    checkRange('RAdam', 'betas[0]', o.betas[0], 0, 1);
    checkRange('RAdam', 'betas[1]', o.betas[1], 0, 1);
  }

  protected override initState(param: Tensor): RadamState {
    return { step: 0, expAvg: zerosLike(param), expAvgSq: zerosLike(param) };
  }

  protected override requiredState(): readonly string[] {
    return ['step', 'expAvg', 'expAvgSq'];
  }

  /** The formulas in the header: the scalars ρₜ and r first, then one tensor op each. */
  protected override update(param: Tensor, grad: Tensor, state: RadamState, group: ParamGroup<RadamOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, maximize } = group;
    let g = maximize ? grad.neg() : grad;
    if (weightDecay !== 0) g = g.add(param.mul(weightDecay));
    state.step += 1;
    const t = state.step;
    const biasCorrection1 = 1 - beta1 ** t;
    const biasCorrection2 = 1 - beta2 ** t;
    state.expAvg = state.expAvg.mul(beta1).add(g.mul(1 - beta1));
    state.expAvgSq = state.expAvgSq.mul(beta2).add(g.mul(g).mul(1 - beta2));
    const mHat = state.expAvg.div(biasCorrection1);
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * t * beta2 ** t) / biasCorrection2;
    if (rhoT > 5) {
      const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
      const denom = state.expAvgSq.sqrt().add(eps);
      param.assign(param.sub(mHat.div(denom).mul(lr * rect * Math.sqrt(biasCorrection2))));
    } else {
      param.assign(param.sub(mHat.mul(lr)));
    }
  }
}
