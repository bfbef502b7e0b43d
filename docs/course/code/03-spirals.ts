/**
 * Three interleaved spirals in the plane, a classic small classification problem (after
 * CS231n's example): not linearly separable, so a network needs a hidden layer to solve it.
 * Used by the chapter 3 programs; prints nothing.
 */
import { tensor, type Random, type Tensor } from '../../../src/index.js';

export interface Spirals {
  /** Points [N, 2], float32. */
  readonly x: Tensor;
  /** Class of each point [N], int32 in 0 … classes − 1. */
  readonly y: Tensor;
}

/** A standard normal number from two uniform ones (Box–Muller). */
const normal = (random: Random): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** `perClass` points of each of `classes` spirals; `noise` blurs each point's angle. */
export function makeSpirals(perClass: number, noise: number, random: Random, classes = 3): Spirals {
  const points: number[][] = [];
  const labels: number[] = [];
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < perClass; i++) {
      const r = (i + 1) / perClass; //                                 radius 0 … 1
      const angle = (k * 2 * Math.PI) / classes + 4 * r + noise * normal(random); // each arm turns as it grows
      points.push([r * Math.sin(angle), r * Math.cos(angle)]);
      labels.push(k);
    }
  }
  return { x: tensor(points), y: tensor(Int32Array.from(labels), [labels.length]) };
}
