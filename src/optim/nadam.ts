/**
 * NAdam — Adam with Nesterov momentum (Dozat 2016, "Incorporating Nesterov Momentum into Adam"),
 * as `torch.optim.NAdam` (PyTorch 1.13's documented formula).
 *
 * With g the gradient (negated when `maximize`), θ the parameter, t the step count (from 1) and
 * ψ the momentum decay (the momentum coefficient μ itself warms up with t):
 *
 *   g ← g + λ·θ                                   (when λ ≠ 0)
 *   μₜ ← β₁·(1 − ½·0.96^(t·ψ)),   μₜ₊₁ ← β₁·(1 − ½·0.96^((t+1)·ψ))
 *   P ← P·μₜ                                      P = μ₁·…·μₜ, kept in the state (starts at 1)
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²,   d ← √(v / (1 − β₂ᵗ)) + ε
 *   θ ← θ − η·(1 − μₜ)/(1 − P) · g/d − η·μₜ₊₁/(1 − P·μₜ₊₁) · m/d
 *
 * The last line looks one step ahead: the gradient term is today's, the momentum term already
 * carries tomorrow's μ.
 */
import type { Tensor } from '../autograd/tensor.js';
import { zerosLike } from '../autograd/creation.js';
import { checkRange, Optimizer, type ParamGroup, type Params, type StateKind } from './optimizer.js';

/** Options of `NAdam`: lr, betas, eps, weight decay and the momentum decay ψ. */
export interface NadamOptions {
  /** Learning rate η (default 2e-3). */
  lr: number;
  /** Decay rates (β₁, β₂) of the first and second moment estimates (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator after the square root (default 1e-8). */
  eps: number;
  /** Weight decay λ, added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum decay ψ of the μ warm-up (default 4e-3). */
  momentumDecay: number;
  /** Ascend instead of descend (default false; PyTorch 2's flag). */
  maximize: boolean;
}

/** NAdam's per-parameter state: the step count, the product P of every μ so far, and the two moments. */
export interface NadamState {
  step: number;
  muProduct: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
}

/**
 * NAdam, as `torch.optim.NAdam`. PyTorch 1.13's default (single-tensor) code multiplies μₜ into
 * P·μₜ₊₁ a second time; its foreach code, its docs and PyTorch 2 (pytorch/pytorch#92699) do not,
 * and neither do we. `maximize` is PyTorch 2's (1.13's NAdam has none); later PyTorch's
 * `decoupled_weight_decay` and the `foreach`, `capturable` and `differentiable` flags are left out.
 * @example
 * const opt = new NAdam(model.parameters(), { lr: 2e-3 });
 */
export class NAdam extends Optimizer<NadamOptions, NadamState> {
  protected override get name(): string {
    return 'NAdam';
  }
  protected override readonly stateKinds: Readonly<Record<string, StateKind>> = {
    step: 'count',
    muProduct: 'scalar',
    expAvg: 'tensor',
    expAvgSq: 'tensor',
  };

  constructor(params: Params<NadamOptions>, options: Partial<NadamOptions> = {}) {
    super(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, maximize: false, ...options });
  }

  protected override validate(o: Readonly<NadamOptions>): void {
    checkRange('NAdam', 'lr', o.lr, 0);
    checkRange('NAdam', 'eps', o.eps, 0);
    checkRange('NAdam', 'weightDecay', o.weightDecay, 0);
    checkRange('NAdam', 'momentumDecay', o.momentumDecay, 0);
    if (!Array.isArray(o.betas) || o.betas.length !== 2) throw new RangeError(`NAdam: betas must be a pair [β₁, β₂], got ${String(o.betas)}`);
    checkRange('NAdam', 'betas[0]', o.betas[0], 0, 1);
    checkRange('NAdam', 'betas[1]', o.betas[1], 0, 1);
  }

  protected override initState(param: Tensor): NadamState {
    return { step: 0, muProduct: 1, expAvg: zerosLike(param), expAvgSq: zerosLike(param) };
  }

  protected override requiredState(): readonly string[] {
    return ['step', 'muProduct', 'expAvg', 'expAvgSq'];
  }

  /** The formulas in the header: scalars first, then one tensor op each. */
  protected override update(param: Tensor, grad: Tensor, state: NadamState, group: ParamGroup<NadamOptions>): void {
    const { lr, betas: [beta1, beta2], eps, weightDecay, momentumDecay, maximize } = group;
    let g = maximize ? grad.neg() : grad;
    if (weightDecay !== 0) g = g.add(param.mul(weightDecay));
    state.step += 1;
    const t = state.step;
    const mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentumDecay));
    state.muProduct *= mu;
    const gradStep = (lr * (1 - mu)) / (1 - state.muProduct);
    const momentumStep = (lr * muNext) / (1 - state.muProduct * muNext);
    state.expAvg = state.expAvg.mul(beta1).add(g.mul(1 - beta1));
    state.expAvgSq = state.expAvgSq.mul(beta2).add(g.mul(g).mul(1 - beta2));
    const denom = state.expAvgSq.div(1 - beta2 ** t).sqrt().add(eps);
    param.assign(param.sub(g.div(denom).mul(gradStep)).sub(state.expAvg.div(denom).mul(momentumStep)));
  }
}
