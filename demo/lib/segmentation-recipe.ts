/**
 * segmentation-recipe — the Segment page's U-Net: how it was made (examples/segmentation.ts's
 * quick preset; the checkpoint is committed in demo/assets/ and scored at build time by
 * demo/scripts/make-assets.ts, shown by the page) and the class weights of its loss.
 */

/** How the build-time U-Net is made: model size, scenes, optimiser and seed. */
export const UNET_RECIPE = { width: 16, depth: 3, scenes: 32000, batchSize: 8, lr: 2e-3, loss: 'ce+dice', seed: 0, testScenes: 200 } as const;

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
