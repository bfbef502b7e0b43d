import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { arange, randn, tensor } from '../creation.js';
import { enableGrad, noGrad } from '../function.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import { sizeOf, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from './elementwise.js';
import { cat, chunk, gather, indexSelect, oneHot, pad, slice, split, stack } from './indexing.js';
import { argmax, argmin, sum } from './reduce.js';
import { reshape } from './shape.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });
const iota = (shape: Shape): Tensor => reshape(arange(0, sizeOf(shape), 1, { dtype: 'float64' }), shape);
const int32 = (values: Parameters<typeof tensor>[0]): Tensor => tensor(values, { dtype: 'int32' });

/**
 * Gradchecks the gradient itself: g(x) = ∂/∂x Σ w ⊙ f(x)², recorded with createGraph, is a
 * function of x whose backward runs f's backward's backward. (gradcheck evaluates fn under
 * noGrad, so we switch recording back on; x.grad is left as gradcheck expects it.)
 */
function gradcheckSecondOrder(f: (x: Tensor) => Tensor, shape: Shape, random: Random): void {
  const w = randn(noGrad(() => f(randn(shape, { dtype: 'float64' }))).shape, { dtype: 'float64', random });
  const gradOf = (x: Tensor): Tensor => enableGrad(() => {
    const previous = x.grad;
    x.grad = null;
    const y = f(x);
    sum(mul(mul(y, y), w)).backward(undefined, { createGraph: true });
    const g = x.grad!;
    x.grad = previous;
    return g;
  });
  gradcheck(gradOf, [leaf(shape, random)]);
}

describe('slice', () => {
  // x = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
  const x = iota([3, 4]);

  test('the JSDoc example prints what it says', () => {
    expect(slice(arange(10), [{ start: 1, stop: 8, step: 3 }]).toArray()).toEqual([1, 4, 7]);
  });

  test('start, stop and step per axis, negative indices counted from the end, as Python', () => {
    expect(slice(x, [{ start: 1 }, { start: -3, stop: -1 }]).toArray()).toEqual([[5, 6], [9, 10]]);
    expect(slice(x, [{ step: 2 }, { start: 1, step: 2 }]).toArray()).toEqual([[1, 3], [9, 11]]);
    expect(slice(x, [null, { start: 2, stop: 100 }]).toArray()).toEqual([[2, 3], [6, 7], [10, 11]]); // stop clamps
    expect(slice(x, [{ start: -100, stop: 1 }]).toArray()).toEqual([[0, 1, 2, 3]]); // start clamps
    expect(slice(x, [{ start: 2, stop: 1 }]).shape).toEqual([0, 4]); // empty, as x[2:1]
    expect(slice(x, [{ start: 1, stop: 3, step: 5 }]).toArray()).toEqual([[4, 5, 6, 7]]);
    expect(slice(x, []).toArray()).toEqual(x.toArray()); // missing trailing axes are kept whole
    expect(x.slice([{ stop: 2 }]).shape).toEqual([2, 4]);
  });

  test('an integer index picks one position and drops the axis', () => {
    expect(slice(x, [1]).toArray()).toEqual([4, 5, 6, 7]);
    expect(slice(x, [null, -1]).toArray()).toEqual([3, 7, 11]);
    expect(slice(x, [-1, 0]).toArray()).toBe(8); // both axes dropped: a 0-d tensor
    expect(slice(iota([2, 3, 4]), [null, 1, { start: 1, step: 2 }]).toArray()).toEqual([[5, 7], [17, 19]]);
  });

  test('backward writes dY at the sliced positions and zeros elsewhere', () => {
    const v = tensor([1, 2, 3, 4, 5], { dtype: 'float64', requiresGrad: true });
    slice(v, [{ start: 1, step: 2 }]).backward(tensor([10, 20], { dtype: 'float64' }));
    expect(v.grad!.toArray()).toEqual([0, 10, 0, 20, 0]);
  });

  test('backward passes gradcheck (steps, negative and integer indices, size-1 axis, broadcast)', () => {
    const random = seededRandom(10);
    gradcheck((t) => slice(t, [{ start: 1 }, { start: -3, stop: -1 }]), [leaf([3, 4], random)]);
    gradcheck((t) => slice(t, [{ step: 2 }, { start: 1, step: 3 }]), [leaf([5, 7], random)]);
    gradcheck((t) => slice(t, [null, 1, { start: -2 }]), [leaf([2, 3, 4], random)]);
    gradcheck((t) => slice(t, [0, { start: 1, stop: 4 }]), [leaf([1, 5], random)]);
    gradcheck((t) => slice(t, [-1, -1]), [leaf([2, 3], random)]);
    // Two overlapping slices of the same x (gradients add) meeting a broadcast bias.
    gradcheck((t, b) => add(slice(t, [{ stop: 2 }]), b).mul(slice(t, [{ start: 1 }])), [leaf([3, 4], random), leaf([4], random)]);
  });

  test('is twice differentiable: the gradient of a slice passes gradcheck (SliceScatter backward)', () => {
    gradcheckSecondOrder((t) => slice(t, [{ start: 1, step: 2 }, -2]), [4, 3], seededRandom(11));
  });

  test('rejects out-of-range indices, bad steps, fractional bounds and too many ranges', () => {
    expect(() => slice(x, [3])).toThrow(/slice: index 3 is out of bounds for axis 0 with size 3/);
    expect(() => slice(x, [null, -5])).toThrow(/slice: index -5 is out of bounds for axis 1 with size 4/);
    expect(() => slice(x, [0.5])).toThrow(/slice: index 0.5 is out of bounds for axis 0/);
    expect(() => slice(x, [{ step: 0 }])).toThrow(/slice: step must be a positive integer, got 0 on axis 0/);
    expect(() => slice(x, [null, { step: -1 }])).toThrow(/slice: step must be a positive integer, got -1 on axis 1/);
    expect(() => slice(x, [{ start: 0.5 }])).toThrow(/slice: start must be an integer, got 0.5 on axis 0/);
    expect(() => slice(x, [null, { stop: 1.5 }])).toThrow(/slice: stop must be an integer, got 1.5 on axis 1/);
    expect(() => slice(x, [null, null, 0])).toThrow(/slice: 3 ranges for a tensor of shape \[3,4\]/);
  });
});

