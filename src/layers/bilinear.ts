/**
 * Bilinear — y_k = x₁ᵀ A_k x₂ + b_k: every output feature is a bilinear form of two inputs, the
 * layer PyTorch calls nn.Bilinear (an interaction term, as in bilinear pooling or relation scores).
 *
 * Shapes: x₁ [*, in1], x₂ [*, in2] (the same leading axes) → y [*, out]; `weight` [out, in1, in2],
 * `bias` [out]. Initialisation is PyTorch's: W and b ~ U(−1/√in1, 1/√in1). The op and its
 * derivation: src/autograd/ops/bilinear.ts.
 */
import { zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { bilinear } from '../autograd/ops/bilinear.js';
import { defaultRandom, type Random } from '../autograd/random.js';
import type { Tensor } from '../autograd/tensor.js';
import { uniform } from './init.js';
import { requireSize } from './linear.js';
import { Module, type Parameter } from './module.js';

/** Options of `Bilinear`: the bias and the generator of the initial weights. */
export interface BilinearOptions {
  /** Learn an additive bias per output feature (default true). */
  readonly bias?: boolean;
  readonly dtype?: FloatDType;
  readonly random?: Random;
}

/**
 * A bilinear layer of two inputs.
 * @example new Bilinear(3, 4, 5).forward(zeros([2, 3]), zeros([2, 4])).shape  // [2, 5]
 */
export class Bilinear extends Module<[Tensor, Tensor]> {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, options: BilinearOptions = {}) {
    super();
    requireSize('Bilinear', 'in1Features', in1Features);
    requireSize('Bilinear', 'in2Features', in2Features);
    requireSize('Bilinear', 'outFeatures', outFeatures);
    const { bias = true, dtype = 'float32' } = options;
    const random = options.random ?? defaultRandom();
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    const bound = 1 / Math.sqrt(in1Features);
    this.weight = this.param('weight', uniform(zeros([outFeatures, in1Features, in2Features], { dtype }), -bound, bound, { random }));
    this.bias = bias ? this.param('bias', uniform(zeros([outFeatures], { dtype }), -bound, bound, { random })) : null;
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinear(x1, x2, this.weight, this.bias);
  }

  protected override extraRepr(): string {
    return `in1Features=${this.in1Features}, in2Features=${this.in2Features}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
