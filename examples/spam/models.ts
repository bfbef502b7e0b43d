/**
 * The models of the spam-thresholds example. Each is one entry of SPAM_MODELS: given the fit
 * and validation mails (text and label) it trains and returns a function from mail texts to
 * logits (the log-odds of spam). Everything downstream — calibration, thresholds, shift
 * handling — sees only those logits, so a new model is one more entry here.
 *
 *   logreg       bag of words → one logit: logistic regression, the baseline's model
 *   mlp          bag of words → 32 ReLU units → one logit
 *   transformer  WordPiece pieces → 1-layer Transformer encoder → mean pooling → one logit (transformer.ts)
 * Both read the binary, L2-normalised bag of words of src/features (vocabulary: the tokens in
 * at least 2 fit mails). x·W for the sparse x is computed as a lookup of the rows of the words
 * present, weighted and summed: the product of a Linear(V, D) on the dense row, at the cost of
 * ~170 words instead of ~34,000 columns. Training and scoring are asynchronous so that they run on
 * any backend: on webgpu a model's logits come back from the device in one wait.
 */
import { add, embedding, Linear, Module, mul, noGrad, relu, reshape, scope, seededRandom, sum, unsqueeze, zeros, type Parameter, type Tensor } from '../../src/index.js';
import { BagOfWords, sparseToPadded, type SparseRows } from '../../src/features/bag-of-words.js';
import { uniform } from '../../src/layers/init.js';
import { gatherLogits, lengthSortedBatches, scheduleOf, trainBinary, type LossKind } from './train-binary.js';
import { transformerModel } from './transformer.js';

export interface LabelledTexts {
  readonly texts: readonly string[];
  readonly labels: Int32Array;
}

export interface TrainingData {
  /** The mails the weights are fitted on. */
  readonly fit: LabelledTexts;
  /** The validation slice: early stopping here; calibrators and thresholds are fitted on it later. */
  readonly validation: LabelledTexts;
  /** Shared by the models trained on the same data (e.g. one vocabulary for logreg and mlp). */
  readonly cache: Map<string, unknown>;
}

export interface ModelTrainOptions {
  readonly loss: LossKind;
  readonly seed: number;
  /** Fewer epochs than the model's own maximum (smoke tests). */
  readonly maxEpochs?: number;
  readonly log: (line: string) => void;
}

export interface TrainedModel {
  /** Log-odds of spam for each text. */
  logits(texts: readonly string[]): Promise<Float64Array>;
  readonly bestEpoch: number;
  readonly seconds: number;
}

export interface SpamModel {
  readonly description: string;
  /** The losses it is trained with when the command line names none (default: every loss). */
  readonly losses?: readonly LossKind[];
  train(data: TrainingData, options: ModelTrainOptions): Promise<TrainedModel>;
}

/**
 * Σ_l values[n, l] · W[index[n, l]] + b: a Linear(V, D) applied to sparse rows given as padded
 * word indices and values ([N, L] each; padding has value 0). W is stored [V, D] — a Linear
 * weight transposed — so that the words of a mail are rows; initialised as Linear's,
 * U(−1/√V, 1/√V).
 */
export class SparseLinear extends Module<[Tensor, Tensor], Tensor> {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(inFeatures: number, outFeatures: number, seed: number) {
    super();
    const bound = 1 / Math.sqrt(inFeatures);
    const random = seededRandom(seed);
    this.weight = this.param('weight', uniform(zeros([inFeatures, outFeatures]), -bound, bound, { random }));
    this.bias = this.param('bias', uniform(zeros([outFeatures]), -bound, bound, { random }));
  }

  forward(index: Tensor, values: Tensor): Tensor {
    const rows = embedding(index, this.weight); //                                [N, L, D]
    return add(sum(mul(rows, unsqueeze(values, 2)), 1), this.bias); //            [N, D]
  }
}

/** Bag of words → (hidden ReLU layer →) one logit. */
export class BagOfWordsNet extends Module<[Tensor, Tensor], Tensor> {
  readonly input: SparseLinear;
  readonly head: Linear | null;

