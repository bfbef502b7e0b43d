/**
 * ConvTranspose2d — the transposed convolution: each input pixel stamps a copy of the kernel,
 * scaled by its value, into the output at `stride` steps (the adjoint of Conv2d; a learnt upsampling).
 *
 * Shapes: x [N, Cin, H, W] → y [N, Cout, OH, OW] with W [Cin, Cout/groups, KH, KW] (PyTorch's layout:
 * input channels first, unlike Conv2d) and b [Cout];
 *   OH = (H − 1)·stride − 2·padding + dilation·(KH − 1) + outputPadding + 1      (OW likewise).
 * `forward(x, outputSize)` picks outputPadding to reach an exact size, as PyTorch's output_size.
 * The op and its derivation are in src/autograd/ops/conv-transpose.ts. Initialisation is
 * PyTorch's default with fanIn = W.shape[1]·KH·KW = Cout/groups·KH·KW (PyTorch reads the fan
 * from the weight's shape, which for this layer counts output channels): W ~ U(−1/√fanIn, 1/√fanIn), b likewise.
 */
import { zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { toPair, type Pair } from '../autograd/ops/conv.js';
import { convTranspose2d, convTransposeOutputSize } from '../autograd/ops/conv-transpose.js';
import { defaultRandom, type Random } from '../autograd/random.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { calculateFans, kaimingUniform, uniform } from './init.js';
import { requireSize } from './linear.js';
import { Module, type Parameter } from './module.js';

/** Options of `ConvTranspose2d`: stride, padding, output padding, dilation, groups, bias and the generator. */
export interface ConvTranspose2dLayerOptions {
  /** Step between the stamps of neighbouring input pixels (default 1). */
  readonly stride?: Pair;
  /** Rows and columns cut from each border of the full output (default 0). */
  readonly padding?: Pair;
  /** Extra rows and columns at the bottom and right (default 0; less than stride or dilation). */
  readonly outputPadding?: Pair;
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
 * A 2-D transposed convolution layer.
 * @example new ConvTranspose2d(8, 4, 2, { stride: 2 }).forward(zeros([1, 8, 16, 16])).shape  // [1, 4, 32, 32]
 */
export class ConvTranspose2d extends Module<[Tensor, (readonly [number, number])?]> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly outputPadding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvTranspose2dLayerOptions = {}) {
    super();
    const layer = 'ConvTranspose2d';
    const { groups = 1, bias = true, dtype = 'float32' } = options;
    requireSize(layer, 'inChannels', inChannels);
    requireSize(layer, 'outChannels', outChannels);
    requireSize(layer, 'groups', groups);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new RangeError(`${layer}: groups=${groups} must divide both inChannels=${inChannels} and outChannels=${outChannels}`);
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = toPair(kernelSize, layer, 'kernelSize', 1);
    this.stride = toPair(options.stride ?? 1, layer, 'stride', 1);
    this.padding = toPair(options.padding ?? 0, layer, 'padding', 0);
    this.outputPadding = toPair(options.outputPadding ?? 0, layer, 'outputPadding', 0);
    this.dilation = toPair(options.dilation ?? 1, layer, 'dilation', 1);
    for (const axis of [0, 1] as const) {
      if (this.outputPadding[axis] >= Math.max(this.stride[axis], this.dilation[axis])) {
        throw new RangeError(`${layer}: outputPadding [${this.outputPadding.join(', ')}] must be smaller than stride [${this.stride.join(', ')}] or dilation [${this.dilation.join(', ')}]`);
      }
    }
    this.groups = groups;
    const random = options.random ?? defaultRandom();
    const shape = [inChannels, outChannels / groups, ...this.kernelSize];
    this.weight = this.param('weight', kaimingUniform(zeros(shape, { dtype }), { a: Math.sqrt(5), random }));
    const bound = 1 / Math.sqrt(calculateFans(shape).fanIn);
    this.bias = bias ? this.param('bias', uniform(zeros([outChannels], { dtype }), -bound, bound, { random })) : null;
  }

  /** With `outputSize` ([OH, OW]), the outputPadding that reaches it (each in [0, max(stride, dilation)) ). */
  forward(x: Tensor, outputSize?: readonly [number, number]): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels) {
      throw new RangeError(`ConvTranspose2d: expected input [N, ${this.inChannels}, H, W], got ${fmt(x.shape)}`);
    }
    const outputPadding = outputSize === undefined ? this.outputPadding : this.outputPaddingFor(x, outputSize);
    return convTranspose2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding, dilation: this.dilation, groups: this.groups });
  }

  private outputPaddingFor(x: Tensor, outputSize: readonly [number, number]): [number, number] {
    return [0, 1].map((axis) => {
      const smallest = convTransposeOutputSize(x.shape[axis + 2]!, this.padding[axis]!, this.kernelSize[axis]!, this.stride[axis]!, this.dilation[axis]!, 0);
      const largest = smallest + Math.max(this.stride[axis]!, this.dilation[axis]!) - 1;
      const want = outputSize[axis]!;
      if (!Number.isInteger(want) || want < smallest || want > largest) {
        throw new RangeError(`ConvTranspose2d: outputSize [${outputSize.join(', ')}] is out of reach for input ${fmt(x.shape)}: axis ${axis + 2} can be ${smallest} to ${largest}`);
      }
      return want - smallest;
    }) as [number, number];
  }

  protected override extraRepr(): string {
    const parts = [`${this.inChannels}, ${this.outChannels}`, `kernelSize=[${this.kernelSize.join(', ')}]`];
    const pair = (name: string, p: readonly [number, number], dflt: number) => {
      if (p[0] !== dflt || p[1] !== dflt) parts.push(`${name}=[${p.join(', ')}]`);
    };
    pair('stride', this.stride, 1);
    pair('padding', this.padding, 0);
    pair('outputPadding', this.outputPadding, 0);
    pair('dilation', this.dilation, 1);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push('bias=false');
    return parts.join(', ');
  }
}
