/**
 * BERT with a head, as Hugging Face's BertForMaskedLM and BertForSequenceClassification.
 *
 *   BertForMaskedLM: bert (no pooler) → cls.predictions:
 *     transform: LayerNorm(act(dense(h)))        [N, T, H] (or [M, H]: only the masked rows)
 *     decoder: · word_embeddingsᵀ + bias          → [N, T, V] (or [M, V])
 *   The decoder's weight IS the word-embedding table (tied: one Parameter, trained by both uses)
 *   and its bias is `cls.predictions.bias`, so the state dict has neither
 *   `cls.predictions.decoder.weight` nor `.bias`, which is what HF's save_pretrained writes.
 *   BertForSequenceClassification: bert → dropout(pooler output) → classifier Linear(H, labels).
 * MLM costs H·V per predicted row: with V = 8,000 and H = 128 that is more than a tiny encoder
 * layer per token, so training asks for the masked rows only (`maskedPositions`), the trick of
 * NVIDIA's BERT pretraining; HF computes all N·T rows and ignores most in the loss.
 */
import { zeros } from '../autograd/creation.js';
import { indexSelect } from '../autograd/ops/indexing.js';
import { reshape } from '../autograd/ops/shape.js';
import { fmt, type Shape } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { Dropout } from '../layers/dropout.js';
import { LayerNorm } from '../layers/layer-norm.js';
import { linear, type Linear } from '../layers/linear.js';
import { Module, type Parameter, type SummaryOptions } from '../layers/module.js';
import { checkBertConfig, type BertConfig } from './bert-config.js';
import { BertModel, bertActivation, bertLinear, bertRepr, type BertBuildOptions, type BertForwardOptions } from './bert.js';

/** dense, act, LayerNorm (HF's BertPredictionHeadTransform). */
export class BertPredictionHeadTransform extends Module {
  readonly dense: Linear;
  readonly act: (x: Tensor) => Tensor;
  readonly layerNorm: LayerNorm;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    this.dense = this.child('dense', bertLinear(config.hiddenSize, config.hiddenSize, config, options));
    this.act = bertActivation(config.hiddenAct);
    this.layerNorm = this.child('LayerNorm', new LayerNorm(config.hiddenSize, { eps: config.layerNormEps, dtype: options.dtype ?? 'float32' }));
  }

  forward(h: Tensor): Tensor {
    return this.layerNorm.forward(this.act(this.dense.forward(h)));
  }
}

/** The transform, then the tied decoder: scores over the vocabulary (HF's BertLMPredictionHead). */
export class BertLMPredictionHead extends Module {
  /** `cls.predictions.bias` [V], registered before the transform, as in HF's state dict. */
  readonly bias: Parameter;
  readonly transform: BertPredictionHeadTransform;
  /** Reads the encoder's word-embedding table: a Parameter in a field would register here too. */
  private readonly tiedTable: () => Parameter;

  constructor(config: BertConfig, wordEmbeddings: Parameter, options: BertBuildOptions = {}) {
    super();
    this.bias = this.param('bias', zeros([config.vocabSize], { dtype: options.dtype ?? 'float32' }));
    this.transform = this.child('transform', new BertPredictionHeadTransform(config, options));
    this.tiedTable = () => wordEmbeddings;
  }

  /** The word-embedding table [V, H], shared with the encoder (registered there, not here). */
  get decoderWeight(): Parameter {
    return this.tiedTable();
  }

  forward(h: Tensor): Tensor {
    return linear(this.transform.forward(h), this.decoderWeight, this.bias); //   [*, V]
  }
}

/** HF's BertOnlyMLMHead: the prediction head under the name `predictions`. */
export class BertOnlyMLMHead extends Module {
  readonly predictions: BertLMPredictionHead;

  constructor(config: BertConfig, wordEmbeddings: Parameter, options: BertBuildOptions = {}) {
    super();
    this.predictions = this.child('predictions', new BertLMPredictionHead(config, wordEmbeddings, options));
  }

