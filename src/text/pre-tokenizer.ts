/**
 * pre-tokenizer — BERT's split of normalised text into words (Hugging Face's `BertPreTokenizer`,
 * the second half of Google BERT's `BasicTokenizer`).
 *
 * Whitespace separates words and is dropped; each punctuation character becomes a word of its
 * own:  "don't stop!!" → ["don", "'", "t", "stop", "!", "!"]. Punctuation is BERT's definition:
 * Unicode's P* categories (Pc Pd Ps Pe Pi Pf Po) plus every non-alphanumeric printable ASCII
 * character, so $ + < = > ^ ` | ~ count as punctuation although Unicode files them as symbols,
 * while non-ASCII symbols such as £ or © stay inside words. Whitespace is Unicode's White_Space
 * (Rust's char::is_whitespace). WordPiece then splits each word further (wordpiece.ts).
 */

const PUNCTUATION_CLASS = String.raw`\p{P}\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E`;
/** A run of characters that are neither whitespace nor punctuation, or one punctuation character. */
const WORD = new RegExp(String.raw`[^\p{White_Space}${PUNCTUATION_CLASS}]+|[${PUNCTUATION_CLASS}]`, 'gu');
const ONE_PUNCTUATION = new RegExp(`^[${PUNCTUATION_CLASS}]$`, 'u');

/**
 * The words of `text` (normalise it first).
 * @example preTokenize("hey friend!  how're you?")  // ['hey', 'friend', '!', 'how', "'", 're', 'you', '?']
 */
export function preTokenize(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Whether `char` (one code point) is punctuation in BERT's sense. */
export function isPunctuation(char: string): boolean {
  return ONE_PUNCTUATION.test(char);
}
