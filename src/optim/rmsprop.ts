/**
 * RMSprop — divide the gradient by a running root-mean-square of recent gradients (Hinton,
 * Coursera lecture 6e; the centred form is Graves 2013, eq. 38–40), step for step as
 * `torch.optim.RMSprop` (PyTorch 1.13).
 *
 * With g the gradient (negated when `maximize`), θ the parameter, α the smoothing constant:
 *
 *   g ← g + λ·θ                                    (when λ ≠ 0)
 *   s ← α·s + (1 − α)·g²                           running mean of g²
 *   ḡ ← α·ḡ + (1 − α)·g,  a ← √(s − ḡ²) + ε         centred: a variance estimate instead
 *   a ← √s + ε                                      otherwise
 *   b ← μ·b + g / a,  θ ← θ − η·b                   with momentum μ > 0
 *   θ ← θ − η·g / a                                 without
 *
 * Unlike Adam there is no bias correction, so the first steps are large (s starts at 0); ε is
 * added after the square root, as in PyTorch (TensorFlow adds it inside).
 */
import { zerosLike } from '../autograd/creation.js';
import { kernels } from '../autograd/backends/index.js';
import type { Tensor } from '../autograd/tensor.js';
import { checkRange, Optimizer, type ParamGroup, type Params, type StateKind } from './optimizer.js';

/** Options of `RMSprop`: lr, α, eps, weight decay, momentum, centring and maximize. */
export interface RmspropOptions {
  /** Learning rate η (default 1e-2). */
  lr: number;
  /** Smoothing constant α of the running averages (default 0.99). */
  alpha: number;
  /** Added to the denominator after the square root (default 1e-8). */
  eps: number;
  /** Weight decay λ, added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum μ (default 0). */
  momentum: number;
  /** Normalise by the estimated variance instead of the raw second moment (default false). */
  centered: boolean;
  /** Ascend instead of descend (default false). */
  maximize: boolean;
}

/**
 * The per-parameter state of `RMSprop`: the step count, the running average of g², and the momentum and mean-gradient buffers when used.
 */
export interface RmspropState {
  step: number;
  squareAvg: Tensor;
  momentumBuffer?: Tensor;
  gradAvg?: Tensor;
}

/**
 * RMSprop, as `torch.optim.RMSprop`.
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 1e-3, centered: true });
 */
export class RMSprop extends Optimizer<RmspropOptions, RmspropState> {
  protected override get name(): string {
    return 'RMSprop';
  }
  protected override readonly stateKinds: Readonly<Record<string, StateKind>> = {
    step: 'count',
    squareAvg: 'tensor',
    momentumBuffer: 'tensor',
    gradAvg: 'tensor',
  };

  constructor(params: Params<RmspropOptions>, options: Partial<RmspropOptions> = {}) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...options });
  }

  protected override validate(o: Readonly<RmspropOptions>): void {
    checkRange('RMSprop', 'lr', o.lr, 0);
    checkRange('RMSprop', 'alpha', o.alpha, 0);
    checkRange('RMSprop', 'eps', o.eps, 0);
    checkRange('RMSprop', 'weightDecay', o.weightDecay, 0);
    checkRange('RMSprop', 'momentum', o.momentum, 0);
  }

  protected override initState(param: Tensor, group: ParamGroup<RmspropOptions>): RmspropState {
    const state: RmspropState = { step: 0, squareAvg: zerosLike(param) };
    if (group.momentum > 0) state.momentumBuffer = zerosLike(param);
    if (group.centered) state.gradAvg = zerosLike(param);
    return state;
  }

  protected override requiredState(group: ParamGroup<RmspropOptions>): readonly string[] {
    return ['step', 'squareAvg', ...(group.momentum > 0 ? ['momentumBuffer'] : []), ...(group.centered ? ['gradAvg'] : [])];
  }

  /**
   * One fused kernel (`rmspropStep`: a loop on the cpu, one SIMD pass on wasm, one GPU pass on
   * webgpu) makes θ', s' (and ḡ', b'): in place on the host from the second step on
   * (`writableInPlace`), else as new tensors we copy in with `assign`, so a device parameter and
   * its state keep their memory. Each stored value is read back, so later formulas see it
   * rounded to the parameter's dtype, as a chain of float32 ops (and PyTorch) would.
   */
  protected override update(param: Tensor, grad: Tensor, state: RmspropState, group: ParamGroup<RmspropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    state.step += 1;
    // A schedule may switch centring or momentum on after the first step: they start at zero then.
    if (centered) state.gradAvg ??= zerosLike(param);
    if (momentum > 0) state.momentumBuffer ??= zerosLike(param);
    const gradAvg = centered ? state.gradAvg! : null;
    const buffer = momentum > 0 ? state.momentumBuffer! : null;
    const inPlace = this.writableInPlace(grad, param, state.squareAvg, gradAvg, buffer);
    const step = kernels().rmspropStep(param, grad, state.squareAvg, gradAvg, buffer, { lr, alpha, eps, weightDecay, momentum, maximize, inPlace });
    this.settle(state.squareAvg, step.squareAvg);
    if (step.gradAvg !== null) this.settle(gradAvg!, step.gradAvg);
    if (step.momentumBuffer !== null) this.settle(buffer!, step.momentumBuffer);
    this.settle(param, step.param);
  }
}
