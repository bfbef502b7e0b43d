import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { arange, randn, tensor } from '../creation.js';
import { enableGrad } from '../function.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import { sizeOf, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from './elementwise.js';
import { sum } from './reduce.js';
import { broadcastTo, flatten, permute, reshape, squeeze, transpose, unsqueeze } from './shape.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });
/** 0, 1, 2, … in float64, so every element of a rearrangement names where it came from. */
const iota = (shape: Shape): Tensor => reshape(arange(0, sizeOf(shape), 1, { dtype: 'float64' }), shape);

/** A shape of 0 to 4 axes, each of size 1 to 4. */
const shapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 });
/** A shape together with a permutation of its axes. */
const shapeAndPerm = shapes.chain((shape) => {
  const axes = shape.map((_, i) => i);
  return fc.tuple(fc.constant(shape), fc.shuffledSubarray(axes, { minLength: axes.length, maxLength: axes.length }));
});
const PROPERTY_RUNS = { seed: 42, numRuns: 200 } as const;

describe('reshape and view', () => {
  test('keeps row-major order and infers one -1', () => {
    const x = iota([6]);
    expect(reshape(x, [2, -1]).toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(reshape(x, [-1, 2]).toArray()).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(x.view([3, 1, 2]).shape).toEqual([3, 1, 2]);
    expect(reshape(tensor([7]), []).shape).toEqual([]);
    expect(reshape(tensor(7), [1, 1]).toArray()).toEqual([[7]]);
    expect(reshape(iota([0, 3]), [-1, 3]).shape).toEqual([0, 3]);
  });

  test('the JSDoc example prints what it says', () => {
    expect(reshape(arange(6), [2, -1]).shape).toEqual([2, 3]);
  });

  test('is a view: the result shares the input storage, and an unchanged shape returns the input', () => {
    const x = iota([2, 3]);
    expect(reshape(x, [3, 2]).storage).toBe(x.storage);
    expect(reshape(x, [2, 3])).toBe(x);
  });

  test('backward passes gradcheck (incl. -1, a size-1 axis and a broadcast after it)', () => {
    const random = seededRandom(1);
    gradcheck((x) => reshape(x, [3, -1]), [leaf([2, 3], random)]);
    gradcheck((x) => reshape(x, [4]), [leaf([1, 4], random)]);
    gradcheck((x) => x.view([2, 1, 3, 2]), [leaf([3, 4], random)]);
    gradcheck((x) => reshape(x, []), [leaf([1, 1], random)]);
    // The reshaped x meets b [3] in a broadcasting add; x is used twice, so its gradients add.
    gradcheck((x, b) => add(reshape(x, [2, 3]), b).mul(reshape(x, [2, 3])), [leaf([6], random), leaf([3], random)]);
  });

  test('rejects a size mismatch, two -1s and invalid sizes, naming the shapes', () => {
    const x = iota([2, 3]);
    expect(() => reshape(x, [4, 2])).toThrow(/reshape: cannot reshape \[2,3\] \(6 elements\) into \[4,2\]/);
    expect(() => reshape(x, [4, -1])).toThrow(/reshape: cannot reshape \[2,3\] \(6 elements\) into \[4,-1\]/);
    expect(() => reshape(x, [-1, -1])).toThrow(/reshape: only one size may be -1, got \[-1,-1\]/);
    expect(() => reshape(x, [-2, -3])).toThrow(/reshape: invalid shape \[-2,-3\]/);
    expect(() => reshape(x, [1.5, 4])).toThrow(/reshape: invalid shape \[1.5,4\]/);
    expect(() => reshape(iota([0, 3]), [0, -1])).toThrow(/reshape: cannot infer the -1 in \[0,-1\]/);
    expect(() => reshape(null as unknown as Tensor, [1])).toThrow(/reshape: input must be a Tensor/);
  });

  test('property: reshape then reshape back is the identity', () => {
    fc.assert(
      fc.property(shapeAndPerm, fc.nat(), ([shape, perm], hole) => {
        const x = iota(shape);
        // The same sizes in another order (same product), one of them replaced by -1.
        const target = perm.map((p) => shape[p]!);
        if (target.length > 0) target[hole % target.length] = -1;
        const back = reshape(reshape(x, target), shape);
        expect(back.shape).toEqual(shape);
        expect(back.toArray()).toEqual(x.toArray());
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('flatten', () => {
  test('merges the axes from startDim to endDim', () => {
    const x = iota([2, 3, 4]);
    expect(flatten(x).shape).toEqual([24]);
    expect(flatten(x, 1).shape).toEqual([2, 12]);
    expect(flatten(x, 0, 1).shape).toEqual([6, 4]);
    expect(x.flatten(-2, -1).shape).toEqual([2, 12]);
    expect(flatten(x, 1, 1)).toBe(x);
    expect(flatten(tensor(5)).toArray()).toEqual([5]);
    expect(flatten(x, 1).toArray()).toEqual([
      Array.from({ length: 12 }, (_, i) => i),
      Array.from({ length: 12 }, (_, i) => 12 + i),
    ]);
  });

  test('backward passes gradcheck', () => {
    const random = seededRandom(2);
    gradcheck((x) => flatten(x), [leaf([2, 3], random)]);
    gradcheck((x) => flatten(x, 1), [leaf([2, 1, 3], random)]);
    gradcheck((x, b) => add(flatten(x, 0, 1), b), [leaf([2, 3, 2], random), leaf([1, 2], random)]);
  });

  test('rejects startDim after endDim and an axis out of range', () => {
    const x = iota([2, 3, 4]);
    expect(() => flatten(x, 2, 1)).toThrow(/flatten: startDim 2 comes after endDim 1 for \[2,3,4\]/);
    expect(() => flatten(x, 3)).toThrow(/flatten: axis 3 is out of range for a tensor with 3 dimensions/);
  });
});

describe('squeeze and unsqueeze', () => {
  test('squeeze removes size-1 axes: all, or those listed (others are kept, as PyTorch)', () => {
    const x = iota([1, 3, 1]);
    expect(squeeze(x).shape).toEqual([3]);
    expect(squeeze(x, 0).shape).toEqual([3, 1]);
    expect(squeeze(x, -1).shape).toEqual([1, 3]);
    expect(squeeze(x, [0, 2]).shape).toEqual([3]);
    expect(x.squeeze(1)).toBe(x);
    expect(squeeze(tensor([[4]])).toArray()).toBe(4);
    expect(squeeze(x).toArray()).toEqual([0, 1, 2]);
  });

  test('unsqueeze inserts a size-1 axis; -1 appends', () => {
    const x = iota([2, 3]);
    expect(unsqueeze(x, 0).shape).toEqual([1, 2, 3]);
    expect(unsqueeze(x, 1).shape).toEqual([2, 1, 3]);
    expect(unsqueeze(x, 2).shape).toEqual([2, 3, 1]);
    expect(x.unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(x, -3).shape).toEqual([1, 2, 3]);
    expect(unsqueeze(tensor(5), 0).toArray()).toEqual([5]);
    expect(unsqueeze(x, 1).toArray()).toEqual([[[0, 1, 2]], [[3, 4, 5]]]);
  });

  test('backward passes gradcheck', () => {
    const random = seededRandom(3);
    gradcheck((x) => squeeze(x), [leaf([1, 3, 1], random)]);
    gradcheck((x) => squeeze(x, 1), [leaf([2, 1, 3], random)]);
    gradcheck((x) => unsqueeze(x, 1), [leaf([2, 3], random)]);
    // unsqueeze makes a column that broadcasts against a row: [2, 1] + [3] → [2, 3].
    gradcheck((x, b) => add(unsqueeze(x, -1), b), [leaf([2], random), leaf([3], random)]);
  });

  test('rejects an axis out of range and a repeated axis', () => {
    const x = iota([1, 3]);
    expect(() => squeeze(x, 2)).toThrow(/squeeze: axis 2 is out of range for a tensor with 2 dimensions/);
    expect(() => squeeze(x, [0, -2])).toThrow(/squeeze: repeated axis in \[0,-2\]/);
    expect(() => unsqueeze(x, 3)).toThrow(/unsqueeze: axis 3 is out of range for a tensor with 3 dimensions/);
  });
});

describe('transpose and permute', () => {
  test('transpose swaps the last two axes by default', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(transpose(x).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(x.transpose(0, 1).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(transpose(x, 1, 1)).toBe(x);
    const v = tensor([1, 2, 3]);
    expect(transpose(v)).toBe(v); // a 1-D tensor is its own transpose
  });

  test('transpose of a 3-D tensor swaps the named axes only', () => {
    const x = iota([2, 3, 4]);
    const y = transpose(x, 0, 2);
    expect(y.shape).toEqual([4, 3, 2]);
    const xs = x.toArray() as number[][][];
    const ys = y.toArray() as number[][][];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expect(ys[k]![j]![i]).toBe(xs[i]![j]![k]);
  });

  test('permute: out.shape[j] = x.shape[perm[j]], out[i, j, k] = x[j, k, i] for perm [2, 0, 1]', () => {
    const x = iota([2, 3, 4]);
    const y = permute(x, [2, 0, 1]);
    expect(y.shape).toEqual([4, 2, 3]);
    const xs = x.toArray() as number[][][];
    const ys = y.toArray() as number[][][];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 3; k++) expect(ys[i]![j]![k]).toBe(xs[j]![k]![i]);
    expect(x.permute([-1, 0, 1]).toArray()).toEqual(y.toArray()); // negative axes count from the end
    expect(permute(x, [0, 1, 2])).toBe(x);
  });

  test('backward passes gradcheck (non-square, size-1 axis, 4-D, broadcast)', () => {
    const random = seededRandom(4);
    gradcheck((x) => transpose(x), [leaf([2, 3], random)]);
    gradcheck((x) => transpose(x, 0, 2), [leaf([2, 1, 3], random)]);
    gradcheck((x) => permute(x, [2, 0, 1]), [leaf([2, 3, 4], random)]);
    gradcheck((x) => permute(x, [1, 3, 0, 2]), [leaf([2, 1, 3, 2], random)]);
    gradcheck((x, b) => add(permute(x, [1, 0]), b), [leaf([3, 2], random), leaf([1, 3], random)]);
  });

  test('rejects a bad permutation and an axis out of range, naming the shape', () => {
    const x = iota([2, 3]);
    expect(() => permute(x, [0, 0])).toThrow(/permute: \[0,0\] is not a permutation of the 2 axes of \[2,3\]/);
    expect(() => permute(x, [0])).toThrow(/permute: \[0\] is not a permutation of the 2 axes of \[2,3\]/);
    expect(() => permute(x, [0, 1, 2])).toThrow(/permute: axis 2 is out of range for a tensor with 2 dimensions/);
    expect(() => transpose(x, 0, 2)).toThrow(/transpose: axis 2 is out of range/);
    expect(() => transpose(tensor([1, 2]), 0, 1)).toThrow(/transpose: axis 1 is out of range/);
  });

  test('property: permute then the inverse permutation is the identity', () => {
    fc.assert(
      fc.property(shapeAndPerm, ([shape, perm]) => {
        const x = iota(shape);
        const inverse = new Array<number>(perm.length);
        perm.forEach((p, j) => (inverse[p] = j));
        const y = permute(x, perm);
        expect(y.shape).toEqual(perm.map((p) => shape[p]!));
        const back = permute(y, inverse);
        expect(back.shape).toEqual(shape);
        expect(back.toArray()).toEqual(x.toArray());
      }),
      PROPERTY_RUNS,
    );
  });

  test('property: transpose twice is the identity', () => {
    const args = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 })
      .chain((shape) => fc.tuple(fc.constant(shape), fc.integer({ min: -shape.length, max: shape.length - 1 }), fc.integer({ min: -shape.length, max: shape.length - 1 })));
    fc.assert(
      fc.property(args, ([shape, a, b]) => {
        const x = iota(shape);
        const back = transpose(transpose(x, a, b), a, b);
        expect(back.shape).toEqual(shape);
        expect(back.toArray()).toEqual(x.toArray());
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('broadcastTo and expand', () => {
  test('repeats along size-1 and missing leading axes; -1 keeps a size', () => {
    expect(broadcastTo(tensor([1, 2, 3]), [2, 3]).toArray()).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(broadcastTo(tensor([[1], [2]]), [2, 3]).toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(tensor([[1], [2]]).expand([2, 2, -1]).toArray()).toEqual([[[1], [2]], [[1], [2]]]);
    expect(broadcastTo(tensor(5), [2, 2]).toArray()).toEqual([[5, 5], [5, 5]]);
    const x = tensor([1, 2]);
    expect(broadcastTo(x, [2])).toBe(x);
  });

  test('backward sums over the broadcast axes and passes gradcheck', () => {
    const random = seededRandom(5);
    gradcheck((x) => broadcastTo(x, [2, 3]), [leaf([3], random)]);
    gradcheck((x) => broadcastTo(x, [2, 4, 3]), [leaf([2, 1, 3], random)]);
    gradcheck((x) => x.expand([3, -1, 2]), [leaf([1, 2, 1], random)]);
    gradcheck((x) => broadcastTo(x, [2, 3]), [leaf([], random)]);
    // A row fed to two rows: each element's gradient is the sum of its column of dY.
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    broadcastTo(x, [2, 3]).backward(tensor([[1, 2, 3], [10, 20, 30]], { dtype: 'float64' }));
    expect(x.grad!.toArray()).toEqual([11, 22, 33]);
  });

  test('rejects incompatible shapes, fewer dimensions and -1 on a new axis', () => {
    const x = iota([2, 3]);
    expect(() => broadcastTo(x, [3, 3])).toThrow(/broadcastTo: shapes \[2,3\] and \[3,3\] cannot be broadcast together/);
    expect(() => broadcastTo(x, [3])).toThrow(/broadcastTo: cannot broadcast \[2,3\] to fewer dimensions \[3\]/);
    expect(() => broadcastTo(x, [2, 1])).toThrow(/broadcastTo: cannot broadcast \[2,3\] to \[2,1\]/);
    expect(() => broadcastTo(x, [-1, 2, 3])).toThrow(/broadcastTo: invalid shape \[-1,2,3\]/);
  });
});

describe('twice differentiable', () => {
  test('the gradient of permute · broadcastTo is itself differentiable (createGraph)', () => {
    // f(x) = Σ w ⊙ P(x)² with P = broadcastTo ∘ permute, so ∂f/∂x = Pᵀ(2 w ⊙ P(x)). Recorded
    // with createGraph, that gradient is a function of x whose own backward runs P again.
    const random = seededRandom(6);
    const w = randn([2, 4, 3], { dtype: 'float64', random });
    // gradcheck evaluates fn under noGrad too, so we switch recording back on (enableGrad).
    const gradOf = (x: Tensor): Tensor => enableGrad(() => {
      const previous = x.grad;
      x.grad = null;
      const p = broadcastTo(permute(x, [1, 0]), [2, 4, 3]);
      sum(mul(mul(p, p), w)).backward(undefined, { createGraph: true });
      const g = x.grad!;
      x.grad = previous; // leave x.grad to gradcheck
      return g;
    });
    gradcheck(gradOf, [leaf([3, 4], random)]);
  });
});
