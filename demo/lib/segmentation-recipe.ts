/**
 * segmentation-recipe — the Segment page's build-time U-Net: its recipe (read by
 * demo/scripts/make-assets.ts, which trains it, and shown by the page) and the class weights of
 * its loss. examples/segmentation.ts's quick preset with less compute: width 8 instead of 16, one
 * pass over 3,000 scenes instead of four over 8,000, so the site builds in minutes.
 */

/** How the build-time U-Net is made: model size, scenes, optimiser and seed. */
export const UNET_RECIPE = { width: 8, depth: 3, scenes: 3000, batchSize: 8, lr: 3e-3, loss: 'ce+dice', seed: 11, testScenes: 200 } as const;

/**
 * Cross-entropy class weights w_c = √(median frequency / frequency_c) from a set of masks, as
 * examples/segmentation.ts computes them (median-frequency balancing, softened by the square root).
 */
export function classWeights(masks: Int32Array, classes: number): Float32Array {
  const counts = new Float64Array(classes);
  for (const v of masks) counts[v]! += 1;
  const freq = Array.from(counts, (c) => Math.max(c, 1) / masks.length);
  const median = [...freq].sort((a, b) => a - b)[Math.floor(classes / 2)]!;
  return Float32Array.from(freq, (f) => Math.sqrt(median / f));
}
