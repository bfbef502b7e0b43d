import { describe, expect, test } from 'vitest';
import { full, randn, tensor, zeros } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { interpolate, type InterpolateOptions } from './interpolate.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });
const row = (values: number[]): Tensor => tensor([[values]], { dtype: 'float64' });
const values = (t: Tensor): number[] => [...t.dataSync()];

describe('interpolate: forward, worked out by hand', () => {
  test('linear, alignCorners false: sample positions (i + ½)/2 − ½, clamped at 0', () => {
    // Positions −¼→0, ¼, ¾, 1¼ (past the last sample: its value) between 1 and 2.
    expect(values(interpolate(row([1, 2]), { scaleFactor: 2, mode: 'linear' }))).toEqual([1, 1.25, 1.75, 2]);
  });

  test('linear, alignCorners true: the end samples meet', () => {
    expect(values(interpolate(row([1, 2]), { size: 3, mode: 'linear', alignCorners: true }))).toEqual([1, 1.5, 2]);
    expect(values(interpolate(row([1, 5, 3]), { size: 5, mode: 'linear', alignCorners: true }))).toEqual([1, 3, 5, 4, 3]);
    expect(values(interpolate(row([1, 5, 3]), { size: 1, mode: 'linear', alignCorners: true }))).toEqual([1]);
  });

  test('nearest: ⌊i · in/out⌋; nearest-exact: ⌊(i + ½) · in/out⌋', () => {
    expect(values(interpolate(row([1, 2, 3]), { scaleFactor: 2 }))).toEqual([1, 1, 2, 2, 3, 3]);
    expect(values(interpolate(row([1, 2, 3]), { size: 2 }))).toEqual([1, 2]); //                 0, ⌊1.5⌋
    expect(values(interpolate(row([1, 2, 3]), { size: 2, mode: 'nearest-exact' }))).toEqual([1, 3]); // ⌊0.75⌋, ⌊2.25⌋
    expect(values(interpolate(row([1, 2, 3, 4, 5]), { scaleFactor: 0.5 }))).toEqual([1, 3]); //   r = 1/0.5 = 2
  });

  test('nearest ×3 repeats every sample 3 times (a broadcast); an unchanged size still returns a new tensor', () => {
    expect(values(interpolate(row([1, 2]), { scaleFactor: 3 }))).toEqual([1, 1, 1, 2, 2, 2]);
    const x = tensor([[[[1, 2], [3, 4]]]], { dtype: 'float64' });
    expect(interpolate(x, { scaleFactor: [3, 1] }).toArray()).toEqual([[[[1, 2], [1, 2], [1, 2], [3, 4], [3, 4], [3, 4]]]]);
    for (const mode of ['nearest', 'bilinear'] as const) {
      const same = interpolate(x, { size: 2, mode });
      expect(same).not.toBe(x);
      expect(same.toArray()).toEqual(x.toArray());
    }
  });

  test('a scale factor samples with 1/scale unless recomputeScaleFactor, which uses in/out', () => {
    // in 5, scale 1.7: out ⌊8.5⌋ = 8. With r = 1/1.7 the positions are i·0.588…; with r = 5/8 they are i·0.625.
    const x = row([0, 1, 2, 3, 4]);
    expect(values(interpolate(x, { scaleFactor: 1.7 }))).toEqual([0, 0, 1, 1, 2, 2, 3, 4]);
    expect(values(interpolate(x, { scaleFactor: 1.7, recomputeScaleFactor: true }))).toEqual([0, 0, 1, 1, 2, 3, 3, 4]);
  });

  test('bilinear is linear along H, then along W', () => {
    const x = tensor([[[[1, 2], [3, 4]]]], { dtype: 'float64' });
    expect(interpolate(x, { size: [3, 3], mode: 'bilinear', alignCorners: true }).toArray()).toEqual([[[[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]]]]);
    expect(interpolate(x, { scaleFactor: [1, 2], mode: 'bilinear' }).toArray()).toEqual([[[[1, 1.25, 1.75, 2], [3, 3.25, 3.75, 4]]]]);
  });

  test('a constant image stays constant, whatever the mode and the size', () => {
    const x = full([1, 2, 3, 4], 7, { dtype: 'float64' });
    for (const options of [{ size: [5, 2], mode: 'bilinear' }, { scaleFactor: 1.5, mode: 'bilinear', alignCorners: true }, { size: 7 }] as InterpolateOptions[]) {
      values(interpolate(x, options)).forEach((v) => expect(v).toBeCloseTo(7, 12));
    }
  });

  test('the example in the JSDoc prints what it says', () => {
    expect(interpolate(tensor([[[1, 2]]]), { scaleFactor: 2, mode: 'linear' }).toArray()).toEqual([[[1, 1.25, 1.75, 2]]]);
  });
});

describe('interpolate: backward passes gradcheck', () => {
  const CASES: readonly [string, Shape, InterpolateOptions][] = [
    ['linear ×2', [2, 1, 3], { scaleFactor: 2, mode: 'linear' }],
    ['linear down to 2, alignCorners', [1, 2, 5], { size: 2, mode: 'linear', alignCorners: true }],
    ['bilinear to 5x3', [1, 2, 3, 4], { size: [5, 3], mode: 'bilinear' }],
    ['bilinear ×1.5, alignCorners', [2, 1, 2, 3], { scaleFactor: 1.5, mode: 'bilinear', alignCorners: true }],
    ['trilinear to 3x2x3', [1, 1, 2, 3, 2], { size: [3, 2, 3], mode: 'trilinear' }],
    ['nearest ×2 (each source read twice)', [1, 2, 2, 3], { scaleFactor: 2 }],
    ['nearest down to 2x2 (some sources not read)', [1, 1, 3, 5], { size: 2 }],
    ['nearest-exact to 4x3', [1, 1, 3, 2], { size: [4, 3], mode: 'nearest-exact' }],
    ['nearest ×3 along H only (a broadcast)', [1, 2, 2, 3], { scaleFactor: [3, 1] }],
    ['bilinear, W unchanged', [1, 1, 2, 3], { size: [3, 3], mode: 'bilinear' }],
  ];
  for (const [name, shape, options] of CASES) {
    test(name, () => {
      gradcheck((x: Tensor) => interpolate(x, options), [leaf(shape, seededRandom(5))]);
    });
  }
});

test('interpolate: errors name the op, the options and the shapes', () => {
  const x = zeros([1, 1, 4, 4]);
  expect(() => interpolate(x, {})).toThrow(/interpolate: give exactly one of size and scaleFactor/);
  expect(() => interpolate(x, { size: 2, scaleFactor: 2 })).toThrow(/exactly one/);
  expect(() => interpolate(x, { size: 2, mode: 'linear' })).toThrow(/mode 'linear' needs a 3-D input, got \[1,1,4,4\]/);
  expect(() => interpolate(x, { size: 2, alignCorners: true })).toThrow(/alignCorners can only be set with the linear modes/);
  expect(() => interpolate(x, { size: [2, 2, 2] })).toThrow(/size must be a number or 2 numbers .* got \[2,2,2\]/);
  expect(() => interpolate(x, { scaleFactor: 0.1 })).toThrow(/output size must be positive integers, got \[0,0\]/);
  expect(() => interpolate(x, { size: 2, recomputeScaleFactor: true })).toThrow(/recomputeScaleFactor is meaningless/);
  expect(() => interpolate(zeros([4, 4]), { size: 2 })).toThrow(/input must be 3-D, 4-D or 5-D/);
  expect(() => interpolate(x, { size: 2, mode: 'bicubic' as never })).toThrow(/unknown mode 'bicubic'/);
});
