/**
 * WordPiece and the tokenizer on a small hand-made vocabulary; every expected id is worked out by
 * hand from the vocabulary below (id = position in the list).
 */
import { describe, expect, test } from 'vitest';
import { WordPieceTokenizer } from './tokenizer.js';
import { pairBudgets, truncateIds } from './truncation.js';
import { Vocab } from './vocab.js';
import { WordPiece } from './wordpiece.js';

// 0 [PAD] 1 [UNK] 2 [CLS] 3 [SEP] 4 [MASK] 5 un 6 ##aff 7 ##able 8 ! 9 the 10 cat 11 ##s
// 12 a 13 ##a 14 sat 15 , 16 😀 17 ##😀 18 aff 19 u
const vocab = new Vocab(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'un', '##aff', '##able', '!', 'the', 'cat', '##s', 'a', '##a', 'sat', ',', '😀', '##😀', 'aff', 'u']);
const tokenizer = new WordPieceTokenizer(vocab);

describe('WordPiece', () => {
  const model = new WordPiece(vocab);

  test('greedy longest match first, with ## continuations', () => {
    expect(model.tokenize('unaffable')).toEqual(['un', '##aff', '##able']);
    expect(model.tokenize('cats')).toEqual(['cat', '##s']);
    expect(model.tokenize('aaa')).toEqual(['a', '##a', '##a']);
    expect(model.tokenize('affable')).toEqual(['aff', '##able']);
  });

  test('greedy never backtracks: "ab" is taken, "##c" is missing, so [UNK], although "a" + "##bc" would do', () => {
    const small = new WordPiece(new Vocab(['[UNK]', 'a', 'ab', '##bc']));
    expect(small.tokenize('abc')).toEqual(['[UNK]']);
    expect(small.tokenize('ab')).toEqual(['ab']);
  });

  test('longest first, not shortest: "un" is taken before "u" even though "u" is a token', () => {
    expect(model.encodeWord('un')).toEqual([5]);
  });

  test('a word with any unmatched part becomes one [UNK], not a partial split', () => {
    expect(model.tokenize('unx')).toEqual(['[UNK]']);
    expect(model.tokenize('xun')).toEqual(['[UNK]']);
  });

  test('more than maxInputCharsPerWord characters (100) is [UNK]; exactly 100 is split', () => {
    expect(model.encodeWord('a'.repeat(100))).toHaveLength(100);
    expect(model.tokenize('a'.repeat(101))).toEqual(['[UNK]']);
  });

  test('lengths count code points: three emoji are three characters, not six UTF-16 units', () => {
    const three = new WordPiece(vocab, { maxInputCharsPerWord: 3 });
    expect(three.tokenize('😀😀😀')).toEqual(['😀', '##😀', '##😀']);
    expect(three.tokenize('😀😀😀😀')).toEqual(['[UNK]']);
  });

  test('the cache returns what a fresh split gives, with the cache on or off', () => {
    const uncached = new WordPiece(vocab, { cacheSize: 0 });
    const tiny = new WordPiece(vocab, { cacheSize: 2 });
    for (const w of ['cats', 'unaffable', 'cats', 'aaa', 'unx', 'cats', 'aaa']) {
      expect(tiny.encodeWord(w)).toEqual(uncached.encodeWord(w));
    }
  });

  test('a vocabulary without the unknown token is refused', () => {
    expect(() => new WordPiece(new Vocab(['a', '##b']))).toThrow(/no \[UNK\] token/);
  });
});

