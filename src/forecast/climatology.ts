/**
 * climatology — the seasonal forecast that needs no recent data: the mean of the variable on the
 * same day of the year in the training years.
 *
 *   raw:       c(k) = mean{ y_t : t a training row with dayOfYear(t) = k },   k = 1 … 366
 *   smoothed:  c̃(k) = mean{ c(j) : j within ±w days of k, circularly, c(j) defined }
 * With three training years each raw value is a mean of about three days, so it is mostly the
 * weather of those days; smoothing over ±7 days (15 table entries) keeps the seasonal cycle and
 * averages the weather out. Day 366 exists only in leap years; the circle has 366 entries, so
 * 31 December sits next to 1 January. `seasonalHarmonics` gives the sin/cos pair of one yearly
 * cycle, the smooth alternative a regression can use.
 */

/** Days in the circular table (day 366 is 31 December of a leap year). */
const DAYS = 366;

/**
 * The day-of-year means of `values` over `rows`; entry k − 1 is day k (NaN where no row has it).
 * @example dayOfYearMeans([1, 3, 5], [1, 1, 2], [0, 1, 2]).slice(0, 3)  // [2, 5, NaN]
 */
export function dayOfYearMeans(values: readonly number[], dayOfYear: readonly number[], rows: readonly number[]): number[] {
  if (values.length !== dayOfYear.length) throw new RangeError(`dayOfYearMeans: ${values.length} values but ${dayOfYear.length} days of the year`);
  const sum = new Array<number>(DAYS).fill(0);
  const count = new Array<number>(DAYS).fill(0);
  for (const t of rows) {
    const k = dayOfYear[t];
    if (k === undefined || !Number.isInteger(k) || k < 1 || k > DAYS) throw new RangeError(`dayOfYearMeans: row ${t} has day of year ${k}, expected an integer in 1 … ${DAYS}`);
    sum[k - 1]! += values[t]!;
    count[k - 1]!++;
  }
  return sum.map((s, i) => (count[i]! > 0 ? s / count[i]! : NaN));
}

/**
 * The circular moving mean of a day-of-year table over ±halfWidth entries, skipping NaN entries.
 * @example smoothCircular([1, 2, 3, 4], 1)  // [(4 + 1 + 2) / 3, 2, 3, (3 + 4 + 1) / 3]
 */
export function smoothCircular(table: readonly number[], halfWidth: number): number[] {
  const n = table.length;
  if (!Number.isInteger(halfWidth) || halfWidth < 0 || 2 * halfWidth + 1 > n) throw new RangeError(`smoothCircular: halfWidth must be an integer in [0, ${Math.floor((n - 1) / 2)}] for a table of ${n}, got ${halfWidth}`);
  return table.map((_, i) => {
    let s = 0;
    let c = 0;
    for (let j = -halfWidth; j <= halfWidth; j++) {
      const v = table[(((i + j) % n) + n) % n]!;
      if (!Number.isNaN(v)) [s, c] = [s + v, c + 1];
    }
    return c > 0 ? s / c : NaN;
  });
}

/**
 * One yearly cycle as a pair: [sin(2π k / period), cos(2π k / period)] for day of year k.
 * @example seasonalHarmonics(1)  // [0.01720..., 0.99985...]
 */
export function seasonalHarmonics(dayOfYear: number, period = 365.25): [number, number] {
  const a = (2 * Math.PI * dayOfYear) / period;
  return [Math.sin(a), Math.cos(a)];
}
