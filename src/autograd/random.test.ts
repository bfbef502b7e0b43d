import { describe, expect, test } from 'vitest';
import { seededRandom } from './random.js';
import { StatefulRandom } from './random.js';

describe('StatefulRandom', () => {
  test('draws exactly the stream of seededRandom for the same seed', () => {
    for (const seed of [0, 1, 42, -7, 2 ** 31 - 1, -(2 ** 31)]) {
      const a = StatefulRandom.seeded(seed);
      const b = seededRandom(seed);
      for (let i = 0; i < 1000; i++) expect(a.next()).toBe(b());
    }
  });

  test('a saved state resumes the stream at the next draw, through JSON', () => {
    const g = StatefulRandom.seeded(3);
    for (let i = 0; i < 17; i++) g.next();
    const saved = JSON.parse(JSON.stringify(g.getState()));
    const expected = Array.from({ length: 50 }, () => g.next());
    const resumed = StatefulRandom.fromState(saved);
    expect(Array.from({ length: 50 }, () => resumed.random())).toEqual(expected);
    // getState returns a snapshot, not a live view.
    const snapshot = g.getState();
    g.next();
    expect(g.getState()).not.toEqual(snapshot);
  });

  test('malformed states and seeds are refused', () => {
    const g = StatefulRandom.seeded(0);
    expect(() => g.setState({ algorithm: 'mt19937', words: [1, 2, 3, 4] } as never)).toThrow(/expected \{ algorithm: 'sfc32'/);
    expect(() => g.setState({ algorithm: 'sfc32', words: [1, 2, 3] } as never)).toThrow(/expected/);
    expect(() => g.setState({ algorithm: 'sfc32', words: [1, 2, 3, -1] })).toThrow(/unsigned 32-bit/);
    expect(() => g.setState({ algorithm: 'sfc32', words: [1, 2, 3, 2 ** 32] })).toThrow(/unsigned 32-bit/);
    expect(() => StatefulRandom.seeded(1.5)).toThrow(/seed must be an integer/);
  });
});

describe('the global generator', () => {
  test('getRngState / setRngState replay the same draws', async () => {
    const { defaultRandom, getRngState, manualSeed, setRngState } = await import('./random.js');
    manualSeed(5);
    defaultRandom()();
    const saved = getRngState();
    const first = [defaultRandom()(), defaultRandom()()];
    setRngState(saved);
    expect([defaultRandom()(), defaultRandom()()]).toEqual(first);
  });
});
