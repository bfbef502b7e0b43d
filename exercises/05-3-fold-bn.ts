/**
 * Exercise 5.3 — fold an eval-mode batch norm into the convolution before it
 * (docs/course/05-normalisation-and-residuals.md, §5).
 *
 * bn(conv(x)) with conv weight W [O, C, KH, KW], conv bias b [O] (or none: 0), and batch norm
 * γ, β, running mean μ, running variance σ² [O], ε, is ONE convolution with
 *   s = γ / √(σ² + ε)          [O]
 *   W′ = s · W                  (s reshaped to [O, 1, 1, 1])
 *   b′ = s · (b − μ) + β        [O]
 * Return W′ and b′ as new tensors (leave the layers unchanged).
 *
 * Check your work: npm run exercise -- 5
 */
import { noGrad, zerosLike, type BatchNorm2d, type Conv2d, type Tensor } from '../src/index.js'; // what you will need

/** The weight and bias of the single convolution equal to bn(conv(x)) in eval mode. */
export function foldBatchNorm(conv: Conv2d, bn: BatchNorm2d): { weight: Tensor; bias: Tensor } {
  throw new Error('not implemented yet: foldBatchNorm — s = bn.weight / √(bn.runningVar + bn.eps); weight = conv.weight · s[O,1,1,1]; bias = s · ((conv.bias ?? 0) − bn.runningMean) + bn.bias (under noGrad)');
}
