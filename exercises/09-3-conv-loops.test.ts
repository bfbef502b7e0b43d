import { describe, test } from 'vitest';
import { conv2d, randn, seededRandom, type Tensor } from '../src/index.js';
import { expectClose, expectThrows } from './lib/check.js';
import { convDirect, convIm2col, type ConvShape } from './09-3-conv-loops.js';

const random = seededRandom(93);
const cases: { name: string; shape: ConvShape }[] = [
  { name: 'x [1, 1, 4, 4], w [1, 1, 3, 3], no padding', shape: { x: [1, 1, 4, 4], w: [1, 1, 3, 3], padding: 0 } },
  { name: 'x [2, 3, 5, 4], w [4, 3, 3, 2], no padding', shape: { x: [2, 3, 5, 4], w: [4, 3, 3, 2], padding: 0 } },
  { name: 'x [2, 3, 5, 5], w [2, 3, 3, 3], padding 1', shape: { x: [2, 3, 5, 5], w: [2, 3, 3, 3], padding: 1 } },
  { name: 'x [1, 2, 3, 4], w [3, 2, 2, 2], padding 2', shape: { x: [1, 2, 3, 4], w: [3, 2, 2, 2], padding: 2 } },
];

/** Random x and w of the case's shapes, and conv2d's answer as a flat array. */
function inputs(shape: ConvShape): { x: Float32Array; w: Float32Array; expected: Tensor } {
  const [x, w] = [randn([...shape.x], { random }), randn([...shape.w], { random })];
  return { x: x.dataSync() as Float32Array, w: w.dataSync() as Float32Array, expected: conv2d(x, w, null, { padding: shape.padding }).reshape([-1]) };
}

describe('exercise 9.3 — convolution loops', () => {
  for (const { name, shape } of cases) {
    test(`convDirect: ${name}`, () => {
      const { x, w, expected } = inputs(shape);
      expectClose(convDirect(x, w, shape), expected, { what: `convDirect on ${name} (flattened [N, O, OH, OW])`, hint: shape.padding > 0 ? 'OH = H + 2p − KH + 1; read x[n, c, i + a − p, j + b − p] and count it as 0 when the row or column falls outside the image' : 'index x as ((n·C + c)·H + i + a)·W + j + b and w as ((o·C + c)·KH + a)·KW + b', atol: 1e-4 });
    });
    test(`convIm2col: ${name}`, () => {
      const { x, w, expected } = inputs(shape);
      expectClose(convIm2col(x, w, shape), expected, { what: `convIm2col on ${name} (flattened [N, O, OH, OW])`, hint: shape.padding > 0 ? 'write 0 into cols where the window reaches into the padding; cols is reused across images, so write every entry, not only the inside ones' : 'row k = (c·KH + a)·KW + b of cols holds tap (c, a, b) of every window; y[n, o, :] accumulates w[o, k] · cols[k, :]', atol: 1e-4 });
    });
  }

  test('mismatched channels are refused', () => {
    const shape: ConvShape = { x: [1, 3, 4, 4], w: [2, 2, 3, 3], padding: 0 };
    const [x, w] = [new Float32Array(48), new Float32Array(36)];
    expectThrows(() => convDirect(x, w, shape), /3.*2|2.*3/, { what: 'convDirect with x [1, 3, 4, 4] and w [2, 2, 3, 3]', hint: 'throw a RangeError naming both shapes when w.shape[1] ≠ x.shape[1]' });
    expectThrows(() => convIm2col(x, w, shape), /3.*2|2.*3/, { what: 'convIm2col with x [1, 3, 4, 4] and w [2, 2, 3, 3]', hint: 'throw a RangeError naming both shapes when w.shape[1] ≠ x.shape[1]' });
  });
});
