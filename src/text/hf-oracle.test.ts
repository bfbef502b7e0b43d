/**
 * The oracle: Hugging Face's tokenizers.js (@huggingface/tokenizers, a devDependency used only
 * here) set up as a BERT tokenizer.json — BertNormalizer, BertPreTokenizer, WordPiece,
 * BertProcessing — over the SAME vocabulary as ours, trained by our trainer on the IMDB training
 * split. On 1,000 test reviews (and a few hand-picked hard strings), single and paired, with
 * and without truncation, both must give identical ids and token type ids.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadImdb } from '../data/imdb.js';
import type { ImdbSplits } from '../data/imdb-split.js';
import { WordPieceTokenizer } from './tokenizer.js';
import { trainWordPiece } from './trainer.js';
import { SPECIAL_TOKENS, type Vocab } from './vocab.js';

/** A tokenizer.json as Hugging Face writes it for an uncased BERT, over `vocab`. */
function bertTokenizerJson(vocab: Vocab): object {
  const id = (t: string): number => vocab.requireId(t, 'oracle');
  return {
    added_tokens: SPECIAL_TOKENS.map((content) => ({ id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', id('[SEP]')], cls: ['[CLS]', id('[CLS]')] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.tokens.map((t, i) => [t, i])) },
  };
}

let imdb: ImdbSplits;
let ours: WordPieceTokenizer;
let theirs: Tokenizer;

beforeAll(() => {
  imdb = loadImdb();
  const vocab = trainWordPiece(imdb.pretrainingTexts, { vocabSize: 8000 });
  ours = new WordPieceTokenizer(vocab);
  theirs = new Tokenizer(bertTokenizerJson(vocab), {});
}, 60_000);

const idsOf = (e: { ids: ArrayLike<number> }): number[] => Array.from(e.ids);

describe('WordPieceTokenizer against Hugging Face tokenizers.js, same vocabulary', () => {
  test('1,000 IMDB test reviews: identical ids', () => {
    const reviews = imdb.test.texts.slice(0, 1000);
    let tokens = 0;
    for (const text of reviews) {
      const mine = idsOf(ours.encode(text));
      const reference = theirs.encode(text).ids;
      if (mine.join(',') !== reference.join(',')) expect({ text, ids: mine }).toEqual({ text, ids: reference });
      tokens += mine.length;
    }
    expect(tokens).toBeGreaterThan(200_000); // about 300 tokens a review
  });

  test('200 pairs of reviews: identical ids and token type ids', () => {
    const texts = imdb.test.texts;
    for (let i = 0; i < 200; i++) {
      const mine = ours.encode(texts[i]!, { pair: texts[i + 1]! });
      const reference = theirs.encode(texts[i]!, { text_pair: texts[i + 1]!, return_token_type_ids: true });
      expect(idsOf(mine)).toEqual(reference.ids);
      expect(Array.from(mine.tokenTypeIds)).toEqual(reference.token_type_ids);
    }
  });

  test('head truncation is the reference encoding cut to maxLength − 1, then [SEP]', () => {
    for (const text of imdb.test.texts.slice(0, 200)) {
      const full = theirs.encode(text).ids;
      const expected = full.length <= 128 ? full : [...full.slice(0, 127), full[full.length - 1]!];
      expect(idsOf(ours.encode(text, { maxLength: 128 }))).toEqual(expected);
    }
  });

  test('hard strings: accents, CJK, control characters, punctuation of all kinds, a 101-letter word, emoji', () => {
    const hard = [
      'Crème brûlée at the Café Noël — «superb»!',
      'İSTANBUL ΌΣΟΣ Ærøskøbing Straße',
      '中文字幕 and ひらがな, 한국어',
      'tab\there\r\nzero\u200Bwidth nbsp\u00A0x \u0000nul \uFFFDbad',
      `${'a'.repeat(101)} ${'b'.repeat(100)}`,
      "Don't!!! $5.99 + tax = £6 (c++) a_b ~x~ `q` @you #1",
      'Emoji 😀 and 👍🏽 thumbs',
      '',
      '   ',
    ];
    let unknown = 0;
    for (const text of hard) {
      const mine = idsOf(ours.encode(text));
      expect({ text, ids: mine }).toEqual({ text, ids: theirs.encode(text).ids });
      unknown += mine.filter((i) => i === ours.vocab.special.unk).length;
    }
    expect(unknown).toBeGreaterThan(0); // the [UNK] paths are compared too (the 101-letter word, characters never seen)
  });
});
