/**
 * Adam and AdamW — adaptive moment estimation (Kingma & Ba 2015, Algorithm 1) and its
 * decoupled-weight-decay variant (Loshchilov & Hutter 2019), step for step as
 * `torch.optim.Adam` / `torch.optim.AdamW` (PyTorch 1.13).
 *
 * With g the gradient (negated when `maximize`), θ the parameter, t the step count (from 1):
 *
 *   Adam only:   g ← g + λ·θ                       (L2 weight decay, inside the gradient)
 *   AdamW only:  θ ← θ·(1 − η·λ)                   (decoupled: shrinks θ, the moments never see it)
 *   m ← β₁·m + (1 − β₁)·g                          first moment
 *   v ← β₂·v + (1 − β₂)·g²                         second moment
 *   v̂max ← max(v̂max, v)  and use v̂max for v      (only with amsgrad, Reddi et al. 2018)
 *   θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * Where the bias corrections sit matters for parity: the first moment's correction folds into
 * the step size, the second's divides √v *before* ε is added, and ε stays outside the square
 * root. (The paper's m̂ / (√v̂ + ε) is the same expression.)
 */
import type { Tensor } from '../autograd/tensor.js';
import { zerosLike } from '../autograd/creation.js';
import { maximum } from '../autograd/ops/elementwise.js';
import { checkRange, Optimizer, type ParamGroup, type Params, type StateKind } from './optimizer.js';

export interface AdamOptions {
  /** Learning rate η (default 1e-3). */
  lr: number;
  /** Decay rates (β₁, β₂) of the first and second moment estimates (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Weight decay λ (Adam default 0, added to the gradient; AdamW default 1e-2, decoupled). */
  weightDecay: number;
  /** Use the running maximum of v (AMSGrad; default false). */
  amsgrad: boolean;
  /** Ascend instead of descend (default false). */
  maximize: boolean;
}

/** Adam's per-parameter state. `step` counts this parameter's updates. */
export interface AdamState {
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
  maxExpAvgSq?: Tensor;
}

const ADAM_STATE: Readonly<Record<string, StateKind>> = { step: 'count', expAvg: 'tensor', expAvgSq: 'tensor', maxExpAvgSq: 'tensor' };

abstract class AdamBase extends Optimizer<AdamOptions, AdamState> {
  protected override readonly stateKinds = ADAM_STATE;
  /** AdamW decays θ directly; Adam adds λ·θ to the gradient. */
  protected abstract get decoupled(): boolean;

  protected override validate(o: Readonly<AdamOptions>): void {
    checkRange(this.name, 'lr', o.lr, 0);
    checkRange(this.name, 'eps', o.eps, 0);
    checkRange(this.name, 'weightDecay', o.weightDecay, 0);
    if (!Array.isArray(o.betas) || o.betas.length !== 2) throw new RangeError(`${this.name}: betas must be a pair [β₁, β₂], got ${String(o.betas)}`);
    checkRange(this.name, 'betas[0]', o.betas[0], 0, 1);
    checkRange(this.name, 'betas[1]', o.betas[1], 0, 1);
  }

  protected override initState(param: Tensor, group: ParamGroup<AdamOptions>): AdamState {
    const state: AdamState = { step: 0, expAvg: zerosLike(param), expAvgSq: zerosLike(param) };
    if (group.amsgrad) state.maxExpAvgSq = zerosLike(param);
    return state;
  }

  protected override requiredState(group: ParamGroup<AdamOptions>): readonly string[] {
    return group.amsgrad ? ['step', 'expAvg', 'expAvgSq', 'maxExpAvgSq'] : ['step', 'expAvg', 'expAvgSq'];
  }

  protected override update(param: Tensor, grad: Tensor, state: AdamState, group: ParamGroup<AdamOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize } = group;
    let g = maximize ? grad.neg() : grad;
    let theta = param;
    if (weightDecay !== 0) {
      if (this.decoupled) theta = param.mul(1 - lr * weightDecay);
      else g = g.add(param.mul(weightDecay));
    }
    state.step += 1;
    state.expAvg = state.expAvg.mul(beta1).add(g.mul(1 - beta1));
    state.expAvgSq = state.expAvgSq.mul(beta2).add(g.mul(g).mul(1 - beta2));
    let v = state.expAvgSq;
    if (amsgrad) {
      state.maxExpAvgSq = maximum(state.maxExpAvgSq ?? zerosLike(param), v);
      v = state.maxExpAvgSq;
    }
    const biasCorrection1 = 1 - beta1 ** state.step;
    const biasCorrection2 = 1 - beta2 ** state.step;
    const stepSize = lr / biasCorrection1;
    const denom = v.sqrt().div(Math.sqrt(biasCorrection2)).add(eps); // √v̂ + ε, with ε outside the root
    param.assign(theta.sub(state.expAvg.div(denom).mul(stepSize)));
  }
}

/**
 * Adam, as `torch.optim.Adam`: weight decay is an L2 term added to the gradient.
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends AdamBase {
  protected override get name(): string {
    return 'Adam';
  }
  protected override get decoupled(): boolean {
    return false;
  }

  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options });
  }
}

/**
 * AdamW, as `torch.optim.AdamW`: weight decay shrinks the parameter directly, θ ← θ·(1 − ηλ),
 * before the Adam step, so adaptive scaling never touches it. Default weight decay 1e-2.
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends AdamBase {
  protected override get name(): string {
    return 'AdamW';
  }
  protected override get decoupled(): boolean {
    return true;
  }

  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...options });
  }
}
