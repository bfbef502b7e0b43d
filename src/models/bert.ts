/**
 * BERT's encoder (Devlin et al. 2019), module for module as Hugging Face's modeling_bert.py, with
 * its names, so a BertModel state dict saved as safetensors loads with strict: true.
 *
 *   ids, token types [N, T] int32; attention mask [N, T], 1 = attend (HF's convention)
 *   embeddings: word[ids] + token_type[types] + position[0…T−1], LayerNorm, dropout → [N, T, H]
 *   encoder.layer.i, i < L, post-norm:
 *     attention.self: query, key, value Linear(H, H), split into A heads     → [N, A, T, H/A]
 *       softmax(q·kᵀ/√(H/A), padded keys dropped)·v (one fused op), merged  → [N, T, H]
 *     attention.output: LayerNorm(x + dropout(dense(·)))                     → [N, T, H]
 *     intermediate: act(dense(·)) → [N, T, I];  output: LayerNorm(a + dropout(dense(·))) → [N, T, H]
 *   pooler: tanh(dense(hidden[:, 0])), the [CLS] position                   → [N, H]
 * bert-base (L 12, H 768, A 12, I 3072, 30,522 words): 109,482,240 parameters (bert.test.ts).
 * Init as HF's _init_weights: Linear and Embedding N(0, 0.02²), biases 0, the [PAD] row 0.
 * `embeddings.position_ids` is no state here: HF made it a non-persistent buffer in 4.31
 * (older files carry it; bert-checkpoint.ts drops it). Heads: bert-heads.ts.
 */
import { arange, zeros } from '../autograd/creation.js';
import type { FloatDType } from '../autograd/dtype.js';
import { noGrad } from '../autograd/function.js';
import { attentionWeights, scaledDotProductAttention } from '../autograd/ops/attention.js';
import { add, ne, where } from '../autograd/ops/elementwise.js';
import { slice } from '../autograd/ops/indexing.js';
import { matmul } from '../autograd/ops/matmul.js';
import { reshape } from '../autograd/ops/shape.js';
import { gelu, relu, tanh } from '../autograd/ops/unary.js';
import { defaultRandom, type Random } from '../autograd/random.js';
import { fmt, type Shape } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { mergeHeads, splitHeads } from '../layers/attention.js';
import { ModuleList } from '../layers/containers.js';
import { Dropout, dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import { normal } from '../layers/init.js';
import { LayerNorm } from '../layers/layer-norm.js';
import { Linear } from '../layers/linear.js';
import { Module, type SummaryOptions } from '../layers/module.js';
import { checkBertConfig, type BertActivation, type BertConfig } from './bert-config.js';

/** What every BERT module is built with: the config, the dtype and the generator. */
export interface BertBuildOptions {
  readonly dtype?: FloatDType;
  /** Source of the initial weights and the dropout masks (default: the global generator). */
  readonly random?: Random;
}

/** What `BertModel.forward` takes beside the token ids: the padding mask, segments, positions, and whether to return the attention weights. */
export interface BertForwardOptions {
  /** [N, T] (or [N, T, T] per query) 1 = attend, 0 = padding; int32 or float 0/1. Default: all 1. */
  readonly attentionMask?: Tensor | null;
  /** [N, T] int32 segment ids (default 0 everywhere). */
  readonly tokenTypeIds?: Tensor | null;
  /** [N, T] or [T] int32 positions (default 0 … T−1). */
  readonly positionIds?: Tensor | null;
  /** Also return each layer's attention weights [N, A, T, T] (computed by composed ops). */
  readonly outputAttentions?: boolean;
}

/** Linear(in, out) initialised as Hugging Face's BERT: W ~ N(0, σ²), b = 0. */
export function bertLinear(inFeatures: number, outFeatures: number, config: BertConfig, options: BertBuildOptions): Linear {
  const { dtype = 'float32' } = options;
  const random = options.random ?? defaultRandom();
  const layer = new Linear(inFeatures, outFeatures, { dtype, random });
  noGrad(() => {
    normal(layer.weight, 0, config.initializerRange, { random });
    layer.bias?.assign(zeros([outFeatures], { dtype }));
  });
  return layer;
}

function bertEmbedding(rows: number, config: BertConfig, options: BertBuildOptions, paddingIdx: number | null = null): Embedding {
  const { dtype = 'float32' } = options;
  const random = options.random ?? defaultRandom();
  const table = new Embedding(rows, config.hiddenSize, { paddingIdx, dtype, random });
  noGrad(() => {
    normal(table.weight, 0, config.initializerRange, { random });
    // The [PAD] row back to zero: keep the table where a [rows, 1] column is 1, i.e. off row p.
    if (paddingIdx !== null) table.weight.assign(where(reshape(ne(arange(rows), paddingIdx), [rows, 1]), table.weight, 0));
  });
  return table;
}

const activations: Readonly<Record<BertActivation, (x: Tensor) => Tensor>> = {
  gelu: (x) => gelu(x),
  gelu_new: (x) => gelu(x, 'tanh'),
  relu,
};

/** The function behind a config's hiddenAct (HF's ACT2FN). */
export const bertActivation = (name: BertActivation): ((x: Tensor) => Tensor) => activations[name];

/** Word, position and token-type embeddings, summed, normalised and dropped out. */
export class BertEmbeddings extends Module<[inputIds: Tensor, tokenTypeIds?: Tensor | null, positionIds?: Tensor | null], Tensor> {
  readonly wordEmbeddings: Embedding;
  readonly positionEmbeddings: Embedding;
  readonly tokenTypeEmbeddings: Embedding;
  readonly layerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    const { dtype = 'float32' } = options;
    this.wordEmbeddings = this.child('word_embeddings', bertEmbedding(config.vocabSize, config, options, config.padTokenId));
    this.positionEmbeddings = this.child('position_embeddings', bertEmbedding(config.maxPositionEmbeddings, config, options));
    this.tokenTypeEmbeddings = this.child('token_type_embeddings', bertEmbedding(config.typeVocabSize, config, options));
    this.layerNorm = this.child('LayerNorm', new LayerNorm(config.hiddenSize, { eps: config.layerNormEps, dtype }));
    this.dropout = this.child('dropout', new Dropout(config.hiddenDropoutProb, options.random ? { random: options.random } : {}));
  }

  forward(inputIds: Tensor, tokenTypeIds: Tensor | null = null, positionIds: Tensor | null = null): Tensor {
    const T = inputIds.shape[1]!;
    const maxT = this.positionEmbeddings.numEmbeddings;
    if (inputIds.ndim !== 2 || inputIds.dtype !== 'int32') throw new RangeError(`BertEmbeddings: expected int32 input ids [N, T], got ${inputIds.dtype} ${fmt(inputIds.shape)}`);
    if (T > maxT) throw new RangeError(`BertEmbeddings: ${T} tokens do not fit in maxPositionEmbeddings ${maxT}`);
    const words = this.wordEmbeddings.forward(inputIds); //                                     [N, T, H]
    // Without token types every position has type 0: row 0 of the table, broadcast.        [N, T, H] or [1, H]
    const types = this.tokenTypeEmbeddings.forward(tokenTypeIds ?? zeros([1], { dtype: 'int32' }));
    // Without position ids the positions are 0 … T−1 (HF's position_ids buffer).             [T, H] or [N, T, H]
    const positions = this.positionEmbeddings.forward(positionIds ?? arange(0, T, 1, { dtype: 'int32' }));
    return this.dropout.forward(this.layerNorm.forward(add(add(words, types), positions))); //  [N, T, H]
  }
}

