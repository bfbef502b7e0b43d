/**
 * bootstrap — resampling a dependent time series by blocks, driven by the project's seeded RNG.
 *
 * Drawing days independently destroys the autocorrelation that makes a forecast comparison or a
 * Sharpe ratio uncertain, so we draw whole blocks of consecutive days instead:
 *  - moving blocks (Künsch 1989): blocks of fixed length b starting at uniform positions, wrapped
 *    around the end of the series (circular), concatenated and cut to n;
 *  - stationary bootstrap (Politis & Romano 1994): a block starts at a uniform position and goes on
 *    to the next day with probability 1 − 1/b, so block lengths are geometric with mean b and the
 *    resampled series is itself stationary. b = 1 gives the ordinary i.i.d. bootstrap.
 * Each function returns the n indices of one resample; apply them to every series that must stay
 * aligned (the losses of all models, the returns of two strategies).
 */
import type { Random } from '../autograd/random.js';

/**
 * A block bootstrap for time series: 'stationary' (Politis and Romano, random block lengths) or 'moving-block' (fixed blocks).
 */
export type BootstrapKind = 'stationary' | 'moving-block';

function check(name: string, n: number, block: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name}: n must be a positive integer, got ${n}`);
  if (!(block >= 1)) throw new RangeError(`${name}: the block length must be ≥ 1, got ${block}`);
}

/** One stationary-bootstrap resample of 0 … n − 1 with mean block length `meanBlock`. */
export function stationaryBootstrapIndices(n: number, meanBlock: number, random: Random): Int32Array {
  check('stationaryBootstrapIndices', n, meanBlock);
  const out = new Int32Array(n);
  const pNew = 1 / meanBlock;
  out[0] = Math.floor(random() * n);
  for (let t = 1; t < n; t++) out[t] = random() < pNew ? Math.floor(random() * n) : (out[t - 1]! + 1) % n;
  return out;
}

/** One circular moving-block resample of 0 … n − 1 with blocks of `block` days. */
export function movingBlockIndices(n: number, block: number, random: Random): Int32Array {
  check('movingBlockIndices', n, block);
  if (!Number.isInteger(block)) throw new RangeError(`movingBlockIndices: the block length must be an integer, got ${block}`);
  const out = new Int32Array(n);
  for (let t = 0; t < n; t += block) {
    const start = Math.floor(random() * n);
    for (let j = 0; j < block && t + j < n; j++) out[t + j] = (start + j) % n;
  }
  return out;
}

/** One resample of either kind. */
export function bootstrapIndices(kind: BootstrapKind, n: number, block: number, random: Random): Int32Array {
  switch (kind) {
    case 'stationary': return stationaryBootstrapIndices(n, block, random);
    case 'moving-block': return movingBlockIndices(n, block, random);
    default: {
      const never: never = kind;
      throw new TypeError(`bootstrapIndices: unknown kind ${String(never)}`);
    }
  }
}
