/**
 * SGD — stochastic gradient descent with optional momentum, dampening, Nesterov momentum and
 * L2 weight decay, step for step as `torch.optim.SGD` (PyTorch 1.13).
 *
 * With g the gradient (negated when `maximize`), θ the parameter, μ the momentum, τ the
 * dampening, λ the weight decay and η the learning rate:
 *
 *   g ← g + λ·θ                                   (when λ ≠ 0)
 *   b ← g                      at the first step   (the buffer starts as the gradient, undamped)
 *   b ← μ·b + (1 − τ)·g        afterwards          (when μ ≠ 0)
 *   d ← g + μ·b  (Nesterov)   or   d ← b           (when μ ≠ 0; d ← g otherwise)
 *   θ ← θ − η·d
 *
 * Sutskever et al. 2013 write momentum as v ← μv − ηg; PyTorch (and we) keep η outside the
 * buffer, so changing the learning rate mid-run does not rescale the velocity already built up.
 */
import { kernels } from '../autograd/backends/index.js';
import type { Tensor } from '../autograd/tensor.js';
import { checkRange, Optimizer, type ParamGroup, type Params, type StateKind } from './optimizer.js';

/** Options of `SGD`: lr, momentum, dampening, weight decay, Nesterov and maximize. */
export interface SgdOptions {
  /** Learning rate η (required). */
  lr: number;
  /** Momentum factor μ (default 0: plain SGD). */
  momentum: number;
  /** Dampening τ of the gradient added to the buffer (default 0). */
  dampening: number;
  /** Weight decay λ: adds λ·θ to the gradient (L2 penalty λ/2·‖θ‖²; default 0). */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0; default false). */
  nesterov: boolean;
  /** Ascend instead of descend (default false). */
  maximize: boolean;
}

/** SGD's per-parameter state: the momentum buffer, once momentum has been used. */
export interface SgdState {
  momentumBuffer?: Tensor;
}

/**
 * Stochastic gradient descent, as `torch.optim.SGD`.
 * @example
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1 });
 * w.mul(w).sum().backward();   // dw = 2w = [2, 4]
 * opt.step();                   // w = [1, 2] − 0.1·[2, 4] = [0.8, 1.6]
 */
export class SGD extends Optimizer<SgdOptions, SgdState> {
  protected override get name(): string {
    return 'SGD';
  }
  protected override readonly stateKinds: Readonly<Record<string, StateKind>> = { momentumBuffer: 'tensor' };

  constructor(params: Params<SgdOptions>, options: Partial<SgdOptions> & { lr: number }) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options });
  }

  protected override validate(o: Readonly<SgdOptions>): void {
    checkRange('SGD', 'lr', o.lr, 0);
    checkRange('SGD', 'momentum', o.momentum, 0);
    checkRange('SGD', 'weightDecay', o.weightDecay, 0);
    if (typeof o.dampening !== 'number' || !Number.isFinite(o.dampening)) throw new RangeError(`SGD: dampening must be a number, got ${String(o.dampening)}`);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new RangeError(`SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum ${o.momentum} and dampening ${o.dampening}`);
    }
  }

  protected override initState(): SgdState {
    return {};
  }

  protected override requiredState(): readonly string[] {
    return [];
  }

  /**
   * One fused kernel (`sgdStep`: a loop on the cpu, one SIMD pass on wasm, one GPU pass on
   * webgpu) makes θ' and the new buffer b: in place on the host from the second step on
   * (`writableInPlace`), else as new tensors we copy in with `assign`, so a device parameter
   * keeps its memory. Stored values are read back, so each formula sees them rounded to the
   * parameter's dtype, as PyTorch's would.
   */
  protected override update(param: Tensor, grad: Tensor, state: SgdState, group: ParamGroup<SgdOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    const inPlace = this.writableInPlace(grad, param, state.momentumBuffer);
    const step = kernels().sgdStep(param, grad, state.momentumBuffer ?? null, { lr, momentum, dampening, weightDecay, nesterov, maximize, inPlace });
    if (step.momentumBuffer !== null) {
      state.momentumBuffer ??= step.momentumBuffer; // the first step: b = d
      this.settle(state.momentumBuffer, step.momentumBuffer);
    }
    this.settle(param, step.param);
  }
}
