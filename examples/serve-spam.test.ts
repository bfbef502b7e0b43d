/**
 * The inference server's spam route (examples/serve/spam.ts): the probability and the decision at
 * the requested threshold (in the body, the query, or from two costs), the same numbers as the
 * SpamFilter itself, whole messages read as Subject + body, every malformed request with its
 * documented status, and the message for a missing filter file. A small filter whose weights are
 * set by hand, so the probabilities can be written down; requests through Fastify's `inject`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BagOfWords } from '../src/features/bag-of-words.js';
import { buildServer } from './serve/app.js';
import { ERRORS } from './serve/errors.js';
import { loadSpamFilter } from './serve/spam.js';
import { SpamFilter } from './spam/filter.js';

// Vocabulary ['free', 'meeting', 'money', 'tomorrow']; z = 1 + 2·x_free − 3·x_meeting + 2·x_money, p = σ(0.5·z − 0.25).
const bow = BagOfWords.fit(['free money', 'free money', 'meeting tomorrow', 'meeting tomorrow']);
const filter = new SpamFilter(bow, [2, -3, 2, 0], 1, { a: 0.5, b: -0.25 }, { split: 'hand-made' });
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const pFreeMoney = sigmoid(0.5 * (1 + 2 / Math.SQRT2 + 2 / Math.SQRT2) - 0.25); // 0.8419…: two words, each 1/√2
const pMeeting = sigmoid(0.5 * (1 - 3 / Math.SQRT2) - 0.25); //                   0.2846…: 'meeting', 'tomorrow'

const lines: string[] = [];
const served = buildServer({ models: [], spam: filter, log: (line) => lines.push(line), bodyLimit: 4096, batch: { maxBatch: 1, maxWaitMs: 0, maxQueue: 8 } });
const post = (payload: unknown, query = '', contentType = 'application/json') =>
  served.app.inject({ method: 'POST', url: `/v1/spam${query}`, payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: { 'content-type': contentType } });
afterAll(() => served.close());

interface Answer { probability: number; logit: number; threshold: number; threshold_from: string; decision: string; model: string }

describe('POST /v1/spam', () => {
  test('the probability and the decision at the requested threshold, equal to the filter\'s own', async () => {
    const at = async (payload: unknown, query = ''): Promise<Answer> => {
      const response = await post(payload, query);
      expect(response.statusCode).toBe(200);
      return response.json() as Answer;
    };
    const a = await at({ text: 'FREE money' });
    expect(a.probability).toBeCloseTo(pFreeMoney, 14);
    expect(a).toMatchObject({ model: 'spam', threshold: 0.5, threshold_from: 'default', decision: 'spam' });
    expect(a.probability).toBe(filter.decide('FREE money', 0.5).probability);
    expect(await at({ text: 'FREE money', threshold: 0.9 })).toMatchObject({ threshold: 0.9, threshold_from: 'request', decision: 'ham' });
    expect(await at({ text: 'FREE money' }, '?threshold=0.84')).toMatchObject({ threshold: 0.84, decision: 'spam' }); // 0.8419 ≥ 0.84
    expect(await at({ text: 'FREE money' }, '?threshold=0.85')).toMatchObject({ decision: 'ham' });
    // Costs 5 : 1 → the Bayes threshold 5/6 = 0.833…: 0.8419 is spam; 6 : 1 → 6/7 = 0.857…: ham.
    expect(await at({ text: 'FREE money', costs: { false_positive: 5, false_negative: 1 } })).toMatchObject({ threshold: 5 / 6, threshold_from: 'costs', decision: 'spam' });
    expect(await at({ text: 'FREE money', costs: { false_positive: 6, false_negative: 1 } })).toMatchObject({ threshold: 6 / 7, decision: 'ham' });
    const b = await at({ text: 'Meeting tomorrow', threshold: 0.2 });
    expect(b.probability).toBeCloseTo(pMeeting, 14);
    expect(b.decision).toBe('spam');
    expect((await at({ text: 'Meeting tomorrow' })).decision).toBe('ham');
  });

  test('a whole message is read as Subject + body, its other headers ignored', async () => {
    const message = 'From: someone@example.com\nSubject: free\nTo: meeting@example.com\n\nmoney';
    const answer = (await post({ text: message })).json() as Answer;
    expect(answer.probability).toBeCloseTo(pFreeMoney, 14); //                     'meeting' in To: does not count
  });

  test('every malformed request gets its documented status and code; the next request succeeds', async () => {
    const cases: [unknown, string, string, keyof typeof ERRORS][] = [
      [{}, '', 'application/json', 'missing_text'],
      [{ text: 42 }, '', 'application/json', 'missing_text'],
      ['["free"]', '', 'application/json', 'missing_text'],
      ['', '', 'application/json', 'empty_body'],
      ['{"text": "fr', '', 'application/json', 'invalid_json'],
      ['free money', '', 'text/plain', 'unsupported_media_type'],
      ['free money', '', 'application/octet-stream', 'unsupported_media_type'],
      [{ text: 'free', threshold: 1.5 }, '', 'application/json', 'invalid_parameter'],
      [{ text: 'free', threshold: 'high' }, '', 'application/json', 'invalid_parameter'],
      [{ text: 'free' }, '?threshold=-0.1', 'application/json', 'invalid_parameter'],
      [{ text: 'free', costs: { false_positive: 0, false_negative: 1 } }, '', 'application/json', 'invalid_parameter'],
      [{ text: 'free', costs: [5, 1] }, '', 'application/json', 'invalid_parameter'],
      [{ text: 'free', threshold: 0.5, costs: { false_positive: 5, false_negative: 1 } }, '', 'application/json', 'invalid_parameter'],
      [{ text: 'x'.repeat(5000) }, '', 'application/json', 'payload_too_large'],
    ];
    for (const [payload, query, contentType, code] of cases) {
      const response = await post(payload, query, contentType);
      const body = response.json() as { error: { code: string; message: string } };
      expect([response.statusCode, body.error.code], JSON.stringify(payload)).toEqual([ERRORS[code].status, code]);
      expect((await post({ text: 'free money' })).statusCode).toBe(200);
    }
    const get = await served.app.inject({ method: 'GET', url: '/v1/spam' });
    expect([get.statusCode, get.headers.allow]).toEqual([405, 'POST']);
    const noFilter = buildServer({ models: [], log: null, batch: { maxBatch: 1, maxWaitMs: 0, maxQueue: 8 } });
    const none = await noFilter.app.inject({ method: 'POST', url: '/v1/spam', payload: { text: 'free' } });
    expect([none.statusCode, (none.json() as { error: { message: string } }).error.message]).toEqual([404, 'no spam filter is loaded; start the server with --spam FILE']);
    await noFilter.close();
    expect(lines.map((l) => (JSON.parse(l) as { model?: string }).model).every((m) => m === 'spam' || m === undefined)).toBe(true);
  });

  test('/healthz shows the filter\'s recipe; a missing filter file names the command that makes it', async () => {
    const health = (await served.app.inject({ method: 'GET', url: '/healthz' })).json() as { spam: { split: string } };
    expect(health.spam.split).toBe('hand-made');
    const dir = mkdtempSync(join(tmpdir(), 'sapling-spam-'));
    try {
      expect(() => loadSpamFilter(join(dir, 'none.json'))).toThrow(/no spam filter at .*none\.json; make it with `npx tsx demo\/scripts\/make-assets\.ts`/);
      writeFileSync(join(dir, 'f.json'), JSON.stringify(filter.toJSON()));
      expect(loadSpamFilter(join(dir, 'f.json')).decide('free money', 0.5).probability).toBe(filter.decide('free money', 0.5).probability);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
