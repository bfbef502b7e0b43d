/**
 * SpamFilter — the deployable form of the example's logistic regression, for the demo page and
 * the inference server: the bag-of-words vocabulary, one weight per word, the bias, and the Platt
 * scaling fitted on the validation slice, in one JSON document. It runs without tensors — the
 * logit is bias + Σ value·weight over the words present, in float64 — so a browser page and Node
 * compute the same probability to the last bit.
 *
 *   p(spam | mail) = σ(a·z + b),  z = bias + Σ_w x_w·W_w  (x: the binary, L2-normalised row)
 *   decision       spam when p ≥ the threshold (the Bayes threshold of costs c_FP, c_FN is
 *                  c_FP / (c_FP + c_FN) on a calibrated p)
 * A pasted mail with headers is read as the training mails were: Subject + body (spam-messages.ts).
 * No Node module here: the demo bundles it.
 */
import { BagOfWords, type BagOfWordsJson } from '../../src/features/bag-of-words.js';
import { normalizeWhitespace, splitMessage, subjectOf } from '../../src/data/spam-messages.js';

/** What `SpamFilter.toJSON` writes. */
export interface SpamFilterJson {
  readonly format: 'sapling-spam-filter';
  readonly bagOfWords: BagOfWordsJson;
  /** One weight per vocabulary word. */
  readonly weight: readonly number[];
  readonly bias: number;
  /** p = σ(a·z + b). */
  readonly platt: { readonly a: number; readonly b: number };
  /** How it was made (free-form: split, sizes, epochs, validation figures). */
  readonly recipe: Record<string, unknown>;
}

/** A probability and the decision at a threshold. */
export interface SpamDecision {
  readonly logit: number;
  readonly probability: number;
  readonly threshold: number;
  readonly spam: boolean;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Headers that mark a pasted text as a whole message (one of them must open a line of the header block). */
const MAIL_HEADER = /(?:^|\n)(?:subject|from|to|date|received|return-path|message-id|delivered-to|content-type):/i;

/**
 * A message as the training mails were prepared: a text whose first block (up to the first blank
 * line) is RFC 822 headers, one of them Subject, From, To, Date, Received, … , becomes its
 * Subject + "\n" + body; any other text is taken as it is.
 * @example mailText('Subject: Cheap  meds\nFrom: a@b\n\nBuy now') // 'Cheap meds\nBuy now'
 */
export function mailText(raw: string): string {
  const text = raw.replace(/\r\n?/g, '\n');
  const { headers, body } = splitMessage(text);
  if (!text.includes('\n\n') || !MAIL_HEADER.test(headers)) return text;
  const lines = headers.split('\n');
  if (!lines.every((line, i) => /^[A-Za-z][A-Za-z0-9-]*:/.test(line) || (i > 0 && /^[ \t]/.test(line)) || (i === 0 && line.startsWith('From ')))) return text;
  return `${subjectOf(headers)}\n${body}`;
}

/** A prepared text (Subject + "\n" + body) written back as a message that `mailText` reads to the same text. */
export function asMessage(prepared: string): string {
  const at = prepared.indexOf('\n');
  return at < 0 ? `Subject: ${prepared}\n\n` : `Subject: ${prepared.slice(0, at)}\n\n${prepared.slice(at + 1)}`;
}

/** The calibrated bag-of-words logistic regression (see the file header). */
export class SpamFilter {
  readonly bagOfWords: BagOfWords;
  readonly weight: Float64Array;
  readonly bias: number;
  readonly platt: { readonly a: number; readonly b: number };
  readonly recipe: Record<string, unknown>;

  constructor(bagOfWords: BagOfWords, weight: ArrayLike<number>, bias: number, platt: { a: number; b: number }, recipe: Record<string, unknown> = {}) {
    if (weight.length !== bagOfWords.vocabulary.length) throw new RangeError(`SpamFilter: ${weight.length} weights for a vocabulary of ${bagOfWords.vocabulary.length} words`);
    if (![bias, platt.a, platt.b].every(Number.isFinite)) throw new RangeError(`SpamFilter: bias ${bias} and Platt a ${platt.a}, b ${platt.b} must be finite`);
    this.bagOfWords = bagOfWords;
    this.weight = Float64Array.from(weight);
    this.bias = bias;
    this.platt = { a: platt.a, b: platt.b };
    this.recipe = recipe;
  }

  static fromJSON(json: SpamFilterJson): SpamFilter {
    if (json.format !== 'sapling-spam-filter') throw new TypeError(`SpamFilter.fromJSON: format '${String(json.format)}' is not 'sapling-spam-filter'`);
    return new SpamFilter(BagOfWords.fromJSON(json.bagOfWords), json.weight, json.bias, json.platt, json.recipe);
  }

  toJSON(): SpamFilterJson {
    return { format: 'sapling-spam-filter', bagOfWords: this.bagOfWords.toJSON(), weight: Array.from(this.weight), bias: this.bias, platt: this.platt, recipe: this.recipe };
  }

  /** The log-odds of spam of prepared texts (Subject + body), before calibration. */
  logits(texts: readonly string[]): Float64Array {
    const rows = this.bagOfWords.transform(texts);
    return Float64Array.from({ length: texts.length }, (_, r) => {
      let z = this.bias;
      for (let k = rows.indptr[r]!; k < rows.indptr[r + 1]!; k++) z += rows.values[k]! * this.weight[rows.indices[k]!]!;
      return z;
    });
  }

  /** Calibrated probabilities of spam of prepared texts. */
  probabilities(texts: readonly string[]): Float64Array {
    return this.logits(texts).map((z) => sigmoid(this.platt.a * z + this.platt.b));
  }

  /** One raw mail (headers optional) → its probability and the decision at `threshold`. */
  decide(raw: string, threshold: number): SpamDecision {
    if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`SpamFilter.decide: threshold must be in [0, 1], got ${threshold}`);
    const logit = this.logits([mailText(raw)])[0]!;
    const probability = sigmoid(this.platt.a * logit + this.platt.b);
    return { logit, probability, threshold, spam: probability >= threshold };
  }
}

/** Whitespace-collapsed first `n` characters of a mail, for lists of examples. */
export function preview(text: string, n = 90): string {
  const flat = normalizeWhitespace(text);
  return flat.length <= n ? flat : `${flat.slice(0, n - 1)}…`;
}
