import { describe, expect, test } from 'vitest';
import { allocate, type FloatDType } from '../../dtype.js';
import { seededRandom, type Random } from '../../random.js';
import { sizeOf, type Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { channelAffine, channelMoments, channelSums } from './batch-norm.js';

/** Normal draws scaled by `scale` around `offset`, stored as `dtype`. */
function normal(shape: Shape, dtype: FloatDType, random: Random, offset = 0, scale = 1): Tensor {
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    const u = 1 - random();
    data[i] = offset + scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  }
  return new Tensor(data, shape);
}

/** The channel of each storage index of x [N, C, *], by dividing the index out. */
const channelOf = (shape: Shape, i: number): number => Math.floor(i / sizeOf(shape.slice(2))) % shape[1]!;

/** For each channel, the values of x in it, in storage order. */
function perChannel(x: Tensor): number[][] {
  const out: number[][] = Array.from({ length: x.shape[1]! }, () => []);
  x.storage.forEach((v, i) => out[channelOf(x.shape, i)]!.push(v));
  return out;
}

function expectClose(got: ArrayLike<number>, want: readonly number[], tol: number): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i]! - w), `element ${i}: got ${got[i]}, expected ${w}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w))));
}

/** [N, C] (inner = 1), [N, C, L], [N, C, H, W]; C = 1; N = 1; runs of 1–7 left over by unrolling. */
const SHAPES: readonly Shape[] = [[5, 3], [4, 3, 2, 5], [3, 1, 7], [1, 4, 3, 3], [2, 2, 1, 9], [7, 5, 2], [2, 3, 6, 1]];
const DTYPES: readonly FloatDType[] = ['float32', 'float64'];

describe('channelMoments', () => {
  for (const dtype of DTYPES) {
    test(`mean and biased variance per channel equal a naive two-pass loop (${dtype})`, () => {
      const random = seededRandom(1);
      for (const shape of SHAPES) {
        const x = normal(shape, dtype, random, 2, 3);
        const before = x.storage.slice();
        const { mean, variance } = channelMoments(x);
        const groups = perChannel(x);
        const wantMean = groups.map((g) => g.reduce((s, v) => s + v, 0) / g.length);
        const wantVar = groups.map((g, c) => g.reduce((s, v) => s + (v - wantMean[c]!) ** 2, 0) / g.length);
        // Both dtypes are summed in float64, so float32 inputs agree to float64 precision too.
        expect([mean.dtype, variance.dtype, mean.shape, variance.shape]).toEqual(['float64', 'float64', [shape[1]], [shape[1]]]);
        expectClose(mean.storage, wantMean, 1e-13);
        expectClose(variance.storage, wantVar, 1e-13);
        expect(x.storage).toEqual(before);
      }
    });
  }

  test('the variance stays exact when |μ| ≫ σ (where E[x²] − μ² would lose it)', () => {
    // 1e8 + an integer in −3…3: every x and every partial sum is exact in float64, and the
    // deviations are integers, so the true variance is known; x² ≈ 1e16 has an ulp of 2.
    const random = seededRandom(2);
    const deviations = Array.from({ length: 2 * 3 * 50 }, () => Math.floor(random() * 7) - 3);
    const x = new Tensor(Float64Array.from(deviations, (d) => 1e8 + d), [2, 3, 50]);
    const groups = perChannel(new Tensor(Float64Array.from(deviations), [2, 3, 50]));
    const want = groups.map((g) => {
      const mu = g.reduce((s, v) => s + v, 0) / g.length;
      return g.reduce((s, v) => s + (v - mu) ** 2, 0) / g.length;
    });
    expectClose(channelMoments(x).variance.storage, want, 1e-12);
  });

  test('a channel with no values (N = 0) has NaN statistics', () => {
    const { mean, variance } = channelMoments(new Tensor(new Float32Array(0), [0, 2, 3]));
    expect([...mean.storage, ...variance.storage].every(Number.isNaN)).toBe(true);
  });
});

describe('channelSums', () => {
  for (const dtype of DTYPES) {
    test(`Σ a and Σ a·(b − centre[c]) per channel equal a naive loop (${dtype})`, () => {
      const random = seededRandom(3);
      for (const shape of SHAPES) {
        const a = normal(shape, dtype, random);
        const b = normal(shape, dtype, random, -1, 2);
        const centre = normal([shape[1]!], dtype === 'float32' ? 'float64' : 'float32', random);
        const [beforeA, beforeB] = [a.storage.slice(), b.storage.slice()];
        const { sum, dot } = channelSums(a, b, centre);
        const wantSum = new Array<number>(shape[1]!).fill(0);
        const wantDot = new Array<number>(shape[1]!).fill(0);
        a.storage.forEach((v, i) => {
          const c = channelOf(shape, i);
          wantSum[c]! += v;
          wantDot[c]! += v * (b.storage[i]! - centre.storage[c]!);
        });
        expect([sum.dtype, dot.dtype, sum.shape]).toEqual(['float64', 'float64', [shape[1]]]);
        expectClose(sum.storage, wantSum, 1e-13);
        expectClose(dot.storage, wantDot, 1e-13);
        expect([a.storage, b.storage]).toEqual([beforeA, beforeB]);
      }
    });
  }

  test('shapes are checked', () => {
    const a = new Tensor(new Float64Array(12), [2, 3, 2]);
    expect(() => channelSums(a, new Tensor(new Float64Array(12), [2, 2, 3]), new Tensor(new Float64Array(3), [3]))).toThrow(/channelSums: a \[2,3,2\] and b \[2,2,3\]/);
    expect(() => channelSums(a, a, new Tensor(new Float64Array(2), [2]))).toThrow(/centre must be \[3\], got \[2\]/);
    expect(() => channelSums(new Tensor(new Float64Array(3), [3]), new Tensor(new Float64Array(3), [3]), a)).toThrow(/\[N, C, \*\], got \[3\]/);
  });
});

describe('channelAffine', () => {
  for (const dtype of DTYPES) {
    // One rounding to the output dtype of the float64 value: half an ulp of float32 is 2⁻²⁴.
    const tol = dtype === 'float32' ? 2 ** -24 : 1e-15;
    for (const count of [1, 2, 3]) {
      test(`${count} term${count > 1 ? 's' : ''}: Σ x_k·scale_k[c] + shift[c] equals a naive loop (${dtype})`, () => {
        const random = seededRandom(4 + count);
        for (const shape of SHAPES) {
          const C = shape[1]!;
          const xs = Array.from({ length: count }, () => normal(shape, dtype, random));
          // Scales and shift of both float dtypes, whatever x's: the op passes float64 ones.
          const scales = xs.map((_, k) => normal([C], k % 2 === 0 ? 'float64' : 'float32', random));
          const shift = normal([C], 'float64', random);
          const before = xs.map((x) => x.storage.slice());
          const out = channelAffine(xs.map((x, k) => [x, scales[k]!] as const), shift);
          const want = Array.from(xs[0]!.storage, (_, i) => {
            const c = channelOf(shape, i);
            return xs.reduce((s, x, k) => s + x.storage[i]! * scales[k]!.storage[c]!, 0) + shift.storage[c]!;
          });
          expect([out.dtype, out.shape]).toEqual([dtype, shape]);
          expectClose(out.storage, want, tol);
          expect(xs.map((x) => x.storage)).toEqual(before);
          expect(xs.some((x) => x.storage === out.storage)).toBe(false);
        }
      });
    }
  }

  test('a null shift is zero, and an empty batch gives an empty output', () => {
    const x = new Tensor(Float64Array.from([1, 2, 3, 4, 5, 6]), [1, 2, 3]);
    const scale = new Tensor(Float64Array.from([2, -1]), [2]);
    expect([...channelAffine([[x, scale]], null).storage]).toEqual([2, 4, 6, -4, -5, -6]);
    const empty = channelAffine([[new Tensor(new Float32Array(0), [0, 2, 3]), scale]], scale);
    expect([empty.dtype, empty.shape, empty.numel()]).toEqual(['float32', [0, 2, 3], 0]);
  });

  test('terms, scales and shift are checked', () => {
    const x = new Tensor(new Float32Array(6), [1, 2, 3]);
    const scale = new Tensor(new Float64Array(2), [2]);
    expect(() => channelAffine([], null)).toThrow(/channelAffine: needs at least one term/);
    expect(() => channelAffine([[x, scale], [x.to('float64'), scale]], null)).toThrow(/every term must be float32 \[1,2,3\], got float64 \[1,2,3\]/);
    expect(() => channelAffine([[x, scale], [new Tensor(new Float32Array(6), [1, 3, 2]), scale]], null)).toThrow(/got float32 \[1,3,2\]/);
    expect(() => channelAffine([[x, new Tensor(new Float64Array(3), [3])]], null)).toThrow(/scale 0 must be \[2\], got \[3\]/);
    expect(() => channelAffine([[x, scale]], new Tensor(new Float64Array(4), [2, 2]))).toThrow(/shift must be \[2\], got \[2,2\]/);
    expect(() => channelAffine([[new Tensor(new Int32Array(6), [1, 2, 3]), scale]], null)).toThrow(TypeError);
  });
});
