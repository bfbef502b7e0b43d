/**
 * GroupNorm — y = γ ⊙ (x − μ_g) / √(σ²_g + ε) + β, with μ_g, σ²_g over each sample's group of
 * channels (Wu & He 2018): batch-independent, so it works with batches of one or two images.
 *
 * Shapes: x [N, C, *] → y of the same shape, with C split into numGroups groups of C/numGroups
 * channels; γ (`weight`, init 1) and β (`bias`, init 0) are [C], per channel. numGroups = 1 is
 * layer norm over [C, *] with per-channel γ; numGroups = C is instance norm. No running state.
 * The fused op and its derivation: src/autograd/ops/group-norm.ts.
 */
import { ones, zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { groupNorm } from '../autograd/ops/group-norm.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { requireSize } from './linear.js';
import { Module, type Parameter } from './module.js';

/** Options of `GroupNorm`: eps and the affine parameters. */
export interface GroupNormLayerOptions {
  /** Added to the variance for stability (default 1e-5). */
  readonly eps?: number;
  /** Learn γ and β per channel (default true). */
  readonly affine?: boolean;
  readonly dtype?: FloatDType;
}

/**
 * Group normalisation.
 * @example new GroupNorm(4, 16).forward(randn([2, 16, 8, 8])).shape  // [2, 16, 8, 8]
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, options: GroupNormLayerOptions = {}) {
    super();
    requireSize('GroupNorm', 'numGroups', numGroups);
    requireSize('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) throw new RangeError(`GroupNorm: numChannels=${numChannels} must be divisible by numGroups=${numGroups}`);
    const { eps = 1e-5, affine = true, dtype = 'float32' } = options;
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = eps;
    this.weight = affine ? this.param('weight', ones([numChannels], { dtype })) : null;
    this.bias = affine ? this.param('bias', zeros([numChannels], { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new RangeError(`GroupNorm: expected input [N, ${this.numChannels}, *], got ${fmt(x.shape)}`);
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  protected override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.weight !== null}`;
  }
}
