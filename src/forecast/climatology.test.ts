/**
 * Day-of-year climatology: means per day over chosen rows only, circular smoothing that wraps
 * 31 December onto 1 January and skips missing days, the yearly sin/cos pair, and the errors.
 */
import { describe, expect, test } from 'vitest';
import { dayOfYearMeans, seasonalHarmonics, smoothCircular } from './climatology.js';

describe('climatology', () => {
  test('dayOfYearMeans averages each day of the year over the given rows only', () => {
    const values = [10, 20, 30, 40, 1000];
    const days = [1, 2, 1, 366, 2];
    const table = dayOfYearMeans(values, days, [0, 1, 2, 3]); // row 4 is not a training row
    expect(table.length).toBe(366);
    expect(table[0]).toBe(20); //   day 1: (10 + 30) / 2
    expect(table[1]).toBe(20); //   day 2: row 1 only
    expect(table[365]).toBe(40); // day 366
    expect(table.filter((v) => !Number.isNaN(v)).length).toBe(3);
    expect(() => dayOfYearMeans([1], [367], [0])).toThrow(/dayOfYearMeans: row 0 has day of year 367/);
    expect(() => dayOfYearMeans([1, 2], [1], [0])).toThrow(/2 values but 1 days/);
  });

  test('smoothCircular wraps around the year and skips NaN entries', () => {
    expect(smoothCircular([1, 2, 3, 4], 1)).toEqual([7 / 3, 2, 3, 8 / 3]);
    expect(smoothCircular([1, NaN, 3, NaN], 1)).toEqual([1, 2, 3, 2]);
    expect(smoothCircular([5, 6, 7], 0)).toEqual([5, 6, 7]);
    const table = Array.from({ length: 366 }, (_, i) => (i === 0 ? 15 : 0));
    const smooth = smoothCircular(table, 7);
    expect(smooth[365]).toBeCloseTo(1, 12); // day 1 is 1 day after day 366
    expect(smooth[359]).toBeCloseTo(1, 12); // and 7 days after day 360
    expect(smooth[358]).toBe(0); //            but 8 days after day 359
    expect(smooth[7]).toBeCloseTo(1, 12);
    expect(smooth[8]).toBe(0);
    expect(() => smoothCircular([1, 2, 3], 2)).toThrow(/smoothCircular: halfWidth must be an integer in \[0, 1\]/);
  });

  test('seasonalHarmonics is one cycle a year', () => {
    const [s, c] = seasonalHarmonics(365.25 / 4);
    expect(s).toBeCloseTo(1, 12);
    expect(c).toBeCloseTo(0, 12);
    expect(seasonalHarmonics(10, 20)[1]).toBeCloseTo(-1, 12);
  });
});
