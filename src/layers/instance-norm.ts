/**
 * InstanceNorm1d, InstanceNorm2d — each channel of each sample normalised over its own spatial
 * axes (Ulyanov et al. 2016, "Instance Normalization"), PyTorch 1.13's defaults and options.
 *
 * Shapes: InstanceNorm1d takes [N, C, L] or unbatched [C, L], InstanceNorm2d [N, C, H, W] or
 * [C, H, W]. Unlike BatchNorm, `affine` (γ, β [C]) and `trackRunningStats` default to false.
 * With trackRunningStats, training updates running_mean and running_var with the batch mean of
 * the per-instance statistics (the variance unbiased, ÷ (m − 1)), and eval normalises with them;
 * num_batches_tracked is kept for PyTorch's state_dict but, as in PyTorch, never incremented.
 * Without running statistics both modes use each instance's own. The op: src/autograd/ops/group-norm.ts.
 */
import { ones, scalar, zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { instanceNorm } from '../autograd/ops/group-norm.js';
import { squeeze, unsqueeze } from '../autograd/ops/shape.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { requireSize } from './linear.js';
import { Module, type Parameter } from './module.js';

/**
 * Options of `InstanceNorm1d` and `InstanceNorm2d`: eps, momentum, affine parameters and running statistics (off by default, as PyTorch).
 */
export interface InstanceNormLayerOptions {
  /** Added to the variance for stability (default 1e-5). */
  readonly eps?: number;
  /** Weight of each new batch in the running statistics (default 0.1). */
  readonly momentum?: number;
  /** Learn γ and β per channel (default false). */
  readonly affine?: boolean;
  /** Keep running statistics and use them in eval mode (default false). */
  readonly trackRunningStats?: boolean;
  readonly dtype?: FloatDType;
}

abstract class InstanceNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  /** The rank of a batched input; one less is an unbatched one. */
  protected abstract readonly rank: number;
  protected abstract readonly layout: string;

  constructor(numFeatures: number, options: InstanceNormLayerOptions) {
    super();
    const layer = this.constructor.name;
    requireSize(layer, 'numFeatures', numFeatures);
    const { eps = 1e-5, momentum = 0.1, affine = false, trackRunningStats = false, dtype = 'float32' } = options;
    if (!(momentum >= 0 && momentum <= 1)) throw new RangeError(`${layer}: momentum must be in [0, 1], got ${momentum}`);
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.weight = affine ? this.param('weight', ones([numFeatures], { dtype })) : null;
    this.bias = affine ? this.param('bias', zeros([numFeatures], { dtype })) : null;
    this.runningMean = trackRunningStats ? this.buffer('running_mean', zeros([numFeatures], { dtype })) : null;
    this.runningVar = trackRunningStats ? this.buffer('running_var', ones([numFeatures], { dtype })) : null;
    this.numBatchesTracked = trackRunningStats ? this.buffer('num_batches_tracked', scalar(0, { dtype: 'int32' })) : null;
  }

  forward(x: Tensor): Tensor {
    const unbatched = x.ndim === this.rank - 1;
    if ((x.ndim !== this.rank && !unbatched) || x.shape[unbatched ? 0 : 1] !== this.numFeatures) {
      throw new RangeError(`${this.constructor.name}: expected input ${this.layout} with C = ${this.numFeatures}, got ${fmt(x.shape)}`);
    }
    const y = instanceNorm(unbatched ? unsqueeze(x, 0) : x, {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight,
      bias: this.bias,
      useInputStats: this.training || this.runningMean === null, //      PyTorch's rule
      momentum: this.momentum,
      eps: this.eps,
    });
    return unbatched ? squeeze(y, 0) : y;
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.runningMean !== null}`;
  }
}

/**
 * Instance normalisation over [N, C, L] (or [C, L]).
 * @example new InstanceNorm1d(3).forward(randn([2, 3, 10])).shape  // [2, 3, 10]
 */
export class InstanceNorm1d extends InstanceNormBase {
  protected readonly rank = 3;
  protected readonly layout = '[N, C, L] or [C, L]';

  constructor(numFeatures: number, options: InstanceNormLayerOptions = {}) {
    super(numFeatures, options);
  }
}

/**
 * Instance normalisation over [N, C, H, W] (or [C, H, W]), as in style transfer and many U-Nets.
 * @example new InstanceNorm2d(8, { affine: true }).forward(randn([2, 8, 5, 5])).shape  // [2, 8, 5, 5]
 */
export class InstanceNorm2d extends InstanceNormBase {
  protected readonly rank = 4;
  protected readonly layout = '[N, C, H, W] or [C, H, W]';

  constructor(numFeatures: number, options: InstanceNormLayerOptions = {}) {
    super(numFeatures, options);
  }
}
