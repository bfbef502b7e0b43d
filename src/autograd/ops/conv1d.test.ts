import { describe, expect, test } from 'vitest';
import { ones, randn, tensor, zeros } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { conv1d, type Conv1dOptions } from './conv1d.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });

/** y[n, o, i] = b[o] + Σ_{c,k} w[o, c, k] · x[n, g·C/groups + c, i·stride − padding + k·dilation], as loops. */
function reference(x: Tensor, w: Tensor, b: Tensor | null, stride: number, padding: number, dilation: number, groups: number): number[] {
  const [N, C, L] = x.shape as [number, number, number];
  const [O, Cg, K] = w.shape as [number, number, number];
  const OL = Math.floor((L + 2 * padding - dilation * (K - 1) - 1) / stride) + 1;
  const xs = x.dataSync();
  const ws = w.dataSync();
  const out: number[] = [];
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < OL; i++) {
    let acc = b ? b.dataSync()[o]! : 0;
    const g = Math.floor(o / (O / groups));
    for (let c = 0; c < Cg; c++) for (let k = 0; k < K; k++) {
      const at = i * stride - padding + k * dilation;
      if (at >= 0 && at < L) acc += ws[(o * Cg + c) * K + k]! * xs[(n * C + g * Cg + c) * L + at]!;
    }
    out.push(acc);
  }
  return out;
}

const CASES: readonly { name: string; x: Shape; w: Shape; options: Conv1dOptions }[] = [
  { name: 'plain', x: [2, 3, 7], w: [4, 3, 3], options: {} },
  { name: 'stride 2, padding 2, dilation 2', x: [1, 2, 9], w: [3, 2, 3], options: { stride: 2, padding: 2, dilation: 2 } },
  { name: 'groups 2', x: [2, 4, 5], w: [2, 2, 2], options: { groups: 2, padding: 1 } },
  { name: 'length-1 kernel', x: [3, 1, 4], w: [2, 1, 1], options: {} },
];

describe('conv1d', () => {
  test('the example in the JSDoc prints what it says', () => {
    expect(conv1d(ones([1, 1, 4]), ones([1, 1, 2])).toArray()).toEqual([[[2, 2, 2]]]);
  });

  for (const c of CASES) {
    test(`matches the definition and passes gradcheck: ${c.name}`, () => {
      const random = seededRandom(2);
      const x = leaf(c.x, random);
      const w = leaf(c.w, random);
      const b = leaf([c.w[0]!], random);
      const { stride = 1, padding = 0, dilation = 1, groups = 1 } = c.options;
      const got = [...conv1d(x, w, b, c.options).dataSync()];
      const want = reference(x, w, b, stride, padding as number, dilation, groups);
      expect(got.length).toBe(want.length);
      got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-12));
      gradcheck((xi: Tensor, wi: Tensor, bi: Tensor) => conv1d(xi, wi, bi, c.options), [x, w, b]);
    });
  }

  test("'same' keeps the length (the extra padding at the end) and 'valid' pads nothing", () => {
    const random = seededRandom(3);
    const x = randn([1, 2, 6], { dtype: 'float64', random });
    const w = randn([1, 2, 4], { dtype: 'float64', random });
    expect(conv1d(x, w, null, { padding: 'same' }).shape).toEqual([1, 1, 6]);
    expect(conv1d(x, w, null, { padding: 'valid' }).shape).toEqual([1, 1, 3]);
    // K = 4: 1 at the start and 2 at the end, as PyTorch.
    const manual = conv1d(tensor([[[0, ...x.dataSync().slice(0, 6), 0, 0], [0, ...x.dataSync().slice(6), 0, 0]]], { dtype: 'float64' }), w);
    expect([...conv1d(x, w, null, { padding: 'same' }).dataSync()]).toEqual([...manual.dataSync()]);
  });

  test('errors name the op and the shapes', () => {
    expect(() => conv1d(zeros([1, 2, 5, 1]), zeros([1, 2, 3]))).toThrow(/conv1d: input must be 3-D \[N, C, L\], got \[1,2,5,1\]/);
    expect(() => conv1d(zeros([1, 2, 5]), zeros([1, 3, 3]))).toThrow(/conv1d: input \[1,2,5\] has 2 channels but weight \[1,3,3\] expects 3/);
    expect(() => conv1d(zeros([1, 2, 5]), zeros([1, 2, 3]), null, { stride: 0 })).toThrow(/conv1d: stride must be an integer ≥ 1, got 0/);
    expect(() => conv1d(zeros([1, 2, 5]), zeros([1, 2, 3]), null, { padding: -1 })).toThrow(/padding must be an integer ≥ 0/);
  });
});
