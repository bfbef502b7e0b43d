/**
 * functional — the stateless forms, exported as the namespace `F` (PyTorch's
 * `torch.nn.functional`): the losses, and the layer computations with their state passed in.
 *
 * A layer class owns its parameters and calls one of these in its forward; reach for `F` when
 * you hold the tensors yourself (a custom layer, a functional model, a quick experiment):
 *   F.crossEntropy(logits, labels, { labelSmoothing: 0.1 })
 *   F.linear(x, w, b)   F.conv2d(x, w, b, { padding: 'same' })   F.dropout(x, 0.5, training)
 *   F.interpolate(x, { scaleFactor: 2, mode: 'bilinear' })   F.convTranspose2d(x, w, b, { stride: 2 })
 * Everything here is re-exported from the files that define it.
 */
export {
  crossEntropy, nllLoss, mseLoss, l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropyWithLogits,
  type Reduction, type ReductionOptions, type CrossEntropyOptions, type NllLossOptions,
  type SmoothL1Options, type HuberOptions, type BceWithLogitsOptions,
} from './losses.js';
export { sigmoidFocalLoss, type SigmoidFocalLossOptions } from './focal-loss.js';
export { linear } from './linear.js';
export { dropout } from './dropout.js';
export { conv2d, fusedConv2d } from '../autograd/ops/conv.js';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d } from '../autograd/ops/pool.js';
export { batchNorm, type BatchNormOptions } from '../autograd/ops/batch-norm.js';
export { layerNorm } from '../autograd/ops/layer-norm.js';
export { embedding } from '../autograd/ops/embedding.js';
export { relu, leakyRelu, gelu, elu, sigmoid, tanh } from '../autograd/ops/unary.js';
// PyTorch's F.softplus(x, beta, threshold); at the defaults it equals ops' plain softplus except above the threshold (x itself).
export { softplus, silu, mish, hardswish, hardsigmoid } from '../autograd/ops/activations.js';
export { softmax, logSoftmax } from '../autograd/ops/softmax.js';
export { oneHot, pad } from '../autograd/ops/indexing.js';
export { flatten } from '../autograd/ops/shape.js';
export { convTranspose2d, type ConvTranspose2dOptions } from '../autograd/ops/conv-transpose.js';
export { conv1d, type Conv1dOptions } from '../autograd/ops/conv1d.js';
export { interpolate, type InterpolateMode, type InterpolateOptions } from '../autograd/ops/interpolate.js';
export { groupNorm, instanceNorm, type InstanceNormOptions } from '../autograd/ops/group-norm.js';
export { pixelShuffle, pixelUnshuffle } from '../autograd/ops/pixel-shuffle.js';
export { bilinear } from '../autograd/ops/bilinear.js';
export { scaledDotProductAttention, type AttentionOptions } from '../autograd/ops/attention.js';
