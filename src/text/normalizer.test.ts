/**
 * BERT normalisation and pre-tokenisation, case by case. Every expected value is worked out by
 * hand from the rules in the file headers (and Hugging Face's own pre-tokenizer test).
 */
import { describe, expect, test } from 'vitest';
import { normalize, resolveNormalizerOptions } from './normalizer.js';
import { isPunctuation, preTokenize } from './pre-tokenizer.js';

const uncased = resolveNormalizerOptions();

describe('normalize', () => {
  test('lower-cases and strips accents (NFD, then nonspacing marks dropped)', () => {
    expect(normalize('Héllo WORLD', uncased)).toBe('hello world');
    expect(normalize('Crème Brûlée', uncased)).toBe('creme brulee');
    expect(normalize('İstanbul', uncased)).toBe('istanbul');
  });

  test('letters without a decomposition stay: æ, ø and ß are letters, not accented ones', () => {
    expect(normalize('Ærøskøbing Straße', uncased)).toBe('ærøskøbing straße');
  });

  test('Greek: accents dropped, then final sigma lower-cased as ς', () => {
    expect(normalize('ΌΣΟΣ', uncased)).toBe('οσος');
  });

  test('Hangul syllables stay decomposed into jamo after NFD (jamo are letters, not marks), as in Hugging Face', () => {
    expect(normalize('한', uncased)).toBe('\u1112\u1161\u11AB');
  });

  test('clean text: NUL, U+FFFD, control and format characters are dropped; \\t \\n \\r and other whitespace become spaces', () => {
    expect(normalize('a\u0000b\uFFFDc', uncased)).toBe('abc');
    expect(normalize('zero\u200Bwidth\u00ADsoft', uncased)).toBe('zerowidthsoft'); // ZWSP and soft hyphen are Cf
    expect(normalize('line\r\nbreak\ttab', uncased)).toBe('line  break tab');
    expect(normalize('x\u00A0y\u3000z\u2028w', uncased)).toBe('x y z w');
    expect(normalize('a\u000Bb\u000Cc\u0085d', uncased)).toBe('abcd'); // \v \f U+0085: White_Space but Cc, so dropped
    expect(normalize('private\uE000use', uncased)).toBe('privateuse'); // Co
  });

  test('every BMP code point is cleaned as the rule says', () => {
    const whitespace = /^\p{White_Space}$/u;
    const control = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u;
    const options = resolveNormalizerOptions({ lowercase: false, handleChineseChars: false });
    for (let cp = 0; cp < 0x10000; cp++) {
      const c = String.fromCharCode(cp);
      const expected = c === '\t' || c === '\n' || c === '\r' ? ' ' : cp === 0 || cp === 0xfffd || control.test(c) ? '' : whitespace.test(c) ? ' ' : c;
      const got = normalize(c, options);
      if (got !== expected) expect({ cp: cp.toString(16), got }).toEqual({ cp: cp.toString(16), got: expected });
    }
  });

  test('CJK ideographs get a space on each side, kana and hangul do not', () => {
    expect(normalize('中文ab', uncased)).toBe(' 中  文 ab');
    expect(normalize('𠀀', uncased)).toBe(' 𠀀 '); // U+20000, Extension B: a surrogate pair
    expect(normalize('ひらがな', resolveNormalizerOptions({ stripAccents: false }))).toBe('ひらがな');
  });

  test("uncased BERT's known quirk: the dakuten of が is a nonspacing mark after NFD, so が becomes か", () => {
    expect(normalize('ひらがな', uncased)).toBe('ひらかな');
  });

  test('options: cased keeps case and accents; strip accents alone; no cleaning keeps tabs', () => {
    expect(normalize('Héllo', resolveNormalizerOptions({ lowercase: false }))).toBe('Héllo');
    expect(normalize('Héllo', resolveNormalizerOptions({ lowercase: false, stripAccents: true }))).toBe('Hello');
    expect(normalize('Héllo', resolveNormalizerOptions({ stripAccents: false }))).toBe('héllo');
    expect(normalize('a\tb', resolveNormalizerOptions({ cleanText: false }))).toBe('a\tb');
    expect(normalize('中', resolveNormalizerOptions({ handleChineseChars: false }))).toBe('中');
  });
});

describe('preTokenize', () => {
  test("Hugging Face's BertPreTokenizer test: whitespace dropped, each punctuation mark its own word", () => {
    expect(preTokenize('Hey friend!     How are you?!?')).toEqual(['Hey', 'friend', '!', 'How', 'are', 'you', '?', '!', '?']);
  });

  test('ASCII symbols count as punctuation, non-ASCII symbols do not', () => {
    expect(preTokenize('$5.99 + tax = £6')).toEqual(['$', '5', '.', '99', '+', 'tax', '=', '£6']);
    expect(preTokenize('c++ a_b ©2020 x|y')).toEqual(['c', '+', '+', 'a', '_', 'b', '©2020', 'x', '|', 'y']);
  });

  test("apostrophes, quotes and dashes of every kind split words; emoji do not", () => {
    expect(preTokenize("don't «so» — yes… naïve😀x")).toEqual(['don', "'", 't', '«', 'so', '»', '—', 'yes', '…', 'naïve😀x']);
  });

  test('empty and blank texts have no words', () => {
    expect(preTokenize('')).toEqual([]);
    expect(preTokenize('   ')).toEqual([]);
  });

  test('isPunctuation follows the same definition', () => {
    for (const c of ['!', '$', '`', '~', '¿', '、', '…', '_']) expect(isPunctuation(c)).toBe(true);
    for (const c of ['a', '5', '£', '©', ' ', '😀']) expect(isPunctuation(c)).toBe(false);
  });
});
