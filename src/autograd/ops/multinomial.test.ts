import { describe, expect, test } from 'vitest';
import { tensor } from '../creation.js';
import { seededRandom } from '../random.js';
import { bincount } from './scatter.js';
import { multinomial } from './multinomial.js';

describe('multinomial', () => {
  test('never draws a zero weight; without replacement every draw is distinct', () => {
    expect(multinomial(tensor([0, 1, 0]), 3, { replacement: true }).toArray()).toEqual([1, 1, 1]);
    const draws = multinomial(tensor([[1, 0, 2, 3], [0, 5, 5, 0]]), 2, { random: seededRandom(1) });
    expect(draws.shape).toEqual([2, 2]);
    expect(draws.dtype).toBe('int32');
    const [row0, row1] = draws.toArray() as number[][];
    expect(new Set(row0).size).toBe(2);
    expect(row0!.includes(1)).toBe(false);
    expect([...row1!].sort()).toEqual([1, 2]);
  });

  test('frequencies follow the weights (20,000 draws, within 4 standard errors)', () => {
    const weights = [1, 2, 3, 4];
    for (const replacement of [true, false]) {
      const n = 20000;
      const rows = replacement ? multinomial(tensor(weights), n, { replacement, random: seededRandom(2) }) :
        multinomial(tensor([Array(n).fill(weights)].flat()), 1, { random: seededRandom(2) }).reshape([n]); // one draw from each of n rows
      const counts = bincount(rows, null, 4).toArray() as number[];
      weights.forEach((w, k) => {
        const p = w / 10;
        expect(Math.abs(counts[k]! / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
      });
    }
  });

  test('the first draw without replacement follows the weights; the same seed gives the same draws', () => {
    const a = multinomial(tensor([[0.2, 0.3, 0.5]]), 3, { random: seededRandom(5) });
    const b = multinomial(tensor([[0.2, 0.3, 0.5]]), 3, { random: seededRandom(5) });
    expect(a.toArray()).toEqual(b.toArray());
    expect([...(a.toArray() as number[][])[0]!].sort()).toEqual([0, 1, 2]);
  });

  test('invalid weights and sizes are refused', () => {
    expect(() => multinomial(tensor([1, -1]), 1)).toThrow(/multinomial: weights must be finite and non-negative \(found -1\)/);
    expect(() => multinomial(tensor([1, Number.NaN]), 1)).toThrow(/finite and non-negative \(found NaN or Infinity\)/);
    expect(() => multinomial(tensor([[1, 1], [0, 0]]), 1)).toThrow(/a row of weights sums to 0/);
    expect(() => multinomial(tensor([1, 0, 1]), 3)).toThrow(/cannot draw 3 samples without replacement from a row with only 2 positive weights/);
    expect(() => multinomial(tensor([1, 2]), 0)).toThrow(/numSamples must be a positive integer/);
    expect(() => multinomial(tensor([1, 2], { dtype: 'int32' }), 1)).toThrow(/multinomial: weights must be float32 or float64/);
  });
});
