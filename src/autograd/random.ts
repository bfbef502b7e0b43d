/**
 * random — the one seeded generator behind initialisation, dropout and shuffling.
 *
 * We use sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of state, four
 * 32-bit words, passes PractRand, and needs only integer adds, shifts and xors. A `Random` is a
 * function returning uniform numbers in [0, 1); `manualSeed(n)` resets the global one, so the
 * same seed gives the same numbers on every run. Nothing in `src/` calls Math.random.
 *
 * A `StatefulRandom` exposes its four words, so a checkpoint can store the state as plain JSON
 * and a resumed run continues the stream from the very next draw:
 *   state = { algorithm: 'sfc32', words: [a, b, c, d] }     (each word an unsigned 32-bit int)
 */

export type Random = () => number;

/** The JSON-able state of a `StatefulRandom`. */
export interface RandomState {
  readonly algorithm: 'sfc32';
  readonly words: readonly [number, number, number, number];
}

/**
 * A seeded generator (sfc32) whose state can be read and restored, for checkpoints: `random` draws like any `Random`, `getState()` / `setState()` save and resume the sequence.
 * @example const g = StatefulRandom.seeded(1); const s = g.getState(); const a = g.random(); g.setState(s); g.random() === a  // true
 */
export class StatefulRandom {
  #a = 0;
  #b = 0;
  #c = 0;
  #d = 0;

  /** Draws one uniform number in [0, 1), as a plain `Random` function (bound; safe to pass around). */
  readonly random: Random = () => this.next();

  private constructor() {}

  /**
   * A generator seeded with `seed` (any integer; non-integers are refused), drawing the same
   * numbers as `seededRandom(seed)`.
   * @example StatefulRandom.seeded(1).next() === seededRandom(1)()  // true
   */
  static seeded(seed: number): StatefulRandom {
    if (!Number.isInteger(seed)) throw new TypeError(`StatefulRandom: seed must be an integer, got ${seed}`);
    const g = new StatefulRandom();
    // The seeding of random.ts: fixed words a, b, c and a splitmix-style mix of the seed into d,
    // then 12 draws to diffuse it into all four words.
    let d = seed | 0;
    d = Math.imul(d ^ (d >>> 16), 0x85ebca6b);
    d = Math.imul(d ^ (d >>> 13), 0xc2b2ae35);
    d ^= d >>> 16;
    g.#a = 0x9e3779b9 | 0;
    g.#b = 0x243f6a88 | 0;
    g.#c = 0xb7e15162 | 0;
    g.#d = d | 0;
    for (let i = 0; i < 12; i++) g.next();
    return g;
  }

  /** A generator that continues from a saved state. */
  static fromState(state: RandomState): StatefulRandom {
    const g = new StatefulRandom();
    g.setState(state);
    return g;
  }

  /** One uniform draw in [0, 1) (multiples of 2⁻³²). */
  next(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** The current state (a fresh object: later draws do not change it). */
  getState(): RandomState {
    return { algorithm: 'sfc32', words: [this.#a >>> 0, this.#b >>> 0, this.#c >>> 0, this.#d >>> 0] };
  }

  /** Restores a state from `getState()`; malformed input is refused with what is wrong. */
  setState(state: RandomState): void {
    const words = checkRandomState(state, 'StatefulRandom.setState');
    [this.#a, this.#b, this.#c, this.#d] = words.map((w) => w | 0) as [number, number, number, number];
  }
}

/** Validates an untrusted `RandomState` (e.g. read from a checkpoint) and returns its words. */
export function checkRandomState(state: unknown, where: string): readonly [number, number, number, number] {
  const s = state as Partial<RandomState> | null;
  if (typeof s !== 'object' || s === null || s.algorithm !== 'sfc32' || !Array.isArray(s.words) || s.words.length !== 4) {
    throw new TypeError(`${where}: expected { algorithm: 'sfc32', words: [4 unsigned 32-bit integers] }, got ${JSON.stringify(state)}`);
  }
  for (const w of s.words) {
    if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) {
      throw new RangeError(`${where}: state words must be unsigned 32-bit integers, got ${JSON.stringify(s.words)}`);
    }
  }
  return s.words as [number, number, number, number];
}

/**
 * A new independent generator seeded with `seed` (any integer), as a plain function.
 * @example seededRandom(1)() === seededRandom(1)()  // true
 */
export function seededRandom(seed: number): Random {
  return StatefulRandom.seeded(seed).random;
}

let globalRandom = StatefulRandom.seeded(0);

/** Reseeds the global generator used when no `random` option is passed. */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed)) throw new TypeError(`manualSeed: seed must be an integer, got ${seed}`);
  globalRandom = StatefulRandom.seeded(seed);
}

/** The global generator (its state advances with each draw). */
export function defaultRandom(): Random {
  return globalRandom.random;
}

/** The global generator's state, for checkpoints (PyTorch's get_rng_state). */
export function getRngState(): RandomState {
  return globalRandom.getState();
}

/** Restores the global generator's state from `getRngState()`. */
export function setRngState(state: RandomState): void {
  globalRandom.setState(state);
}

/** A standard normal draw by the Box-Muller transform (uses two uniforms). */
export function normal(random: Random): number {
  let u = random();
  while (u <= 0) u = random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
