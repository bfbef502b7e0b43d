import { describe, test } from 'vitest';
import { conv2dBackpropFilter, conv2dBackpropInput, randn, seededRandom } from '../src/index.js';
import { expectClose } from './lib/check.js';
import { convFilterGradient, convInputGradient } from './04-2-conv-gradients.js';

const random = seededRandom(9);
const shapes = [
  { x: [2, 3, 6, 5], w: [4, 3, 3, 3], padding: 0 },
  { x: [2, 3, 6, 5], w: [4, 3, 3, 3], padding: 1 },
  { x: [1, 2, 5, 7], w: [3, 2, 3, 2], padding: 1 },
  { x: [3, 1, 4, 4], w: [2, 1, 1, 1], padding: 0 },
];

describe('exercise 4.2 — conv gradients as convolutions', () => {
  for (const { x: xShape, w: wShape, padding } of shapes) {
    const oh = xShape[2]! + 2 * padding - wShape[2]! + 1;
    const ow = xShape[3]! + 2 * padding - wShape[3]! + 1;
    const x = randn(xShape, { dtype: 'float64', random });
    const w = randn(wShape, { dtype: 'float64', random });
    const dY = randn([xShape[0]!, wShape[0]!, oh, ow], { dtype: 'float64', random });

    test(`input gradient, x [${xShape}], w [${wShape}], padding ${padding}`, () => {
      expectClose(convInputGradient(dY, w, padding), conv2dBackpropInput(dY, w, xShape, { padding }), {
        what: `convInputGradient(dY [${dY.shape}], w [${wShape}], ${padding})`,
        hint: 'flip w in both spatial axes (indexSelect with a reversed arange), swap its axes 0 and 1, and pad by K − 1 − p on each axis (the kernel may be non-square)',
        atol: 1e-12,
      });
    });

    test(`filter gradient, x [${xShape}], w [${wShape}], padding ${padding}`, () => {
      expectClose(convFilterGradient(x, dY, padding), conv2dBackpropFilter(x, dY, wShape, { padding }), {
        what: `convFilterGradient(x [${xShape}], dY [${dY.shape}], ${padding})`,
        hint: 'swap the batch and channel axes of x and of dY, convolve with the same padding p, and swap the result\'s axes 0 and 1 back',
        atol: 1e-12,
      });
    });
  }
});
