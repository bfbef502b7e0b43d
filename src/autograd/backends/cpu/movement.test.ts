import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { allocate } from '../../dtype.js';
import { randint, randn, tensor } from '../../creation.js';
import { seededRandom, type Random } from '../../random.js';
import { sizeOf, stridesOf, type Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import {
  broadcastTo, concat, gather, indexAdd, indexSelect, oneHot, pad, permute, scatterAdd, slice, sliceScatter,
} from './movement.js';

/** The multi-index of flat position `flat` in a row-major `shape`. */
const unravel = (flat: number, shape: Shape): number[] => {
  const strides = stridesOf(shape);
  return shape.map((d, i) => Math.floor(flat / strides[i]!) % d);
};
const ravel = (idx: readonly number[], shape: Shape): number => {
  const strides = stridesOf(shape);
  return idx.reduce((acc, v, i) => acc + v * strides[i]!, 0);
};
/** A tensor of `shape` whose element at multi-index i is f(i), computed one element at a time. */
const build = (shape: Shape, f: (idx: number[]) => number, dtype: 'float32' | 'float64' | 'int32' = 'float64'): Tensor => {
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = f(unravel(i, shape));
  return new Tensor(data, shape);
};
const at = (x: Tensor, idx: readonly number[]): number => x.storage[ravel(idx, x.shape)]!;
const dot = (a: Tensor, b: Tensor): number => {
  let s = 0;
  for (let i = 0; i < a.numel(); i++) s += a.storage[i]! * b.storage[i]!;
  return s;
};
const iota = (shape: Shape, dtype: 'float32' | 'float64' | 'int32' = 'float64'): Tensor => build(shape, (idx) => ravel(idx, shape), dtype);
const gaussian = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', random });

const expectSame = (got: Tensor, expected: Tensor): void => {
  expect(got.shape).toEqual(expected.shape);
  expect(got.dtype).toBe(expected.dtype);
  expect(Array.from(got.storage)).toEqual(Array.from(expected.storage));
};

const naivePermute = (x: Tensor, perm: readonly number[]): Tensor => {
  const shape = perm.map((p) => x.shape[p]!);
  return build(shape, (o) => {
    const i = new Array<number>(perm.length);
    perm.forEach((p, j) => (i[p] = o[j]!));
    return at(x, i);
  }, x.dtype);
};

describe('permute kernel', () => {
  test('matches element-by-element indexing, including the 32 × 32 tiled path', () => {
    const cases: readonly (readonly [Shape, readonly number[]])[] = [
      [[2, 3], [1, 0]],
      [[40, 33], [1, 0]], // tiles with ragged edges
      [[3, 40, 35], [0, 2, 1]],
      [[3, 40, 35], [2, 0, 1]],
      [[2, 3, 4, 5], [3, 1, 0, 2]],
      [[1, 5, 1, 3], [3, 2, 1, 0]], // size-1 axes are dropped by coalescing
      [[2, 3, 4], [0, 1, 2]],
      [[], []],
    ];
    for (const [shape, perm] of cases) {
      for (const dtype of ['float64', 'float32', 'int32'] as const) {
        const x = iota(shape, dtype);
        expectSame(permute(x, perm), naivePermute(x, perm));
      }
    }
  });

  test('property: agrees with the naive permutation on random shapes', () => {
    const args = fc
      .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 })
      .chain((shape) => fc.tuple(fc.constant(shape), fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length, maxLength: shape.length })));
    fc.assert(fc.property(args, ([shape, perm]) => {
      const x = iota(shape);
      expectSame(permute(x, perm), naivePermute(x, perm));
    }), { seed: 42, numRuns: 200 });
  });
});

describe('broadcastTo kernel', () => {
  test('reads each broadcast axis with stride 0', () => {
    const cases: readonly (readonly [Shape, Shape])[] = [
      [[3], [2, 3]],
      [[2, 1], [2, 3]],
      [[2, 1, 3], [4, 2, 5, 3]],
      [[], [2, 2]],
      [[40, 1], [40, 50]], // a stride-0 innermost read: the tiled path
      [[1, 40], [50, 40]],
    ];
    for (const [from, to] of cases) {
      const x = iota(from);
      const offset = to.length - from.length;
      const expected = build(to, (o) => at(x, from.map((d, i) => (d === 1 ? 0 : o[i + offset]!))));
      expectSame(broadcastTo(x, to), expected);
    }
  });
});

