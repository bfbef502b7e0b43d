/**
 * Adagrad — per-element learning rates that shrink with the sum of every squared gradient seen
 * so far (Duchi, Hazan & Singer 2011), step for step as `torch.optim.Adagrad` (PyTorch 1.13).
 *
 * With g the gradient (negated when `maximize`), θ the parameter, t the step count (from 1):
 *
 *   g ← g + λ·θ                                   (when λ ≠ 0)
 *   η̃ ← η / (1 + (t − 1)·lrDecay)
 *   s ← s + g²                                    s starts at initialAccumulatorValue
 *   θ ← θ − η̃ · g / (√s + ε)
 *
 * Elements with large past gradients take small steps and rare ones large steps, which suits
 * sparse features; but s only grows, so the steps keep shrinking (Adadelta and RMSprop replace
 * the sum with a running average).
 */
import { fullLike } from '../autograd/creation.js';
import { kernels } from '../autograd/backends/index.js';
import type { Tensor } from '../autograd/tensor.js';
import { checkRange, Optimizer, type ParamGroup, type Params, type StateKind } from './optimizer.js';

/** Options of `Adagrad`: lr, lr decay, weight decay, the initial accumulator, eps and maximize. */
export interface AdagradOptions {
  /** Learning rate η (default 1e-2). */
  lr: number;
  /** Decay of the learning rate with the step count: η / (1 + (t − 1)·lrDecay) (default 0). */
  lrDecay: number;
  /** Weight decay λ, added to the gradient (default 0). */
  weightDecay: number;
  /** Where the sum of squared gradients starts (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator after the square root (default 1e-10). */
  eps: number;
  /** Ascend instead of descend (default false). */
  maximize: boolean;
}

/** Adagrad's per-parameter state: the step count and the running sum of squared gradients. */
export interface AdagradState {
  step: number;
  sum: Tensor;
}

/**
 * Adagrad, as `torch.optim.Adagrad` (its `foreach` flag is left out: every update here is per
 * parameter). PyTorch makes every parameter's state at construction, with the constructor's
 * initialAccumulatorValue; we make it at a parameter's first update with its group's value (the
 * same numbers unless a group overrides it).
 * @example
 * const opt = new Adagrad(model.parameters(), { lr: 0.1, lrDecay: 1e-4 });
 */
export class Adagrad extends Optimizer<AdagradOptions, AdagradState> {
  protected override get name(): string {
    return 'Adagrad';
  }
  protected override readonly stateKinds: Readonly<Record<string, StateKind>> = { step: 'count', sum: 'tensor' };

  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...options });
  }

  protected override validate(o: Readonly<AdagradOptions>): void {
    checkRange('Adagrad', 'lr', o.lr, 0);
    checkRange('Adagrad', 'lrDecay', o.lrDecay, 0);
    checkRange('Adagrad', 'weightDecay', o.weightDecay, 0);
    checkRange('Adagrad', 'initialAccumulatorValue', o.initialAccumulatorValue, 0);
    checkRange('Adagrad', 'eps', o.eps, 0);
  }

  protected override initState(param: Tensor, group: ParamGroup<AdagradOptions>): AdagradState {
    return { step: 0, sum: fullLike(param, group.initialAccumulatorValue) };
  }

  protected override requiredState(): readonly string[] {
    return ['step', 'sum'];
  }

  /**
   * One fused kernel (`adagradStep`: a loop on the cpu, one SIMD pass on wasm, one GPU pass on
   * webgpu) makes θ' and s': in place on the host from the second step on (`writableInPlace`),
   * else as new tensors we copy in with `assign`, so a device parameter and its sum keep their
   * memory; s' is read back, rounded to the parameter's dtype, as PyTorch's would be.
   */
  protected override update(param: Tensor, grad: Tensor, state: AdagradState, group: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = group;
    state.step += 1;
    const clr = lr / (1 + (state.step - 1) * lrDecay);
    const inPlace = this.writableInPlace(grad, param, state.sum);
    const step = kernels().adagradStep(param, grad, state.sum, { clr, weightDecay, eps, maximize, inPlace });
    this.settle(state.sum, step.sum);
    this.settle(param, step.param);
  }
}
