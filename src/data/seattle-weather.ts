/**
 * Seattle weather — 1,461 consecutive days, 2012-01-01 … 2015-12-31, from NOAA, as shipped in the
 * `vega-datasets` npm package (data/seattle-weather.csv). Columns: date, precipitation (mm),
 * temp_max and temp_min (°C), wind (m/s) and a `weather` label (sun, rain, fog, drizzle, snow).
 *
 * The label is synthesised from the numeric columns by vega's build script, so predicting it from
 * the same day's numbers is circular; the honest task is forecasting tomorrow from today.
 * `parseSeattleWeather` works on the text (no file access); `loadSeattleWeather`
 * (seattle-weather-file.ts) reads the installed package (Node only). `dayOfYear` is 1 … 366 (366 only on 31 December of a leap year).
 */

/** The Seattle weather table, one entry per day in file order (columns as arrays). */
export interface SeattleWeather {
  /** ISO dates 'YYYY-MM-DD', one per row, consecutive. */
  readonly dates: readonly string[];
  readonly precipitation: readonly number[];
  readonly tempMax: readonly number[];
  readonly tempMin: readonly number[];
  readonly wind: readonly number[];
  readonly weather: readonly string[];
}

const COLUMNS = ['date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather'] as const;

/**
 * Day of the year of an ISO date, 1 on 1 January.
 * @example dayOfYear('2012-12-31')  // 366 (2012 is a leap year)
 */
export function dayOfYear(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`dayOfYear: expected a date 'YYYY-MM-DD', got '${date}'`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return (Date.UTC(y, mo - 1, d) - Date.UTC(y, 0, 1)) / 86_400_000 + 1;
}

/** Parses the CSV text; checks the header, the field count and that every number is finite. */
export function parseSeattleWeather(csv: string): SeattleWeather {
  const lines = csv.trim().split(/\r?\n/);
  const header = lines[0]?.split(',') ?? [];
  if (COLUMNS.some((c, i) => header[i] !== c)) throw new RangeError(`parseSeattleWeather: expected the header ${COLUMNS.join(',')}, got '${lines[0]}'`);
  const out = { dates: [] as string[], precipitation: [] as number[], tempMax: [] as number[], tempMin: [] as number[], wind: [] as number[], weather: [] as string[] };
  lines.slice(1).forEach((line, i) => {
    const f = line.split(',');
    const nums = f.slice(1, 5).map(Number);
    if (f.length !== COLUMNS.length || nums.some((v) => !Number.isFinite(v))) {
      throw new RangeError(`parseSeattleWeather: row ${i + 1} is not ${COLUMNS.length} fields with finite numbers: '${line}'`);
    }
    dayOfYear(f[0]!); // validates the date
    out.dates.push(f[0]!);
    out.precipitation.push(nums[0]!);
    out.tempMax.push(nums[1]!);
    out.tempMin.push(nums[2]!);
    out.wind.push(nums[3]!);
    out.weather.push(f[5]!);
  });
  return out;
}