describe('slice and sliceScatter kernels', () => {
  const cases: readonly { shape: Shape; starts: number[]; steps: number[]; sizes: Shape }[] = [
    { shape: [5], starts: [1], steps: [2], sizes: [2] },
    { shape: [3, 4], starts: [1, 0], steps: [1, 3], sizes: [2, 2] },
    { shape: [4, 5, 6], starts: [0, 2, 1], steps: [2, 1, 2], sizes: [2, 3, 3] },
    { shape: [2, 40, 40], starts: [1, 3, 0], steps: [1, 1, 2], sizes: [1, 37, 20] },
    { shape: [3, 4], starts: [3, 0], steps: [1, 1], sizes: [0, 4] },
  ];

  test('slice reads x[start + i·step] on every axis', () => {
    for (const { shape, starts, steps, sizes } of cases) {
      const x = iota(shape);
      const expected = build(sizes, (o) => at(x, o.map((v, i) => starts[i]! + v * steps[i]!)));
      expectSame(slice(x, starts, steps, sizes), expected);
    }
  });

  test('sliceScatter writes y at the sliced positions, zeros elsewhere, and is the adjoint of slice', () => {
    const random = seededRandom(50);
    for (const { shape, starts, steps, sizes } of cases) {
      const y = gaussian(sizes, random);
      const out = sliceScatter(y, shape, starts, steps);
      expect(out.shape).toEqual(shape);
      // Every written position holds its y; the rest are zero.
      const written = new Set<number>();
      for (let i = 0; i < y.numel(); i++) {
        const target = ravel(unravel(i, sizes).map((v, a) => starts[a]! + v * steps[a]!), shape);
        written.add(target);
        expect(out.storage[target]).toBe(y.storage[i]);
      }
      out.storage.forEach((v, i) => { if (!written.has(i)) expect(v).toBe(0); });
      // ⟨slice(x), y⟩ = ⟨x, sliceScatter(y)⟩: the defining property of an adjoint.
      const x = gaussian(shape, random);
      expect(dot(slice(x, starts, steps, sizes), y)).toBeCloseTo(dot(x, out), 10);
    }
  });
});

describe('concat kernel', () => {
  test('joins along each axis, keeping the dtype', () => {
    const a = iota([2, 3, 4], 'int32');
    const b = build([2, 3, 4], (i) => 100 + ravel(i, [2, 3, 4]), 'int32');
    for (let axis = 0; axis < 3; axis++) {
      const shape = a.shape.map((d, i) => (i === axis ? 2 * d : d));
      const expected = build(shape, (o) => (o[axis]! < a.shape[axis]! ? at(a, o) : at(b, o.map((v, i) => (i === axis ? v - a.shape[axis]! : v)))), 'int32');
      expectSame(concat([a, b], axis), expected);
    }
    const pieces = [iota([2, 1]), iota([2, 0]), iota([2, 2])];
    expect(concat(pieces, 1).toArray()).toEqual([[0, 0, 1], [1, 2, 3]]);
  });
});

describe('pad kernel', () => {
  test('places x at offset `before` on each axis and fills the rest with the value', () => {
    const x = iota([2, 3]);
    expect(pad(x, [[1, 0], [0, 2]], 7).toArray()).toEqual([[7, 7, 7, 7, 7], [0, 1, 2, 7, 7], [3, 4, 5, 7, 7]]);
    const y = iota([2, 2, 3], 'float32');
    const pads = [[0, 1], [2, 0], [1, 1]] as const;
    const shape = y.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]);
    const expected = build(shape, (o) => {
      const i = o.map((v, a) => v - pads[a]![0]);
      return i.every((v, a) => v >= 0 && v < y.shape[a]!) ? at(y, i) : -1;
    }, 'float32');
    expectSame(pad(y, pads, -1), expected);
  });
});

