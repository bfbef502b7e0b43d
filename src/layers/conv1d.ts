/**
 * Conv1d — y = x ⊛ W + b over sequences, a 2-D convolution over an image of height 1.
 *
 * Shapes: x [N, C, L] → y [N, O, OL], W [O, C/groups, K] (PyTorch's layout), b [O];
 * OL = ⌊(L + 2·padding − dilation·(K − 1) − 1) / stride⌋ + 1, and padding 'same' keeps OL = L
 * (stride 1). The function is src/autograd/ops/conv1d.ts (conv2d's gradients, no new maths).
 * Initialisation is PyTorch's default with fanIn = C/groups · K: W and b ~ U(−1/√fanIn, 1/√fanIn).
 */
import { zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { conv1d } from '../autograd/ops/conv1d.js';
import { defaultRandom, type Random } from '../autograd/random.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { calculateFans, kaimingUniform, uniform } from './init.js';
import { requireSize } from './linear.js';
import { Module, type Parameter } from './module.js';

/** Options of `Conv1d`: stride, padding, dilation, groups, bias and the generator. */
export interface Conv1dLayerOptions {
  /** Step between windows (default 1). */
  readonly stride?: number;
  /** Zero padding at both ends, 'valid' (none) or 'same' (default 0). */
  readonly padding?: number | 'valid' | 'same';
  /** Spacing between kernel taps (default 1). */
  readonly dilation?: number;
  /** Split the channels into this many independent groups (default 1). */
  readonly groups?: number;
  /** Learn an additive bias per output channel (default true). */
  readonly bias?: boolean;
  readonly dtype?: FloatDType;
  readonly random?: Random;
}

/**
 * A 1-D convolution layer.
 * @example new Conv1d(3, 8, 5, { padding: 2 }).forward(zeros([2, 3, 40])).shape  // [2, 8, 40]
 */
export class Conv1d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | 'valid' | 'same';
  readonly dilation: number;
  readonly groups: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: number, options: Conv1dLayerOptions = {}) {
    super();
    const layer = 'Conv1d';
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true, dtype = 'float32' } = options;
    requireSize(layer, 'inChannels', inChannels);
    requireSize(layer, 'outChannels', outChannels);
    requireSize(layer, 'kernelSize', kernelSize);
    requireSize(layer, 'stride', stride);
    requireSize(layer, 'dilation', dilation);
    requireSize(layer, 'groups', groups);
    if (typeof padding === 'number') requireSize(layer, 'padding', padding, 0);
    else if (padding !== 'valid' && padding !== 'same') throw new RangeError(`${layer}: padding must be a number, 'valid' or 'same', got ${JSON.stringify(padding)}`);
    if (padding === 'same' && stride !== 1) throw new RangeError(`${layer}: padding 'same' needs stride 1 (as in PyTorch), got stride ${stride}`);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new RangeError(`${layer}: groups=${groups} must divide both inChannels=${inChannels} and outChannels=${outChannels}`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.groups = groups;
    const random = options.random ?? defaultRandom();
    const shape = [outChannels, inChannels / groups, kernelSize];
    this.weight = this.param('weight', kaimingUniform(zeros(shape, { dtype }), { a: Math.sqrt(5), random }));
    const bound = 1 / Math.sqrt(calculateFans(shape).fanIn);
    this.bias = bias ? this.param('bias', uniform(zeros([outChannels], { dtype }), -bound, bound, { random })) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 || x.shape[1] !== this.inChannels) {
      throw new RangeError(`Conv1d: expected input [N, ${this.inChannels}, L], got ${fmt(x.shape)}`);
    }
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  protected override extraRepr(): string {
    const parts = [`${this.inChannels}, ${this.outChannels}`, `kernelSize=${this.kernelSize}`];
    if (this.stride !== 1) parts.push(`stride=${this.stride}`);
    if (this.padding !== 0) parts.push(`padding=${JSON.stringify(this.padding)}`);
    if (this.dilation !== 1) parts.push(`dilation=${this.dilation}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push('bias=false');
    return parts.join(', ');
  }
}
