/**
 * TransformerEncoderLayer and TransformerEncoder — PyTorch 1.13's nn.TransformerEncoderLayer and
 * nn.TransformerEncoder (Vaswani et al. 2017, §3.1; pre-norm: Xiong et al. 2020).
 *
 *   post-norm (default)  x = norm1(x + sa(x));        x = norm2(x + ff(x))
 *   pre-norm (normFirst) x = x + sa(norm1(x));        x = x + ff(norm2(x))
 *   sa(x) = dropout1(self_attn(x, x, x))    ff(x) = dropout2(linear2(dropout(act(linear1(x)))))
 * Shapes: src [T, N, dModel] ([N, T, dModel] with batchFirst, or [T, dModel]) → the same shape.
 * srcMask [T, T] or [N·nhead, T, T] and srcKeyPaddingMask [N, T] use nn.MultiheadAttention's
 * convention (int32 1 = may not attend; float = added). Children, in PyTorch's order and names:
 * self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2.
 * TransformerEncoder(layer, numLayers, norm) stacks numLayers copies of `layer`, all starting
 * with its values (PyTorch deep-copies), under layers.0 … layers.{n−1}, then the optional norm.
 */
import { full } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { maskedFill, triangleMask } from '../autograd/ops/mask.js';
import { gelu, relu } from '../autograd/ops/unary.js';
import { add } from '../autograd/ops/elementwise.js';
import type { Random } from '../autograd/random.js';
import type { Tensor } from '../autograd/tensor.js';
import { MultiheadAttention } from './attention.js';
import { ModuleList } from './containers.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';
import { Linear, requireSize } from './linear.js';
import { Module } from './module.js';

/**
 * Options of `TransformerEncoderLayer`: feed-forward size, dropout, activation, eps, pre- or post-norm, batch-first layout and the generator.
 */
export interface TransformerEncoderLayerOptions {
  /** Width of the feed-forward block (default 2048). */
  readonly dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block, and on the attention weights (default 0.1). */
  readonly dropout?: number;
  /** The feed-forward nonlinearity (default 'relu'; 'gelu' is the exact, erf form, as PyTorch's). */
  readonly activation?: 'relu' | 'gelu';
  readonly layerNormEps?: number;
  readonly batchFirst?: boolean;
  /** LayerNorm before each block instead of after the residual sum (default false). */
  readonly normFirst?: boolean;
  readonly dtype?: FloatDType;
  /** Generator for the initial weights and the dropout masks (default: the global one). */
  readonly random?: Random;
}

/** Options of `TransformerEncoderLayer.forward`: the attention mask and the key padding mask. */
export interface TransformerEncoderLayerForwardOptions {
  /** [T, T] or [N·nhead, T, T]: int32 1 = may not attend, or float, added (e.g. squareSubsequentMask). */
  readonly srcMask?: Tensor | null;
  /** [N, T]: int32 1 marks padding positions. */
  readonly srcKeyPaddingMask?: Tensor | null;
}

/**
 * PyTorch's nn.Transformer.generate_square_subsequent_mask: a float [size, size] mask, 0 where
 * j ≤ i and −∞ above the diagonal, so that position i attends only to positions up to i.
 * @example squareSubsequentMask(3).toArray()  // [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]
 */
export function squareSubsequentMask(size: number, dtype: FloatDType = 'float32'): Tensor {
  requireSize('squareSubsequentMask', 'size', size, 0);
  return maskedFill(full([size, size], 0, { dtype }), triangleMask(size, size, 1, 'upper'), -Infinity);
}

/**
 * One encoder block: self-attention and a feed-forward network, each in a residual connection.
 * @example new TransformerEncoderLayer(16, 4, { dimFeedforward: 32 }).forward(zeros([5, 2, 16])).shape  // [5, 2, 16]
 */
export class TransformerEncoderLayer extends Module<[src: Tensor, options?: TransformerEncoderLayerForwardOptions], Tensor> {
  readonly dModel: number;
  readonly nhead: number;
  readonly normFirst: boolean;
  readonly activation: 'relu' | 'gelu';
  readonly selfAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  /** What the constructor was given, so that TransformerEncoder can build copies. */
  readonly options: TransformerEncoderLayerOptions;

