/**
 * trainer — learning a WordPiece vocabulary from text, as Hugging Face's WordPieceTrainer does.
 *
 * Hugging Face trains WordPiece vocabularies with byte-pair-encoding merges (Sennrich, Haddow and
 * Birch 2016) in which every non-initial piece carries the `##` prefix; its WordPieceTrainer is
 * a BpeTrainer with continuing_subword_prefix "##" (tokenizers/src/models/wordpiece/trainer.rs
 * and bpe/trainer.rs). We follow it step by step:
 *   1. Count words: normalise and pre-tokenise each text exactly as the tokenizer will.
 *   2. Vocabulary = the special tokens, then the alphabet: every character of the words, sorted
 *      by code point; with `limitAlphabet` only the most frequent ones (counted with each word's
 *      frequency), the rarest dropped; characters of `initialAlphabet` are always kept.
 *   3. Each word becomes a symbol sequence: its first character as is, the others as "##c" (new
 *      tokens, added as they are first met). Characters outside the alphabet are left out.
 *   4. Merge: count adjacent symbol pairs over all words (weighted by word frequency); take the
 *      most frequent pair (ties: the smaller id of the left symbol, then of the right), add the
 *      token a + b with b's "##" removed ("##e" + "##r" → "##er", "h" + "##er" → "her"),
 *      replace the pair by it in every word, update the counts of neighbouring pairs, repeat.
 *   5. Stop at `vocabSize` tokens, when no pair is left, or when the best pair occurs fewer than
 *      `minFrequency` times. The vocabulary is the list of tokens in the order they were added.
 * Where we depart from Hugging Face, and why, is said above `trainWordPieceFromCounts`.
 */
import { normalize, resolveNormalizerOptions, type BertNormalizerOptions } from './normalizer.js';
import { preTokenize } from './pre-tokenizer.js';
import { SPECIAL_TOKENS, Vocab } from './vocab.js';

/**
 * Options of `trainWordPiece`: the vocabulary size, the minimum frequency, the special tokens and the alphabet limit.
 */
export interface WordPieceTrainerOptions {
  /** The most tokens in the vocabulary, special tokens included (default 30,000). */
  readonly vocabSize?: number;
  /** A pair must occur at least this often to be merged (default 0: any pair that occurs). */
  readonly minFrequency?: number;
  /** Keep only the most frequent characters (default: all of them). */
  readonly limitAlphabet?: number;
  /** Characters kept in the alphabet even when rare or absent. */
  readonly initialAlphabet?: readonly string[];
  /** Tokens placed first, in this order (default [PAD] [UNK] [CLS] [SEP] [MASK]). */
  readonly specialTokens?: readonly string[];
  /** The continuation prefix (default '##'). */
  readonly continuingSubwordPrefix?: string;
  /** The normalisation the tokenizer will use (default: BERT uncased). */
  readonly normalizer?: BertNormalizerOptions;
}

/**
 * How often each word occurs in `texts`, after normalisation and pre-tokenisation.
 * @example countWords(['The cat.', 'the dog']).get('the')  // 2
 */
export function countWords(texts: Iterable<string>, normalizer: BertNormalizerOptions = {}): Map<string, number> {
  const options = resolveNormalizerOptions(normalizer);
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of preTokenize(normalize(text, options))) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/**
 * Trains a WordPiece vocabulary on `texts` (see the file header for the algorithm).
 * @example trainWordPiece(reviews, { vocabSize: 8000 }).tokens.slice(0, 5)  // ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
 */
export function trainWordPiece(texts: Iterable<string>, options: WordPieceTrainerOptions = {}): Vocab {
  return trainWordPieceFromCounts(countWords(texts, options.normalizer), options);
}

/**
 * Trains a WordPiece vocabulary on word frequencies (the words as the pre-tokenizer gives them).
 *
 * Where we depart from Hugging Face. Word frequencies decide everything, so the order of the
 * texts does not matter: words are visited by decreasing count (ties in code unit order) where
 * Hugging Face visits a hash map (so its "##c" ids vary from run to run), and equally rare
 * characters leave the alphabet highest code point first. Each merge is applied at once in every
 * word that holds the pair; Hugging Face's queue can split one merge over two entries, which
 * yields the same token. And where Hugging Face returns more tokens than asked, we refuse a
 * `vocabSize` smaller than the special tokens plus the alphabet (set a smaller `limitAlphabet`).
 */
