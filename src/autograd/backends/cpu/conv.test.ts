import { describe, test, expect } from 'vitest';
import { allocate, type FloatDType } from '../../dtype.js';
import { seededRandom, normal, type Random } from '../../random.js';
import { sizeOf, type Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import type { Conv2dAttrs } from '../types.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.js';

const randomTensor = (shape: Shape, random: Random, dtype: FloatDType = 'float64'): Tensor => {
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = normal(random);
  return new Tensor(data, shape);
};

const attrsOf = (options: Partial<{ stride: [number, number]; padding: [number, number, number, number]; dilation: [number, number]; groups: number }> = {}): Conv2dAttrs => {
  const [top, bottom, left, right] = options.padding ?? [0, 0, 0, 0];
  return { stride: options.stride ?? [1, 1], padding: { top, bottom, left, right }, dilation: options.dilation ?? [1, 1], groups: options.groups ?? 1 };
};

/** The definition, one output element at a time: seven nested loops, no im2col. */
function directConv2d(x: Tensor, w: Tensor, attrs: Conv2dAttrs): { data: number[]; shape: number[] } {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, KH, KW] = w.shape as [number, number, number, number];
  const { stride: [sh, sw], dilation: [dh, dw], padding: p, groups } = attrs;
  const OH = Math.floor((H + p.top + p.bottom - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + p.left + p.right - dw * (KW - 1) - 1) / sw) + 1;
  const Og = O / groups;
  const data: number[] = [];
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / Og);
      for (let i = 0; i < OH; i++) {
        for (let j = 0; j < OW; j++) {
          let s = 0;
          for (let c = 0; c < Cg; c++) {
            for (let a = 0; a < KH; a++) {
              for (let b = 0; b < KW; b++) {
                const ih = i * sh - p.top + a * dh;
                const iw = j * sw - p.left + b * dw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                s += w.storage[((o * Cg + c) * KH + a) * KW + b]! * x.storage[((n * C + g * Cg + c) * H + ih) * W + iw]!;
              }
            }
          }
          data.push(s);
        }
      }
    }
  }
  return { data, shape: [N, O, OH, OW] };
}

const dot = (a: Tensor, b: Tensor): number => {
  let s = 0;
  for (let i = 0; i < a.numel(); i++) s += a.storage[i]! * b.storage[i]!;
  return s;
};

/** [x shape, w shape, attrs]: strides, asymmetric padding, dilation, groups, 1x1 and 7x7 kernels, odd sizes. */
const CASES: readonly (readonly [Shape, Shape, Conv2dAttrs])[] = [
  [[1, 1, 5, 5], [1, 1, 3, 3], attrsOf()],
  [[2, 3, 7, 6], [4, 3, 3, 2], attrsOf({ stride: [2, 2] })],
  [[1, 2, 6, 5], [3, 2, 3, 3], attrsOf({ padding: [1, 2, 0, 1] })],
  [[3, 2, 9, 8], [2, 2, 3, 3], attrsOf({ dilation: [2, 2], padding: [2, 2, 2, 2] })],
  [[2, 4, 5, 5], [6, 2, 3, 3], attrsOf({ groups: 2, padding: [1, 1, 1, 1] })],
  [[1, 4, 6, 6], [4, 1, 3, 3], attrsOf({ groups: 4, stride: [2, 1], padding: [1, 0, 1, 0] })],
  [[2, 3, 4, 5], [5, 3, 1, 1], attrsOf()],
  [[1, 2, 11, 9], [2, 2, 7, 7], attrsOf({ stride: [2, 2], padding: [3, 3, 3, 3] })],
  [[1, 1, 9, 9], [1, 1, 2, 2], attrsOf({ stride: [3, 3] })], // stride skips the last row and column
  [[1, 2, 5, 7], [2, 1, 3, 2], attrsOf({ groups: 2, stride: [1, 2], dilation: [1, 3], padding: [0, 2, 3, 1] })],
];

