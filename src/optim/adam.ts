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
import { zerosLike } from '../autograd/creation.js';
import { kernels } from '../autograd/backends/index.js';
import type { Tensor } from '../autograd/tensor.js';
import { checkRange, Optimizer, type ParamGroup, type Params, type StateKind } from './optimizer.js';

/** Options of `Adam` and `AdamW`: lr, betas, eps, weight decay, AMSGrad and maximize. */
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

  /**
   * One fused kernel (`adamStep`: a loop on the cpu, one SIMD pass on wasm, one GPU pass on
   * webgpu) makes θ', m', v' (and v̂max'): in place on the host from the second step on
   * (`writableInPlace`), else as new tensors we copy in with `assign`, so a device parameter and
   * its moments keep their memory. Each stored value is read back, so later formulas see it rounded to the parameter's
   * dtype, as a chain of float32 ops (and PyTorch) would.
   */
  protected override update(param: Tensor, grad: Tensor, state: AdamState, group: ParamGroup<AdamOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize } = group;
    state.step += 1;
    const stepSize = lr / (1 - beta1 ** state.step);
    const sqrtBias2 = Math.sqrt(1 - beta2 ** state.step);
    const shrink = weightDecay !== 0 && this.decoupled ? 1 - lr * weightDecay : 1; // AdamW
    const l2 = weightDecay !== 0 && !this.decoupled ? weightDecay : 0; //            Adam
    // amsgrad switched on by a schedule after the first step: the maximum starts at zero then
    if (amsgrad) state.maxExpAvgSq ??= zerosLike(param);
    const vmax = amsgrad ? state.maxExpAvgSq! : null;
    const inPlace = this.writableInPlace(grad, param, state.expAvg, state.expAvgSq, vmax);
    const step = kernels().adamStep(param, grad, state.expAvg, state.expAvgSq, vmax, { beta1, beta2, eps, stepSize, sqrtBias2, shrink, l2, maximize, inPlace });
    this.settle(state.expAvg, step.expAvg);
    this.settle(state.expAvgSq, step.expAvgSq);
    if (step.maxExpAvgSq !== null) this.settle(vmax!, step.maxExpAvgSq);
    this.settle(param, step.param);
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
