/**
 * imdb-text — IMDB reviews made token ids once, for every model of the sentiment example: a
 * WordPiece vocabulary trained on the training reviews only (saved as a BERT vocab.txt), each
 * review encoded as [CLS] … [SEP] with head+tail truncation (Sun et al. 2019: the opening and the
 * verdict at the end carry most of the sentiment), and batches of similar length (bucketing), so
 * that little of each [B, T] batch is padding.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, text, type ImdbSplit, type ImdbSplits, type Random } from '../../src/node.js';

export interface EncodedSplit {
  readonly encodings: readonly text.Encoding[];
  /** Tokens of each encoding, [CLS] and [SEP] included. */
  readonly lengths: Int32Array;
  readonly labels: Int32Array;
  readonly texts: readonly string[];
}

export interface ImdbTokens {
  readonly vocab: text.Vocab;
  readonly tokenizer: text.WordPieceTokenizer;
  readonly train: EncodedSplit;
  readonly validation: EncodedSplit;
  readonly test: EncodedSplit;
  readonly vocabSeconds: number;
  readonly encodeSeconds: number;
}

export interface TokenizeOptions {
  readonly vocabSize: number;
  /** Tokens per review, [CLS] and [SEP] included (head+tail truncation). */
  readonly maxLength: number;
  /** Folder of the vocabularies: vocab-<size>-<reviews>.txt is trained once, then reused. */
  readonly cacheDir: string;
  /** Reviews of each split to keep (the first ones of Sapling's shuffled split). */
  readonly sizes: { readonly train: number; readonly validation: number; readonly test: number };
}

const first = (split: ImdbSplit, n: number): { texts: readonly string[]; labels: Int32Array } =>
  ({ texts: split.texts.slice(0, n), labels: split.labels.slice(0, n) });

/** Trains (or reloads) the vocabulary on the training reviews and encodes the three splits. */
export function tokenizeImdb(imdb: ImdbSplits, options: TokenizeOptions): ImdbTokens {
  const { vocabSize, maxLength, cacheDir, sizes } = options;
  const train = first(imdb.train, sizes.train);
  const t0 = performance.now();
  // The vocabulary reads the training reviews only (the ones this run trains on), never validation
  // or test; it depends on nothing else, so a file trained on the same reviews is reused.
  const vocabPath = join(cacheDir, `vocab-${vocabSize}-${train.texts.length}.txt`);
  let vocab: text.Vocab;
  if (existsSync(vocabPath)) {
    vocab = text.loadVocab(vocabPath);
  } else {
    vocab = text.trainWordPiece(train.texts, { vocabSize });
    mkdirSync(cacheDir, { recursive: true });
    text.saveVocab(vocabPath, vocab);
  }
  const vocabSeconds = (performance.now() - t0) / 1000;
  const tokenizer = new text.WordPieceTokenizer(vocab);
  const t1 = performance.now();
  const encode = (split: { texts: readonly string[]; labels: Int32Array }): EncodedSplit => {
    const encodings = tokenizer.encodeBatch(split.texts, { maxLength, truncation: { kind: 'headTail' } });
    return { encodings, lengths: Int32Array.from(encodings, (e) => e.ids.length), labels: split.labels, texts: split.texts };
  };
  const out = {
    vocab, tokenizer, vocabSeconds,
    train: encode(train),
    validation: encode(first(imdb.validation, sizes.validation)),
    test: encode(first(imdb.test, sizes.test)),
  };
  return { ...out, encodeSeconds: (performance.now() - t1) / 1000 };
}

export interface Batch {
  readonly inputIds: Tensor;
  readonly attentionMask: Tensor;
  readonly labels: Tensor;
  /** Real tokens in the batch (for tokens/s). */
  readonly tokens: number;
}

/** One epoch of bucketed, padded batches of `split` (shuffled with `random`, or in a fixed order). */
export function batches(split: EncodedSplit, batchSize: number, padId: number, random: Random | null): Batch[] {
  const order = text.bucketBatches(split.lengths, random ? { batchSize, random } : { batchSize, shuffle: false, poolBatches: Infinity });
  return order.map((idx) => {
    const b = text.padBatch(Array.from(idx, (i) => split.encodings[i]!), { padId });
    const labels = Int32Array.from(idx, (i) => split.labels[i]!);
    return { inputIds: b.inputIds, attentionMask: b.attentionMask, labels: new Tensor(labels, [labels.length]), tokens: b.lengths.reduce((a, c) => a + c, 0) };
  });
}

/**
 * Writes the splits' ids for scripts/bert-recipe-search.py: vocab.txt; per split <split>.ids.i32
 * (every review's ids concatenated, [CLS] … [SEP], untruncated), <split>.offsets.i32 (n + 1
 * offsets) and <split>.labels.i32; little-endian int32.
 */
export function exportTokens(imdb: ImdbSplits, vocab: text.Vocab, dir: string): void {
  mkdirSync(dir, { recursive: true });
  text.saveVocab(join(dir, 'vocab.txt'), vocab);
  const tokenizer = new text.WordPieceTokenizer(vocab);
  for (const [name, split] of [['train', imdb.train], ['validation', imdb.validation], ['test', imdb.test]] as const) {
    const encodings = tokenizer.encodeBatch(split.texts);
    const offsets = new Int32Array(encodings.length + 1);
    encodings.forEach((e, i) => { offsets[i + 1] = offsets[i]! + e.ids.length; });
    const ids = new Int32Array(offsets[encodings.length]!);
    encodings.forEach((e, i) => ids.set(e.ids, offsets[i]!));
    const bytes = (a: Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    writeFileSync(join(dir, `${name}.ids.i32`), bytes(ids));
    writeFileSync(join(dir, `${name}.offsets.i32`), bytes(offsets));
    writeFileSync(join(dir, `${name}.labels.i32`), bytes(Int32Array.from(split.labels)));
  }
}
