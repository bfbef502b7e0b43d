/**
 * Adadelta — Adagrad with running averages instead of sums, and a step measured in the units of
 * θ (Zeiler 2012, Algorithm 1), step for step as `torch.optim.Adadelta` (PyTorch 1.13).
 *
 * With g the gradient (negated when `maximize`), θ the parameter, ρ the decay:
 *
 *   g ← g + λ·θ                                   (when λ ≠ 0)
 *   s ← ρ·s + (1 − ρ)·g²                          running mean of g²
 *   Δ ← √(u + ε) / √(s + ε) · g                   u: running mean of Δ² (from the last step)
 *   u ← ρ·u + (1 − ρ)·Δ²
 *   θ ← θ − η·Δ
 *
 * The ratio of two root-mean-squares gives Δ the units of θ, so the paper needs no learning
 * rate: η = 1 is PyTorch's default and pytorch/examples' MNIST choice. ε, inside both roots, also
 * sizes the first steps, while u is still 0.
 */
import type { Tensor } from '../autograd/tensor.js';
import { zerosLike } from '../autograd/creation.js';
import { checkRange, Optimizer, type ParamGroup, type Params, type StateKind } from './optimizer.js';

/** Options of `Adadelta`: lr, ρ, eps, weight decay and maximize. */
export interface AdadeltaOptions {
  /** Learning rate η, a multiplier on Δ (default 1). */
  lr: number;
  /** Decay ρ of both running averages, in [0, 1] (default 0.9). */
  rho: number;
  /** Added inside both square roots (default 1e-6). */
  eps: number;
  /** Weight decay λ, added to the gradient (default 0). */
  weightDecay: number;
  /** Ascend instead of descend (default false). */
  maximize: boolean;
}

/** Adadelta's per-parameter state: the step count and the running means of g² and Δ². */
export interface AdadeltaState {
  step: number;
  squareAvg: Tensor;
  accDelta: Tensor;
}

/**
 * Adadelta, as `torch.optim.Adadelta` (its `foreach` flag is left out: every update here is per parameter).
 * @example
 * const opt = new Adadelta(model.parameters());          // lr 1, as pytorch/examples' MNIST
 * const schedule = new StepLR(opt, { stepSize: 1, gamma: 0.7 });
 */
export class Adadelta extends Optimizer<AdadeltaOptions, AdadeltaState> {
  protected override get name(): string {
    return 'Adadelta';
  }
  protected override readonly stateKinds: Readonly<Record<string, StateKind>> = { step: 'count', squareAvg: 'tensor', accDelta: 'tensor' };

  constructor(params: Params<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super(params, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, ...options });
  }

  protected override validate(o: Readonly<AdadeltaOptions>): void {
    checkRange('Adadelta', 'lr', o.lr, 0);
    if (typeof o.rho !== 'number' || !(o.rho >= 0 && o.rho <= 1)) throw new RangeError(`Adadelta: rho must be a number in [0, 1], got ${String(o.rho)}`);
    checkRange('Adadelta', 'eps', o.eps, 0);
    checkRange('Adadelta', 'weightDecay', o.weightDecay, 0);
  }

  protected override initState(param: Tensor): AdadeltaState {
    return { step: 0, squareAvg: zerosLike(param), accDelta: zerosLike(param) };
  }

  protected override requiredState(): readonly string[] {
    return ['step', 'squareAvg', 'accDelta'];
  }

  /** The formulas in the header, one tensor op each. */
  protected override update(param: Tensor, grad: Tensor, state: AdadeltaState, group: ParamGroup<AdadeltaOptions>): void {
    const { lr, rho, eps, weightDecay, maximize } = group;
    let g = maximize ? grad.neg() : grad;
    if (weightDecay !== 0) g = g.add(param.mul(weightDecay));
    state.step += 1;
    state.squareAvg = state.squareAvg.mul(rho).add(g.mul(g).mul(1 - rho));
    const std = state.squareAvg.add(eps).sqrt();
    const delta = state.accDelta.add(eps).sqrt().div(std).mul(g);
    state.accDelta = state.accDelta.mul(rho).add(delta.mul(delta).mul(1 - rho));
    param.assign(param.sub(delta.mul(lr)));
  }
}