/** Multi-head self-attention with separate query, key and value projections (HF's BertSelfAttention). */
export class BertSelfAttention extends Module<[x: Tensor, keep: Tensor | null, outputAttentions?: boolean], { context: Tensor; weights: Tensor | null }> {
  readonly numHeads: number;
  readonly dropoutP: number;
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly #random: Random | undefined;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    const H = config.hiddenSize;
    this.numHeads = config.numAttentionHeads;
    this.dropoutP = config.attentionProbsDropoutProb;
    this.#random = options.random;
    this.query = this.child('query', bertLinear(H, H, config, options));
    this.key = this.child('key', bertLinear(H, H, config, options));
    this.value = this.child('value', bertLinear(H, H, config, options));
  }

  /** x [N, T, H], keep: int32 broadcasting to [N, A, T, T] (1 = attend) → context [N, T, H]. */
  forward(x: Tensor, keep: Tensor | null, outputAttentions = false): { context: Tensor; weights: Tensor | null } {
    const q = splitHeads(this.query.forward(x), this.numHeads); //           [N, A, T, d]
    const k = splitHeads(this.key.forward(x), this.numHeads); //             [N, A, T, d]
    const v = splitHeads(this.value.forward(x), this.numHeads); //           [N, A, T, d]
    const p = this.training ? this.dropoutP : 0;
    if (!outputAttentions) {
      const heads = scaledDotProductAttention(q, k, v, { attnMask: keep, dropoutP: p, ...(this.#random ? { random: this.#random } : {}) });
      return { context: mergeHeads(heads), weights: null }; //               [N, T, H]
    }
    const weights = attentionWeights(q, k, { attnMask: keep }); //           [N, A, T, T]
    const heads = matmul(dropout(weights, p, p > 0, this.#random), v); //    [N, A, T, d]
    return { context: mergeHeads(heads), weights };
  }
}

/** dense, dropout, then LayerNorm of the residual sum: BertSelfOutput and BertOutput alike. */
export class BertResidualOutput extends Module<[h: Tensor, residual: Tensor], Tensor> {
  readonly dense: Linear;
  readonly layerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(inFeatures: number, config: BertConfig, options: BertBuildOptions = {}) {
    super();
    this.dense = this.child('dense', bertLinear(inFeatures, config.hiddenSize, config, options));
    this.layerNorm = this.child('LayerNorm', new LayerNorm(config.hiddenSize, { eps: config.layerNormEps, dtype: options.dtype ?? 'float32' }));
    this.dropout = this.child('dropout', new Dropout(config.hiddenDropoutProb, options.random ? { random: options.random } : {}));
  }

  forward(h: Tensor, residual: Tensor): Tensor {
    return this.layerNorm.forward(add(this.dropout.forward(this.dense.forward(h)), residual)); // [N, T, H]
  }
}

/** Self-attention and its output block (HF's BertAttention: children `self` and `output`). */
export class BertAttention extends Module<[x: Tensor, keep: Tensor | null, outputAttentions?: boolean], { output: Tensor; weights: Tensor | null }> {
  readonly self: BertSelfAttention;
  readonly output: BertResidualOutput;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    this.self = this.child('self', new BertSelfAttention(config, options));
    this.output = this.child('output', new BertResidualOutput(config.hiddenSize, config, options));
  }

  forward(x: Tensor, keep: Tensor | null, outputAttentions = false): { output: Tensor; weights: Tensor | null } {
    const { context, weights } = this.self.forward(x, keep, outputAttentions);
    return { output: this.output.forward(context, x), weights };
  }
}

/** The first feed-forward layer and its activation (HF's BertIntermediate). */
export class BertIntermediate extends Module {
  readonly dense: Linear;
  readonly act: (x: Tensor) => Tensor;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    this.dense = this.child('dense', bertLinear(config.hiddenSize, config.intermediateSize, config, options));
    this.act = activations[config.hiddenAct];
  }

  forward(x: Tensor): Tensor {
    return this.act(this.dense.forward(x)); //                               [N, T, I]
  }
}

/** One post-norm encoder layer: attention, intermediate, output. */
export class BertLayer extends Module<[x: Tensor, keep: Tensor | null, outputAttentions?: boolean], { output: Tensor; weights: Tensor | null }> {
  readonly attention: BertAttention;
  readonly intermediate: BertIntermediate;
  readonly output: BertResidualOutput;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    this.attention = this.child('attention', new BertAttention(config, options));
    this.intermediate = this.child('intermediate', new BertIntermediate(config, options));
    this.output = this.child('output', new BertResidualOutput(config.intermediateSize, config, options));
  }

  forward(x: Tensor, keep: Tensor | null, outputAttentions = false): { output: Tensor; weights: Tensor | null } {
    const a = this.attention.forward(x, keep, outputAttentions); //                    [N, T, H]
    return { output: this.output.forward(this.intermediate.forward(a.output), a.output), weights: a.weights };
  }
}

/** L encoder layers, registered as `layer.0` … `layer.{L−1}`. */
export class BertEncoder extends Module<[x: Tensor, keep: Tensor | null, outputAttentions?: boolean], { output: Tensor; attentions: Tensor[] }> {
  readonly layer: ModuleList<BertLayer>;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    this.layer = this.child('layer', new ModuleList(Array.from({ length: config.numHiddenLayers }, () => new BertLayer(config, options))));
  }

  forward(x: Tensor, keep: Tensor | null, outputAttentions = false): { output: Tensor; attentions: Tensor[] } {
    let h = x;
    const attentions: Tensor[] = [];
    for (const layer of this.layer) {
      const out = layer.forward(h, keep, outputAttentions);
      h = out.output;
      if (out.weights) attentions.push(out.weights);
    }
    return { output: h, attentions };
  }
}

