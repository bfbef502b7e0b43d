import { describe, test, expect } from 'vitest';
import { arange, randn, tensor, zeros } from '../creation.js';
import { enableGrad, noGrad } from '../function.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from './pool.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });

/** x = 0, 1, …, H·W − 1 in one [1, 1, H, W] plane, float64. */
const counting = (H: number, W: number): Tensor => arange(0, H * W, 1, { dtype: 'float64' }).reshape([1, 1, H, W]);

/**
 * The input gradient of `pool` as a function of dy, recorded with createGraph: its own
 * gradient runs the pool's backward op's backward (double backward).
 */
const inputGradient = (pool: (x: Tensor) => Tensor, xShape: Shape) => (dy: Tensor): Tensor =>
  enableGrad(() => {
    const x = zeros(xShape, { dtype: 'float64', requiresGrad: true });
    pool(x).backward(dy, { createGraph: true });
    return x.grad!;
  });

describe('maxPool2d', () => {
  test('forward and backward match values worked out by hand', () => {
    // Worked out by hand on x = 0 … 15 as a 4x4 plane:
    // kernel 2 (stride 2): maxima 5, 7, 13, 15 at the bottom-right of each window.
    const x = counting(4, 4);
    expect(maxPool2d(x, 2).toArray()).toEqual([[[[5, 7], [13, 15]]]]);
    // kernel 3, stride 2, padding 1: windows span rows/columns {−1,0,1} and {1,2,3}:
    // maxima x[1][1] = 5, x[1][3] = 7, x[3][1] = 13, x[3][3] = 15.
    expect(maxPool2d(x, 3, { stride: 2, padding: 1 }).toArray()).toEqual([[[[5, 7], [13, 15]]]]);
    // kernel 2, stride 1, dilation 2: taps at offsets 0 and 2, so y[i][j] = x[i+2][j+2].
    expect(maxPool2d(x, 2, { stride: 1, dilation: 2 }).toArray()).toEqual([[[[10, 11], [14, 15]]]]);
  });

  test('backward routes to the first maximum on ties and accumulates overlapping windows', () => {
    const x = tensor([[[[1, 1, 0], [1, 1, 0], [0, 0, 0]]]], { dtype: 'float64', requiresGrad: true });
    // Stride 1, kernel 2: the four windows hold maxima 1, 1, 1, 1; the first three all pick
    // x[0][0], x[0][1] or x[1][0] as their first maximum in row-major order.
    maxPool2d(x, 2, { stride: 1 }).backward(tensor([[[[1, 10], [100, 1000]]]], { dtype: 'float64' }));
    // window (0,0) → x[0][0]; (0,1) → x[0][1]; (1,0) → x[1][0]; (1,1) → x[1][1].
    expect(x.grad!.toArray()).toEqual([[[[1, 10, 0], [100, 1000, 0], [0, 0, 0]]]]);
    const flat = tensor([[[[2, 2], [2, 2]]]], { dtype: 'float64', requiresGrad: true });
    maxPool2d(flat, 2).backward(tensor([[[[1]]]], { dtype: 'float64' }));
    expect(flat.grad!.toArray()).toEqual([[[[1, 0], [0, 0]]]]);
  });

  test('float32 2x2 windows (their own unrolled loop) pick the same maxima, ties and NaNs as float64', () => {
    // Values from a few levels, so that windows hold ties, and NaNs: the float32 loop must route
    // every gradient where the general float64 loop does.
    const random = seededRandom(4);
    const values = Array.from({ length: 2 * 3 * 6 * 8 }, (_, i) => (i % 37 === 5 ? NaN : Math.floor(random() * 3)));
    for (const stride of [2, 1]) {
      const [x64, x32] = (['float64', 'float32'] as const).map((dtype) => tensor(values, { dtype }).reshape([2, 3, 6, 8]).requiresGrad_());
      const [y64, y32] = [x64!, x32!].map((x) => maxPool2d(x, 2, { stride }));
      expect(y32!.toArray()).toEqual(y64!.toArray());
      // Integer dy: the sums where stride-1 windows share an arg-max are exact in both dtypes.
      const dy = tensor(Array.from({ length: y64!.numel() }, (_, i) => i % 11), { dtype: 'float64' }).reshape(y64!.shape);
      y64!.backward(dy);
      y32!.backward(dy.to('float32'));
      expect(x32!.grad!.to('float64').toArray()).toEqual(x64!.grad!.to('float32').to('float64').toArray());
    }
  });

  test('int32 input is pooled without a gradient', () => {
    const x = tensor([[[[1, 5], [3, 2]]]], { dtype: 'int32' });
    const y = maxPool2d(x, 2);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([[[[5]]]]);
  });

  const cases: readonly (readonly [string, Shape, number | [number, number], Parameters<typeof maxPool2d>[2]])[] = [
    ['kernel 2', [2, 3, 4, 6], 2, {}],
    ['kernel 3, stride 2, padding 1 (ResNet stem)', [1, 2, 7, 7], 3, { stride: 2, padding: 1 }],
    ['overlapping windows, stride 1', [1, 1, 5, 4], 3, { stride: 1 }],
    ['dilation 2, rectangular kernel', [3, 1, 7, 6], [2, 3], { dilation: 2, stride: [1, 2], padding: [1, 1] }],
  ];
  for (const [name, shape, kernel, options] of cases) {
    test(`backward passes gradcheck: ${name}`, () => {
      const x = leaf(shape, seededRandom(1));
      gradcheck((xi: Tensor) => maxPool2d(xi, kernel, options), [x]);
    });
  }

  test('double backward (MaxPool2dBackward, a scatter-add at the saved arg-max) passes gradcheck in dY', () => {
    for (const [shape, kernel, options] of [[[2, 2, 5, 4], 2, {}], [[1, 2, 7, 7], 3, { stride: 2, padding: 1 }]] as const) {
      const x = randn(shape, { dtype: 'float64', random: seededRandom(2) }); // fixed: the arg-max must not move
      const dx = (dy: Tensor): Tensor => enableGrad(() => {
        const xi = x.detach().requiresGrad_();
        maxPool2d(xi, kernel, options).backward(dy, { createGraph: true });
        return xi.grad!;
      });
      gradcheck(dx, [leaf(maxPool2d(x, kernel, options).shape, seededRandom(3))]);
    }
  });

  test('the backward reads the arg-max saved by the forward, not x again', () => {
    // x = 0 … 15 as a 4x4 plane; kernel 2 picks 5, 7, 13, 15. The engine refuses a backward
    // whose saved tensors were written after the forward; max pooling saves its indices alone, so
    // negating x afterwards is allowed and the gradient still goes where the maxima were.
    const x = counting(4, 4).requiresGrad_();
    const y = maxPool2d(x, 2);
    noGrad(() => x.mul_(-1));
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([[[[0, 0, 0, 0], [0, 1, 0, 1], [0, 0, 0, 0], [0, 1, 0, 1]]]]);
  });

  test('validation names the op and shapes', () => {
    const x = zeros([1, 1, 4, 4]);
    expect(() => maxPool2d(zeros([1, 4, 4]), 2)).toThrow(/maxPool2d: input must be 4-D \[N, C, H, W\], got \[1,4,4\]/);
    expect(() => maxPool2d(x, 3, { padding: 2 })).toThrow(/maxPool2d: padding \[2,2\] must be at most half the kernel \[3,3\]/);
    expect(() => maxPool2d(x, 0)).toThrow(/maxPool2d: kernelSize must be an integer ≥ 1/);
    expect(() => maxPool2d(x, 2, { stride: 0 })).toThrow(/maxPool2d: stride must be an integer ≥ 1/);
    expect(() => maxPool2d(x, 5)).toThrow(/maxPool2d: window 5x5 with dilation \[1,1\] does not fit in input \[1,1,4,4\] padded by \[0,0\]/);
    expect(() => maxPool2d(x, 2, { dilation: 4 })).toThrow(/maxPool2d: window 2x2 with dilation \[4,4\] does not fit/);
  });
});