describe('cat and stack', () => {
  test('cat joins along an existing axis', () => {
    const a = tensor([[1, 2]]);
    const b = tensor([[3, 4], [5, 6]]);
    expect(cat([a, b]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(cat([tensor([[1], [2]]), tensor([[3, 4], [5, 6]])], 1).toArray()).toEqual([[1, 3, 4], [2, 5, 6]]);
    expect(cat([tensor([[1], [2]]), tensor([[3], [4]])], -1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(cat([tensor([1, 2]), tensor([]), tensor([3])]).toArray()).toEqual([1, 2, 3]);
    expect(cat([a])).toBe(a);
  });

  test('cat promotes dtypes as a binary op does', () => {
    const c = cat([int32([1, 2]), tensor([0.5], { dtype: 'float64' })]);
    expect(c.dtype).toBe('float64');
    expect(c.toArray()).toEqual([1, 2, 0.5]);
  });

  test('stack joins along a new axis', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]);
    expect(stack([a, b]).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(stack([a, b], 1).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(stack([a, b], -1).shape).toEqual([3, 2]);
    expect(stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
  });

  test('backward hands each input its slice of dY and passes gradcheck', () => {
    const random = seededRandom(12);
    gradcheck((a, b, c) => cat([a, b, c], 1), [leaf([2, 3], random), leaf([2, 1], random), leaf([2, 2], random)]);
    gradcheck((a, b) => cat([a, b], -1), [leaf([2, 1, 3], random), leaf([2, 1, 2], random)]);
    gradcheck((a, b) => cat([a, b]), [leaf([1, 3], random), leaf([2, 3], random)]);
    gradcheck((a, b) => stack([a, b], 1), [leaf([2, 3], random), leaf([2, 3], random)]);
    gradcheck((a, b, c) => add(stack([a, b], -1), c), [leaf([3], random), leaf([3], random), leaf([1, 2], random)]);
    // The same tensor twice: its gradient is the sum of both slices.
    gradcheck((a) => cat([a, a]), [leaf([2, 2], random)]);
  });

  test('an input that does not require grad gets no gradient, the other gets its slice', () => {
    const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const b = tensor([3], { dtype: 'float64' });
    cat([b, a]).backward(tensor([10, 20, 30], { dtype: 'float64' }));
    expect(a.grad!.toArray()).toEqual([20, 30]);
    expect(b.grad).toBeNull();
  });

  test('cat is twice differentiable', () => {
    gradcheckSecondOrder((t) => cat([t, slice(t, [{ start: 1 }])], 0), [3, 2], seededRandom(13));
  });

  test('rejects shape mismatches, empty lists and 0-d tensors, naming the shapes', () => {
    expect(() => cat([iota([2, 3]), iota([2, 4])])).toThrow(/cat: shapes \[2,3\], \[2,4\] differ outside axis 0/);
    expect(() => cat([iota([2, 3]), iota([3])], 1)).toThrow(/cat: shapes \[2,3\], \[3\] differ outside axis 1/);
    expect(() => cat([iota([2, 3])], 2)).toThrow(/cat: axis 2 is out of range for a tensor with 2 dimensions/);
    expect(() => cat([])).toThrow(/cat: needs a non-empty list of tensors/);
    expect(() => cat([tensor(1), tensor(2)])).toThrow(/cat: 0-d tensors have no axis to join along; use stack/);
    expect(() => stack([iota([2]), iota([3])])).toThrow(/stack: all shapes must be equal, got \[2\], \[3\]/);
    expect(() => stack([iota([2])], 2)).toThrow(/stack: axis 2 is out of range/);
  });
});

describe('split and chunk', () => {
  test('split by a size (the last piece may be smaller) or by a list of sizes', () => {
    const v = arange(5);
    expect(split(v, 2).map((p) => p.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    expect(split(v, [1, 0, 4]).map((p) => p.toArray())).toEqual([[0], [], [1, 2, 3, 4]]);
    expect(split(v, 5).map((p) => p.toArray())).toEqual([[0, 1, 2, 3, 4]]);
    const m = iota([2, 3]);
    expect(m.split([2, 1], 1).map((p) => p.toArray())).toEqual([[[0, 1], [3, 4]], [[2], [5]]]);
    expect(split(m, 1, -2).map((p) => p.shape)).toEqual([[1, 3], [1, 3]]);
    // An empty axis still gives one (empty) piece, as torch.split.
    expect(split(iota([0, 2]), 3).map((p) => p.shape)).toEqual([[0, 2]]);
  });

  test('chunk makes pieces of ceil(size / chunks), as torch.chunk (possibly fewer pieces)', () => {
    expect(chunk(arange(5), 3).map((p) => p.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    expect(chunk(arange(6), 4).map((p) => p.toArray())).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(chunk(arange(2), 5).map((p) => p.toArray())).toEqual([[0], [1]]);
    expect(chunk(iota([2, 0]), 3, 1).map((p) => p.shape)).toEqual([[2, 0], [2, 0], [2, 0]]);
    expect(iota([2, 4]).chunk(2, 1).map((p) => p.toArray())).toEqual([[[0, 1], [4, 5]], [[2, 3], [6, 7]]]);
  });

  test('backward of every piece passes gradcheck', () => {
    const random = seededRandom(14);
    for (let i = 0; i < 3; i++) gradcheck((t) => split(t, 2)[i]!, [leaf([5, 2], random)]);
    for (let i = 0; i < 2; i++) gradcheck((t) => split(t, [3, 1], -1)[i]!, [leaf([2, 1, 4], random)]);
    for (let i = 0; i < 2; i++) gradcheck((t) => chunk(t, 2, 1)[i]!, [leaf([1, 3], random)]);
    // Two pieces recombined with different weights, then broadcast against b.
    gradcheck((t, b) => {
      const [p, q] = split(t, [1, 1]);
      return add(mul(p!, 3), q!).mul(b);
    }, [leaf([2, 3], random), leaf([3], random)]);
  });

  test('rejects sizes that do not add up and non-positive sizes or chunk counts', () => {
    const m = iota([2, 3]);
    expect(() => split(m, [1, 1], 1)).toThrow(/split: sizes \[1,1\] do not add up to 3, the size of axis 1 of \[2,3\]/);
    expect(() => split(m, [3, -1], 1)).toThrow(/split: sizes \[3,-1\] do not add up/);
    expect(() => split(m, 0)).toThrow(/split: size must be a positive integer, got 0/);
    expect(() => chunk(m, 0)).toThrow(/chunk: chunks must be a positive integer, got 0/);
    expect(() => split(m, 1, 2)).toThrow(/split: axis 2 is out of range/);
  });

  test('property: split then cat is the identity', () => {
    const args = fc
      .array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 })
      .chain((shape) => fc.tuple(fc.constant(shape), fc.nat({ max: shape.length - 1 }), fc.integer({ min: 1, max: 5 }), fc.boolean()));
    fc.assert(
      fc.property(args, ([shape, axis, size, asList]) => {
        const x = iota(shape);
        const total = shape[axis]!;
        // A list of sizes: `size` repeated, with the remainder last (possibly a zero-size piece).
        const sizes = Array.from({ length: Math.floor(total / size) }, () => size).concat([total % size]);
        const pieces = asList ? split(x, sizes, axis) : split(x, size, axis);
        const back = cat(pieces, axis);
        expect(back.shape).toEqual(shape);
        expect(back.toArray()).toEqual(x.toArray());
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('pad', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);

  test('pairs (before, after) start from the last axis, as F.pad', () => {
    expect(pad(x, [1, 1]).toArray()).toEqual([[0, 1, 2, 3, 0], [0, 4, 5, 6, 0]]);
    // [1, 0, 0, 1]: last axis 1 before; the axis before it 1 after.
    expect(pad(x, [1, 0, 0, 1]).toArray()).toEqual([[0, 1, 2, 3], [0, 4, 5, 6], [0, 0, 0, 0]]);
    expect(pad(x, [0, 0, 2, 0], -1).toArray()).toEqual([[-1, -1, -1], [-1, -1, -1], [1, 2, 3], [4, 5, 6]]);
    expect(pad(x, []).toArray()).toEqual(x.toArray());
    expect(pad(iota([1, 1, 2]), [0, 1, 1, 0]).toArray()).toEqual([[[0, 0, 0], [0, 1, 0]]]);
  });

  test('backward is the inner slice of dY and passes gradcheck', () => {
    const random = seededRandom(15);
    gradcheck((t) => pad(t, [1, 2]), [leaf([2, 3], random)]);
    gradcheck((t) => pad(t, [0, 1, 2, 0], 3), [leaf([1, 3], random)]);
    gradcheck((t) => pad(t, [1, 1, 0, 0, 1, 0]), [leaf([2, 1, 2], random)]);
    gradcheck((t, b) => add(pad(t, [1, 0]), b), [leaf([3, 2], random), leaf([3, 1], random)]);
  });

  test('is twice differentiable', () => {
    gradcheckSecondOrder((t) => pad(t, [2, 1, 1, 0], 0.5), [2, 3], seededRandom(16));
  });

  test('rejects odd lengths, too many pairs and negative or fractional amounts', () => {
    expect(() => pad(x, [1])).toThrow(/pad: expected pairs of \(before, after\) for at most 2 axes, got \[1\] for \[2,3\]/);
    expect(() => pad(x, [1, 1, 1, 1, 1, 1])).toThrow(/pad: expected pairs .* got \[1,1,1,1,1,1\] for \[2,3\]/);
    expect(() => pad(x, [-1, 1])).toThrow(/pad: amounts must be non-negative integers, got \[-1,1\]/);
    expect(() => pad(x, [0.5, 1])).toThrow(/pad: amounts must be non-negative integers, got \[0.5,1\]/);
  });
});

describe('gather', () => {
  // torch.gather's documentation example: t = [[1, 2], [3, 4]].
  const t = tensor([[1, 2], [3, 4]]);

  test('follows torch.gather: out[i][j] = x[i][index[i][j]] on axis 1, x[index[i][j]][j] on axis 0', () => {
    expect(gather(t, 1, int32([[0, 0], [1, 0]])).toArray()).toEqual([[1, 1], [4, 3]]);
    expect(gather(t, 0, int32([[1, 0], [0, 0]])).toArray()).toEqual([[3, 2], [1, 2]]);
    expect(t.gather(-1, int32([[1], [0]])).toArray()).toEqual([[2], [3]]);
    // The index may be smaller than x along the other axes, and longer along `axis`.
    expect(gather(iota([3, 4]), 1, int32([[3, 3, 0], [1, 2, 1]])).toArray()).toEqual([[3, 3, 0], [5, 6, 5]]);
    expect(gather(iota([2, 2, 3]), 2, int32([[[2]], [[0]]])).toArray()).toEqual([[[2]], [[6]]]);
  });

  test('repeated indices accumulate in the gradient', () => {
    const x = tensor([[1, 2, 3]], { dtype: 'float64', requiresGrad: true });
    gather(x, 1, int32([[0, 0, 2, 0]])).backward(tensor([[1, 10, 100, 1000]], { dtype: 'float64' }));
    expect(x.grad!.toArray()).toEqual([[1011, 0, 100]]);
  });

  test('backward passes gradcheck (repeats, each axis, smaller index, broadcast)', () => {
    const random = seededRandom(17);
    gradcheck((x) => gather(x, 1, int32([[0, 2, 2, 1], [1, 1, 0, 2]])), [leaf([2, 3], random)]);
    gradcheck((x) => gather(x, 0, int32([[1, 0, 1]])), [leaf([2, 3], random)]);
    gradcheck((x) => gather(x, 2, int32([[[1, 1]], [[0, 1]]])), [leaf([2, 1, 2], random)]);
    gradcheck((x, b) => add(gather(x, 1, int32([[0], [0], [1]])), b), [leaf([3, 2], random), leaf([1, 4], random)]);
  });

  test('is twice differentiable (ScatterAdd backward)', () => {
    gradcheckSecondOrder((x) => gather(x, 1, int32([[2, 0, 2], [1, 1, 0]])), [2, 3], seededRandom(18));
  });

  test('rejects out-of-bounds, negative and non-int32 indices and mismatched ranks', () => {
    expect(() => gather(t, 1, int32([[0, 2]]))).toThrow(/gather: index 2 is out of bounds for axis 1 with size 2/);
    expect(() => gather(t, 0, int32([[-1]]))).toThrow(/gather: index -1 is out of bounds for axis 0 with size 2/);
    expect(() => gather(t, 1, tensor([[0]]))).toThrow(/gather: index must be int32, got float32 \[1,1\]/);
    expect(() => gather(t, 1, int32([0]))).toThrow(/gather: index \[1\] must have as many dimensions as the tensor \[2,2\]/);
    expect(() => gather(t, 1, int32([[0], [0], [0]]))).toThrow(/gather: index \[3,1\] is larger than the tensor \[2,2\] along axis 0/);
    expect(() => gather(t, 2, int32([[0]]))).toThrow(/gather: axis 2 is out of range/);
    expect(() => gather(tensor(1), 0, int32(0))).toThrow(/gather: the tensor must have at least one dimension, got \[\]/);
  });
});

describe('indexSelect', () => {
  const x = tensor([[1, 2], [3, 4], [5, 6]]);

  test('picks whole slices along an axis, repeats allowed', () => {
    expect(indexSelect(x, 0, int32([2, 0, 2])).toArray()).toEqual([[5, 6], [1, 2], [5, 6]]);
    expect(x.indexSelect(1, int32([1, 1, 0])).toArray()).toEqual([[2, 2, 1], [4, 4, 3], [6, 6, 5]]);
    expect(indexSelect(x, -2, int32([])).shape).toEqual([0, 2]);
    expect(indexSelect(iota([2, 3, 2]), 1, int32([2, 0])).toArray()).toEqual([[[4, 5], [0, 1]], [[10, 11], [6, 7]]]);
  });

  test('gradients of repeated indices accumulate', () => {
    const w = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64', requiresGrad: true });
    indexSelect(w, 0, int32([2, 0, 2])).backward(tensor([[1, 1], [10, 10], [100, 100]], { dtype: 'float64' }));
    expect(w.grad!.toArray()).toEqual([[10, 10], [0, 0], [101, 101]]);
  });

  test('backward passes gradcheck (repeats, middle axis, size-1 axis, broadcast)', () => {
    const random = seededRandom(19);
    gradcheck((t) => indexSelect(t, 0, int32([2, 0, 2, 2])), [leaf([3, 2], random)]);
    gradcheck((t) => indexSelect(t, 1, int32([1, 1, 0])), [leaf([2, 3, 4], random)]);
    gradcheck((t) => indexSelect(t, -1, int32([0, 0])), [leaf([3, 1], random)]);
    gradcheck((t, b) => add(indexSelect(t, 0, int32([1, 1])), b), [leaf([2, 3], random), leaf([3], random)]);
  });

  test('is twice differentiable (IndexAdd backward)', () => {
    gradcheckSecondOrder((t) => indexSelect(t, 1, int32([2, 0, 2])), [2, 3], seededRandom(20));
  });

  test('rejects out-of-bounds and non-int32 indices and a non-1-D index', () => {
    expect(() => indexSelect(x, 0, int32([3]))).toThrow(/indexSelect: index 3 is out of bounds for axis 0 with size 3/);
    expect(() => indexSelect(x, 1, int32([-1]))).toThrow(/indexSelect: index -1 is out of bounds for axis 1 with size 2/);
    expect(() => indexSelect(x, 0, tensor([0]))).toThrow(/indexSelect: index must be int32, got float32 \[1\]/);
    expect(() => indexSelect(x, 0, int32([[0]]))).toThrow(/indexSelect: index must be 1-D, got \[1,1\]/);
    expect(() => indexSelect(tensor(1), 0, int32([0]))).toThrow(/indexSelect: the tensor must have at least one dimension, got \[\]/);
  });
});

describe('non-differentiable: oneHot, argmax, argmin', () => {
  test('oneHot makes rows of zeros with a 1 at each class, float32 by default', () => {
    const y = oneHot(int32([0, 2, 1]), 3);
    expect(y.dtype).toBe('float32');
    expect(y.toArray()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    expect(oneHot(int32([[1], [0]]), 2, 'int32').toArray()).toEqual([[[0, 1]], [[1, 0]]]);
    expect(oneHot(int32([]), 4, 'float64').shape).toEqual([0, 4]);
    expect(y.creator).toBeNull();
    expect(y.requiresGrad).toBe(false);
  });

  test('oneHot rejects classes out of range, non-int32 indices and bad arguments', () => {
    expect(() => oneHot(int32([0, 3]), 3)).toThrow(/oneHot: class 3 is out of range for 3 classes/);
    expect(() => oneHot(int32([-1]), 3)).toThrow(/oneHot: class -1 is out of range for 3 classes/);
    expect(() => oneHot(tensor([0]), 3)).toThrow(/oneHot: indices must be int32, got float32 \[1\]/);
    expect(() => oneHot(int32([0]), 0)).toThrow(/oneHot: numClasses must be a positive integer, got 0/);
    expect(() => oneHot(int32([0]), 2, 'bool' as 'int32')).toThrow(/oneHot: unknown dtype 'bool'/);
  });

  test('argmax and argmin give int32 indices (first on ties) and record no graph', () => {
    const x = tensor([[1, 5, 3], [7, 2, 7]], { dtype: 'float64', requiresGrad: true });
    const flat = argmax(x);
    expect(flat.dtype).toBe('int32');
    expect(flat.toArray()).toBe(3); // over the flattened tensor
    expect(argmin(x).toArray()).toBe(0);
    expect(argmax(x, 1).toArray()).toEqual([1, 0]);
    expect(x.argmax(-1, true).toArray()).toEqual([[1], [0]]);
    expect(argmin(x, 0).toArray()).toEqual([0, 1, 0]);
    expect(argmin(x, 1, true).shape).toEqual([2, 1]);
    for (const y of [flat, argmax(x, 1), argmin(x, 0)]) {
      expect(y.dtype).toBe('int32');
      expect(y.requiresGrad).toBe(false);
      expect(y.creator).toBeNull();
    }
  });

  test('argmax and argmin reject an empty tensor and an axis out of range', () => {
    expect(() => argmax(tensor([]))).toThrow(/argmax: cannot reduce an empty tensor \[0\]/);
    expect(() => argmin(iota([2, 2]), 2)).toThrow(/argmin: axis 2 is out of range/);
  });
});
