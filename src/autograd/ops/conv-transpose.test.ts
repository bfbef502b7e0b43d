import { describe, expect, test } from 'vitest';
import { ones, randn, tensor, zeros } from '../creation.js';
import { enableGrad } from '../function.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { conv2d } from './conv.js';
import { convTranspose2d, convTransposeOutputSize, type ConvTranspose2dOptions } from './conv-transpose.js';
import { mul } from './elementwise.js';
import { sum } from './reduce.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });

/** The definition, written out as loops: every input pixel adds a w-weighted stamp into y. */
function scatterReference(x: Tensor, w: Tensor, o: Required<Omit<ConvTranspose2dOptions, 'stride' | 'padding' | 'outputPadding' | 'dilation'>> & { s: [number, number]; p: [number, number]; op: [number, number]; d: [number, number] }): Tensor {
  const [N, Cin, H, W] = x.shape as [number, number, number, number];
  const [, Cog, KH, KW] = w.shape as [number, number, number, number];
  const Cout = Cog * o.groups;
  const OH = convTransposeOutputSize(H, o.p[0], KH, o.s[0], o.d[0], o.op[0]);
  const OW = convTransposeOutputSize(W, o.p[1], KW, o.s[1], o.d[1], o.op[1]);
  const y = new Float64Array(N * Cout * OH * OW);
  const xs = x.dataSync();
  const ws = w.dataSync();
  const cinG = Cin / o.groups;
  for (let n = 0; n < N; n++) for (let ci = 0; ci < Cin; ci++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
    const g = Math.floor(ci / cinG);
    for (let co = 0; co < Cog; co++) for (let a = 0; a < KH; a++) for (let b = 0; b < KW; b++) {
      const oi = i * o.s[0] - o.p[0] + a * o.d[0];
      const oj = j * o.s[1] - o.p[1] + b * o.d[1];
      if (oi < 0 || oi >= OH || oj < 0 || oj >= OW) continue;
      y[((n * Cout + g * Cog + co) * OH + oi) * OW + oj]! += xs[((n * Cin + ci) * H + i) * W + j]! * ws[((ci * Cog + co) * KH + a) * KW + b]!;
    }
  }
  return tensor(y, [N, Cout, OH, OW], { dtype: 'float64' });
}

interface Case {
  readonly name: string;
  readonly x: Shape;
  readonly w: Shape;
  readonly options: ConvTranspose2dOptions;
}

const CASES: readonly Case[] = [
  { name: 'stride 2, kernel 2 (U-Net up-sampling)', x: [2, 3, 3, 4], w: [3, 2, 2, 2], options: { stride: 2 } },
  { name: 'stride 2, padding 1, outputPadding 1', x: [1, 2, 3, 3], w: [2, 3, 3, 3], options: { stride: 2, padding: 1, outputPadding: 1 } },
  { name: 'outputPadding larger than padding', x: [1, 1, 2, 3], w: [1, 2, 3, 2], options: { stride: 3, outputPadding: [2, 1] } },
  { name: 'dilation 2 with outputPadding 1 at stride 1', x: [1, 2, 3, 3], w: [2, 1, 2, 3], options: { dilation: 2, outputPadding: 1, padding: [1, 0] } },
  { name: 'groups 2, rectangular stride', x: [2, 4, 3, 2], w: [4, 3, 2, 3], options: { groups: 2, stride: [1, 2], padding: [0, 1] } },
  { name: 'padding wider than the kernel', x: [1, 1, 5, 5], w: [1, 1, 1, 1], options: { padding: 2 } },
  { name: '1x1 input, 3x3 kernel', x: [1, 2, 1, 1], w: [2, 1, 3, 3], options: {} },
];

function parts(o: ConvTranspose2dOptions) {
  const pair = (v: number | readonly [number, number] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);
  return { groups: o.groups ?? 1, s: pair(o.stride, 1), p: pair(o.padding, 0), op: pair(o.outputPadding, 0), d: pair(o.dilation, 1) };
}