describe('avgPool2d', () => {
  test('forward matches values worked out by hand, with and without padded zeros in the divisor', () => {
    // Worked out by hand on x = 0 … 8 as a 3x3 plane, kernel 3, stride 1, padding 1.
    // Corner (0,0): real elements 0, 1, 3, 4 (sum 8); counting the padding, 8/9; without, 8/4 = 2.
    // Edge (0,1): 0, 1, 2, 3, 4, 5 (sum 15): 15/9 or 15/6 = 2.5. Centre: 36/9 = 4 either way.
    const x = counting(3, 3);
    const included = avgPool2d(x, 3, { stride: 1, padding: 1 }).toArray() as number[][][][];
    expect(included[0]![0]![0]![0]).toBeCloseTo(8 / 9, 14);
    expect(included[0]![0]![0]![1]).toBeCloseTo(15 / 9, 14);
    expect(included[0]![0]![1]![1]).toBeCloseTo(4, 14);
    const excluded = avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false }).toArray() as number[][][][];
    expect(excluded[0]![0]![0]).toEqual([2, 2.5, 3]);
    expect(excluded[0]![0]![1]).toEqual([3.5, 4, 4.5]);
    // kernel 2 on 0 … 15 as 4x4: means of {0,1,4,5} = 2.5, {2,3,6,7} = 4.5, …
    expect(avgPool2d(counting(4, 4), 2).toArray()).toEqual([[[[2.5, 4.5], [10.5, 12.5]]]]);
  });

  const cases: readonly (readonly [string, Shape, number | [number, number], Parameters<typeof avgPool2d>[2]])[] = [
    ['kernel 2', [2, 2, 4, 5], 2, {}],
    ['kernel 3, stride 2, padding 1, zeros counted', [1, 2, 7, 6], 3, { stride: 2, padding: 1 }],
    ['kernel 3, stride 1, padding 1, zeros not counted', [3, 1, 5, 5], 3, { stride: 1, padding: 1, countIncludePad: false }],
    ['rectangular kernel and stride', [1, 1, 7, 8], [3, 2], { stride: [2, 3], padding: [1, 0] }],
  ];
  for (const [name, shape, kernel, options] of cases) {
    test(`backward passes gradcheck: ${name}`, () => {
      const x = leaf(shape, seededRandom(4));
      gradcheck((xi: Tensor) => avgPool2d(xi, kernel, options), [x]);
    });
    test(`double backward (AvgPool2dBackward) passes gradcheck: ${name}`, () => {
      const pool = (xi: Tensor): Tensor => avgPool2d(xi, kernel, options);
      const dy = leaf(pool(zeros(shape, { dtype: 'float64' })).shape, seededRandom(5));
      gradcheck(inputGradient(pool, shape), [dy]);
    });
  }

  test('validation', () => {
    expect(() => avgPool2d(zeros([1, 1, 4, 4], { dtype: 'int32' }), 2)).toThrow(TypeError);
    expect(() => avgPool2d(zeros([1, 1, 4, 4], { dtype: 'int32' }), 2)).toThrow(/avgPool2d: input must be float32 or float64, got int32/);
    expect(() => avgPool2d(zeros([1, 1, 4, 4]), 2, { padding: [0, 2] })).toThrow(/avgPool2d: padding \[0,2\] must be at most half the kernel \[2,2\]/);
    expect(() => avgPool2d(zeros([4, 4]), 2)).toThrow(/avgPool2d: input must be 4-D/);
  });
});

