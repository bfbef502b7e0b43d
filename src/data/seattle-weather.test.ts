/**
 * The Seattle weather loader against figures read from the CSV independently with Python's csv
 * module: 1,461 rows, the first and last rows, the label counts, mean temp_max 16.43908 °C and
 * total precipitation 4,426.0 mm; consecutive dates with no gap; and the parser's errors.
 */
import { describe, expect, test } from 'vitest';
import { dayOfYear, parseSeattleWeather } from './seattle-weather.js';
import { loadSeattleWeather } from './seattle-weather-file.js';

describe('loadSeattleWeather', () => {
  const w = loadSeattleWeather();

  test('1,461 consecutive days 2012-01-01 … 2015-12-31, as Python reads them', () => {
    expect(w.dates.length).toBe(1461);
    for (const col of [w.precipitation, w.tempMax, w.tempMin, w.wind, w.weather]) expect(col.length).toBe(1461);
    expect([w.dates[0], w.precipitation[0], w.tempMax[0], w.tempMin[0], w.wind[0], w.weather[0]]).toEqual(['2012-01-01', 0, 12.8, 5, 4.7, 'drizzle']);
    expect([w.dates[1460], w.tempMax[1460], w.tempMin[1460], w.wind[1460], w.weather[1460]]).toEqual(['2015-12-31', 5.6, -2.1, 3.5, 'sun']);
    for (let i = 1; i < w.dates.length; i++) {
      expect(Date.parse(w.dates[i]!) - Date.parse(w.dates[i - 1]!), w.dates[i]).toBe(86_400_000);
    }
    const counts: Record<string, number> = {};
    for (const label of w.weather) counts[label] = (counts[label] ?? 0) + 1;
    expect(counts).toEqual({ rain: 641, sun: 640, fog: 101, drizzle: 53, snow: 26 });
    expect(w.tempMax.reduce((a, b) => a + b, 0) / 1461).toBeCloseTo(16.43908282, 7);
    expect(w.precipitation.reduce((a, b) => a + b, 0)).toBeCloseTo(4426, 6);
    expect([Math.min(...w.tempMax), Math.max(...w.tempMax)]).toEqual([-1.6, 35.6]);
  });

  test('dayOfYear counts from 1 and knows leap years', () => {
    expect(dayOfYear('2012-01-01')).toBe(1);
    expect(dayOfYear('2012-03-01')).toBe(61);
    expect(dayOfYear('2013-03-01')).toBe(60);
    expect(dayOfYear('2012-12-31')).toBe(366);
    expect(dayOfYear('2015-12-31')).toBe(365);
    expect(() => dayOfYear('31/12/2015')).toThrow(/dayOfYear: expected a date 'YYYY-MM-DD', got '31\/12\/2015'/);
  });

  test('the parser names a bad header or row', () => {
    expect(() => parseSeattleWeather('date,temp\n2012-01-01,1')).toThrow(/parseSeattleWeather: expected the header/);
    const header = 'date,precipitation,temp_max,temp_min,wind,weather';
    expect(() => parseSeattleWeather(`${header}\n2012-01-01,0,x,1,2,sun`)).toThrow(/row 1 is not 6 fields with finite numbers/);
    expect(parseSeattleWeather(`${header}\r\n2012-01-01,0.5,3,1,2,rain\r\n`).precipitation).toEqual([0.5]);
  });
});
