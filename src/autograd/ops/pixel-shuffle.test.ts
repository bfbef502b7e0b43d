import { describe, expect, test } from 'vitest';
import { arange, randn, zeros } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import type { Tensor } from '../tensor.js';
import { pixelShuffle, pixelUnshuffle } from './pixel-shuffle.js';

describe('pixelShuffle and pixelUnshuffle', () => {
  test('y[c, h·r + i, w·r + j] = x[c·r² + i·r + j, h, w], worked out by hand', () => {
    // Channels 0..3 of a 1x1 image become the 2x2 block [[0, 1], [2, 3]]; channels 4..7 the next output channel.
    expect(pixelShuffle(arange(8).reshape([1, 8, 1, 1]), 2).toArray()).toEqual([[[[0, 1], [2, 3]], [[4, 5], [6, 7]]]]);
    // A 1x2 image per channel: channel k holds [k, 10 + k]; row 0 of the output interleaves channels 0 and 1.
    const x = arange(4).reshape([4, 1, 1]).add(arange(2).mul(10).reshape([1, 1, 2])).reshape([1, 4, 1, 2]);
    expect(pixelShuffle(x, 2).toArray()).toEqual([[[[0, 1, 10, 11], [2, 3, 12, 13]]]]);
    expect(pixelUnshuffle(arange(4).reshape([1, 1, 2, 2]), 2).shape).toEqual([1, 4, 1, 1]);
  });

  test('unshuffle inverts shuffle, with leading axes and without a batch axis', () => {
    const random = seededRandom(1);
    for (const shape of [[2, 3, 18, 2, 3], [9, 2, 2]]) {
      const x = randn(shape, { random });
      const back = pixelUnshuffle(pixelShuffle(x, 3), 3);
      expect([...back.dataSync()]).toEqual([...x.dataSync()]);
      expect(pixelShuffle(x, 3).shape).toEqual([...shape.slice(0, -3), shape.at(-3)! / 9, shape.at(-2)! * 3, shape.at(-1)! * 3]);
    }
  });

  test('backward passes gradcheck', () => {
    const random = seededRandom(2);
    gradcheck((x: Tensor) => pixelShuffle(x, 2), [randn([2, 8, 2, 3], { dtype: 'float64', requiresGrad: true, random })]);
    gradcheck((x: Tensor) => pixelUnshuffle(x, 2), [randn([1, 2, 4, 2], { dtype: 'float64', requiresGrad: true, random })]);
  });

  test('errors name the op and the shapes', () => {
    expect(() => pixelShuffle(zeros([1, 6, 2, 2]), 2)).toThrow(/pixelShuffle: the 6 channels of input \[1,6,2,2\] are not divisible by upscaleFactor² = 4/);
    expect(() => pixelUnshuffle(zeros([1, 1, 3, 4]), 2)).toThrow(/pixelUnshuffle: the spatial size 3x4 of input \[1,1,3,4\] is not divisible by downscaleFactor 2/);
    expect(() => pixelShuffle(zeros([4, 2]), 2)).toThrow(/at least 3-D/);
    expect(() => pixelShuffle(zeros([1, 4, 2, 2]), 0)).toThrow(/upscaleFactor must be a positive integer, got 0/);
  });
});
