/**
 * wordpiece — splitting one word into vocabulary pieces, greedy longest-match-first
 * (Schuster & Nakajima 2012; Wu et al. 2016, §4.1; the rule of Google BERT's WordpieceTokenizer).
 *
 * From the start of the word we take the longest prefix that is a token, then, from where it
 * ended, the longest piece that is a token when written with the continuation prefix `##`, and so
 * on: "unaffable" → "un", "##aff", "##able". If at some point no piece matches, the WHOLE word
 * becomes [UNK] (not just the unmatched rest), and so does a word of more than
 * `maxInputCharsPerWord` characters (100, BERT's value). Lengths count code points, as Python
 * and Rust do, so an emoji is one character, not two UTF-16 units.
 *
 * Speed: no token is longer than the vocabulary's longest, so we start each search there
 * instead of at the end of the word; and the pieces of each word are cached (a review repeats
 * its words; the cache is cleared when it reaches `cacheSize` words).
 */
import type { Vocab } from './vocab.js';

/** Options of WordPiece: the unknown token, the continuation prefix and the longest word it splits. */
export interface WordPieceOptions {
  /** The token for words that cannot be split (default '[UNK]'; it must be in the vocabulary). */
  readonly unkToken?: string;
  /** The prefix of pieces that continue a word (default '##'). */
  readonly continuingSubwordPrefix?: string;
  /** Longer words become the unknown token (default 100). */
  readonly maxInputCharsPerWord?: number;
  /** How many words' pieces to remember (default 2^18; 0 turns the cache off). */
  readonly cacheSize?: number;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * The WordPiece model over a vocabulary.
 * @example new WordPiece(Vocab.fromText('[UNK]\nun\n##aff\n##able\n')).tokenize('unaffable')  // ['un', '##aff', '##able']
 */
export class WordPiece {
  readonly vocab: Vocab;
  readonly unkId: number;
  readonly prefix: string;
  readonly maxInputCharsPerWord: number;
  readonly #longest: number;
  readonly #cacheSize: number;
  readonly #cache = new Map<string, readonly number[]>();

  constructor(vocab: Vocab, options: WordPieceOptions = {}) {
    const { unkToken = '[UNK]', continuingSubwordPrefix = '##', maxInputCharsPerWord = 100, cacheSize = 1 << 18 } = options;
    if (!Number.isInteger(maxInputCharsPerWord) || maxInputCharsPerWord < 1) {
      throw new RangeError(`WordPiece: maxInputCharsPerWord must be a positive integer, got ${maxInputCharsPerWord}`);
    }
    if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new RangeError(`WordPiece: cacheSize must be a non-negative integer, got ${cacheSize}`);
    this.vocab = vocab;
    this.unkId = vocab.requireId(unkToken, 'WordPiece');
    this.prefix = continuingSubwordPrefix;
    this.maxInputCharsPerWord = maxInputCharsPerWord;
    this.#cacheSize = cacheSize;
    let longest = 0;
    for (const t of vocab.tokens) longest = Math.max(longest, SURROGATE.test(t) ? [...t].length : t.length);
    this.#longest = longest;
  }

  /** The ids of the pieces of `word` (one word of the pre-tokenizer's output). */
  encodeWord(word: string): readonly number[] {
    const cached = this.#cache.get(word);
    if (cached !== undefined) return cached;
    const ids = this.#split(word);
    if (this.#cacheSize > 0) {
      if (this.#cache.size >= this.#cacheSize) this.#cache.clear();
      this.#cache.set(word, ids);
    }
    return ids;
  }

  /** The pieces of `word` as strings. */
  tokenize(word: string): string[] {
    return this.encodeWord(word).map((id) => this.vocab.tokens[id]!);
  }

  #split(word: string): readonly number[] {
    // Code point boundaries: ASCII and other BMP text index straight into the string.
    const bounds = SURROGATE.test(word) ? codePointBounds(word) : null;
    const n = bounds ? bounds.length - 1 : word.length;
    if (n > this.maxInputCharsPerWord) return [this.unkId];
    const at = (i: number): number => (bounds ? bounds[i]! : i);
    const ids: number[] = [];
    for (let start = 0; start < n; ) {
      let found = -1;
      let end = Math.min(n, start + this.#longest);
      for (; end > start; end--) {
        const piece = word.slice(at(start), at(end));
        const id = this.vocab.id(start > 0 ? this.prefix + piece : piece);
        if (id !== undefined) {
          found = id;
          break;
        }
      }
      if (found < 0) return [this.unkId];
      ids.push(found);
      start = end;
    }
    return ids;
  }
}

/** The UTF-16 offsets where each code point of `s` starts, and s.length at the end. */
function codePointBounds(s: string): number[] {
  const bounds: number[] = [];
  for (let i = 0; i < s.length; ) {
    bounds.push(i);
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  bounds.push(s.length);
  return bounds;
}
