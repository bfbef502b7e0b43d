/**
 * BertConfig — the hyper-parameters of a BERT model, Hugging Face's `BertConfig` fields in
 * camelCase with its defaults (bert-base-uncased: 12 layers, 768 wide, 12 heads, vocabulary
 * 30,522), the named sizes of Google's BERT miniatures (Turc et al. 2019, "Well-Read Students
 * Learn Better", Table 1: tiny, mini, small, medium, base; one head per 64 dimensions, a
 * feed-forward 4× as wide), and the reading of a Hugging Face config.json.
 */
import { requireSize } from '../layers/linear.js';

/** 'gelu' is the exact erf form (HF's default), 'gelu_new' the tanh approximation. */
export type BertActivation = 'gelu' | 'gelu_new' | 'relu';

/** Hugging Face's BertConfig in camelCase: the sizes, the activation, dropout, the embedding tables and the initialisation. */
export interface BertConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  /** Width of the feed-forward block (BERT: 4 × hiddenSize). */
  readonly intermediateSize: number;
  readonly hiddenAct: BertActivation;
  /** Dropout on the embeddings and after each sub-block (default 0.1). */
  readonly hiddenDropoutProb: number;
  /** Dropout on the attention weights (default 0.1). */
  readonly attentionProbsDropoutProb: number;
  /** Rows of the position table: the longest input (default 512). */
  readonly maxPositionEmbeddings: number;
  /** Segment types (default 2: sentence A and B). */
  readonly typeVocabSize: number;
  readonly layerNormEps: number;
  /** Standard deviation of the N(0, σ²) initial weights (default 0.02). */
  readonly initializerRange: number;
  /** The [PAD] id: its embedding row starts at zero and gets no gradient (default 0). */
  readonly padTokenId: number;
  /** Dropout before the classifier; null means hiddenDropoutProb (default null). */
  readonly classifierDropout: number | null;
}

/** Hugging Face's BertConfig() defaults: bert-base-uncased. */
export const BERT_BASE_CONFIG: BertConfig = Object.freeze({
  vocabSize: 30522, hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, intermediateSize: 3072,
  hiddenAct: 'gelu', hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1, maxPositionEmbeddings: 512,
  typeVocabSize: 2, layerNormEps: 1e-12, initializerRange: 0.02, padTokenId: 0, classifierDropout: null,
});

/** Google's miniature BERT sizes (Turc et al. 2019) and BERT-base, as `bertConfig` names them. */
export type BertSize = 'tiny' | 'mini' | 'small' | 'medium' | 'base';

/** Layers L and width H of Google's BERT miniatures; heads H/64, feed-forward 4H. */
export const BERT_SIZES: Readonly<Record<BertSize, { readonly layers: number; readonly hidden: number }>> = Object.freeze({
  tiny: { layers: 2, hidden: 128 },
  mini: { layers: 4, hidden: 256 },
  small: { layers: 4, hidden: 512 },
  medium: { layers: 8, hidden: 512 },
  base: { layers: 12, hidden: 768 },
});

/**
 * A full, checked config: a named size (or base) with any field overridden.
 * @example bertConfig('tiny', { vocabSize: 8000 }).numAttentionHeads  // 2
 */
export function bertConfig(size: BertSize = 'base', overrides: Partial<BertConfig> = {}): BertConfig {
  const { layers, hidden } = BERT_SIZES[size] ?? {};
  if (layers === undefined || hidden === undefined) throw new RangeError(`bertConfig: unknown size '${String(size)}'; use one of ${Object.keys(BERT_SIZES).join(', ')}`);
  const config: BertConfig = {
    ...BERT_BASE_CONFIG, numHiddenLayers: layers, hiddenSize: hidden, numAttentionHeads: hidden / 64, intermediateSize: 4 * hidden, ...overrides,
  };
  checkBertConfig(config);
  return Object.freeze(config);
}

