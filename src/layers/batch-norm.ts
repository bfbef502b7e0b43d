/**
 * BatchNorm1d, BatchNorm2d — y = γ · (x − μ) / √(σ² + ε) + β per channel (Ioffe & Szegedy 2015).
 *
 * Shapes: BatchNorm1d takes [N, C] or [N, C, L], BatchNorm2d [N, C, H, W]; γ (`weight`) and β
 * (`bias`) are [C]. In training mode μ and σ² are the batch's statistics over every axis but
 * C, and the running estimates are updated:
 *   running ← (1 − momentum) · running + momentum · batch       (momentum null: a plain average)
 * In eval mode the running estimates are used instead, so one sample gives the same output
 * whatever else is in the batch. Parity trap, kept from PyTorch: x is normalised with the
 * BIASED batch variance (÷ m) but `running_var` is updated with the UNBIASED one (÷ (m − 1)).
 * Initialisation: γ = 1, β = 0, running_mean = 0, running_var = 1, num_batches_tracked = 0
 * (int32 here; PyTorch's is int64). The fused op and its derivation: src/autograd/ops/batch-norm.ts.
 */
import { ones, scalar, zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { noGrad } from '../autograd/function.js';
import { batchNorm } from '../autograd/ops/batch-norm.js';
import { add } from '../autograd/ops/elementwise.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { requireSize } from './linear.js';
import { Module, type Parameter } from './module.js';

/** Options of `BatchNorm1d` and `BatchNorm2d`: eps, momentum, affine parameters and running statistics. */
export interface BatchNormLayerOptions {
  /** Added to the variance for stability (default 1e-5). */
  readonly eps?: number;
  /** Weight of each new batch in the running statistics (default 0.1); null for a cumulative average. */
  readonly momentum?: number | null;
  /** Learn γ and β (default true). */
  readonly affine?: boolean;
  /** Keep running statistics (default true); without them eval mode also uses batch statistics. */
  readonly trackRunningStats?: boolean;
  readonly dtype?: FloatDType;
}

abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  /** How many training batches have updated the running statistics (a 0-d int32 tensor). */
  readonly numBatchesTracked: Tensor | null;

  constructor(numFeatures: number, options: BatchNormLayerOptions) {
    super();
    const layer = this.constructor.name;
    requireSize(layer, 'numFeatures', numFeatures);
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true, dtype = 'float32' } = options;
    if (momentum !== null && !(momentum >= 0 && momentum <= 1)) throw new RangeError(`${layer}: momentum must be in [0, 1] or null, got ${momentum}`);
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.weight = affine ? this.param('weight', ones([numFeatures], { dtype })) : null;
    this.bias = affine ? this.param('bias', zeros([numFeatures], { dtype })) : null;
    this.runningMean = trackRunningStats ? this.buffer('running_mean', zeros([numFeatures], { dtype })) : null;
    this.runningVar = trackRunningStats ? this.buffer('running_var', ones([numFeatures], { dtype })) : null;
    this.numBatchesTracked = trackRunningStats ? this.buffer('num_batches_tracked', scalar(0, { dtype: 'int32' })) : null;
  }

  /** The input ranks this layer accepts and how to say them in an error. */
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly layout: string;

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.ndim) || x.shape[1] !== this.numFeatures) {
      throw new RangeError(`${this.constructor.name}: expected input ${this.layout} with C = ${this.numFeatures}, got ${fmt(x.shape)}`);
    }
    let momentum = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      const count = this.numBatchesTracked;
      noGrad(() => count.assign(add(count, 1)));
      if (this.momentum === null) momentum = 1 / count.item(); // cumulative moving average
    }
    // Batch statistics in training, and in eval too when there are no running ones (PyTorch's rule).
    const training = this.training || this.runningMean === null;
    const useRunning = !this.training || this.runningMean !== null;
    return batchNorm(x, this.weight, this.bias, {
      training,
      runningMean: useRunning ? this.runningMean : null,
      runningVar: useRunning ? this.runningVar : null,
      momentum,
      eps: this.eps,
    });
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.runningMean !== null}`;
  }
}

/**
 * Batch normalisation over [N, C] or [N, C, L].
 * @example new BatchNorm1d(3).forward(randn([8, 3])).shape  // [8, 3]
 */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
  protected readonly layout = '[N, C] or [N, C, L]';

  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options);
  }
}

/**
 * Batch normalisation over [N, C, H, W], per channel.
 * @example new BatchNorm2d(8).forward(randn([4, 8, 5, 5])).shape  // [4, 8, 5, 5]
 */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
  protected readonly layout = '[N, C, H, W]';

  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options);
  }
}
