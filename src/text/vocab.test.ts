/** vocab.txt: reading, writing, the byte form, files, and the checks on the way in. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadVocab, saveVocab } from './vocab-file.js';
import { SPECIAL_TOKENS, Vocab } from './vocab.js';

const dir = mkdtempSync(join(tmpdir(), 'sapling-vocab-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Vocab', () => {
  test('ids are line numbers; the special tokens are found by name', () => {
    const v = Vocab.fromText('[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\n##s\n');
    expect(v.size).toBe(7);
    expect(v.id('the')).toBe(5);
    expect(v.token(6)).toBe('##s');
    expect(v.id('missing')).toBeUndefined();
    expect(v.special).toEqual({ pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 });
    expect([...SPECIAL_TOKENS]).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  });

  test("bert-base-uncased's layout (specials at 0 and 100…103) is read by name", () => {
    const lines = ['[PAD]', ...Array.from({ length: 99 }, (_, i) => `[unused${i}]`), '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the'];
    expect(Vocab.fromText(lines.join('\n')).special).toEqual({ pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 });
  });

  test('CRLF line ends and a missing final newline are read; toText writes LF and a final newline', () => {
    const v = Vocab.fromText('a\r\nb\r\n##c');
    expect(v.tokens).toEqual(['a', 'b', '##c']);
    expect(v.toText()).toBe('a\nb\n##c\n');
    expect(Vocab.fromText(v.toText()).tokens).toEqual(v.tokens);
    expect(new Vocab([]).toText()).toBe('');
  });

  test('bytes round trip, non-ASCII tokens included; a byte-order mark is skipped; bad UTF-8 is refused', () => {
    const v = new Vocab(['[UNK]', 'café', '##é', '😀', '中']);
    const bytes = v.toBytes();
    expect(bytes.length).toBe(new TextEncoder().encode('[UNK]\ncafé\n##é\n😀\n中\n').length);
    expect(Vocab.fromBytes(bytes).tokens).toEqual(v.tokens);
    expect(Vocab.fromBytes(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61, 0x0a)).tokens).toEqual(['a']);
    expect(() => Vocab.fromBytes(Uint8Array.of(0x61, 0xff, 0x0a))).toThrow(/not valid UTF-8/);
  });

  test('empty lines, duplicates and line breaks inside tokens are refused, naming the place', () => {
    expect(() => Vocab.fromText('a\n\nb\n')).toThrow(/line 2 is empty/);
    expect(() => Vocab.fromText('a\nb\na\n')).toThrow(/"a" appears twice, at ids 0 and 2/);
    expect(() => new Vocab(['a\nb'])).toThrow(/line break/);
    expect(() => new Vocab([''])).toThrow(/non-empty/);
  });

  test('token(id) refuses ids outside the vocabulary', () => {
    expect(() => new Vocab(['a']).token(1)).toThrow(/id 1 is outside \[0, 1\)/);
  });
});

describe('vocab files', () => {
  test('saveVocab then loadVocab gives the same tokens; the file is plain vocab.txt; no temporary file is left', () => {
    const v = new Vocab(['[PAD]', '[UNK]', 'naïve', '##s']);
    const path = join(dir, 'vocab.txt');
    saveVocab(path, v);
    expect(readFileSync(path, 'utf8')).toBe('[PAD]\n[UNK]\nnaïve\n##s\n');
    expect(loadVocab(path).tokens).toEqual(v.tokens);
    expect(readdirSync(dir)).toEqual(['vocab.txt']);
    saveVocab(path, new Vocab(['x'])); // overwrites whole
    expect(readFileSync(path, 'utf8')).toBe('x\n');
  });

  test('errors name the file', () => {
    expect(() => loadVocab(join(dir, 'missing.txt'))).toThrow(/loadVocab: cannot read .*missing\.txt/);
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'a\na\n');
    expect(() => loadVocab(bad)).toThrow(/loadVocab: .*bad\.txt: .*appears twice/);
    expect(existsSync(bad)).toBe(true);
  });
});
