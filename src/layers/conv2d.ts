/**
 * Conv2d — y = x ⊛ W + b, a 2-D convolution (cross-correlation, as in every framework).
 *
 * Shapes: x [N, C, H, W] → y [N, O, OH, OW], with W [O, C/groups, KH, KW] (PyTorch's layout)
 * and b [O]; OH = ⌊(H + 2·padding − dilation·(KH − 1) − 1) / stride⌋ + 1 (OW likewise), and
 * padding 'same' keeps OH = H (stride 1). The op and its backward are in
 * src/autograd/ops/conv.ts. Initialisation is PyTorch's default, as for Linear with
 * fanIn = C/groups · KH · KW: W ~ kaimingUniform(a = √5) = U(−1/√fanIn, 1/√fanIn), b likewise.
 */
import { zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { conv2d, toPair, type Conv2dPadding, type Pair } from '../autograd/ops/conv.js';
import { defaultRandom, type Random } from '../autograd/random.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { calculateFans, kaimingUniform, uniform } from './init.js';
import { requireSize } from './linear.js';
import { Module, type Parameter } from './module.js';

/** Options of `Conv2d`: stride, padding, dilation, groups, bias and the generator. */
export interface Conv2dLayerOptions {
  /** Step between windows (default 1). */
  readonly stride?: Pair;
  /** Zero padding: a number or [h, w], 'valid' (none) or 'same' (default 0). */
  readonly padding?: Conv2dPadding;
  /** Spacing between kernel taps (default 1). */
  readonly dilation?: Pair;
  /** Split the channels into this many independent groups (default 1). */
  readonly groups?: number;
  /** Learn an additive bias per output channel (default true). */
  readonly bias?: boolean;
  readonly dtype?: FloatDType;
  readonly random?: Random;
}

/**
 * A 2-D convolution layer.
 * @example new Conv2d(1, 8, 3, { padding: 1 }).forward(zeros([2, 1, 28, 28])).shape  // [2, 8, 28, 28]
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: Conv2dPadding;
  readonly dilation: readonly [number, number];
  readonly groups: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dLayerOptions = {}) {
    super();
    const { padding = 0, groups = 1, bias = true, dtype = 'float32' } = options;
    requireSize('Conv2d', 'inChannels', inChannels);
    requireSize('Conv2d', 'outChannels', outChannels);
    requireSize('Conv2d', 'groups', groups);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new RangeError(`Conv2d: groups=${groups} must divide both inChannels=${inChannels} and outChannels=${outChannels}`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = toPair(kernelSize, 'Conv2d', 'kernelSize', 1);
    this.stride = toPair(options.stride ?? 1, 'Conv2d', 'stride', 1);
    this.dilation = toPair(options.dilation ?? 1, 'Conv2d', 'dilation', 1);
    if (padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) {
      throw new RangeError(`Conv2d: padding 'same' needs stride 1 (as in PyTorch), got stride [${this.stride.join(',')}]`);
    }
    this.padding = padding;
    this.groups = groups;
    const random = options.random ?? defaultRandom();
    const shape = [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = this.param('weight', kaimingUniform(zeros(shape, { dtype }), { a: Math.sqrt(5), random }));
    const bound = 1 / Math.sqrt(calculateFans(shape).fanIn);
    this.bias = bias ? this.param('bias', uniform(zeros([outChannels], { dtype }), -bound, bound, { random })) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels) {
      throw new RangeError(`Conv2d: expected input [N, ${this.inChannels}, H, W], got ${fmt(x.shape)}`);
    }
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  protected override extraRepr(): string {
    const parts = [`${this.inChannels}, ${this.outChannels}`, `kernelSize=[${this.kernelSize.join(', ')}]`];
    if (this.stride[0] !== 1 || this.stride[1] !== 1) parts.push(`stride=[${this.stride.join(', ')}]`);
    if (this.padding !== 0) parts.push(`padding=${JSON.stringify(this.padding)}`);
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) parts.push(`dilation=[${this.dilation.join(', ')}]`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push('bias=false');
    return parts.join(', ');
  }
}