  constructor(vocabulary: number, hidden: number | null, seed: number) {
    super();
    this.input = this.child('input', new SparseLinear(vocabulary, hidden ?? 1, seed));
    this.head = hidden === null ? null : this.child('head', new Linear(hidden, 1, { random: seededRandom(seed + 1) }));
  }

  forward(index: Tensor, values: Tensor): Tensor {
    const h = this.input.forward(index, values); //                                [N, hidden] or [N, 1]
    const out = this.head ? this.head.forward(relu(h)) : h; //                     [N, 1]
    return reshape(out, [out.shape[0]!]); //                                       [N]
  }
}

/** A bag-of-words model's width (null: no hidden layer) and training settings. */
export interface BagOfWordsSettings {
  readonly hidden: number | null;
  readonly lr: number;
  readonly batchSize: number;
  readonly maxEpochs: number;
  readonly patience: number;
}

/** The vocabulary of the fit mails and the rows of the fit and validation mails, computed once per data set. */
function features(data: TrainingData): { bow: BagOfWords; fit: SparseRows; validation: SparseRows } {
  const cached = data.cache.get('bagOfWords') as ReturnType<typeof features> | undefined;
  if (cached) return cached;
  const bow = BagOfWords.fit(data.fit.texts);
  const made = { bow, fit: bow.transform(data.fit.texts), validation: bow.transform(data.validation.texts) };
  data.cache.set('bagOfWords', made);
  return made;
}

/** Words present in each row. */
function rowLengths(rows: SparseRows): Int32Array {
  return Int32Array.from({ length: rows.rows }, (_, r) => rows.indptr[r + 1]! - rows.indptr[r]!);
}

/** A bag-of-words net trained on the fit mails (early stopping on the validation slice), with its vocabulary. */
export async function trainBagOfWords(data: TrainingData, settings: BagOfWordsSettings, options: ModelTrainOptions): Promise<{ bow: BagOfWords; net: BagOfWordsNet; bestEpoch: number; seconds: number }> {
  const { bow, fit, validation } = features(data);
  const net = new BagOfWordsNet(bow.vocabulary.length, settings.hidden, options.seed);
  const result = await trainBinary({
    model: net,
    batch: (set, ids) => padded(set === 'fit' ? fit : validation, ids),
    fitLabels: data.fit.labels,
    validationLabels: data.validation.labels,
    lengths: { fit: rowLengths(fit), validation: rowLengths(validation) },
    ...scheduleOf(settings, options),
  });
  return { bow, net, bestEpoch: result.bestEpoch, seconds: result.seconds };
}

function padded(rows: SparseRows, ids: readonly number[]): [Tensor, Tensor] {
  const { index, weight } = sparseToPadded(rows, ids);
  return [index, weight];
}

function bagOfWordsModel(description: string, settings: BagOfWordsSettings): SpamModel {
  return {
    description,
    async train(data, options) {
      const { bow, net, bestEpoch, seconds } = await trainBagOfWords(data, settings, options);
      return {
        bestEpoch,
        seconds,
        async logits(texts) {
          const rows = bow.transform(texts);
          const batches = lengthSortedBatches(texts.length, rowLengths(rows), 256);
          return gatherLogits(texts.length, batches, batches.map((ids) => scope(() => noGrad(() => net.forward(...padded(rows, ids))))));
        },
      };
    },
  };
}

/** The logistic regression's settings (the baseline's model; also the demo's and the server's spam filter). */
export const LOGREG_SETTINGS: BagOfWordsSettings = { hidden: null, lr: 0.05, batchSize: 64, maxEpochs: 60, patience: 4 };

/** Every model of the study, by name; add an entry to add a model. */
export const SPAM_MODELS: Readonly<Record<string, SpamModel>> = {
  logreg: bagOfWordsModel('logistic regression on the binary L2-normalised bag of words', LOGREG_SETTINGS),
  mlp: bagOfWordsModel('bag of words → 32 ReLU → 1', { hidden: 32, lr: 0.004, batchSize: 128, maxEpochs: 30, patience: 3 }),
  transformer: transformerModel('WordPiece (4,000 pieces of the fit mails, first 48) → 1-layer Transformer encoder, d 32 → mean pooling → 1'),
};