describe('gather and scatterAdd kernels', () => {
  test('gather matches torch.gather on every axis, and scatterAdd is its adjoint', () => {
    const random = seededRandom(51);
    const x = gaussian([3, 4, 2], random);
    for (let axis = 0; axis < 3; axis++) {
      // An index 5 long on `axis` (so indices repeat) and one shorter than x elsewhere.
      const indexShape = x.shape.map((d, i) => (i === axis ? 5 : Math.max(1, d - 1)));
      const index = randint(0, x.shape[axis]!, indexShape, { random });
      const expected = build(indexShape, (o) => at(x, o.map((v, i) => (i === axis ? at(index, o) : v))));
      expectSame(gather(x, axis, index), expected);
      const y = gaussian(indexShape, random);
      const back = scatterAdd(y, axis, index, x.shape);
      expect(back.shape).toEqual(x.shape);
      expect(dot(gather(x, axis, index), y)).toBeCloseTo(dot(x, back), 10);
    }
  });

  test('scatterAdd adds repeated targets', () => {
    const out = scatterAdd(tensor([[1, 10, 100]]), 1, tensor([[2, 2, 0]], { dtype: 'int32' }), [1, 3]);
    expect(out.toArray()).toEqual([[100, 0, 11]]);
  });

  test('reject indices out of bounds and mismatched index shapes', () => {
    const x = iota([2, 3]);
    expect(() => gather(x, 1, tensor([[3]], { dtype: 'int32' }))).toThrow(/gather: index 3 is out of bounds for axis 1 with size 3/);
    expect(() => scatterAdd(iota([1, 1]), 0, tensor([[2]], { dtype: 'int32' }), [2, 3])).toThrow(/scatterAdd: index 2 is out of bounds for axis 0 with size 2/);
    expect(() => gather(x, 0, tensor([[0, 0, 0, 0]], { dtype: 'int32' }))).toThrow(/gather: index \[1,4\] is larger than the tensor \[2,3\] along axis 1/);
  });
});

describe('indexSelect and indexAdd kernels', () => {
  test('indexSelect picks whole slices; indexAdd is its adjoint and adds repeats', () => {
    const random = seededRandom(52);
    const x = gaussian([3, 4, 2], random);
    for (let axis = 0; axis < 3; axis++) {
      const index = randint(0, x.shape[axis]!, [5], { random });
      const shape = x.shape.map((d, i) => (i === axis ? 5 : d));
      const expected = build(shape, (o) => at(x, o.map((v, i) => (i === axis ? at(index, [v]) : v))));
      expectSame(indexSelect(x, axis, index), expected);
      const y = gaussian(shape, random);
      expect(dot(indexSelect(x, axis, index), y)).toBeCloseTo(dot(x, indexAdd(y, axis, index, x.shape)), 10);
    }
    const added = indexAdd(tensor([[1, 2], [10, 20], [100, 200]]), 0, tensor([1, 1, 0], { dtype: 'int32' }), [2, 2]);
    expect(added.toArray()).toEqual([[100, 200], [11, 22]]);
  });

  test('reject indices out of bounds', () => {
    expect(() => indexSelect(iota([2, 3]), 1, tensor([3], { dtype: 'int32' }))).toThrow(/indexSelect: index 3 is out of bounds for axis 1 with size 3/);
    expect(() => indexAdd(iota([1, 3]), 0, tensor([-1], { dtype: 'int32' }), [2, 3])).toThrow(/indexAdd: index -1 is out of bounds for axis 0 with size 2/);
  });
});

describe('oneHot kernel', () => {
  test('one row per index in the requested dtype', () => {
    const y = oneHot(tensor([[2, 0]], { dtype: 'int32' }), 3, 'int32');
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([[[0, 0, 1], [1, 0, 0]]]);
    expect(() => oneHot(tensor([5], { dtype: 'int32' }), 3, 'float32')).toThrow(/oneHot: class 5 is out of range for 3 classes/);
  });
});

test('no movement kernel mutates its inputs', () => {
  const random = seededRandom(53);
  const x = gaussian([3, 4], random);
  const before = Array.from(x.storage);
  const index = tensor([[0, 2], [1, 1], [3, 0]], { dtype: 'int32' });
  permute(x, [1, 0]);
  broadcastTo(x, [2, 3, 4]);
  slice(x, [1, 0], [1, 2], [2, 2]);
  sliceScatter(x, [5, 4], [1, 0], [1, 1]);
  concat([x, x], 0);
  pad(x, [[1, 1], [0, 0]], 3);
  gather(x, 1, index);
  scatterAdd(gaussian([3, 2], random), 1, index, [3, 4]);
  indexSelect(x, 0, tensor([2, 2], { dtype: 'int32' }));
  indexAdd(x, 1, tensor([0, 0, 1, 1], { dtype: 'int32' }), [3, 2]);
  expect(Array.from(x.storage)).toEqual(before);
  expect(Array.from(index.storage)).toEqual([0, 2, 1, 1, 3, 0]);
});
