/**
 * spam — the spam filter's request: a mail in, its calibrated probability of spam and the
 * decision at the threshold the client asks for.
 *
 *   POST /v1/spam   JSON {"text": "…", "threshold"?: 0…1} or {"text", "costs": {"false_positive", "false_negative"}}
 *                   (?threshold= in the query works too) → 200 {model, probability, logit, threshold,
 *                   threshold_from: "request" | "costs" | "default", decision: "spam" | "ham", total_ms}
 * The text may be a whole message (headers, blank line, body: read as Subject + body, as the
 * training mails were) or just the text. Costs give the Bayes threshold c_FP / (c_FP + c_FN),
 * right for a calibrated probability; without either the threshold is 0.5. The filter is a
 * SpamFilter JSON (examples/spam/filter.ts) that demo/scripts/make-assets.ts writes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { bayesThreshold } from '../../src/metrics/thresholds.js';
import { SpamFilter, type SpamFilterJson } from '../spam/filter.js';
import { RequestError } from './errors.js';

/** The command that writes the default filter files, for the message when one is missing. */
export const SPAM_FILTER_COMMAND = 'npx tsx demo/scripts/make-assets.ts';

/** Reads a SpamFilter JSON file; a missing file names the command that makes it. */
export function loadSpamFilter(path: string): SpamFilter {
  if (!existsSync(path)) throw new Error(`no spam filter at ${path}; make it with \`${SPAM_FILTER_COMMAND}\` (it writes demo/.generated/spam/random.filter.json and temporal.filter.json)`);
  return SpamFilter.fromJSON(JSON.parse(readFileSync(path, 'utf8')) as SpamFilterJson);
}

/** What the route answers. */
export interface SpamAnswer {
  readonly model: 'spam';
  readonly probability: number;
  readonly logit: number;
  readonly threshold: number;
  readonly threshold_from: 'request' | 'costs' | 'default';
  readonly decision: 'spam' | 'ham';
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The threshold a request asks for, and where it came from. */
function thresholdOf(query: Record<string, unknown>, json: Record<string, unknown>): { threshold: number; from: SpamAnswer['threshold_from'] } {
  const asked = query.threshold ?? json.threshold;
  if (asked !== undefined && json.costs !== undefined) throw new RequestError('invalid_parameter', 'give a threshold or costs, not both');
  if (asked !== undefined) {
    const t = typeof asked === 'string' && asked.trim() !== '' ? Number(asked) : asked;
    if (typeof t !== 'number' || !(t >= 0 && t <= 1)) throw new RequestError('invalid_parameter', `threshold must be a number in [0, 1], got ${JSON.stringify(asked)}`);
    return { threshold: t, from: 'request' };
  }
  if (json.costs !== undefined) {
    const c = json.costs;
    const fp = isObject(c) ? c.false_positive : undefined;
    const fn = isObject(c) ? c.false_negative : undefined;
    if (typeof fp !== 'number' || typeof fn !== 'number' || !(fp > 0 && fn > 0 && Number.isFinite(fp) && Number.isFinite(fn))) {
      throw new RequestError('invalid_parameter', `costs must be {"false_positive": c_FP > 0, "false_negative": c_FN > 0}, got ${JSON.stringify(c)}`);
    }
    return { threshold: bayesThreshold({ falsePositive: fp, falseNegative: fn }), from: 'costs' };
  }
  return { threshold: 0.5, from: 'default' };
}

/** Answers one spam request (the body as Fastify parsed it); throws RequestError for a malformed one. */
export function answerSpam(filter: SpamFilter | null, query: Record<string, unknown>, body: unknown): SpamAnswer {
  if (filter === null) throw new RequestError('unknown_model', 'no spam filter is loaded; start the server with --spam FILE');
  if (Buffer.isBuffer(body)) throw new RequestError('unsupported_media_type', 'POST /v1/spam takes application/json: {"text": "…", "threshold"?: 0…1}');
  if (body === undefined || body === null || body === '') throw new RequestError('empty_body', 'the body is empty');
  if (!isObject(body) || typeof body.text !== 'string') throw new RequestError('missing_text', 'the JSON body must be an object with a "text" string');
  const { threshold, from } = thresholdOf(query, body);
  const { probability, logit, spam } = filter.decide(body.text, threshold);
  return { model: 'spam', probability, logit, threshold, threshold_from: from, decision: spam ? 'spam' : 'ham' };
}
