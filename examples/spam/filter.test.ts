/**
 * SpamFilter: the logit is the logistic regression's own forward pass (its weights in a
 * BagOfWordsNet); the JSON round trip keeps every probability; a test mail written back as a
 * message (asMessage) is read to the same text; plain text stays as it is; the decision flips
 * at the threshold.
 */
import { describe, expect, test } from 'vitest';
import { loadSpamAssassin } from '../../src/data/spam-assassin.js';
import { sparseToPadded } from '../../src/features/bag-of-words.js';
import { noGrad, Tensor } from '../../src/index.js';
import { asMessage, mailText, SpamFilter, type SpamFilterJson } from './filter.js';
import { trainSpamFilter } from './filter-train.js';
import { BagOfWordsNet } from './models.js';

const all = loadSpamAssassin();
const ids = all.texts.map((_, i) => i).filter((i) => i % 10 === 0);
const data = { texts: ids.map((i) => all.texts[i]!), labels: Int32Array.from(ids, (i) => all.labels[i]!), groups: ids.map((i) => all.groups[i]!) };
const { filter, test: testSet } = await trainSpamFilter(data, 'random', { maxEpochs: 3 });

describe('SpamFilter', () => {
  test('its logits are the logistic regression\'s forward pass; its probabilities σ(a·z + b); the test probabilities are its own', () => {
    const V = filter.bagOfWords.vocabulary.length;
    const net = new BagOfWordsNet(V, null, 0);
    noGrad(() => {
      net.input.weight.assign(new Tensor(Float32Array.from(filter.weight), [V, 1]));
      net.input.bias.assign(new Tensor(Float32Array.of(filter.bias), [1]));
    });
    const texts = testSet.texts.slice(0, 30);
    const { index, weight } = sparseToPadded(filter.bagOfWords.transform(texts));
    const z = noGrad(() => net.forward(index, weight).dataSync());
    const mine = filter.logits(texts);
    mine.forEach((v, i) => expect(v).toBeCloseTo(z[i]!, 4));
    const p = filter.probabilities(texts);
    p.forEach((v, i) => expect(v).toBeCloseTo(1 / (1 + Math.exp(-(filter.platt.a * mine[i]! + filter.platt.b))), 14));
    expect(Array.from(testSet.probabilities.slice(0, 30))).toEqual(Array.from(p));
    expect(filter.platt.a).toBeGreaterThan(0); //                                  higher logit, more likely spam
    expect(filter.recipe.split).toBe('random');
  });

  test('JSON round trip: the same probabilities, bit for bit', () => {
    const json = JSON.parse(JSON.stringify(filter.toJSON())) as SpamFilterJson;
    const back = SpamFilter.fromJSON(json);
    expect(Array.from(back.probabilities(testSet.texts))).toEqual(Array.from(testSet.probabilities));
    expect(() => SpamFilter.fromJSON({ ...json, format: 'other' as 'sapling-spam-filter' })).toThrow(/format 'other'/);
    expect(() => new SpamFilter(filter.bagOfWords, [1, 2], 0, { a: 1, b: 0 })).toThrow(/2 weights for a vocabulary of/);
  });

  test('a test mail written as a message reads back to its text; plain text is taken as it is', () => {
    for (const text of testSet.texts.slice(0, 50).filter((t) => !t.includes('\r'))) expect(mailText(asMessage(text))).toBe(text);
    expect(mailText('Subject: Cheap  meds\r\nFrom: a@b.c\r\n\tcontinued\r\n\r\nBuy now\n\nreally')).toBe('Cheap meds\nBuy now\n\nreally');
    expect(mailText('Re: lunch\n\nsee you at noon')).toBe('Re: lunch\n\nsee you at noon'); //     no header of a mail
    expect(mailText('Subject: hello, no blank line')).toBe('Subject: hello, no blank line');
    expect(mailText('Dear friend: you won\nSubject: x\n\nbody')).toBe('Dear friend: you won\nSubject: x\n\nbody'); // not all header lines
  });

  test('the decision is p ≥ threshold; thresholds outside [0, 1] are refused', () => {
    const text = asMessage(testSet.texts[0]!);
    const { probability } = filter.decide(text, 0.5);
    expect(probability).toBe(testSet.probabilities[0]);
    expect(filter.decide(text, probability).spam).toBe(true);
    expect(filter.decide(text, Math.min(1, probability + 1e-9)).spam).toBe(probability + 1e-9 > 1);
    expect(filter.decide(text, 0).spam).toBe(true);
    expect(() => filter.decide(text, 1.5)).toThrow(/threshold must be in \[0, 1\], got 1.5/);
    expect(() => filter.decide(text, Number.NaN)).toThrow(/got NaN/);
  });
});
