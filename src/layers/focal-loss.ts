/**
 * SigmoidFocalLoss — the focal loss (Lin et al. 2017) as a loss Module:
 *   ℓ = α_t · (1 − p_t)^γ · BCE(x, y),   p = σ(x)
 * The maths, the derivation of its backward and the function `sigmoidFocalLoss` live in
 * src/autograd/ops/focal-loss.ts. The function keeps torchvision's default reduction ('none');
 * this module defaults to 'mean', as every PyTorch loss module does.
 *
 * On imbalanced data it is an alternative to class weighting: weighting scales every example of
 * a class, the focal term scales each example by how wrong the model still is.
 */
import { sigmoidFocalLoss, type SigmoidFocalLossOptions } from '../autograd/ops/focal-loss.js';
import type { Tensor } from '../autograd/tensor.js';
import { Module } from './module.js';

export { sigmoidFocalLoss, type SigmoidFocalLossOptions } from '../autograd/ops/focal-loss.js';

/**
 * The sigmoid focal loss (Lin et al. 2017) as a module, torchvision's `sigmoid_focal_loss`: binary cross-entropy that down-weights the examples already classified well.
 * @example new SigmoidFocalLoss({ gamma: 2, alpha: -1 }).forward(logits, targets)  // a 0-d mean
 */
export class SigmoidFocalLoss extends Module<[input: Tensor, target: Tensor]> {
  readonly options: SigmoidFocalLossOptions;

  constructor(options: SigmoidFocalLossOptions = {}) {
    super();
    this.options = { reduction: 'mean', ...options };
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return sigmoidFocalLoss(input, target, this.options);
  }
}
