/**
 * spam-messages — what the SpamAssassin loader (spam-assassin.ts, Node only) does to each mail,
 * and the collections' temporal split, on strings and labels alone: no Node module, so a browser
 * page can prepare a pasted mail exactly as the training data was prepared.
 *
 *   splitMessage   headers | body at the first blank line (RFC 822)
 *   subjectOf      the Subject header, folded lines joined, whitespace collapsed
 *   temporalSplit  older collections train, newer test
 */

/** The five collections, older ones first. */
export const SPAM_ASSASSIN_GROUPS = ['easy-ham-1', 'hard-ham-1', 'spam-1', 'easy-ham-2', 'spam-2'] as const;
/**
 * One of the corpus's five collections (easy-ham-1, hard-ham-1, spam-1 from the older period; easy-ham-2, spam-2 from the newer).
 */
export type SpamAssassinGroup = (typeof SPAM_ASSASSIN_GROUPS)[number];
/** The collections of the older period (the temporal split's training side). */
export const SPAM_ASSASSIN_OLDER: readonly SpamAssassinGroup[] = ['easy-ham-1', 'hard-ham-1', 'spam-1'];

/** The header block and the body of an RFC 822 message: they part at the first blank line. */
export function splitMessage(text: string): { headers: string; body: string } {
  const at = text.indexOf('\n\n');
  return at < 0 ? { headers: text, body: '' } : { headers: text.slice(0, at), body: text.slice(at + 2) };
}

/** The first Subject header's value, folded continuation lines joined, whitespace collapsed ('' if none). */
export function subjectOf(headers: string): string {
  const match = /(?:^|\n)subject:([^\n]*(?:\n[ \t][^\n]*)*)/i.exec(headers);
  return match ? normalizeWhitespace(match[1]!) : '';
}

// Python's str.split() whitespace, which the protocol's deduplication used (JavaScript's \s
// lacks \x1c-\x1f and \x85 and adds \ufeff).
const WHITESPACE = /[ \t\n\r\v\f\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Words separated by single spaces, no leading or trailing space (Python's `' '.join(s.split())`). */
export function normalizeWhitespace(text: string): string {
  return text.split(WHITESPACE).filter((w) => w.length > 0).join(' ');
}

/**
 * The temporal split: indices of the messages from the older collections (train) and from the
 * newer ones (test).
 * @example temporalSplit(loadSpamAssassin().groups).test.length  // 2655
 */
export function temporalSplit(groups: readonly SpamAssassinGroup[]): { train: Int32Array; test: Int32Array } {
  const train: number[] = [];
  const test: number[] = [];
  groups.forEach((g, i) => (SPAM_ASSASSIN_OLDER.includes(g) ? train : test).push(i));
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