/** tanh(dense(h[:, 0])): the [CLS] position's vector, transformed (HF's BertPooler). */
export class BertPooler extends Module {
  readonly dense: Linear;

  constructor(config: BertConfig, options: BertBuildOptions = {}) {
    super();
    this.dense = this.child('dense', bertLinear(config.hiddenSize, config.hiddenSize, config, options));
  }

  forward(hidden: Tensor): Tensor {
    const [N, , H] = hidden.shape as [number, number, number];
    const first = reshape(slice(hidden, [null, { stop: 1 }]), [N, H]); //                 [N, H]
    return tanh(this.dense.forward(first));
  }
}

/** What `BertModel.forward` returns: the last hidden states, the pooled [CLS] vector and (on request) every layer's attention weights. */
export interface BertModelOutput {
  /** The last layer's hidden states [N, T, H]. */
  readonly lastHiddenState: Tensor;
  /** The pooler's output [N, H], or null for a model built without a pooler. */
  readonly poolerOutput: Tensor | null;
  /** With outputAttentions: per layer, the weights [N, A, T, T]; else empty. */
  readonly attentions: readonly Tensor[];
}

/**
 * HF's attention mask made the fused op's keep mask: [N, T] → [N, 1, 1, T] int32 (the same for
 * every head and query); [N, T, T] → [N, 1, T, T]. HF adds (1 − mask)·min(float) to the scores
 * instead, which gives the same weights (exactly 0) unless a query keeps no key: HF's softmax
 * then spreads evenly over every key, ours gives that query a zero context.
 */
