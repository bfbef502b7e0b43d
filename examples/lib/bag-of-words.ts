/**
 * bag-of-words — the classic sentiment baseline, written with Sapling: unigram + bigram TF-IDF
 * features and logistic regression (Maas et al. 2011 report 88.9% for a bag of words on IMDB;
 * Wang and Manning 2012, 89–91% with bigrams).
 *
 *   words: the tokenizer's normalised words (lower case, accents stripped, punctuation split),
 *          the whole review; features: every word and adjacent pair seen in ≥ minDf training reviews
 *   x_f = (1 + ln tf_f) · idf_f,  idf_f = ln((1 + n)/(1 + df_f)) + 1,  x ← x/‖x‖₂ (scikit-learn's
 *          TfidfVectorizer with sublinear_tf and smooth_idf)
 *   p(positive) = σ(Σ_f x_f w_f + b), trained by AdamW on the binary cross-entropy
 * A review has a few hundred features out of hundreds of thousands, so the model never builds
 * the dense [reviews, features] matrix: the weights are a [F, 1] table and a review's logit is
 * an embedding lookup of its feature ids, weighted by their values and summed (an EmbeddingBag).
 * The lookup's backward adds into the rows it read, so the gradient is the sparse one.
 * Training and prediction are asynchronous so that they run on any backend: on webgpu the weights
 * live on the device, the losses come back ten steps at a time and the predictions in one wait.
 */
import {
  F, Module, Tensor, embedding, getBackend, noGrad, optim, reshape, scope, sum, zeros, type Parameter, type Random,
} from '../../src/index.js';
import { randomPermutation } from '../../src/data/dataset.js';

export interface SparseDocs {
  /** Per review: feature ids (sorted) and their TF-IDF values (L2-normalised). */
  readonly ids: readonly Int32Array[];
  readonly values: readonly Float32Array[];
}

export interface Tfidf {
  /** Word → word id (every word of the training reviews). */
  readonly words: ReadonlyMap<string, number>;
  /** The features' gram keys, increasing (feature f has key keys[f]); see `grams`. */
  readonly keys: Float64Array;
  readonly idf: Float64Array;
}

/**
 * A review's unigram and bigram keys, sorted: a word's key is its id a, a pair's (a + 1)·W + b
 * with W words (≥ W, so never a unigram's). Numbers, not strings, and counted by sorting, not
 * in hash maps: a review has hundreds of grams and the training set millions, and keys above
 * 2³⁰ hash slowly. Unknown words break the pairs around them.
 */
function grams(words: readonly string[], vocabulary: ReadonlyMap<string, number>): Float64Array {
  const W = vocabulary.size;
  const ids = words.map((w) => vocabulary.get(w) ?? -1);
  const out = new Float64Array(2 * ids.length);
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const a = ids[i]!;
    if (a < 0) continue;
    out[n++] = a;
    const b = ids[i + 1] ?? -1;
    if (b >= 0) out[n++] = (a + 1) * W + b;
  }
  return out.subarray(0, n).sort();
}

/** Calls fn(key, count) for each run of equal keys in a sorted array. */
function runs(sorted: Float64Array, fn: (key: number, count: number) => void): void {
  for (let i = 0; i < sorted.length;) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    fn(sorted[i]!, j - i);
    i = j;
  }
}

/** The vocabulary of features (df ≥ minDf) and their idf, from the training reviews only. */
export function fitTfidf(docs: readonly (readonly string[])[], minDf = 2): Tfidf {
  const words = new Map<string, number>();
  for (const doc of docs) for (const w of doc) if (!words.has(w)) words.set(w, words.size);
  // Each review's distinct keys, all in one array: sorted, a key's run length is its df.
  const perDoc = docs.map((doc) => {
    const distinct: number[] = [];
    runs(grams(doc, words), (key) => distinct.push(key));
    return distinct;
  });
  const all = new Float64Array(perDoc.reduce((n, d) => n + d.length, 0));
  let at = 0;
  for (const d of perDoc) for (const key of d) all[at++] = key;
  all.sort();
  const keys: number[] = [];
  const idf: number[] = [];
  runs(all, (key, df) => {
    if (df < minDf) return;
    keys.push(key);
    idf.push(Math.log((1 + docs.length) / (1 + df)) + 1);
  });
  return { words, keys: Float64Array.from(keys), idf: Float64Array.from(idf) };
}

