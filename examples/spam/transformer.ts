/**
 * The small text Transformer of the spam-thresholds example: WordPiece pieces of the mail → a
 * 1-layer pre-norm Transformer encoder → the mean of its token vectors → one logit.
 *
 *   ids      [CLS] pieces… [SEP], the first 48 (head truncation), padded    [N, T] int32
 *   embed    Embedding(V, 32) + the sinusoid table                          → [N, T, 32]
 *   encoder  1 pre-norm layer (2 heads, feed-forward 64), final LayerNorm, padding masked → [N, T, 32]
 *   pool     Σ_t h[n, t] · w[n, t], w = 1/len on real tokens, 0 on padding   → [N, 32]
 *   head     Linear(32, 1)                                                  → [N]
 * The vocabulary (4,000 pieces) is trained on the fit mails only, as the bag of words is. Trained
 * by trainBinary (Adam 3e-3, batch 64, bucketed, early stopping), with BCE by default. Kept this
 * small — 48 pieces (Subject and first ~30 words), one layer, width 32, at most 3 epochs — because
 * an epoch took minutes on the busy shared 2-core CPU.
 */
import { Embedding, LayerNorm, Linear, Module, mul, noGrad, reshape, scope, seededRandom, sum, Tensor, text, TransformerEncoder, TransformerEncoderLayer, unsqueeze } from '../../src/index.js';
import { SinusoidalPositionalEncoding } from '../../src/layers/positional.js';
import type { SpamModel, TrainingData } from './models.js';
import { gatherLogits, lengthSortedBatches, scheduleOf, trainBinary } from './train-binary.js';

/** The sizes of the text Transformer and its training. */
export interface TransformerSettings {
  readonly vocabSize: number;
  readonly maxLength: number;
  readonly dModel: number;
  readonly nhead: number;
  readonly numLayers: number;
  readonly dimFeedforward: number;
  readonly dropout: number;
  readonly lr: number;
  readonly batchSize: number;
  readonly maxEpochs: number;
  readonly patience: number;
}

export const TRANSFORMER_SETTINGS: TransformerSettings = {
  vocabSize: 4000, maxLength: 48, dModel: 32, nhead: 2, numLayers: 1, dimFeedforward: 64, dropout: 0.1,
  lr: 3e-3, batchSize: 64, maxEpochs: 3, patience: 1,
};

/** Token ids and padding → one logit per mail (see the file header). */
export class TextTransformer extends Module<[ids: Tensor, padding: Tensor, poolWeights: Tensor], Tensor> {
  readonly embed: Embedding;
  readonly positions: SinusoidalPositionalEncoding;
  readonly encoder: TransformerEncoder;
  readonly head: Linear;

  constructor(vocabulary: number, settings: TransformerSettings, seed: number) {
    super();
    const random = seededRandom(seed);
    const { dModel, nhead, numLayers, dimFeedforward, dropout, maxLength } = settings;
    this.embed = this.child('embed', new Embedding(vocabulary, dModel, { paddingIdx: 0, random }));
    this.positions = this.child('positions', new SinusoidalPositionalEncoding(dModel, { maxLen: maxLength, batchFirst: true, dropout, random }));
    const layer = new TransformerEncoderLayer(dModel, nhead, { dimFeedforward, dropout, batchFirst: true, normFirst: true, random });
    this.encoder = this.child('encoder', new TransformerEncoder(layer, numLayers, new LayerNorm([dModel])));
    this.head = this.child('head', new Linear(dModel, 1, { random }));
  }

  /** ids [N, T] int32; padding [N, T] int32, 1 on padding; poolWeights [N, T], 1/len on real tokens. */
  forward(ids: Tensor, padding: Tensor, poolWeights: Tensor): Tensor {
    const x = this.positions.forward(this.embed.forward(ids)); //                 [N, T, d]
    const h = this.encoder.forward(x, { srcKeyPaddingMask: padding }); //        [N, T, d]
    const pooled = sum(mul(h, unsqueeze(poolWeights, 2)), 1); //                   [N, d]
    const out = this.head.forward(pooled); //                                      [N, 1]
    return reshape(out, [out.shape[0]!]); //                                       [N]
  }
}

/** The three input tensors of a batch of encoded mails. */
export function transformerBatch(encodings: readonly (readonly number[] | Int32Array)[]): [Tensor, Tensor, Tensor] {
  const n = encodings.length;
  const t = encodings.reduce((m, e) => Math.max(m, e.length), 1);
  const ids = new Int32Array(n * t);
  const padding = new Int32Array(n * t).fill(1);
  const weights = new Float32Array(n * t);
  encodings.forEach((e, row) => {
    ids.set(e, row * t);
    padding.fill(0, row * t, row * t + e.length);
    weights.fill(1 / e.length, row * t, row * t + e.length);
  });
  return [new Tensor(ids, [n, t]), new Tensor(padding, [n, t]), new Tensor(weights, [n, t])];
}

interface Prepared {
  readonly tokenizer: text.WordPieceTokenizer;
  readonly fit: Int32Array[];
  readonly validation: Int32Array[];
}

/** The vocabulary of the fit mails and the encodings of the fit and validation mails, once per data set. */
function prepare(data: TrainingData, settings: TransformerSettings): Prepared {
  const key = `wordpiece:${settings.vocabSize}:${settings.maxLength}`;
  const cached = data.cache.get(key) as Prepared | undefined;
  if (cached) return cached;
  const tokenizer = new text.WordPieceTokenizer(text.trainWordPiece(data.fit.texts, { vocabSize: settings.vocabSize }));
  const encode = (texts: readonly string[]): Int32Array[] => texts.map((t) => tokenizer.encode(t, { maxLength: settings.maxLength }).ids);
  const made = { tokenizer, fit: encode(data.fit.texts), validation: encode(data.validation.texts) };
  data.cache.set(key, made);
  return made;
}

/** The text Transformer as an entry of SPAM_MODELS. */
export function transformerModel(description: string, settings: TransformerSettings = TRANSFORMER_SETTINGS): SpamModel {
  return {
    description,
    losses: ['bce'],
    async train(data, options) {
      const { tokenizer, fit, validation } = prepare(data, settings);
      const net = new TextTransformer(tokenizer.vocab.size, settings, options.seed);
      const lengths = (encodings: readonly Int32Array[]): Int32Array => Int32Array.from(encodings, (e) => e.length);
      const result = await trainBinary({
        model: net,
        batch: (set, ids) => transformerBatch(ids.map((i) => (set === 'fit' ? fit : validation)[i]!)),
        fitLabels: data.fit.labels,
        validationLabels: data.validation.labels,
        lengths: { fit: lengths(fit), validation: lengths(validation) },
        ...scheduleOf(settings, options),
      });
      return {
        bestEpoch: result.bestEpoch,
        seconds: result.seconds,
        async logits(texts) {
          const encodings = texts.map((t) => tokenizer.encode(t, { maxLength: settings.maxLength }).ids);
          const batches = lengthSortedBatches(texts.length, lengths(encodings), 128);
          return gatherLogits(texts.length, batches, batches.map((ids) => scope(() => noGrad(() => net.forward(...transformerBatch(ids.map((i) => encodings[i]!)))))));
        },
      };
    },
  };
}
