/**
 * The layers package: Module and Parameter, the containers, the layers, the losses, `F` (the
 * functional forms) and `init` (weight initialisation).
 */
export { Module, Parameter, StateDictError, type AnyModule, type StateDict, type LoadStateDictOptions, type LoadStateDictResult, type SummaryOptions } from './module.js';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict, type TensorModule } from './containers.js';
export { Linear, type LinearOptions } from './linear.js';
export { Conv2d, type Conv2dLayerOptions } from './conv2d.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormLayerOptions } from './batch-norm.js';
export { LayerNorm, type LayerNormLayerOptions } from './layer-norm.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export { Relu, LeakyRelu, Gelu, Sigmoid, Tanh, Softmax } from './activations.js';
// PyTorch's spellings of the same classes, for code ported from it.
export { Relu as ReLU, LeakyRelu as LeakyReLU, Gelu as GELU } from './activations.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from './pooling.js';
export { Flatten, Identity } from './shape.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export { CrossEntropyLoss, NllLoss, MseLoss, L1Loss, SmoothL1Loss, HuberLoss, BceWithLogitsLoss } from './losses.js';
export { NllLoss as NLLLoss, MseLoss as MSELoss, BceWithLogitsLoss as BCEWithLogitsLoss } from './losses.js';
export * as F from './functional.js';
export * as init from './init.js';
export { Lstm, LstmCell, RecurrentBase, type LstmState, type LstmOutput, type RecurrentOptions, type CellOptions, type CellWeights } from './lstm.js';
export { Gru, GruCell, type GruOutput } from './gru.js';
export { Lstm as LSTM, LstmCell as LSTMCell } from './lstm.js';
export { Gru as GRU, GruCell as GRUCell } from './gru.js';
export { ConvTranspose2d, type ConvTranspose2dLayerOptions } from './conv-transpose.js';
export { Conv1d, type Conv1dLayerOptions } from './conv1d.js';
export { Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, type UpsampleOptions } from './upsample.js';
export { GroupNorm, type GroupNormLayerOptions } from './group-norm.js';
export { InstanceNorm1d, InstanceNorm2d, type InstanceNormLayerOptions } from './instance-norm.js';
export { PixelShuffle, PixelUnshuffle } from './pixel-shuffle.js';
export { Bilinear, type BilinearOptions } from './bilinear.js';
export { Elu, Silu, Mish, Hardswish, Hardsigmoid, Softplus } from './activations.js';
export { Elu as ELU, Silu as SiLU } from './activations.js';
export { MultiheadAttention, splitHeads, mergeHeads, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions, type MultiheadAttentionOutput } from './attention.js';
export { TransformerEncoderLayer, TransformerEncoder, squareSubsequentMask, type TransformerEncoderLayerOptions, type TransformerEncoderLayerForwardOptions, type TransformerEncoderForwardOptions } from './transformer.js';
export { SinusoidalPositionalEncoding, LearnedPositionalEmbedding, sinusoidalPositions, type PositionalOptions } from './positional.js';
export { SigmoidFocalLoss } from './focal-loss.js';
