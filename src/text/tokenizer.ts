/**
 * tokenizer — text → token ids, the way a BERT model expects them.
 *
 *   normalize (normalizer.ts) → split into words (pre-tokenizer.ts) → split words into pieces
 *   (wordpiece.ts) → truncate (truncation.ts) → add special tokens:
 *     one text   [CLS] A [SEP]            token type ids 0 … 0
 *     a pair     [CLS] A [SEP] B [SEP]    token type ids 0 for [CLS] A [SEP], 1 for B [SEP]
 * The attention mask of an encoding is all ones; padding (batching.ts) adds the zeros. This is
 * the pipeline of Hugging Face's BERT tokenizer.json (BertNormalizer, BertPreTokenizer, WordPiece,
 * BertProcessing), and the tests check it id for id against Hugging Face's tokenizers.js.
 * One difference by design: "[MASK]" or "[SEP]" written inside a text is plain text here ("[",
 * "mask", "]"), never the special token, so no input can forge the model's control tokens
 * (Hugging Face's split_special_tokens=True).
 */
import { normalize, resolveNormalizerOptions, type BertNormalizerOptions, type ResolvedNormalizerOptions } from './normalizer.js';
import { preTokenize } from './pre-tokenizer.js';
import { pairBudgets, truncateIds, type Truncation } from './truncation.js';
import { Vocab } from './vocab.js';
import { WordPiece, type WordPieceOptions } from './wordpiece.js';

/** Options of the BERT tokenizer: those of WordPiece and the normaliser's. */
export interface TokenizerOptions extends WordPieceOptions {
  /** BERT normalisation options (default: the uncased model's, everything on). */
  readonly normalizer?: BertNormalizerOptions;
}

/** Options of `encode`: a second text, special tokens, the longest length and the truncation. */
export interface EncodeOptions {
  /** A second text, encoded as [CLS] A [SEP] B [SEP]. */
  readonly pair?: string;
  /** Add [CLS] and [SEP] (default true). */
  readonly addSpecialTokens?: boolean;
  /** The most tokens to return, special tokens included (default: no limit). */
  readonly maxLength?: number;
  /** Which tokens a too-long text keeps (default { kind: 'head' }; see truncation.ts). */
  readonly truncation?: Truncation;
}

/** One encoded text (or pair): three arrays of the same length. */
export interface Encoding {
  readonly ids: Int32Array;
  /** 0 for the first text and its special tokens, 1 for the second text and its [SEP]. */
  readonly tokenTypeIds: Int32Array;
  /** 1 for every real token (padding adds 0s). */
  readonly attentionMask: Int32Array;
}

/**
 * BERT's WordPiece tokenizer over a vocabulary.
 * @example new WordPieceTokenizer(vocab).encode('Hello!').ids  // Int32Array [2, …, 3]
 */
export class WordPieceTokenizer {
  readonly vocab: Vocab;
  readonly model: WordPiece;
  readonly normalizer: ResolvedNormalizerOptions;

  constructor(vocab: Vocab, options: TokenizerOptions = {}) {
    this.vocab = vocab;
    this.model = new WordPiece(vocab, options);
    this.normalizer = resolveNormalizerOptions(options.normalizer);
  }

  /** A tokenizer over the vocabulary in vocab.txt text (no file system needed). */
  static fromVocabText(text: string, options: TokenizerOptions = {}): WordPieceTokenizer {
    return new WordPieceTokenizer(Vocab.fromText(text), options);
  }

  /**
   * The words of `text`, normalised and pre-tokenised (what WordPiece splits further).
   * @example tokenizer.words("Don't!")  // ['don', "'", 't', '!']
   */
  words(text: string): string[] {
    return preTokenize(normalize(text, this.normalizer));
  }

  /** The ids of `text`'s pieces, without special tokens and without truncation. */
  encodeText(text: string): number[] {
    const ids: number[] = [];
    for (const word of this.words(text)) {
      for (const id of this.model.encodeWord(word)) ids.push(id);
    }
    return ids;
  }

