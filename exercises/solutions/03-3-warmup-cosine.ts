/** Reference solution of exercise 3.3 (exercises/03-3-warmup-cosine.ts). */
export interface WarmupCosineOptions {
  readonly baseLr: number;
  readonly warmupSteps: number;
  readonly totalSteps: number;
  readonly minLr?: number;
}

export function warmupCosine(t: number, options: WarmupCosineOptions): number {
  const { baseLr, warmupSteps, totalSteps, minLr = 0 } = options;
  if (t < warmupSteps) return (baseLr * t) / warmupSteps;
  const progress = (t - warmupSteps) / (totalSteps - warmupSteps); // 0 → 1 after the warm-up
  return minLr + ((baseLr - minLr) * (1 + Math.cos(Math.PI * progress))) / 2;
}