export function trainWordPieceFromCounts(wordCounts: ReadonlyMap<string, number>, options: WordPieceTrainerOptions = {}): Vocab {
  const { vocabSize = 30000, minFrequency = 0, limitAlphabet, initialAlphabet = [], specialTokens = SPECIAL_TOKENS, continuingSubwordPrefix: prefix = '##' } = options;
  const where = 'trainWordPiece';
  if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new RangeError(`${where}: vocabSize must be a positive integer, got ${vocabSize}`);
  if (!Number.isFinite(minFrequency) || minFrequency < 0) throw new RangeError(`${where}: minFrequency must be a non-negative number, got ${minFrequency}`);
  if (limitAlphabet !== undefined && (!Number.isInteger(limitAlphabet) || limitAlphabet < 0)) {
    throw new RangeError(`${where}: limitAlphabet must be a non-negative integer, got ${limitAlphabet}`);
  }
  for (const c of initialAlphabet) if ([...c].length !== 1) throw new RangeError(`${where}: initialAlphabet entries must be single characters, got ${JSON.stringify(c)}`);

  const tokens: string[] = [];
  const ids = new Map<string, number>();
  const add = (token: string): number => {
    let id = ids.get(token);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(token);
      ids.set(token, id);
    }
    return id;
  };

  // 1. Words by decreasing count, so nothing below depends on the order of the texts.
  const words = [...wordCounts].filter(([, n]) => {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${where}: word counts must be non-negative integers, got ${n}`);
    return n > 0;
  });
  words.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));

  // 2. Special tokens, then the alphabet.
  for (const t of specialTokens) add(t);
  for (const c of alphabet(words, initialAlphabet, limitAlphabet)) add(c);

  // 3. Symbol sequences, all in one Int32Array: word w is symbols[start[w] … start[w] + length[w]).
  let total = 0;
  for (const [word] of words) total += word.length;
  const symbols = new Int32Array(total);
  const start = new Int32Array(words.length);
  const length = new Int32Array(words.length);
  const count = new Float64Array(words.length);
  let at = 0;
  words.forEach(([word, n], w) => {
    start[w] = at;
    count[w] = n;
    let first = true;
    for (const c of word) {
      if (ids.has(c)) symbols[at++] = add(first ? c : prefix + c);
      first = false;
    }
    length[w] = at - start[w]!;
  });
  const initial = tokens.length;
  if (initial > vocabSize) {
    throw new RangeError(
      `${where}: vocabSize ${vocabSize} is smaller than the ${specialTokens.length} special tokens and the alphabet with its continuation forms (${initial} tokens); raise vocabSize or set a smaller limitAlphabet`,
    );
  }

  // 4. Pair counts and the words each pair may occur in. A pair (a, b) is the key a·2^21 + b.
  const pairCounts = new Map<number, number>();
  const wordsOf = new Map<number, number[]>();
  const touched = new Set<number>();
  const change = (a: number, b: number, delta: number, w: number): void => {
    const key = a * PAIR_SHIFT + b;
    pairCounts.set(key, (pairCounts.get(key) ?? 0) + delta);
    if (delta > 0) {
      const list = wordsOf.get(key);
      if (list) {
        if (list[list.length - 1] !== w) list.push(w);
      } else wordsOf.set(key, [w]);
      touched.add(key);
    }
  };
  for (let w = 0; w < words.length; w++) {
    const s = start[w]!;
    for (let i = s + 1; i < s + length[w]!; i++) change(symbols[i - 1]!, symbols[i]!, count[w]!, w);
  }
  const queue = new PairQueue();
  for (const key of touched) queue.push(pairCounts.get(key)!, key);
  touched.clear();

  // 5. Merges.
  while (tokens.length < vocabSize) {
    const top = queue.pop();
    if (top === undefined) break;
    const current = pairCounts.get(top.key) ?? 0;
    if (top.count !== current) {
      if (current > 0) queue.push(current, top.key); // a stale entry: requeue with the true count
      continue;
    }
    if (current < 1 || current < minFrequency) break;
    const a = Math.floor(top.key / PAIR_SHIFT);
    const b = top.key - a * PAIR_SHIFT;
    const right = tokens[b]!;
    const merged = add(tokens[a]! + (prefix !== '' && right.startsWith(prefix) ? right.slice(prefix.length) : right));
    for (const w of wordsOf.get(top.key)!) {
      // Replace every (a, b) in word w by `merged`, left to right, writing the result in place.
      const s = start[w]!;
      const end = s + length[w]!;
      let out = s;
      for (let i = s; i < end; ) {
        if (symbols[i] === a && i + 1 < end && symbols[i + 1] === b) {
          const n = count[w]!;
          if (out > s) {
            change(symbols[out - 1]!, a, -n, w);
            change(symbols[out - 1]!, merged, n, w);
          }
          if (i + 2 < end) {
            change(b, symbols[i + 2]!, -n, w);
            change(merged, symbols[i + 2]!, n, w);
          }
          change(a, b, -n, w);
          symbols[out++] = merged;
          i += 2;
        } else symbols[out++] = symbols[i++]!;
      }
      length[w] = out - s;
    }
    wordsOf.delete(top.key);
    for (const key of touched) {
      const n = pairCounts.get(key)!;
      if (n > 0) queue.push(n, key);
    }
    touched.clear();
  }
  return new Vocab(tokens);
}

/** Room for 2^21 (two million) token ids in a pair key; keys stay below 2^42, exact in a double. */
const PAIR_SHIFT = 2 ** 21;

/** The alphabet of step 2, sorted by code point. */
function alphabet(words: readonly (readonly [string, number])[], initial: readonly string[], limit: number | undefined): string[] {
  const freq = new Map<string, number>();
  for (const [word, n] of words) for (const c of word) freq.set(c, (freq.get(c) ?? 0) + n);
  for (const c of initial) freq.set(c, Infinity);
  let kept = [...freq.keys()];
  const byCodePoint = (x: string, y: string): number => x.codePointAt(0)! - y.codePointAt(0)!;
  if (limit !== undefined && kept.length > limit) {
    // Rarest first; among equally rare characters the highest code point goes first.
    kept.sort((x, y) => freq.get(x)! - freq.get(y)! || byCodePoint(y, x));
    kept = kept.slice(kept.length - limit);
  }
  return kept.sort(byCodePoint);
}

/**
 * A max-heap of (count, pair key): the most frequent pair first, ties broken by the smaller key,
 * i.e. the smaller left id, then the smaller right id (Hugging Face's order). Entries may be
 * stale; the merge loop checks each against the true count when it pops it.
 */
class PairQueue {
  readonly #counts: number[] = [];
  readonly #keys: number[] = [];

  push(count: number, key: number): void {
    const counts = this.#counts;
    const keys = this.#keys;
    let i = counts.length;
    counts.push(count);
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(count, key, counts[parent]!, keys[parent]!)) break;
      counts[i] = counts[parent]!;
      keys[i] = keys[parent]!;
      i = parent;
    }
    counts[i] = count;
    keys[i] = key;
  }

  pop(): { count: number; key: number } | undefined {
    const counts = this.#counts;
    const keys = this.#keys;
    if (counts.length === 0) return undefined;
    const top = { count: counts[0]!, key: keys[0]! };
    const lastCount = counts.pop()!;
    const lastKey = keys.pop()!;
    const n = counts.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && this.#before(counts[r]!, keys[r]!, counts[l]!, keys[l]!) ? r : l;
        if (!this.#before(counts[c]!, keys[c]!, lastCount, lastKey)) break;
        counts[i] = counts[c]!;
        keys[i] = keys[c]!;
        i = c;
      }
      counts[i] = lastCount;
      keys[i] = lastKey;
    }
    return top;
  }

  #before(countA: number, keyA: number, countB: number, keyB: number): boolean {
    return countA > countB || (countA === countB && keyA < keyB);
  }
}