  /**
   * The pieces of `text` as strings, without special tokens.
   * @example tokenizer.tokenize('unaffable')  // ['un', '##aff', '##able'] with a suitable vocabulary
   */
  tokenize(text: string): string[] {
    return this.encodeText(text).map((id) => this.vocab.tokens[id]!);
  }

  /**
   * Ids, token type ids and attention mask of `text` (and `options.pair`), truncated to
   * `options.maxLength` tokens by `options.truncation`.
   * @example tokenizer.encode('a b', { maxLength: 3 }).ids.length  // 3: [CLS] a [SEP]
   */
  encode(text: string, options: EncodeOptions = {}): Encoding {
    const { pair, addSpecialTokens = true, maxLength, truncation = { kind: 'head' } } = options;
    const a = this.encodeText(text);
    const b = pair === undefined ? null : this.encodeText(pair);
    const specials = addSpecialTokens ? (b ? 3 : 2) : 0;
    let keptA = a;
    let keptB = b;
    if (maxLength !== undefined) {
      if (!Number.isInteger(maxLength) || maxLength < specials) {
        throw new RangeError(`WordPieceTokenizer.encode: maxLength must be an integer of at least ${specials} (the special tokens), got ${maxLength}`);
      }
      const budget = maxLength - specials;
      if (b) {
        const [budgetA, budgetB] = pairBudgets(a.length, b.length, budget);
        keptA = truncateIds(a, budgetA, truncation);
        keptB = truncateIds(b, budgetB, truncation);
      } else {
        keptA = truncateIds(a, budget, truncation);
      }
    }
    const lengthA = keptA.length + (addSpecialTokens ? 2 : 0);
    const total = lengthA + (keptB ? keptB.length + (addSpecialTokens ? 1 : 0) : 0);
    const ids = new Int32Array(total);
    const tokenTypeIds = new Int32Array(total);
    let at = 0;
    const cls = addSpecialTokens ? this.vocab.requireId('[CLS]', 'WordPieceTokenizer.encode') : -1;
    const sep = addSpecialTokens ? this.vocab.requireId('[SEP]', 'WordPieceTokenizer.encode') : -1;
    if (addSpecialTokens) ids[at++] = cls;
    ids.set(keptA, at);
    at += keptA.length;
    if (addSpecialTokens) ids[at++] = sep;
    if (keptB) {
      ids.set(keptB, at);
      at += keptB.length;
      if (addSpecialTokens) ids[at++] = sep;
      tokenTypeIds.fill(1, lengthA);
    }
    return { ids, tokenTypeIds, attentionMask: new Int32Array(total).fill(1) };
  }

  /** `encode` for each text, with the same options. */
  encodeBatch(texts: readonly string[], options: Omit<EncodeOptions, 'pair'> = {}): Encoding[] {
    return texts.map((text) => this.encode(text, options));
  }

  /**
   * Text back from ids: pieces joined by spaces, '##' continuations glued to what precedes
   * them, special tokens left out unless `skipSpecialTokens` is false. Normalisation is not
   * undone (the text stays lower-case, accents stripped).
   * @example tokenizer.decode(tokenizer.encode('Unaffable!').ids)  // 'unaffable !'
   */
  decode(ids: ArrayLike<number>, options: { readonly skipSpecialTokens?: boolean } = {}): string {
    const { skipSpecialTokens = true } = options;
    const special = new Set(Object.values(this.vocab.special).filter((id): id is number => id !== null));
    const prefix = this.model.prefix;
    let out = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (skipSpecialTokens && special.has(id)) continue;
      const token = this.vocab.token(id);
      if (prefix !== '' && token.startsWith(prefix) && out !== '') out += token.slice(prefix.length);
      else out += out === '' ? token : ` ${token}`;
    }
    return out;
  }
}
