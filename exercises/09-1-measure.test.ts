import { describe, test } from 'vitest';
import { expectClose, expectEqual, expectThrows } from './lib/check.js';
import { measure, median } from './09-1-measure.js';

/** A clock that moves only when the fake workload says so: call k of `work` takes durations[k]. */
function scripted(durations: readonly number[]): { now: () => number; work: () => void; calls: () => number } {
  let t = 0;
  let k = 0;
  return { now: () => t, work: () => { t += durations[k++] ?? 0; }, calls: () => k };
}

describe('exercise 9.1 — measure', () => {
  test('median of an odd and an even number of values', () => {
    expectClose(median([5, 1, 3]), 3, { what: 'median([5, 1, 3])', hint: 'sort first (numerically: sort((a, b) => a - b)), then take the middle' });
    expectClose(median([4, 1, 3, 2]), 2.5, { what: 'median([4, 1, 3, 2])', hint: 'with an even count, average the two middle values of the sorted list' });
    expectClose(median([10, 9, 100]), 10, { what: 'median([10, 9, 100])', hint: 'sort numerically: the default sort compares as strings ("100" < "9")' });
  });

  test('median leaves its input alone', () => {
    const values = [3, 1, 2];
    median(values);
    expectEqual(values, [3, 1, 2], { what: 'the array passed to median, after the call', hint: 'sort a copy ([...values]); the caller may still need the order' });
  });

  test('warm-up calls run first and are not timed', () => {
    const clock = scripted([100, 50, 2, 3, 1]); // a slow first (cold) call, then the warm-up, then 3 timed calls
    const timing = measure(clock.work, { warmup: 2, repeats: 3, now: clock.now });
    expectEqual(clock.calls(), 5, { what: 'how many times fn was called with warmup 2 and repeats 3', hint: 'warmup calls + repeats calls' });
    expectEqual(timing.samples, [1, 2, 3], { what: 'the samples of calls taking 100, 50 (warm-up), then 2, 3, 1', hint: 'time only the calls after the warm-up, each as now() after − now() before, and sort them ascending' });
  });

  test('median and min of the samples', () => {
    const clock = scripted([0, 7, 3, 9, 4, 5]);
    const timing = measure(clock.work, { now: clock.now });
    expectEqual(timing.samples, [3, 4, 5, 7, 9], { what: 'the samples with the defaults (warmup 1, repeats 5)', hint: 'default warmup 1 and repeats 5' });
    expectClose(timing.median, 5, { what: 'timing.median of samples 7, 3, 9, 4, 5', hint: 'the median of the samples, not of the warm-up' });
    expectClose(timing.min, 3, { what: 'timing.min of samples 7, 3, 9, 4, 5', hint: 'the smallest sample' });
  });

  test('bad options are refused', () => {
    expectThrows(() => measure(() => 0, { repeats: 0 }), /repeats.*0/, { what: 'measure(fn, { repeats: 0 })', hint: 'throw a RangeError naming repeats and its value: no samples, no median' });
    expectThrows(() => measure(() => 0, { warmup: -1 }), /warmup.*-1/, { what: 'measure(fn, { warmup: -1 })', hint: 'throw a RangeError naming warmup and its value' });
  });
});