  forward(h: Tensor): Tensor {
    return this.predictions.forward(h);
  }
}

/** The encoder's options plus the flat positions to score (only the masked rows, as in pretraining). */
export interface MaskedLMForwardOptions extends BertForwardOptions {
  /** int32 [M]: flat indices n·T + t of the rows to score; the result is then [M, V]. */
  readonly maskedPositions?: Tensor | null;
}

/**
 * BERT with the masked-language-model head; the logits of every position, or of the masked ones.
 * @example new BertForMaskedLM(config).forward(ids, { attentionMask }).shape  // [N, T, vocabSize]
 */
export class BertForMaskedLM extends Module<[inputIds: Tensor, options?: MaskedLMForwardOptions], Tensor> {
  readonly config: BertConfig;
  readonly bert: BertModel;
  readonly cls: BertOnlyMLMHead;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    checkBertConfig(config);
    this.config = config;
    this.bert = this.child('bert', new BertModel(config, { ...options, addPoolingLayer: false }));
    this.cls = this.child('cls', new BertOnlyMLMHead(config, this.bert.embeddings.wordEmbeddings.weight, options));
  }

  forward(inputIds: Tensor, options: MaskedLMForwardOptions = {}): Tensor {
    const { maskedPositions = null, ...rest } = options;
    const h = this.bert.forward(inputIds, rest).lastHiddenState; //                  [N, T, H]
    if (maskedPositions === null) return this.cls.forward(h); //                     [N, T, V]
    const [N, T, H] = h.shape as [number, number, number];
    if (maskedPositions.dtype !== 'int32' || maskedPositions.ndim !== 1) {
      throw new RangeError(`BertForMaskedLM: maskedPositions must be int32 [M] (flat indices into N·T = ${N * T}), got ${maskedPositions.dtype} ${fmt(maskedPositions.shape)}`);
    }
    return this.cls.forward(indexSelect(reshape(h, [N * T, H]), 0, maskedPositions)); // [M, V]
  }

  override summary(inputShape: Shape | readonly Shape[] = [1, 16], options: SummaryOptions = {}): string {
    return super.summary(inputShape, { dtype: 'int32', ...options });
  }

  protected override extraRepr(): string {
    return bertRepr(this.config);
  }
}

/**
 * BERT with a classifier on the pooled [CLS] vector: logits [N, numLabels].
 * @example new BertForSequenceClassification(config, 2).forward(ids, { attentionMask }).shape  // [N, 2]
 */
export class BertForSequenceClassification extends Module<[inputIds: Tensor, options?: BertForwardOptions], Tensor> {
  readonly config: BertConfig;
  readonly numLabels: number;
  readonly bert: BertModel;
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: BertConfig, numLabels = 2, options: BertBuildOptions = {}) {
    super();
    checkBertConfig(config);
    if (!Number.isInteger(numLabels) || numLabels < 1) throw new RangeError(`BertForSequenceClassification: numLabels must be a positive integer, got ${numLabels}`);
    this.config = config;
    this.numLabels = numLabels;
    this.bert = this.child('bert', new BertModel(config, options));
    this.dropout = this.child('dropout', new Dropout(config.classifierDropout ?? config.hiddenDropoutProb, options.random ? { random: options.random } : {}));
    this.classifier = this.child('classifier', bertLinear(config.hiddenSize, numLabels, config, options));
  }

  forward(inputIds: Tensor, options: BertForwardOptions = {}): Tensor {
    const pooled = this.bert.forward(inputIds, options).poolerOutput!; //            [N, H]
    return this.classifier.forward(this.dropout.forward(pooled)); //                 [N, labels]
  }

  override summary(inputShape: Shape | readonly Shape[] = [1, 16], options: SummaryOptions = {}): string {
    return super.summary(inputShape, { dtype: 'int32', ...options });
  }

  protected override extraRepr(): string {
    return `${bertRepr(this.config)}, numLabels=${this.numLabels}`;
  }
}
