/**
 * The spam example's text Transformer: padding changes nothing (a mail scored alone or beside a
 * longer one gets the same logit: the key padding mask and the pooling weights work), its
 * WordPiece vocabulary comes from the fit mails alone, and it runs through the study like the
 * other models (one epoch on a slice).
 */
import { describe, expect, test } from 'vitest';
import { loadSpamAssassin } from '../../src/data/spam-assassin.js';
import { noGrad, text } from '../../src/index.js';
import { runStudy, splitMails, type SpamData } from './study.js';
import { TextTransformer, TRANSFORMER_SETTINGS, transformerBatch, transformerModel } from './transformer.js';

const all = loadSpamAssassin();
const every = (k: number): SpamData => {
  const ids = all.texts.map((_, i) => i).filter((i) => i % k === 0);
  return { texts: ids.map((i) => all.texts[i]!), labels: Int32Array.from(ids, (i) => all.labels[i]!), groups: ids.map((i) => all.groups[i]!) };
};

describe('TextTransformer', () => {
  test('a mail gets the same logit alone and padded beside a longer one', () => {
    const net = new TextTransformer(50, TRANSFORMER_SETTINGS, 3);
    net.eval();
    const short = Int32Array.of(2, 7, 9, 11, 3);
    const long = Int32Array.from({ length: 20 }, (_, i) => 5 + (i % 40));
    const [alone, both, swapped] = noGrad(() => [
      net.forward(...transformerBatch([short])).dataSync(),
      net.forward(...transformerBatch([short, long])).dataSync(),
      net.forward(...transformerBatch([long, short])).dataSync(),
    ]);
    expect(both[0]).toBeCloseTo(alone[0]!, 5);
    expect(swapped[1]).toBeCloseTo(alone[0]!, 5);
    expect(Math.abs(both[1]! - both[0]!)).toBeGreaterThan(1e-4); //               different mails, different logits
    const [, padding, weights] = transformerBatch([short, long]);
    expect((padding.toArray() as number[][])[0]!.slice(4, 7)).toEqual([0, 1, 1]);
    expect((weights.toArray() as number[][])[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  test('its vocabulary is trained on the fit mails only', async () => {
    const data = every(30);
    const { fit, validation } = splitMails(data, 'temporal', 0);
    const cache = new Map<string, unknown>();
    await transformerModel('test').train({ fit, validation, cache }, { loss: 'bce', seed: 0, maxEpochs: 1, log: () => undefined });
    const { tokenizer } = cache.get(`wordpiece:${TRANSFORMER_SETTINGS.vocabSize}:${TRANSFORMER_SETTINGS.maxLength}`) as { tokenizer: text.WordPieceTokenizer };
    const fitOnly = text.trainWordPiece(fit.texts, { vocabSize: TRANSFORMER_SETTINGS.vocabSize });
    const withValidation = text.trainWordPiece([...fit.texts, ...validation.texts], { vocabSize: TRANSFORMER_SETTINGS.vocabSize });
    expect(tokenizer.vocab.toText()).toBe(fitOnly.toText());
    expect(tokenizer.vocab.toText()).not.toBe(withValidation.toText());
  }, 240_000);

  test('it runs through the study: every policy scored, better than chance after one epoch', async () => {
    const { runs } = await runStudy(every(30), {
      splits: ['random'], seeds: [0], models: ['transformer'], losses: ['bce'], costs: { falsePositive: 5, falseNegative: 1 },
      labelBudgets: [], draws: 1, maxEpochs: 1, log: () => undefined,
    });
    expect(runs).toHaveLength(1);
    expect(runs[0]!.model).toBe('transformer');
    for (const p of runs[0]!.policies) expect(p.f1 >= 0 && p.f1 <= 1 && Number.isFinite(p.expectedCost), p.policy).toBe(true);
    expect(runs[0]!.rocAuc).toBeGreaterThan(0.5); //                               one epoch already ranks better than chance
  }, 240_000);
});
