/**
 * normalizer — BERT's text normalisation (Devlin et al. 2018; Hugging Face's `BertNormalizer`).
 *
 * Four steps, each optional, in Hugging Face's order:
 *   1. clean text      drop U+0000, U+FFFD and control characters (categories Cc, Cf, Co, Cs, but
 *                      not \t \n \r); every remaining whitespace character becomes ' '
 *   2. CJK spacing     put a space on both sides of each CJK ideograph, so each is its own word
 *   3. strip accents   NFD (decompose é into e + U+0301), then drop nonspacing marks (Mn)
 *   4. lower-case      Unicode full lower-casing (String.prototype.toLowerCase)
 * `stripAccents` defaults to `lowercase`, as in BERT's uncased models.
 * Where Google's BERT and Hugging Face differ, the note below says which we follow.
 */

// Where the references differ. Google's BERT lower-cases before stripping accents, Hugging Face
// strips first; the results agree (lower-casing makes no Mn mark except for İ, which comes out as
// 'i' either way). Hugging Face's Rust code also drops unassigned code points (Cn), a set that
// changes with each Unicode version; we keep them, as Google's BERT and tokenizers.js do, so a
// text tokenises the same on every Node version. The CJK ranges are Google's (Extension E from
// U+2B820; the Rust code starts it at U+2B920).

/** Options of `normalize`, Hugging Face's BertNormalizer fields in camelCase. */
export interface BertNormalizerOptions {
  /** Remove control characters and map all whitespace to ' ' (default true). */
  readonly cleanText?: boolean;
  /** Surround CJK ideographs with spaces (default true). */
  readonly handleChineseChars?: boolean;
  /** NFD, then drop nonspacing marks (default: the value of `lowercase`). */
  readonly stripAccents?: boolean | null;
  /** Lower-case the text (default true). */
  readonly lowercase?: boolean;
}

/** The options with their defaults filled in. */
export interface ResolvedNormalizerOptions {
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean;
  readonly lowercase: boolean;
}

/**
 * BERT's normalisation options with every default filled in (accents are stripped when lowercasing, unless told otherwise), as Hugging Face's BertNormalizer does.
 * @example resolveNormalizerOptions().stripAccents  // true
 */
export function resolveNormalizerOptions(options: BertNormalizerOptions = {}): ResolvedNormalizerOptions {
  const { cleanText = true, handleChineseChars = true, lowercase = true } = options;
  return { cleanText, handleChineseChars, lowercase, stripAccents: options.stripAccents ?? lowercase };
}

// Characters the cleaning step changes: those it drops (NUL, U+FFFD, Cc but \t \n \r, Cf, Co, Cs)
// and the whitespace it turns into ' ': Unicode's White_Space property less ' ' itself, listed
// out (\v, \f and U+0085 are White_Space but also Cc, so they are dropped, as in Hugging Face).
const CLEANED = /[\0\uFFFD\p{Cc}\p{Cf}\p{Co}\p{Cs}\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/gu;
const CONTROL = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}\uFFFD]$/u;
const clean = (c: string): string => (c === '\t' || c === '\n' || c === '\r' || !CONTROL.test(c) ? ' ' : '');

/** CJK Unified Ideographs and their extensions and compatibility blocks, as in Google's BERT. */
const CJK = /[\u4E00-\u9FFF\u3400-\u4DBF\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\uF900-\uFAFF\u{2F800}-\u{2FA1F}]/gu;
const NONSPACING_MARK = /\p{Mn}/gu;
/** Text that NFD leaves as it is and that holds no mark: plain ASCII skips step 3's work. */
const ASCII = /^[\0-\x7F]*$/;

/**
 * Applies BERT's normalisation to `text`.
 * @example normalize('Héllo\tWORLD 中文')  // 'hello world  中  文 '
 */
export function normalize(text: string, options: ResolvedNormalizerOptions = resolveNormalizerOptions()): string {
  let out = text;
  if (options.cleanText) out = out.replace(CLEANED, clean);
  if (options.handleChineseChars) out = out.replace(CJK, ' $& ');
  if (options.stripAccents && !ASCII.test(out)) out = out.normalize('NFD').replace(NONSPACING_MARK, '');
  if (options.lowercase) out = out.toLowerCase();
  return out;
}