describe('adaptiveAvgPool2d', () => {
  test('forward matches bins worked out by hand', () => {
    // Worked out by hand on x = 0 … 14 as a 5x3 plane, output 2x2. Row bins: [0, ⌈2.5⌉) = rows
    // 0-2 and [⌊2.5⌋, 5) = rows 2-4; column bins [0, 2) and [1, 3). Bin (0,0) holds 0, 1, 3, 4, 6, 7:
    // mean 3.5; then 4.5, 9.5, 10.5. The bins overlap on row 2 and column 1, as in PyTorch.
    expect(adaptiveAvgPool2d(counting(5, 3), 2).toArray()).toEqual([[[[3.5, 4.5], [9.5, 10.5]]]]);
    // Output 1x1 is the global average.
    expect(adaptiveAvgPool2d(counting(5, 3), [1, 1]).toArray()).toEqual([[[[7]]]]);
  });

  const cases: readonly (readonly [Shape, number | [number, number]])[] = [
    [[2, 3, 5, 7], [2, 3]],
    [[1, 2, 6, 6], 3],
    [[3, 1, 4, 5], 1],
    [[1, 1, 2, 3], [3, 4]], // more bins than rows: bins repeat input rows
  ];
  for (const [shape, outputSize] of cases) {
    test(`backward passes gradcheck: [${shape.join(',')}] → ${JSON.stringify(outputSize)}`, () => {
      const x = leaf(shape, seededRandom(6));
      gradcheck((xi: Tensor) => adaptiveAvgPool2d(xi, outputSize), [x]);
    });
    test(`double backward (AdaptiveAvgPool2dBackward) passes gradcheck: [${shape.join(',')}] → ${JSON.stringify(outputSize)}`, () => {
      const pool = (xi: Tensor): Tensor => adaptiveAvgPool2d(xi, outputSize);
      const dy = leaf(pool(zeros(shape, { dtype: 'float64' })).shape, seededRandom(7));
      gradcheck(inputGradient(pool, shape), [dy]);
    });
  }

  test('validation', () => {
    expect(() => adaptiveAvgPool2d(zeros([1, 1, 4, 4]), 0)).toThrow(/adaptiveAvgPool2d: outputSize must be an integer ≥ 1/);
    expect(() => adaptiveAvgPool2d(zeros([1, 4, 4]), 2)).toThrow(/adaptiveAvgPool2d: input must be 4-D \[N, C, H, W\], got \[1,4,4\]/);
    expect(() => adaptiveAvgPool2d(zeros([1, 1, 4, 4], { dtype: 'int32' }), 2)).toThrow(/adaptiveAvgPool2d: input must be float32 or float64, got int32/);
  });
});