/** Throws a RangeError naming the first field that makes no sense. */
export function checkBertConfig(c: BertConfig): void {
  for (const name of ['vocabSize', 'hiddenSize', 'numHiddenLayers', 'numAttentionHeads', 'intermediateSize', 'maxPositionEmbeddings', 'typeVocabSize'] as const) {
    requireSize('BertConfig', name, c[name]);
  }
  if (c.hiddenSize % c.numAttentionHeads !== 0) throw new RangeError(`BertConfig: hiddenSize ${c.hiddenSize} is not a multiple of numAttentionHeads ${c.numAttentionHeads}`);
  if (!['gelu', 'gelu_new', 'relu'].includes(c.hiddenAct)) throw new RangeError(`BertConfig: hiddenAct must be 'gelu', 'gelu_new' or 'relu', got '${String(c.hiddenAct)}'`);
  const probabilities = [['hiddenDropoutProb', c.hiddenDropoutProb], ['attentionProbsDropoutProb', c.attentionProbsDropoutProb], ['classifierDropout', c.classifierDropout ?? 0]] as const;
  for (const [name, p] of probabilities) if (!(p >= 0 && p <= 1)) throw new RangeError(`BertConfig: ${name} must be a probability in [0, 1], got ${p}`);
  if (!(c.layerNormEps > 0)) throw new RangeError(`BertConfig: layerNormEps must be positive, got ${c.layerNormEps}`);
  if (!(c.initializerRange >= 0)) throw new RangeError(`BertConfig: initializerRange must be ≥ 0, got ${c.initializerRange}`);
  if (!Number.isInteger(c.padTokenId) || c.padTokenId < 0 || c.padTokenId >= c.vocabSize) throw new RangeError(`BertConfig: padTokenId ${c.padTokenId} is not an id of the ${c.vocabSize}-token vocabulary`);
}

const HF_FIELDS: Readonly<Record<string, keyof BertConfig>> = {
  vocab_size: 'vocabSize', hidden_size: 'hiddenSize', num_hidden_layers: 'numHiddenLayers', num_attention_heads: 'numAttentionHeads',
  intermediate_size: 'intermediateSize', hidden_act: 'hiddenAct', hidden_dropout_prob: 'hiddenDropoutProb',
  attention_probs_dropout_prob: 'attentionProbsDropoutProb', max_position_embeddings: 'maxPositionEmbeddings',
  type_vocab_size: 'typeVocabSize', layer_norm_eps: 'layerNormEps', initializer_range: 'initializerRange',
  pad_token_id: 'padTokenId', classifier_dropout: 'classifierDropout',
};

/**
 * The config of a Hugging Face config.json (parsed): its BERT fields, base defaults for the rest.
 * Refuses what this BERT does not implement (relative position embeddings, a decoder).
 * @example bertConfigFromHuggingFace(JSON.parse(readFileSync('config.json', 'utf8'))).hiddenSize  // 768
 */
export function bertConfigFromHuggingFace(json: Readonly<Record<string, unknown>>): BertConfig {
  const positions = json['position_embedding_type'];
  if (positions !== undefined && positions !== 'absolute') throw new RangeError(`bertConfigFromHuggingFace: position_embedding_type '${String(positions)}' is not supported (only 'absolute')`);
  if (json['is_decoder'] === true) throw new RangeError('bertConfigFromHuggingFace: is_decoder models (causal BERT) are not supported');
  const fields: Record<string, unknown> = {};
  for (const [hf, ours] of Object.entries(HF_FIELDS)) if (json[hf] !== undefined) fields[ours] = json[hf];
  const config = { ...BERT_BASE_CONFIG, ...fields } as BertConfig;
  checkBertConfig(config);
  return Object.freeze(config);
}

/**
 * The config as Hugging Face's config.json fields (the inverse of bertConfigFromHuggingFace).
 * @example bertConfigToHuggingFace(bertConfig('tiny')).num_hidden_layers  // 2
 */
export function bertConfigToHuggingFace(config: BertConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [hf, ours] of Object.entries(HF_FIELDS)) out[hf] = config[ours];
  return { ...out, position_embedding_type: 'absolute' };
}