describe('cpu conv2d', () => {
  test('forward matches a 2x2 kernel worked out by hand', () => {
    // Worked out by hand: x = [[1,2,3],[4,5,6],[7,8,9]], w = [[1,2],[3,4]].
    // Valid: y00 = 1·1 + 2·2 + 4·3 + 5·4 = 37, then 47, 67, 77.
    const x = new Tensor(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3]);
    const w = new Tensor(Float64Array.from([1, 2, 3, 4]), [1, 1, 2, 2]);
    const valid = conv2d(x, w, attrsOf());
    expect(valid.shape).toEqual([1, 1, 2, 2]);
    expect([...valid.storage]).toEqual([37, 47, 67, 77]);
    // Padding 1, stride 2: windows start at rows/columns −1 and 1, so
    // y00 = x00·w11 = 4, y01 = x01·w10 + x02·w11 = 6 + 12 = 18, y10 = x10·w01 + x20·w11 = 8 + 28 = 36, y11 = 77.
    const strided = conv2d(x, w, attrsOf({ stride: [2, 2], padding: [1, 1, 1, 1] }));
    expect([...strided.storage]).toEqual([4, 18, 36, 77]);
  });

  test('forward matches the direct seven-loop convolution', () => {
    const random = seededRandom(11);
    for (const [xShape, wShape, attrs] of CASES) {
      const x = randomTensor(xShape, random);
      const w = randomTensor(wShape, random);
      const expected = directConv2d(x, w, attrs);
      const y = conv2d(x, w, attrs);
      expect(y.shape).toEqual(expected.shape);
      expect(y.dtype).toBe('float64');
      y.storage.forEach((v, i) => expect(v).toBeCloseTo(expected.data[i]!, 12));
    }
  });

  test('float32 in, float32 out, within float32 rounding of float64', () => {
    const random = seededRandom(12);
    const [xShape, wShape, attrs] = CASES[4]!;
    const x = randomTensor(xShape, random, 'float32');
    const w = randomTensor(wShape, random, 'float32');
    const y = conv2d(x, w, attrs);
    expect(y.dtype).toBe('float32');
    const expected = directConv2d(x, w, attrs).data;
    y.storage.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(expected[i]!))));
    expect(conv2dBackpropInput(y, w, xShape, attrs).dtype).toBe('float32');
    expect(conv2dBackpropFilter(x, y, wShape, attrs).dtype).toBe('float32');
  });

  test('gradients satisfy the adjoint identity <conv(x, w), dy> = <x, dX> = <w, dW>', () => {
    // conv2d is linear in x and in w, so dX and dW are the transposes of those maps applied
    // to dy; a transpose is characterised by <A x, dy> = <x, Aᵀ dy> for all x and dy.
    const random = seededRandom(13);
    for (const [xShape, wShape, attrs] of CASES) {
      const x = randomTensor(xShape, random);
      const w = randomTensor(wShape, random);
      const y = conv2d(x, w, attrs);
      const dy = randomTensor(y.shape, random);
      const dX = conv2dBackpropInput(dy, w, xShape, attrs);
      const dW = conv2dBackpropFilter(x, dy, wShape, attrs);
      expect(dX.shape).toEqual(xShape);
      expect(dW.shape).toEqual(wShape);
      const reference = dot(y, dy);
      expect(dot(x, dX)).toBeCloseTo(reference, 10);
      expect(dot(w, dW)).toBeCloseTo(reference, 10);
    }
  });

  test('gradients match central differences on one case', () => {
    const random = seededRandom(14);
    const [xShape, wShape, attrs] = CASES[9]!;
    const x = randomTensor(xShape, random);
    const w = randomTensor(wShape, random);
    const dy = randomTensor(conv2d(x, w, attrs).shape, random);
    const loss = (): number => dot(conv2d(x, w, attrs), dy);
    const dX = conv2dBackpropInput(dy, w, xShape, attrs);
    const dW = conv2dBackpropFilter(x, dy, wShape, attrs);
    for (const [t, grad] of [[x, dX], [w, dW]] as const) {
      for (let i = 0; i < t.numel(); i++) {
        const v = t.storage[i]!;
        t.storage[i] = v + 1e-6;
        const up = loss();
        t.storage[i] = v - 1e-6;
        const down = loss();
        t.storage[i] = v;
        expect(grad.storage[i]!).toBeCloseTo((up - down) / 2e-6, 6);
      }
    }
  });

  test('rejects inconsistent shapes', () => {
    const x = new Tensor(new Float64Array(2 * 3 * 5 * 5), [2, 3, 5, 5]);
    const w = new Tensor(new Float64Array(4 * 3 * 3 * 3), [4, 3, 3, 3]);
    expect(() => conv2d(x, new Tensor(new Float64Array(4 * 2 * 9), [4, 2, 3, 3]), attrsOf())).toThrow(/conv2d: input \[2,3,5,5\] does not match weight \[4,2,3,3\]/);
    expect(() => conv2dBackpropInput(new Tensor(new Float64Array(2 * 4 * 4 * 3), [2, 4, 4, 3]), w, x.shape, attrsOf())).toThrow(/conv2dBackpropInput: dy \[2,4,4,3\] does not match the convolution output \[2,4,3,3\]/);
    expect(() => conv2dBackpropFilter(x, new Tensor(new Float64Array(2 * 4 * 9), [2, 4, 3, 3]), [4, 3, 3, 3], attrsOf({ stride: [2, 2] }))).toThrow(/conv2dBackpropFilter: dy/);
  });
});
