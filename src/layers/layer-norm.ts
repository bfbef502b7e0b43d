/**
 * LayerNorm — y = γ ⊙ (x − μ) / √(σ² + ε) + β over the last axes (Ba et al. 2016).
 *
 * Shapes: x [*, D₁ … D_k] → y of the same shape, with normalizedShape = [D₁ … D_k]; γ
 * (`weight`, init 1) and β (`bias`, init 0) have normalizedShape. Each leading index is
 * normalised on its own with the biased variance, so, unlike BatchNorm, there is no running
 * state and training and eval behave the same. The fused op and its derivation:
 * src/autograd/ops/layer-norm.ts.
 */
import { ones, zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { layerNorm } from '../autograd/ops/layer-norm.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { Module, type Parameter } from './module.js';

/** Options of `LayerNorm`: eps and the affine parameters. */
export interface LayerNormLayerOptions {
  /** Added to the variance for stability (default 1e-5). */
  readonly eps?: number;
  /** Learn γ and β (default true). */
  readonly elementwiseAffine?: boolean;
  /** Learn β when elementwiseAffine (default true). */
  readonly bias?: boolean;
  readonly dtype?: FloatDType;
}

/**
 * Layer normalisation over the trailing `normalizedShape` axes.
 * @example new LayerNorm(16).forward(randn([2, 5, 16])).shape  // [2, 5, 16]
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormLayerOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new RangeError(`LayerNorm: normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(normalizedShape)}`);
    }
    const { eps = 1e-5, elementwiseAffine = true, bias = true, dtype = 'float32' } = options;
    this.normalizedShape = Object.freeze(shape);
    this.eps = eps;
    this.weight = elementwiseAffine ? this.param('weight', ones(shape, { dtype })) : null;
    this.bias = elementwiseAffine && bias ? this.param('bias', zeros(shape, { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    if (x.ndim < k || fmt(x.shape.slice(x.ndim - k)) !== fmt(this.normalizedShape)) {
      throw new RangeError(`LayerNorm: expected input [*, ${this.normalizedShape.join(', ')}], got ${fmt(x.shape)}`);
    }
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  protected override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}
