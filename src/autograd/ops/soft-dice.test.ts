import { describe, expect, test } from 'vitest';
import { rand, randn, tensor } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul } from './elementwise.js';
import { sum } from './reduce.js';
import { softDice } from './soft-dice.js';
import { softmax } from './softmax.js';

/** The coefficient from the primitive ops (their own backward passes), for comparison. */
function composed(p: Tensor, t: Tensor, smooth: number): Tensor {
  const axes = p.shape.map((_, i) => i).filter((i) => i !== 1);
  return div(add(mul(sum(mul(p, t), axes), 2), smooth), add(add(sum(p, axes), sum(t, axes)), smooth));
}

describe('softDice', () => {
  test('values worked out by hand and the JSDoc example', () => {
    // Class 0: P = [1, 0], T = [1, 1] → 2·1 / (1 + 2) = 2/3. Class 1: P = [0, 1], T = [0, 0] → 0 / 1 = 0.
    const p = tensor([[[1, 0], [0, 1]]], { dtype: 'float64' });
    const t = tensor([[[1, 1], [0, 0]]], { dtype: 'float64' });
    const d = softDice(p, t, 0).toArray() as number[];
    expect(d[0]).toBeCloseTo(2 / 3, 15);
    expect(d[1]).toBe(0);
    // Smoothing 1: class 0 (2 + 1) / (3 + 1) = 0.75; class 1 (0 + 1) / (1 + 1) = 0.5.
    expect(softDice(p, t, 1).toArray()).toEqual([0.75, 0.5]);
  });

  test('with hard 0/1 masks it is the Dice score 2|A ∩ B| / (|A| + |B|), summed over the batch', () => {
    // Two images, one class: A = {0, 1, 2} ∪ {4}, B = {1, 2, 3} ∪ {4, 5}: |A ∩ B| = 3, |A| = 4, |B| = 5.
    const a = tensor([[[1, 1, 1, 0, 0, 0]], [[1, 0, 0, 0, 0, 0]]], { dtype: 'float64' });
    const b = tensor([[[0, 1, 1, 1, 0, 0]], [[1, 1, 0, 0, 0, 0]]], { dtype: 'float64' });
    expect(softDice(a, b, 0).item()).toBeCloseTo(6 / 9, 15);
    expect(softDice(a, a, 0).item()).toBe(1);
  });

  test('matches the composition of primitive ops, forward and backward', () => {
    const random = seededRandom(5);
    const p = softmax(randn([2, 3, 4, 5], { dtype: 'float64', random }), 1).detach().requiresGrad_();
    const t = rand([2, 3, 4, 5], { dtype: 'float64', random }).requiresGrad_();
    const c = randn([3], { dtype: 'float64', random });
    const ours = softDice(p, t, 1);
    sum(mul(ours, c)).backward();
    const [dp, dt] = [p.grad!, t.grad!];
    p.grad = null;
    t.grad = null;
    const reference = composed(p, t, 1);
    sum(mul(reference, c)).backward();
    const close = (a: Tensor, b: Tensor): void => {
      expect(a.shape).toEqual(b.shape);
      a.storage.forEach((v, i) => expect(Math.abs(v - b.storage[i]!), `element ${i}`).toBeLessThan(1e-14));
    };
    close(ours, reference);
    close(dp, p.grad!);
    close(dt, t.grad!);
  });

  test('gradcheck in float64 for both inputs: [N, C, H, W], a size-1 batch, no spatial axes, smoothing 0', () => {
    const random = seededRandom(7);
    const cases: [number[], number][] = [[[2, 3, 4, 5], 1], [[1, 4, 3, 2], 0.5], [[5, 2], 1], [[2, 3, 3], 0]];
    for (const [shape, smooth] of cases) {
      const p = rand(shape, { dtype: 'float64', random }).requiresGrad_();
      const t = rand(shape, { dtype: 'float64', random }).requiresGrad_();
      expect(gradcheck((a, b) => softDice(a!, b!, smooth), [p, t])).toBe(true);
    }
  });

  test('errors name the op and the shapes', () => {
    const p = rand([2, 3, 4]);
    expect(() => softDice(p, rand([2, 3, 5]))).toThrow('softDice: target [2,3,5] must have the shape of probabilities [2,3,4]');
    expect(() => softDice(rand([3]), rand([3]))).toThrow('softDice: probabilities must be [N, C, *], got [3]');
    expect(() => softDice(p, rand([2, 3, 4], { dtype: 'float64' }))).toThrow('softDice: probabilities are float32 but target is float64');
    expect(() => softDice(p, rand([2, 3, 4]), -1)).toThrow('softDice: smooth must be a finite number ≥ 0, got -1');
    expect(() => softDice(tensor([[1]], { dtype: 'int32' }), p)).toThrow(TypeError);
  });
});