export function bertKeepMask(attentionMask: Tensor, N: number, T: number): Tensor {
  const m = attentionMask.dtype === 'int32' ? attentionMask : ne(attentionMask, 0);
  if (m.ndim === 2 && m.shape[0] === N && m.shape[1] === T) return reshape(m, [N, 1, 1, T]);
  if (m.ndim === 3 && m.shape[0] === N && m.shape[1] === T && m.shape[2] === T) return reshape(m, [N, 1, T, T]);
  throw new RangeError(`BertModel: attentionMask must be [${N}, ${T}] or [${N}, ${T}, ${T}] for input ids [${N}, ${T}], got ${fmt(attentionMask.shape)}`);
}

/**
 * The bare BERT encoder: embeddings, L layers and (unless addPoolingLayer is false) the pooler.
 * @example new BertModel(bertConfig('tiny', { vocabSize: 100 })).forward(ids).lastHiddenState.shape  // [N, T, 128]
 */
export class BertModel extends Module<[inputIds: Tensor, options?: BertForwardOptions], BertModelOutput> {
  readonly config: BertConfig;
  readonly embeddings: BertEmbeddings;
  readonly encoder: BertEncoder;
  readonly pooler: BertPooler | null;

  constructor(config: BertConfig, options: BertBuildOptions & { readonly addPoolingLayer?: boolean } = {}) {
    super();
    checkBertConfig(config);
    const { addPoolingLayer = true, ...build } = options;
    this.config = config;
    this.embeddings = this.child('embeddings', new BertEmbeddings(config, build));
    this.encoder = this.child('encoder', new BertEncoder(config, build));
    this.pooler = addPoolingLayer ? this.child('pooler', new BertPooler(config, build)) : null;
  }

  forward(inputIds: Tensor, options: BertForwardOptions = {}): BertModelOutput {
    const { attentionMask = null, tokenTypeIds = null, positionIds = null, outputAttentions = false } = options;
    const [N = 0, T = 0] = inputIds.shape;
    for (const [name, t] of [['tokenTypeIds', tokenTypeIds], ['positionIds', positionIds]] as const) {
      if (t && (t.dtype !== 'int32' || (fmt(t.shape) !== fmt([N, T]) && !(name === 'positionIds' && fmt(t.shape) === fmt([T]))))) {
        throw new RangeError(`BertModel: ${name} must be int32 [${N}, ${T}] like the input ids, got ${t.dtype} ${fmt(t.shape)}`);
      }
    }
    const keep = attentionMask ? bertKeepMask(attentionMask, N, T) : null; //           [N, 1, 1, T]
    const x = this.embeddings.forward(inputIds, tokenTypeIds, positionIds); //         [N, T, H]
    const { output, attentions } = this.encoder.forward(x, keep, outputAttentions); // [N, T, H]
    const poolerOutput = this.pooler ? this.pooler.forward(output) : null; //          [N, H]
    return { lastHiddenState: output, poolerOutput, attentions };
  }

  override summary(inputShape: Shape | readonly Shape[] = [1, 16], options: SummaryOptions = {}): string {
    return super.summary(inputShape, { dtype: 'int32', ...options });
  }

  protected override extraRepr(): string {
    return bertRepr(this.config);
  }
}

/** The config in one line, for toString(). */
export function bertRepr(c: BertConfig): string {
  return `layers=${c.numHiddenLayers}, hidden=${c.hiddenSize}, heads=${c.numAttentionHeads}, intermediate=${c.intermediateSize}, vocab=${c.vocabSize}`;
}
