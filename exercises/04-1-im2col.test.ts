import { describe, test } from 'vitest';
import { arange, conv2d, randn, seededRandom, tensor } from '../src/index.js';
import { expectClose, expectEqual, expectGradcheck } from './lib/check.js';
import { conv2dByMatmul, im2col } from './04-1-im2col.js';

const random = seededRandom(2);

describe('exercise 4.1 — im2col and conv2d as a matmul', () => {
  test('the windows of a 3 × 3 image, 2 × 2 kernel, stride 1', () => {
    const x = arange(1, 10, 1, { dtype: 'float64' }).reshape([1, 1, 3, 3]);
    expectClose(im2col(x, 2, 2), tensor([[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]], { dtype: 'float64' }), {
      what: 'im2col of [[1,2,3],[4,5,6],[7,8,9]] with a 2 × 2 kernel',
      hint: 'one row per window, read left to right and top to bottom; within a row the window\'s values in row-major order (a, b)',
    });
  });

  test('stride 2 and padding 1', () => {
    const x = arange(1, 10, 1, { dtype: 'float64' }).reshape([1, 1, 3, 3]);
    expectClose(im2col(x, 2, 2, { stride: 2, padding: 1 }), tensor([[0, 0, 0, 1], [0, 0, 2, 3], [0, 4, 0, 7], [5, 6, 8, 9]], { dtype: 'float64' }), {
      what: 'im2col of the 3 × 3 image, 2 × 2 kernel, stride 2, padding 1',
      hint: 'pad to 5 × 5 with zeros first; OH = ⌊(3 + 2 − 2) / 2⌋ + 1 = 2; window (i, j) starts at row 2i and column 2j of the padded image',
    });
  });

  test('the columns are ordered (c, a, b), like a flattened weight', () => {
    const x = randn([2, 3, 5, 4], { dtype: 'float64', random });
    const cols = im2col(x, 3, 2);
    expectEqual(cols.shape, [2 * 3 * 3, 3 * 3 * 2], { what: 'im2col(x [2, 3, 5, 4], 3, 2).shape', hint: '[N·OH·OW, C·KH·KW] with OH = 5 − 3 + 1, OW = 4 − 2 + 1' });
  });

  for (const options of [{}, { stride: 2 }, { padding: 1 }, { stride: 2, padding: 2 }]) {
    test(`conv2dByMatmul equals conv2d with ${JSON.stringify(options)}`, () => {
      const x = randn([2, 3, 7, 6], { dtype: 'float64', random });
      const w = randn([4, 3, 3, 2], { dtype: 'float64', random });
      expectClose(conv2dByMatmul(x, w, options), conv2d(x, w, null, options), {
        what: `conv2dByMatmul(x [2, 3, 7, 6], w [4, 3, 3, 2], ${JSON.stringify(options)})`,
        hint: 'im2col(x) · w.reshape([O, C·KH·KW]).transpose() is [N·OH·OW, O]: reshape to [N, OH, OW, O], then permute([0, 3, 1, 2])',
        atol: 1e-12,
      });
    });
  }

  test('the gradient flows through it (built from differentiable ops)', () => {
    const x = randn([1, 2, 5, 5], { dtype: 'float64', random }).requiresGrad_();
    const w = randn([3, 2, 3, 3], { dtype: 'float64', random }).requiresGrad_();
    expectGradcheck((a, b) => conv2dByMatmul(a!, b!, { stride: 2, padding: 1 }), [x, w], { what: 'gradcheck of conv2dByMatmul', hint: 'use only tensor ops (pad, slice, stack, reshape, transpose, matmul) — never read .storage or build tensors from numbers' });
  });
});
