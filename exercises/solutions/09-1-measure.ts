/** Reference solution of exercise 9.1 (exercises/09-1-measure.ts). */

export interface Timing {
  readonly samples: readonly number[];
  readonly median: number;
  readonly min: number;
}

export interface MeasureOptions {
  readonly warmup?: number;
  readonly repeats?: number;
  readonly now?: () => number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function measure(fn: () => unknown, options: MeasureOptions = {}): Timing {
  const { warmup = 1, repeats = 5, now = () => performance.now() } = options;
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`measure: repeats must be an integer ≥ 1, got ${repeats}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`measure: warmup must be an integer ≥ 0, got ${warmup}`);
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = now();
    fn();
    samples.push(now() - start);
  }
  samples.sort((a, b) => a - b);
  return { samples, median: median(samples), min: samples[0]! };
}
