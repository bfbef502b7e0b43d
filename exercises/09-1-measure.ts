/**
 * Exercise 9.1 — timing code honestly (docs/course/09-performance.md, §1).
 *
 *   median(values)   the middle of the sorted values; the mean of the two middle ones when their
 *                    number is even; leaves `values` unchanged (sort a copy)
 *   measure(fn, { warmup = 1, repeats = 5, now = () => performance.now() })
 *                    calls fn `warmup` times untimed (the JIT compiles on the first calls), then
 *                    `repeats` times, each timed as now() after − now() before, and returns
 *                    { samples (ascending), median, min }
 * `now` is a parameter so that the tests can give you a clock they control. A RangeError naming
 * the value when repeats < 1 or warmup < 0 (or either is not an integer).
 *
 * Check your work: npm run exercise -- 9
 */

/** What `measure` returns, in the units of `now` (milliseconds with performance.now). */
export interface Timing {
  readonly samples: readonly number[];
  readonly median: number;
  readonly min: number;
}

export interface MeasureOptions {
  readonly warmup?: number;
  readonly repeats?: number;
  readonly now?: () => number;
}

/** The median of `values` (not modified). */
export function median(values: readonly number[]): number {
  throw new Error('not implemented yet: median — sort a copy ([...values].sort((a, b) => a - b)); the middle value, or the mean of the two middle ones');
}

/** Times `fn`: warm-up calls first, then `repeats` timed calls. */
export function measure(fn: () => unknown, options: MeasureOptions = {}): Timing {
  throw new Error('not implemented yet: measure — check the options, call fn warmup times, then time repeats calls with now(); return { samples sorted, median, min }');
}
