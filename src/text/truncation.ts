/**
 * truncation — which tokens a too-long text keeps.
 *
 * `maxLength` counts every token of the encoding, the special ones included ([CLS] A [SEP] uses
 * 2, [CLS] A [SEP] B [SEP] uses 3), as Hugging Face's max_length does. What is left for the text
 * is its budget, and a policy says which tokens fill it:
 *   head       the first `budget` tokens (BERT's and Hugging Face's default)
 *   tail       the last `budget` tokens
 *   headTail   the first `head` and the last `budget − head` tokens, skipping the middle.
 * Sun, Qiu, Xu and Huang (2019, "How to Fine-Tune BERT for Text Classification?", on dealing
 * with long texts) compared the three on IMDb and found head+tail best, keeping the first 128 and
 * the last 382 tokens of a 510-token budget: a review's opening and its verdict at the end carry
 * most of its sentiment. Without `head`, headTail keeps their proportion, round(budget·128/510).
 * A pair shares its budget longest-first (Hugging Face's rule): a shorter text of at most half
 * the budget is kept whole and the longer one gets the rest; otherwise each gets half (the
 * longer one the odd token). The policy then picks each text's tokens.
 */

/** Which tokens of a too-long text to keep (see the file header). */
export type Truncation =
  | { readonly kind: 'head' }
  | { readonly kind: 'tail' }
  | { readonly kind: 'headTail'; readonly head?: number };

/** Sun et al.'s split of a 510-token budget: the first 128 and the last 382 tokens. */
export const SUN_ET_AL_HEAD = 128;
/** The token budget of Sun et al. (2019)'s head+tail truncation: 512 positions less [CLS] and [SEP]. */
export const SUN_ET_AL_BUDGET = 510;

/**
 * The tokens of `ids` that `policy` keeps within `budget` (all of them when they fit).
 * @example truncateIds([1, 2, 3, 4, 5, 6], 4, { kind: 'headTail', head: 1 })  // [1, 4, 5, 6]
 */
export function truncateIds(ids: readonly number[], budget: number, policy: Truncation = { kind: 'head' }): number[] {
  if (!Number.isInteger(budget) || budget < 0) throw new RangeError(`truncateIds: budget must be a non-negative integer, got ${budget}`);
  if (ids.length <= budget) return [...ids];
  switch (policy.kind) {
    case 'head':
      return ids.slice(0, budget);
    case 'tail':
      return ids.slice(ids.length - budget);
    case 'headTail': {
      const head = policy.head ?? Math.round((budget * SUN_ET_AL_HEAD) / SUN_ET_AL_BUDGET);
      if (!Number.isInteger(head) || head < 0) throw new RangeError(`truncateIds: headTail's head must be a non-negative integer, got ${head}`);
      const kept = Math.min(head, budget);
      return [...ids.slice(0, kept), ...ids.slice(ids.length - (budget - kept))];
    }
    default: {
      const never: never = policy;
      throw new TypeError(`truncateIds: unknown truncation ${JSON.stringify(never)}`);
    }
  }
}

/**
 * How many tokens each text of a pair keeps within `budget`, longest first.
 * @example pairBudgets(3, 10, 8)  // [3, 5]
 */
export function pairBudgets(lengthA: number, lengthB: number, budget: number): [number, number] {
  if (lengthA + lengthB <= budget) return [lengthA, lengthB];
  const swap = lengthA > lengthB;
  const shorter = swap ? lengthB : lengthA;
  let keepShort: number;
  let keepLong: number;
  if (2 * shorter <= budget) {
    keepShort = shorter;
    keepLong = budget - shorter;
  } else {
    keepShort = Math.floor(budget / 2);
    keepLong = budget - keepShort;
  }
  return swap ? [keepLong, keepShort] : [keepShort, keepLong];
}