/** The feature id of `key` (binary search), or −1. */
function featureOf(keys: Float64Array, key: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const k = keys[mid]!;
    if (k === key) return mid;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The L2-normalised sublinear TF-IDF vector of each review, as sparse (ids, values). */
export function transformTfidf(docs: readonly (readonly string[])[], tfidf: Tfidf): SparseDocs {
  const ids: Int32Array[] = [];
  const values: Float32Array[] = [];
  for (const doc of docs) {
    const fs: number[] = [];
    const xs: number[] = [];
    runs(grams(doc, tfidf.words), (key, tf) => {
      const f = featureOf(tfidf.keys, key);
      if (f < 0) return;
      fs.push(f); //                                                   increasing, as the keys are
      xs.push((1 + Math.log(tf)) * tfidf.idf[f]!);
    });
    const norm = Math.sqrt(xs.reduce((s, v) => s + v * v, 0)) || 1;
    ids.push(Int32Array.from(fs));
    values.push(Float32Array.from(xs, (v) => v / norm));
  }
  return { ids, values };
}

/** Logistic regression over sparse features: logit = Σ_f x_f w_f + b. */
export class SparseLogisticRegression extends Module<[ids: Tensor, values: Tensor], Tensor> {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(numFeatures: number) {
    super();
    this.weight = this.param('weight', zeros([numFeatures, 1]));
    this.bias = this.param('bias', zeros([1]));
  }

  /** ids [B, K] int32 (padding: any id with value 0), values [B, K] → logits [B]. */
  forward(ids: Tensor, values: Tensor): Tensor {
    const [B = 0, K = 0] = ids.shape;
    const w = reshape(embedding(ids, this.weight), [B, K]); //          w_f of each feature, [B, K]
    return sum(w.mul(values), 1).add(this.bias); //                     Σ_f x_f w_f + b, [B]
  }
}

/** Pads a batch of sparse reviews into [B, K] ids and values (K: the most features in the batch). */
export function sparseBatch(docs: SparseDocs, rows: ArrayLike<number>): { ids: Tensor; values: Tensor } {
  const K = Math.max(1, ...Array.from(rows, (r) => docs.ids[r]!.length));
  const B = rows.length;
  const ids = new Int32Array(B * K);
  const values = new Float32Array(B * K);
  for (let i = 0; i < B; i++) {
    ids.set(docs.ids[rows[i]!]!, i * K);
    values.set(docs.values[rows[i]!]!, i * K);
  }
  return { ids: new Tensor(ids, [B, K]), values: new Tensor(values, [B, K]) };
}

/** The predicted label (logit > 0) of every review; the batches' logits are read together. */
export async function predictSparse(model: SparseLogisticRegression, docs: SparseDocs, batchSize = 1000): Promise<Int32Array> {
  const out = new Int32Array(docs.ids.length);
  const starts = Array.from({ length: Math.ceil(out.length / batchSize) }, (_, b) => b * batchSize);
  const logits = starts.map((s) => scope(() => noGrad(() => {
    const { ids, values } = sparseBatch(docs, Array.from({ length: Math.min(batchSize, out.length - s) }, (_, i) => s + i));
    return model.forward(ids, values); //                                        [rows]
  })));
  const values = await Promise.all(logits.map((z) => z.data()));
  logits.forEach((z) => z.dispose());
  starts.forEach((s, b) => values[b]!.forEach((z, i) => { out[s + i] = z > 0 ? 1 : 0; }));
  return out;
}

export interface SparseTrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  /** AdamW's decoupled weight decay (the L2 penalty's role). */
  readonly weightDecay: number;
  readonly random: Random;
  /** Called after each epoch with the epoch (1-based); returns the validation accuracy. */
  readonly onEpoch: (epoch: number) => number | Promise<number>;
  /** Called for each step, in order, once its loss has been read (ten steps at a time; for a progress bar). */
  readonly onStep?: (step: number, stepsPerEpoch: number, loss: number) => void;
}

/** Trains by mini-batch AdamW on the binary cross-entropy; keeps the weights of the best epoch. */
export async function trainSparse(model: SparseLogisticRegression, docs: SparseDocs, labels: Int32Array, options: SparseTrainOptions): Promise<{ best: number; bestEpoch: number }> {
  const { epochs, batchSize, lr, weightDecay, random, onEpoch, onStep } = options;
  if (getBackend() === 'webgpu') await model.to('webgpu'); //                     the weights live on the device from now on
  const opt = new optim.AdamW(model.parameters(), { lr, weightDecay });
  const n = docs.ids.length;
  const steps = Math.ceil(n / batchSize);
  let best = -1;
  let bestEpoch = 0;
  let bestState = model.stateDict();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = randomPermutation(n, random);
    let pending: Tensor[] = []; //                                               losses not read yet
    let read = 0;
    const readLosses = async (): Promise<void> => {
      const values = await Promise.all(pending.map((l) => l.itemAsync())); //    one wait for up to ten steps
      pending.forEach((l) => l.dispose());
      pending = [];
      for (const value of values) onStep?.(++read, steps, value);
    };
    for (let s = 0; s < steps; s++) {
      const rows = order.subarray(s * batchSize, Math.min(n, (s + 1) * batchSize));
      pending.push(scope(() => {
        const { ids, values } = sparseBatch(docs, rows);
        const y = new Tensor(Float32Array.from(rows, (r) => labels[r]!), [rows.length]);
        const loss = F.binaryCrossEntropyWithLogits(model.forward(ids, values), y);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss;
      }));
      if (pending.length === 10) await readLosses();
    }
    await readLosses();
    const acc = await onEpoch(epoch);
    if (acc > best) {
      best = acc;
      bestEpoch = epoch;
      bestState = model.stateDict();
    }
  }
  model.loadStateDict(bestState);
  return { best, bestEpoch };
}
