import { describe, expect, test } from 'vitest';
import { seededRandom } from '../src/index.js';
import { fitTfidf, predictSparse, SparseLogisticRegression, trainSparse, transformTfidf } from './lib/bag-of-words.js';

const docs = ['good movie', 'bad movie', 'good good', 'bad bad movie'].map((d) => d.split(' '));

describe('bag of words', () => {
  test('TF-IDF values equal scikit-learn 1.2.1 TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)', () => {
    const tfidf = fitTfidf(docs, 1);
    const x = transformTfidf(docs, tfidf);
    // scikit-learn's rows, its features (sorted by name): bad, bad bad, bad movie, good, good good, good movie, movie
    const sklearn: Record<string, number>[] = [
      { good: 0.5534923153, 'good movie': 0.7020348194, movie: 0.4480997314 },
      { bad: 0.613666744, 'bad movie': 0.613666744, movie: 0.4968161175 },
      { good: 0.8003373042, 'good good': 0.5995499976 },
      { bad: 0.683802847, 'bad bad': 0.5122515134, 'bad movie': 0.4038649769, movie: 0.3269635055 },
    ];
    const W = tfidf.words.size;
    const key = (gram: string): number => {
      const [a, b] = gram.split(' ').map((w) => tfidf.words.get(w)!);
      return b === undefined ? a! : (a! + 1) * W + b;
    };
    sklearn.forEach((row, i) => {
      const ours = new Map(Array.from(x.ids[i]!, (f, k) => [tfidf.keys[f]!, x.values[i]![k]!]));
      expect(ours.size).toBe(Object.keys(row).length);
      for (const [gram, value] of Object.entries(row)) expect(ours.get(key(gram))).toBeCloseTo(value, 6);
    });
  });

  test('minDf drops the rare grams; unseen words are ignored', () => {
    const tfidf = fitTfidf(docs, 2);
    expect(tfidf.keys.length).toBe(4); //                               good, movie, bad, bad movie
    const [x] = transformTfidf([['unseen', 'good', 'zzz']], tfidf).ids;
    expect(x!.length).toBe(1);
  });

  test('the sparse logistic regression learns a separable toy set', async () => {
    const random = seededRandom(0);
    const words = Array.from({ length: 200 }, (_, i) => Array.from({ length: 6 }, () => (random() < 0.7 ? (i % 2 ? 'great' : 'awful') : 'plot')));
    const labels = Int32Array.from(words, (_, i) => i % 2);
    const x = transformTfidf(words, fitTfidf(words, 2));
    const model = new SparseLogisticRegression(x.ids.reduce((m, ids) => Math.max(m, ...ids), 0) + 1);
    const accuracy = async (): Promise<number> => (await predictSparse(model, x)).reduce((n, p, i) => n + (p === labels[i] ? 1 : 0), 0) / labels.length;
    const { best } = await trainSparse(model, x, labels, { epochs: 3, batchSize: 32, lr: 0.1, weightDecay: 0, random: seededRandom(1), onEpoch: accuracy });
    expect(best).toBeGreaterThan(0.95);
  });
});