describe('WordPieceTokenizer.encode', () => {
  test('one text: [CLS] pieces [SEP], token types 0, mask 1', () => {
    const e = tokenizer.encode('The cats sat!');
    expect(Array.from(e.ids)).toEqual([2, 9, 10, 11, 14, 8, 3]);
    expect(Array.from(e.tokenTypeIds)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(e.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(tokenizer.tokenize('The cats sat!')).toEqual(['the', 'cat', '##s', 'sat', '!']);
  });

  test('a pair: [CLS] A [SEP] B [SEP], token type 1 from B to its [SEP]', () => {
    const e = tokenizer.encode('the cat', { pair: 'un, sat' });
    expect(Array.from(e.ids)).toEqual([2, 9, 10, 3, 5, 15, 14, 3]);
    expect(Array.from(e.tokenTypeIds)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  test('without special tokens', () => {
    expect(Array.from(tokenizer.encode('the cat', { addSpecialTokens: false }).ids)).toEqual([9, 10]);
    expect(Array.from(tokenizer.encode('the', { pair: 'cat', addSpecialTokens: false }).tokenTypeIds)).toEqual([0, 1]);
  });

  test('special tokens written in the text are plain text', () => {
    expect(tokenizer.tokenize('[MASK]')).toEqual(['[UNK]', '[UNK]', '[UNK]']); // "[", "mask", "]": none in this vocabulary
  });

  test('maxLength counts the special tokens; the policy picks which pieces stay', () => {
    const text = 'the cats sat un a'; // pieces: the cat ##s sat un a  (9 10 11 14 5 12)
    expect(Array.from(tokenizer.encode(text, { maxLength: 5 }).ids)).toEqual([2, 9, 10, 11, 3]);
    expect(Array.from(tokenizer.encode(text, { maxLength: 5, truncation: { kind: 'tail' } }).ids)).toEqual([2, 14, 5, 12, 3]);
    expect(Array.from(tokenizer.encode(text, { maxLength: 6, truncation: { kind: 'headTail', head: 1 } }).ids)).toEqual([2, 9, 14, 5, 12, 3]);
    expect(Array.from(tokenizer.encode(text, { maxLength: 100 }).ids)).toEqual([2, 9, 10, 11, 14, 5, 12, 3]);
  });

  test('a pair shares maxLength longest first', () => {
    // A = the cat ##s sat (4 pieces), B = a a a a a a (6). Budget 10 − 3 = 7: A keeps 3, B keeps 4.
    const e = tokenizer.encode('the cats sat', { pair: 'a a a a a a', maxLength: 10 });
    expect(Array.from(e.ids)).toEqual([2, 9, 10, 11, 3, 12, 12, 12, 12, 3]);
    expect(Array.from(e.tokenTypeIds)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  test('a maxLength smaller than the special tokens is refused', () => {
    expect(() => tokenizer.encode('the', { maxLength: 1 })).toThrow(RangeError);
    expect(() => tokenizer.encode('the', { pair: 'cat', maxLength: 2 })).toThrow(/at least 3/);
  });

  test('decode glues ## pieces and skips special tokens unless asked', () => {
    const ids = tokenizer.encode('Unaffable cats!').ids;
    expect(tokenizer.decode(ids)).toBe('unaffable cats !');
    expect(tokenizer.decode(ids, { skipSpecialTokens: false })).toBe('[CLS] unaffable cats ! [SEP]');
  });

  test('fromVocabText builds the same tokenizer from vocab.txt text', () => {
    const again = WordPieceTokenizer.fromVocabText(vocab.toText());
    expect(Array.from(again.encode('The cats sat!').ids)).toEqual([2, 9, 10, 11, 14, 8, 3]);
  });
});

describe('truncation', () => {
  const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  test('head, tail and head+tail keep what they say', () => {
    expect(truncateIds(ids, 4, { kind: 'head' })).toEqual([1, 2, 3, 4]);
    expect(truncateIds(ids, 4, { kind: 'tail' })).toEqual([7, 8, 9, 10]);
    expect(truncateIds(ids, 4, { kind: 'headTail', head: 1 })).toEqual([1, 8, 9, 10]);
    expect(truncateIds(ids, 4, { kind: 'headTail', head: 9 })).toEqual([1, 2, 3, 4]);
    expect(truncateIds(ids, 0, { kind: 'headTail', head: 2 })).toEqual([]);
    expect(truncateIds(ids, 20, { kind: 'tail' })).toEqual(ids);
  });

  test("head+tail without head keeps Sun et al.'s proportion: 128 of 510, so 64 of 254", () => {
    const long = Array.from({ length: 1000 }, (_, i) => i);
    const kept = truncateIds(long, 254, { kind: 'headTail' });
    expect(kept).toHaveLength(254);
    expect(kept.slice(0, 64)).toEqual(long.slice(0, 64));
    expect(kept.slice(64)).toEqual(long.slice(1000 - 190));
    expect(truncateIds(long, 510, { kind: 'headTail' }).slice(127, 129)).toEqual([127, 1000 - 382]);
  });

  test('pair budgets, longest first (Hugging Face): the short text whole if it fits in half, else halves', () => {
    expect(pairBudgets(3, 4, 10)).toEqual([3, 4]);
    expect(pairBudgets(3, 10, 8)).toEqual([3, 5]);
    expect(pairBudgets(10, 3, 8)).toEqual([5, 3]);
    expect(pairBudgets(6, 10, 8)).toEqual([4, 4]);
    expect(pairBudgets(10, 6, 9)).toEqual([5, 4]);
    expect(pairBudgets(6, 10, 9)).toEqual([4, 5]);
  });
});
