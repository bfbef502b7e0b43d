/**
 * BagOfWords against scikit-learn 1.2's CountVectorizer + normalize
 * (fixtures/sklearn-bag-of-words.json, from `/usr/bin/python3 scripts/make-spam-fixtures.py`),
 * and the two layouts (dense, padded) against each other.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { tensor } from '../autograd/creation.js';
import { embedding } from '../autograd/ops/embedding.js';
import { mul } from '../autograd/ops/elementwise.js';
import { matmul } from '../autograd/ops/matmul.js';
import { sum } from '../autograd/ops/reduce.js';
import { unsqueeze } from '../autograd/ops/shape.js';
import { BagOfWords, sparseToDense, sparseToPadded, tokenize, type BagOfWordsOptions, type SparseRows } from './bag-of-words.js';

interface Case { options: BagOfWordsOptions & { norm: 'l2' | 'l1' | null }; vocabulary: string[]; fitted: number[][]; unseen: number[][] }
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/sklearn-bag-of-words.json', import.meta.url), 'utf8')) as { docs: string[]; unseen: string[]; cases: Case[] };

function dense(rows: SparseRows): number[][] {
  const out = Array.from({ length: rows.rows }, () => new Array<number>(rows.columns).fill(0));
  for (let r = 0; r < rows.rows; r++) for (let k = rows.indptr[r]!; k < rows.indptr[r + 1]!; k++) out[r]![rows.indices[k]!] = rows.values[k]!;
  return out;
}

function expectMatrix(got: number[][], want: number[][]): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, r) => row.forEach((v, c) => expect(Math.abs(v - want[r]![c]!), `[${r}, ${c}]: ${v} vs ${want[r]![c]}`).toBeLessThan(1e-15)));
}

describe('BagOfWords matches sklearn CountVectorizer + normalize', () => {
  for (const c of FIXTURE.cases) {
    test(JSON.stringify(c.options), () => {
      const bow = BagOfWords.fit(FIXTURE.docs, c.options);
      expect(bow.vocabulary).toEqual(c.vocabulary);
      expectMatrix(dense(bow.transform(FIXTURE.docs)), c.fitted);
      expectMatrix(dense(bow.transform(FIXTURE.unseen)), c.unseen);
    });
  }
});

describe('BagOfWords: tokens, ties, JSON, errors', () => {
  test('tokens: lower-cased, 2-30 characters of [a-z0-9$!\'], longer runs cut', () => {
    expect(tokenize("FREE $$$ offer!!! Don't miss it")).toEqual(['free', '$$$', 'offer!!!', "don't", 'miss', 'it']);
    expect(tokenize('a '.repeat(3) + 'x'.repeat(35))).toEqual(['x'.repeat(30), 'xxxxx']);
    expect(tokenize('café, naïve')).toEqual(['caf', 'na', 've']);
  });

  test('maxFeatures keeps the most frequent, equal frequencies alphabetically', () => {
    const bow = BagOfWords.fit(['bb aa cc', 'cc bb', 'dd cc'], { minDf: 1, maxFeatures: 2 });
    expect(bow.vocabulary).toEqual(['bb', 'cc']); // cc is in 3 documents, bb in 2, aa and dd in 1
    const tie = BagOfWords.fit(['zz yy', 'xx ww'], { minDf: 1, maxFeatures: 3 });
    expect(tie.vocabulary).toEqual(['ww', 'xx', 'yy']);
  });

  test('toJSON / fromJSON give the same rows; unknown words and empty texts give empty rows', () => {
    const bow = BagOfWords.fit(FIXTURE.docs);
    const copy = BagOfWords.fromJSON(JSON.parse(JSON.stringify(bow)) as ReturnType<BagOfWords['toJSON']>);
    expect(copy.transform(FIXTURE.unseen)).toEqual(bow.transform(FIXTURE.unseen));
    const empty = bow.transform(['', 'qqq zzz']);
    expect([...empty.indptr]).toEqual([0, 0, 0]);
    expect(bow.indexOf('free')).toBe(bow.vocabulary.indexOf('free'));
    expect(bow.indexOf('nope')).toBe(-1);
  });

  test('errors name the option', () => {
    expect(() => BagOfWords.fit(['a'], { minDf: 0 })).toThrow(/BagOfWords.fit: minDf must be an integer ≥ 1, got 0/);
    expect(() => BagOfWords.fit(['a'], { tokenPattern: '(' })).toThrow(/tokenPattern "\(" is not a regular expression/);
    expect(() => BagOfWords.fit([])).toThrow(/no training texts/);
    expect(() => sparseToDense(BagOfWords.fit(FIXTURE.docs).transform(['x']), [1])).toThrow(/sparseToDense: row 1 is out of range for 1 rows/);
  });
});

describe('dense and padded layouts give the same product with a weight matrix', () => {
  test('X·W (dense) = Σ_l weight·W[index] (padded), for chosen rows in a chosen order', () => {
    const bow = BagOfWords.fit(FIXTURE.docs, { minDf: 1 });
    const rows = bow.transform([...FIXTURE.docs, ...FIXTURE.unseen]);
    const V = bow.vocabulary.length;
    const W = tensor(Array.from({ length: V }, (_, v) => [Math.sin(v), Math.cos(3 * v)]), { dtype: 'float32' }); // [V, 2]
    const select = [3, 0, 7, 11, 12];
    const viaDense = matmul(sparseToDense(rows, select), W); //                          [5, 2]
    const { index, weight } = sparseToPadded(rows, select); //                           [5, L]
    expect(index.shape[1]).toBe(Math.max(...select.map((r) => rows.indptr[r + 1]! - rows.indptr[r]!)));
    const viaPadded = sum(mul(embedding(index, W), unsqueeze(weight, 2)), 1); //         [5, 2]
    const a = viaDense.toArray() as number[][];
    const b = viaPadded.toArray() as number[][];
    a.forEach((row, i) => row.forEach((v, j) => expect(b[i]![j]!).toBeCloseTo(v, 6)));
    expect(sparseToPadded(rows, [7]).index.shape).toEqual([1, 1]); // the empty text: one padding slot
  });
});
