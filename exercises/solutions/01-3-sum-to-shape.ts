/** Reference solution of exercise 1.3 (exercises/01-3-sum-to-shape.ts). */
import type { Tensor } from '../../src/index.js';

export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.ndim - shape.length;
  const fits = lead >= 0 && shape.every((d, k) => d === g.shape[lead + k] || d === 1);
  if (!fits) throw new RangeError(`sumToShape: [${shape.join(',')}] does not broadcast to [${g.shape.join(',')}]`);
  // Axes to sum: the leading ones the input lacked, and those where it had size 1.
  const axes = g.shape.map((_, k) => k).filter((k) => k < lead || (shape[k - lead] === 1 && g.shape[k] !== 1));
  const summed = axes.length > 0 ? g.sum(axes, true) : g; // keepDim: [1, …] where summed
  return summed.reshape(shape); //                           drops the leading 1s
}
