/**
 * IMDB: the package file and Sapling's split. The split's properties are checked on the real
 * 50,000 reviews (read once) and, for file-order independence and edge cases, on small made-up
 * sets of reviews.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { seededRandom } from '../autograd/random.js';
import { randomPermutation } from './dataset.js';
import { cleanImdbText, splitImdb, type ImdbSplit, type ImdbSplits, type RawImdbReview } from './imdb-split.js';
import { loadImdb, readImdbReviews } from './imdb.js';

let reviews: RawImdbReview[];
let split: ImdbSplits;

beforeAll(() => {
  reviews = readImdbReviews();
  split = splitImdb(reviews);
}, 60_000);

const labelCounts = (s: ImdbSplit): [number, number] => {
  let pos = 0;
  for (const l of s.labels) pos += l;
  return [s.labels.length - pos, pos];
};

describe('IMDB: the package file', () => {
  test('50,000 reviews, 25,000 negative then 25,000 positive, 49,582 distinct texts', () => {
    expect(reviews).toHaveLength(50000);
    expect(reviews.slice(0, 25000).every((r) => r.s === 0)).toBe(true);
    expect(reviews.slice(25000).every((r) => r.s === 1)).toBe(true);
    expect(new Set(reviews.map((r) => r.t)).size).toBe(49582);
    expect(new Set(reviews.map((r) => cleanImdbText(r.t))).size).toBe(49582);
  });

  test('cleaning turns each <br /> into a space and leaves other text alone', () => {
    expect(cleanImdbText('Good.<br /><br />Bad.<BR>x<br/>y')).toBe('Good.  Bad. x y');
    expect(cleanImdbText('< Cough > <grin> <i>yes</i>')).toBe('< Cough > <grin> <i>yes</i>');
    expect(reviews.reduce((n, r) => n + (r.t.match(/<br \/>/g)?.length ?? 0), 0)).toBe(201948);
  });

  test('a missing or malformed file is reported with its path', () => {
    expect(() => readImdbReviews('/nonexistent/reviews.json')).toThrow(/loadImdb: cannot read \/nonexistent\/reviews\.json/);
  });
});

describe("IMDB: Sapling's split", () => {
  test('sizes: test 25,000, validation 2,500, train 22,500 — all of the 50,000', () => {
    expect(split.test.texts).toHaveLength(25000);
    expect(split.validation.texts).toHaveLength(2500);
    expect(split.train.texts).toHaveLength(22500);
    const all = [...split.train.indices, ...split.validation.indices, ...split.test.indices].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 50000 }, (_, i) => i));
  });

  test('stratified: each side is half negative, half positive', () => {
    expect(labelCounts(split.test)).toEqual([12500, 12500]);
    expect(labelCounts(split.validation)).toEqual([1250, 1250]);
    expect(labelCounts(split.train)).toEqual([11250, 11250]);
  });

  test('no text is on two sides (duplicates stay together)', () => {
    const sideOf = new Map<string, string>();
    for (const [name, s] of Object.entries({ train: split.train, validation: split.validation, test: split.test })) {
      for (const t of s.texts) {
        const seen = sideOf.get(t);
        if (seen !== undefined && seen !== name) expect(`"${t.slice(0, 40)}…" in ${seen} and ${name}`).toBe('on one side');
        sideOf.set(t, name);
      }
    }
    expect(sideOf.size).toBe(49582);
  });

  test('texts and labels are those of the file at the given indices, cleaned; sides are shuffled', () => {
    for (const s of [split.train, split.validation, split.test]) {
      for (let k = 0; k < s.texts.length; k += 997) {
        expect(s.texts[k]).toBe(cleanImdbText(reviews[s.indices[k]!]!.t));
        expect(s.labels[k]).toBe(reviews[s.indices[k]!]!.s);
      }
    }
    const first100 = labelCounts({ ...split.train, labels: split.train.labels.subarray(0, 100) });
    expect(first100[0]).toBeGreaterThan(25);
    expect(first100[1]).toBeGreaterThan(25);
  });

  test('the pretraining text is the train side only', () => {
    expect(split.pretrainingTexts).toBe(split.train.texts);
    const held = new Set([...split.test.texts, ...split.validation.texts]);
    expect(split.pretrainingTexts.some((t) => held.has(t))).toBe(false);
  });

  test('deterministic: loadImdb gives the same split again; another seed gives another', () => {
    const again = loadImdb();
    expect(again.test.indices).toEqual(split.test.indices);
    expect(again.train.indices).toEqual(split.train.indices);
    expect(splitImdb(reviews, { seed: 1 }).test.indices).not.toEqual(split.test.indices);
  });

  test('independent of file order: the reviews shuffled give the same texts in the same order', () => {
    const order = randomPermutation(reviews.length, seededRandom(3));
    const shuffled = splitImdb(Array.from(order, (i) => reviews[i]!));
    expect(shuffled.test.texts).toEqual(split.test.texts);
    expect(shuffled.validation.texts).toEqual(split.validation.texts);
    expect(Array.from(shuffled.train.labels)).toEqual(Array.from(split.train.labels));
  });
});

describe('splitImdb on made-up reviews', () => {
  const made = (n: number): RawImdbReview[] => Array.from({ length: n }, (_, i) => ({ t: `review ${i}`, s: i % 2 }));

  test('copies of a text go to one side; exact sizes; validationSize 0 works', () => {
    const reviews8 = [...made(40), { t: 'same', s: 0 }, { t: 'same', s: 0 }, { t: 'same', s: 0 }];
    for (const seed of [0, 1, 2, 3, 4, 5]) {
      const s = splitImdb(reviews8, { seed, validationSize: 4 });
      const sides = [s.train, s.validation, s.test].map((x) => x.texts.filter((t) => t === 'same').length);
      expect(sides.filter((c) => c > 0)).toEqual([3]);
      expect(s.test.texts).toHaveLength(21); // 23 negatives → 11, 20 positives → 10
      expect(labelCounts(s.test)).toEqual([11, 10]);
      expect(s.validation.texts).toHaveLength(4);
    }
    expect(splitImdb(made(10), { validationSize: 0 }).validation.texts).toHaveLength(0);
  });

  test('a text with two labels cannot be stratified and stays in train', () => {
    const s = splitImdb([...made(20), { t: 'torn', s: 0 }, { t: 'torn', s: 1 }], { validationSize: 2 });
    expect(s.train.texts.filter((t) => t === 'torn')).toHaveLength(2);
  });

  test('bad input is refused: a wrong label, a validation larger than what test leaves', () => {
    expect(() => splitImdb([{ t: 'x', s: 2 }])).toThrow(/review 0 must be \{t: string, s: 0 \| 1\}/);
    expect(() => splitImdb(made(10), { validationSize: 7 })).toThrow(/validationSize must be an integer in \[0, 6\]/);
  });
});
