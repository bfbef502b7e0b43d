/**
 * The WordPiece trainer: one training worked out by hand, then properties on real text (the
 * training split of IMDB, read once).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { seededRandom } from '../autograd/random.js';
import { randomPermutation } from '../data/dataset.js';
import { loadImdb } from '../data/imdb.js';
import { WordPieceTokenizer } from './tokenizer.js';
import { countWords, trainWordPiece, trainWordPieceFromCounts } from './trainer.js';
import { Vocab } from './vocab.js';

// Hugging Face course's toy corpus. By hand, with [UNK] = 0 and the alphabet by code point
// (b g h n p s u = 1…7), words by count (pun 12, hug 10, hugs 5, pug 5, bun 4) add ##u ##n ##g ##s
// = 8…11. Pair counts: (##u,##g) 20, (p,##u) 17, (##u,##n) 16, (h,##u) 15, (##g,##s) 5, (b,##u) 4.
//   1. ##u ##g → ##ug (20)   then (p,##u) 12, (h,##ug) 15, (##ug,##s) 5, (p,##ug) 5
//   2. ##u ##n → ##un (16)   then (p,##un) 12, (b,##un) 4
//   3. h ##ug → hug (15)     then (hug,##s) 5
//   4. p ##un → pun (12)
//   5. p ##ug → pug (5): ties with (hug,##s) at 5, and p = 5 < hug = 14
//   6. hug ##s → hugs (5)    7. b ##un → bun (4)
const toy = new Map([['hug', 10], ['pug', 5], ['pun', 12], ['bun', 4], ['hugs', 5]]);
const alphabetAndPieces = ['[UNK]', 'b', 'g', 'h', 'n', 'p', 's', 'u', '##u', '##n', '##g', '##s'];
const merged = ['##ug', '##un', 'hug', 'pun', 'pug', 'hugs', 'bun'];

describe('trainWordPiece by hand', () => {
  test('the toy corpus gives the hand-worked vocabulary, merges in order', () => {
    expect(trainWordPieceFromCounts(toy, { specialTokens: ['[UNK]'] }).tokens).toEqual([...alphabetAndPieces, ...merged]);
  });

  test('vocabSize stops the merges; minFrequency stops them at the first rarer pair', () => {
    expect(trainWordPieceFromCounts(toy, { specialTokens: ['[UNK]'], vocabSize: 15 }).tokens).toEqual([...alphabetAndPieces, '##ug', '##un', 'hug']);
    expect(trainWordPieceFromCounts(toy, { specialTokens: ['[UNK]'], minFrequency: 6 }).tokens).toEqual([...alphabetAndPieces, '##ug', '##un', 'hug', 'pun']);
  });

  test('limitAlphabet keeps the most frequent characters; the words lose the others', () => {
    // Character counts: u 36, n 16, p 17, g 20, h 15, s 5, b 4. Keeping 5 drops b and s.
    const v = trainWordPieceFromCounts(toy, { specialTokens: ['[UNK]'], limitAlphabet: 5, vocabSize: 11 });
    expect(v.tokens.slice(0, 6)).toEqual(['[UNK]', 'g', 'h', 'n', 'p', 'u']);
    expect(v.tokens).not.toContain('b');
    expect(v.tokens).not.toContain('##s');
  });

  test('texts are counted after normalisation and pre-tokenisation', () => {
    const counts = countWords(['Hug, HUG!', 'pug hug']);
    expect([...counts]).toEqual([['hug', 3], [',', 1], ['!', 1], ['pug', 1]]);
    expect(trainWordPiece(['Hug, HUG!', 'pug hug']).tokens.slice(0, 7)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '!', ',']);
  });

  test('a vocabSize below the special tokens and the alphabet is refused, naming both', () => {
    expect(() => trainWordPieceFromCounts(toy, { vocabSize: 10 })).toThrow(/vocabSize 10 is smaller than .*16 tokens/);
  });
});

describe('trainWordPiece on IMDB training reviews', () => {
  let texts: readonly string[];
  let vocab: Vocab;
  beforeAll(() => {
    texts = loadImdb().pretrainingTexts.slice(0, 3000);
    vocab = trainWordPiece(texts, { vocabSize: 4000 });
  }, 60_000);

  test('the vocabulary has exactly vocabSize distinct tokens, special tokens first', () => {
    expect(vocab.size).toBe(4000);
    expect(new Set(vocab.tokens).size).toBe(4000);
    expect(vocab.tokens.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  });

  test('every training word of at most 100 characters encodes without [UNK]', () => {
    const tokenizer = new WordPieceTokenizer(vocab);
    let words = 0;
    for (const word of countWords(texts).keys()) {
      if ([...word].length > 100) continue;
      words++;
      const ids = tokenizer.model.encodeWord(word);
      if (ids.includes(vocab.special.unk!)) expect(word).toBe('a word that encodes without [UNK]');
    }
    expect(words).toBeGreaterThan(20000);
  });

  test('vocab.txt round trip: same tokens, same ids for every review', () => {
    const again = Vocab.fromBytes(vocab.toBytes());
    expect(again.tokens).toEqual(vocab.tokens);
    const a = new WordPieceTokenizer(vocab);
    const b = new WordPieceTokenizer(again);
    for (const t of texts.slice(0, 200)) expect(Array.from(b.encode(t).ids)).toEqual(Array.from(a.encode(t).ids));
  });

  test('the order of the texts does not matter', () => {
    const shuffled = Array.from(randomPermutation(texts.length, seededRandom(7)), (i) => texts[i]!);
    expect(trainWordPiece(shuffled, { vocabSize: 4000 }).tokens).toEqual(vocab.tokens);
  });

  test('a smaller vocabulary is a prefix of a larger one (merges are added in order)', () => {
    expect(trainWordPiece(texts, { vocabSize: 1500 }).tokens).toEqual(vocab.tokens.slice(0, 1500));
  });
});