describe('convTranspose2d', () => {
  test('forward matches values worked out by hand', () => {
    // Worked out by hand: x = [[1, 2]], w = [[1, 10]] (1x2), stride 2: stamps [1, 10] at 0 and [2, 20] at 2.
    const x = tensor([[[[1, 2]]]], { dtype: 'float64' });
    const w = tensor([[[[1, 10]]]], { dtype: 'float64' });
    expect(convTranspose2d(x, w, null, { stride: 2 }).toArray()).toEqual([[[[1, 10, 2, 20]]]]);
    // Stride 1 overlaps the stamps: [1, 10 + 2, 20]; padding [0, 1] drops the first and last column.
    expect(convTranspose2d(x, w).toArray()).toEqual([[[[1, 12, 20]]]]);
    expect(convTranspose2d(x, w, tensor([0.5], { dtype: 'float64' }), { padding: [0, 1] }).toArray()).toEqual([[[[12.5]]]]);
    // outputPadding 1 at stride 2 appends a column that no stamp reaches.
    expect(convTranspose2d(x, w, null, { stride: [1, 2], outputPadding: [0, 1] }).toArray()).toEqual([[[[1, 10, 2, 20, 0]]]]);
  });

  test('the example in the JSDoc prints what it says', () => {
    expect(convTranspose2d(ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), null, { stride: 2 }).shape).toEqual([1, 1, 4, 4]);
    expect(convTransposeOutputSize(4, 1, 3, 2, 1, 1)).toBe(8);
  });

  for (const c of CASES) {
    test(`matches the scatter definition and is the adjoint of conv2d: ${c.name}`, () => {
      const random = seededRandom(3);
      const x = randn(c.x, { dtype: 'float64', random });
      const w = randn(c.w, { dtype: 'float64', random });
      const y = convTranspose2d(x, w, null, c.options);
      const want = scatterReference(x, w, parts(c.options));
      expect(y.shape).toEqual(want.shape);
      const got = y.dataSync();
      want.dataSync().forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(1e-12));
      // ⟨conv(z, w), x⟩ = ⟨z, convT(x, w)⟩ for any z of y's shape, with conv's bottom padding p − outputPadding.
      const o = parts(c.options);
      if (o.op[0] <= o.p[0] && o.op[1] <= o.p[1]) {
        const z = randn(y.shape, { dtype: 'float64', random });
        const padding = { top: o.p[0], bottom: o.p[0] - o.op[0], left: o.p[1], right: o.p[1] - o.op[1] };
        const lhs = sum(mul(conv2d(z, w, null, { stride: o.s, dilation: o.d, groups: o.groups, padding }), x)).item();
        expect(lhs).toBeCloseTo(sum(mul(z, y)).item(), 10);
      }
    });

    test(`backward passes gradcheck (and double backward): ${c.name}`, () => {
      const random = seededRandom(4);
      const x = leaf(c.x, random);
      const w = leaf(c.w, random);
      const b = leaf([c.w[1]! * (c.options.groups ?? 1)], random);
      gradcheck((xi: Tensor, wi: Tensor, bi: Tensor) => convTranspose2d(xi, wi, bi, c.options), [x, w, b]);
      // Second derivatives: the gradient of Σ c ⊙ y with respect to x, recorded, is itself checked.
      const cy = randn(convTranspose2d(x, w, null, c.options).shape, { dtype: 'float64', random });
      // (The inner backward must leave the leaves' .grad as it found them: gradcheck reads them.)
      gradcheck((xi: Tensor, wi: Tensor) => {
        const before = [xi.grad, wi.grad] as const;
        [xi.grad, wi.grad] = [null, null];
        enableGrad(() => convTranspose2d(xi, wi, null, c.options)).backward(cy, { createGraph: true });
        const g = xi.grad!;
        [xi.grad, wi.grad] = before;
        return g;
      }, [leaf(c.x, random), w]);
    });
  }

  test('errors name the op, the shapes and the options', () => {
    expect(() => convTranspose2d(zeros([1, 2, 3, 3]), zeros([3, 1, 2, 2]))).toThrow(/convTranspose2d: input \[1,2,3,3\] has 2 channels but weight \[3,1,2,2\] expects 3/);
    expect(() => convTranspose2d(zeros([1, 2, 3]), zeros([2, 1, 2, 2]))).toThrow(/input must be 4-D/);
    expect(() => convTranspose2d(zeros([1, 2, 3, 3]), zeros([2, 1, 2, 2]), null, { stride: 2, outputPadding: 2 })).toThrow(/outputPadding \[2,2\] must be smaller than stride \[2,2\] or dilation \[1,1\]/);
    expect(() => convTranspose2d(zeros([1, 3, 3, 3]), zeros([3, 1, 2, 2]), null, { groups: 2 })).toThrow(/groups=2 does not divide the 3 input channels/);
    expect(() => convTranspose2d(zeros([1, 2, 3, 3]), zeros([2, 1, 2, 2]), zeros([2]))).toThrow(/bias must have shape \[1\]/);
    expect(() => convTranspose2d(zeros([1, 1, 1, 1]), zeros([1, 1, 1, 1]), null, { padding: 1 })).toThrow(/empty output -1x-1/);
    expect(() => convTranspose2d(zeros([1, 1, 2, 2]), zeros([1, 1, 2, 2], { dtype: 'float64' }))).toThrow(/input is float32 but weight is float64/);
  });
});