  constructor(dModel: number, nhead: number, options: TransformerEncoderLayerOptions = {}) {
    super();
    const { dimFeedforward = 2048, dropout = 0.1, activation = 'relu', layerNormEps = 1e-5, batchFirst = false, normFirst = false, dtype = 'float32', random } = options;
    if (activation !== 'relu' && activation !== 'gelu') throw new RangeError(`TransformerEncoderLayer: activation must be 'relu' or 'gelu', got '${String(activation)}'`);
    requireSize('TransformerEncoderLayer', 'dimFeedforward', dimFeedforward);
    this.dModel = dModel;
    this.nhead = nhead;
    this.normFirst = normFirst;
    this.activation = activation;
    this.options = { ...options };
    const withRandom = random ? { random } : {};
    this.selfAttn = this.child('self_attn', new MultiheadAttention(dModel, nhead, { dropout, batchFirst, dtype, ...withRandom }));
    this.linear1 = this.child('linear1', new Linear(dModel, dimFeedforward, { dtype, ...withRandom }));
    this.dropout = this.child('dropout', new Dropout(dropout, withRandom));
    this.linear2 = this.child('linear2', new Linear(dimFeedforward, dModel, { dtype, ...withRandom }));
    this.norm1 = this.child('norm1', new LayerNorm(dModel, { eps: layerNormEps, dtype }));
    this.norm2 = this.child('norm2', new LayerNorm(dModel, { eps: layerNormEps, dtype }));
    this.dropout1 = this.child('dropout1', new Dropout(dropout, withRandom));
    this.dropout2 = this.child('dropout2', new Dropout(dropout, withRandom));
  }

  forward(src: Tensor, options: TransformerEncoderLayerForwardOptions = {}): Tensor {
    const { srcMask = null, srcKeyPaddingMask = null } = options;
    const sa = (x: Tensor): Tensor => this.dropout1.forward(this.selfAttn.forward(x, x, x, { attnMask: srcMask, keyPaddingMask: srcKeyPaddingMask, needWeights: false }).output);
    const act = this.activation === 'gelu' ? gelu : relu;
    const ff = (x: Tensor): Tensor => this.dropout2.forward(this.linear2.forward(this.dropout.forward(act(this.linear1.forward(x)))));
    if (this.normFirst) {
      const x = add(src, sa(this.norm1.forward(src)));
      return add(x, ff(this.norm2.forward(x)));
    }
    const x = this.norm1.forward(add(src, sa(src)));
    return this.norm2.forward(add(x, ff(x)));
  }

  /** A new layer with the same options and a copy of this one's values (PyTorch's deepcopy). */
  copy(): TransformerEncoderLayer {
    const layer = new TransformerEncoderLayer(this.dModel, this.nhead, this.options);
    layer.loadStateDict(this.stateDict());
    return layer.train(this.training);
  }

  protected override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, activation=${this.activation}, normFirst=${this.normFirst}`;
  }
}

/** Options of `TransformerEncoder.forward`: the same masks, passed to every layer. */
export interface TransformerEncoderForwardOptions {
  /** The srcMask of every layer. */
  readonly mask?: Tensor | null;
  readonly srcKeyPaddingMask?: Tensor | null;
}

/**
 * numLayers copies of an encoder layer, run in order, then an optional final norm (pre-norm
 * stacks need it: their residual stream is never normalised otherwise).
 * @example new TransformerEncoder(new TransformerEncoderLayer(16, 4), 2).forward(zeros([5, 2, 16])).shape  // [5, 2, 16]
 */
export class TransformerEncoder extends Module<[src: Tensor, options?: TransformerEncoderForwardOptions], Tensor> {
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: LayerNorm | null;
  readonly numLayers: number;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, norm: LayerNorm | null = null) {
    super();
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new TypeError('TransformerEncoder: encoderLayer must be a TransformerEncoderLayer');
    requireSize('TransformerEncoder', 'numLayers', numLayers);
    this.numLayers = numLayers;
    this.layers = this.child('layers', new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.copy())));
    this.norm = norm ? this.child('norm', norm) : null;
  }

  forward(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    const { mask = null, srcKeyPaddingMask = null } = options;
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, { srcMask: mask, srcKeyPaddingMask });
    return this.norm ? this.norm.forward(x) : x;
  }
}
