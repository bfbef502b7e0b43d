/** Every differentiable (and a few non-differentiable) op, as plain functions. */
export { cast, clone } from './cast.js';
export { add, addRelu, sub, mul, div, pow, maximum, minimum, neg, eq, ne, lt, le, gt, ge, where } from './elementwise.js';
export { exp, log, sqrt, rsqrt, abs, sign, sin, cos, tanh, sigmoid, relu, leakyRelu, elu, gelu, softplus, clamp, erf } from './unary.js';
export { sum, mean, max, min, variance, std, logSumExp, sumToShape, argmax, argmin, type VarOptions } from './reduce.js';
export { softmax, logSoftmax } from './softmax.js';
export { reshape, flatten, squeeze, unsqueeze, permute, transpose, broadcastTo } from './shape.js';
export { slice, cat, stack, split, chunk, pad, gather, indexSelect, oneHot, type SliceRange } from './indexing.js';
export { matmul } from './matmul.js';
export type { TensorLike } from './helpers.js';
export { conv2d, conv2dBackpropInput, conv2dBackpropFilter, fusedConv2d, type Conv2dOptions, type Conv2dPadding, type FusedConv2dOptions } from './conv.js';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from './pool.js';
export { batchNorm, type BatchNormOptions } from './batch-norm.js';
export { layerNorm } from './layer-norm.js';
export { embedding } from './embedding.js';
export { lstmCell } from './lstm-cell.js';
export { lstmSequence } from './lstm-sequence.js';
export { gruCell } from './gru-cell.js';
export { gruSequence } from './gru-sequence.js';
