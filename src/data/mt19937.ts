/**
 * Mt19937 — the Mersenne Twister (Matsumoto & Nishimura 1998) as NumPy's legacy
 * `np.random.RandomState(seed)` runs it, so that a split drawn by scikit-learn with
 * `random_state=seed` can be drawn again here, index for index.
 *
 * Seeding with an integer is `init_genrand` (Knuth's multiplier 1812433253); each output is
 * one 32-bit word of the 624-word state, tempered. Two NumPy routines sit on top:
 *   interval(max)    an integer in [0, max]: draw 32 bits, mask them to the smallest 2ᵏ − 1 ≥ max,
 *                    and reject values above max (NumPy's `random_interval`)
 *   permutation(n)   0 … n−1 shuffled by Fisher–Yates from the last position down, position i
 *                    swapping with interval(i) (NumPy's legacy `shuffle` of an `arange`)
 * It is not Sapling's generator (src/autograd/random.ts drives initialisation and shuffling);
 * it exists only to reproduce NumPy's draws.
 */

const N = 624;
const M = 397;

/**
 * NumPy's legacy `RandomState` generator (the Mersenne Twister MT19937), only to reproduce Python's draws (e.g. scikit-learn's splits); Sapling's own randomness is `seededRandom`.
 */
export class Mt19937 {
  private readonly state = new Uint32Array(N);
  private position = N;

  /** Seeds as `np.random.RandomState(seed)` does for an integer seed in [0, 2³² − 1]. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`Mt19937: seed must be an integer in [0, 2^32 - 1], got ${seed}`);
    this.state[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.state[i - 1]!;
      this.state[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  /** The next 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    if (this.position >= N) this.twist();
    let y = this.state[this.position++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A uniform integer in [0, max] (max < 2³²), by masked rejection as NumPy draws it. */
  interval(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) throw new RangeError(`Mt19937.interval: max must be an integer in [0, 2^32 - 1], got ${max}`);
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0;
      if (value <= max) return value;
    }
  }

  /** 0 … n−1 in the order `np.random.RandomState(seed).permutation(n)` gives. */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Mt19937.permutation: n must be a non-negative integer, got ${n}`);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }

  /** Regenerates the 624 words of state (the "twist"). */
  private twist(): void {
    const s = this.state;
    for (let k = 0; k < N; k++) {
      const y = (s[k]! & 0x80000000) | (s[(k + 1) % N]! & 0x7fffffff);
      s[k] = (s[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
    }
    this.position = 0;
  }
}
