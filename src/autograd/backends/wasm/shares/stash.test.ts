/** The per-thread stash of saved activations (stash.ts): taken once, dropped on request, bounded oldest-first. */
import { expect, test } from 'vitest';
import { stashDrop, stashPut, stashStats, stashTake } from './stash.js';

const floats = (n: number, value: number): Float32Array => new Float32Array(n).fill(value);

test('an entry is taken once; a dropped or unknown one is null', () => {
  stashPut(1, { gates: floats(4, 1), s: floats(2, 2) });
  stashPut(2, { gates: floats(4, 3) });
  expect(stashStats()).toEqual({ entries: 2, bytes: 40 });
  expect(Array.from(stashTake(1)!.s!)).toEqual([2, 2]);
  expect(stashTake(1)).toBeNull();
  stashDrop([2, 99]);
  expect(stashTake(2)).toBeNull();
  expect(stashStats()).toEqual({ entries: 0, bytes: 0 });
});

test('past the bound the oldest entries go first, and an entry larger than the bound is not kept', () => {
  const bound = 100; // bytes: 25 floats
  stashPut(10, { a: floats(10, 10) }, bound); //      40 bytes
  stashPut(11, { a: floats(10, 11) }, bound); //      80
  stashPut(12, { a: floats(10, 12) }, bound); //      120 > 100: 10 goes
  expect(stashTake(10)).toBeNull();
  stashPut(13, { a: floats(26, 13) }, bound); //      104 bytes alone: not kept, nothing dropped
  expect(stashTake(13)).toBeNull();
  expect(stashTake(11)!.a![0]).toBe(11);
  expect(stashTake(12)!.a![0]).toBe(12);
  expect(stashStats()).toEqual({ entries: 0, bytes: 0 });
});
