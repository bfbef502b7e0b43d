/**
 * repeat: PyTorch's Tensor.repeat values (worked out by hand and against a plain tiling loop),
 * gradcheck in float64, and errors.
 */
import { describe, expect, test } from 'vitest';
import { arange, randn, tensor } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import { sizeOf, stridesOf } from '../shape.js';
import { expectClose } from '../test-utils.js';
import { repeat, tile } from './repeat.js';
import { reshape } from './shape.js';

describe('repeat', () => {
  test('tiles the whole tensor, adding leading axes when given more repeats (torch docs\' example)', () => {
    // torch: x = tensor([1, 2, 3]); x.repeat(4, 2) → 4 rows of [1, 2, 3, 1, 2, 3]; x.repeat(4, 2, 1).shape → [4, 2, 3]
    const x = tensor([1, 2, 3]);
    expect(repeat(x, [4, 2]).toArray()).toEqual(Array.from({ length: 4 }, () => [1, 2, 3, 1, 2, 3]));
    expect(repeat(x, [4, 2, 1]).shape).toEqual([4, 2, 3]);
    expect(repeat(tensor([[1, 2], [3, 4]]), [2, 1]).toArray()).toEqual([[1, 2], [3, 4], [1, 2], [3, 4]]);
    expect(repeat(tensor([[1, 2], [3, 4]]), [1, 0]).shape).toEqual([2, 0]);
    expect(repeat(tensor(5), []).toArray()).toBe(5);
  });

  test('equals a plain tiling loop on a 3-d tensor', () => {
    const shape = [2, 1, 3];
    const reps = [2, 3, 1, 2];
    const x = reshape(arange(0, sizeOf(shape), 1, { dtype: 'float64' }), shape);
    const y = repeat(x, reps);
    const outShape = [2, 6, 1, 6]; // [2·1, 3·2, 1·1, 2·3]
    expect(y.shape).toEqual(outShape);
    const padded = [1, ...shape];
    const strides = stridesOf(padded);
    const out = y.dataSync();
    const outStrides = stridesOf(outShape);
    for (let i = 0; i < out.length; i++) {
      let src = 0;
      for (let a = 0; a < 4; a++) src += (Math.floor(i / outStrides[a]!) % outShape[a]! % padded[a]!) * strides[a]!;
      expect(out[i]).toBe(src);
    }
  });

  test('backward: gradcheck in float64 (sums over the copies)', () => {
    const random = seededRandom(1);
    for (const [shape, reps] of [[[3], [2]], [[2, 3], [2, 1]], [[2, 1, 3], [1, 3, 1, 2]], [[1], [1]]] as const) {
      expect(gradcheck((x) => repeat(x!, reps), [randn(shape, { dtype: 'float64', requiresGrad: true, random })])).toBe(true);
    }
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    repeat(x, [3, 2]).sum().backward();
    expectClose(x.grad!, [6, 6]);
  });

  test('errors', () => {
    expect(() => repeat(tensor([[1]]), [2])).toThrow(/repeat: 1 repeats for a 2-d input \[1,1\]/);
    expect(() => repeat(tensor([1]), [-1])).toThrow(/non-negative integers/);
  });
});

describe('tile', () => {
  test('pads short reps with leading 1s, as torch.tile (worked out by hand)', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(tile(x, [2]).toArray()).toEqual([[1, 2, 1, 2], [3, 4, 3, 4]]);
    expect(tile(x, [2, 1]).toArray()).toEqual([[1, 2], [3, 4], [1, 2], [3, 4]]);
    expect(tile(tensor([1, 2]), [2, 2]).toArray()).toEqual([[1, 2, 1, 2], [1, 2, 1, 2]]); // more reps than axes
    expect(() => tile(x, [-1])).toThrow(/repeat: repeats must be non-negative integers/);
  });

  test('gradcheck', () => {
    gradcheck((t) => tile(t, [3]), [randn([2, 2], { dtype: 'float64', random: seededRandom(5), requiresGrad: true })]);
  });
});
