/**
 * random — the one seeded generator behind initialisation, dropout and shuffling.
 *
 * We use sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of state, four
 * 32-bit words, passes PractRand, and needs only integer adds, shifts and xors. A `Random` is a
 * function returning uniform numbers in [0, 1); `manualSeed(n)` resets the global one, so the
 * same seed gives the same numbers on every run. Nothing in `src/` calls Math.random.
 */

export type Random = () => number;

/** A new independent generator seeded with `seed` (any integer). */
export function seededRandom(seed: number): Random {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed | 0;
  // Mix the seed into all four words (splitmix-style) before the first draw.
  d = Math.imul(d ^ (d >>> 16), 0x85ebca6b);
  d = Math.imul(d ^ (d >>> 13), 0xc2b2ae35);
  d ^= d >>> 16;
  const next = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

let globalRandom: Random = seededRandom(0);

/** Reseeds the global generator used when no `random` option is passed. */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed)) throw new TypeError(`manualSeed: seed must be an integer, got ${seed}`);
  globalRandom = seededRandom(seed);
}

/** The global generator (its state advances with each draw). */
export function defaultRandom(): Random {
  return globalRandom;
}

/** A standard normal draw by the Box-Muller transform (uses two uniforms). */
export function normal(random: Random): number {
  let u = random();
  while (u <= 0) u = random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
