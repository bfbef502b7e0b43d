import { describe, test, expect } from 'vitest';
import { ones, randn, tensor, zeros } from '../creation.js';
import { enableGrad } from '../function.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput, fusedConv2d, type Conv2dOptions } from './conv.js';
import { relu } from './unary.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });

interface Case {
  readonly name: string;
  readonly x: Shape;
  readonly w: Shape;
  readonly bias: boolean;
  readonly options: Conv2dOptions;
}

/** Batch 1 and 3, odd sizes, 1x1 to 7x7 kernels, every option. */
const CASES: readonly Case[] = [
  { name: 'stride 2', x: [1, 2, 7, 5], w: [3, 2, 3, 3], bias: true, options: { stride: 2 } },
  { name: 'asymmetric padding', x: [3, 1, 4, 5], w: [2, 1, 2, 3], bias: false, options: { padding: { top: 1, bottom: 0, left: 2, right: 1 } } },
  { name: "'same' with an even kernel", x: [1, 2, 5, 6], w: [2, 2, 4, 3], bias: true, options: { padding: 'same' } },
  { name: "'same' with dilation 2", x: [1, 1, 5, 5], w: [2, 1, 2, 3], bias: false, options: { padding: 'same', dilation: 2 } },
  { name: 'dilation 2', x: [1, 2, 7, 7], w: [2, 2, 3, 3], bias: false, options: { dilation: 2, padding: 1 } },
  { name: 'groups 2', x: [3, 4, 5, 5], w: [6, 2, 3, 3], bias: true, options: { groups: 2, padding: 1 } },
  { name: '1x1 kernel', x: [3, 3, 4, 5], w: [2, 3, 1, 1], bias: true, options: {} },
  { name: '7x7 kernel, stride 2, padding 3', x: [1, 1, 9, 8], w: [2, 1, 7, 7], bias: false, options: { stride: 2, padding: 3 } },
  { name: 'rectangular stride and padding', x: [1, 2, 6, 7], w: [2, 2, 3, 2], bias: false, options: { stride: [2, 1], padding: [1, 0], dilation: [1, 2] } },
];

describe('conv2d', () => {
  test('forward matches values worked out by hand', () => {
    // Worked out by hand: x = [[1,2,3],[4,5,6],[7,8,9]], w = [[1,2],[3,4]], b = 0.5.
    // y00 = 1·1 + 2·2 + 4·3 + 5·4 + 0.5 = 37.5, and likewise 47.5, 67.5, 77.5.
    const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], { dtype: 'float64' });
    const w = tensor([[[[1, 2], [3, 4]]]], { dtype: 'float64' });
    const b = tensor([0.5], { dtype: 'float64' });
    expect(conv2d(x, w, b).toArray()).toEqual([[[[37.5, 47.5], [67.5, 77.5]]]]);
    // Padding 1, stride 2 (windows start at −1 and 1): y00 = 1·4 = 4, y01 = 2·3 + 3·4 = 18,
    // y10 = 4·2 + 7·4 = 36, y11 = 5·1 + 6·2 + 8·3 + 9·4 = 77.
    expect(conv2d(x, w, null, { stride: 2, padding: 1 }).toArray()).toEqual([[[[4, 18], [36, 77]]]]);
  });

  test('the example in the JSDoc prints what it says', () => {
    expect(conv2d(ones([1, 1, 3, 3]), ones([1, 1, 2, 2])).toArray()).toEqual([[[[4, 4], [4, 4]]]]);
    expect(conv2dBackpropInput(ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), [1, 1, 3, 3]).toArray()).toEqual([[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]);
    expect(conv2dBackpropFilter(ones([1, 1, 3, 3]), ones([1, 1, 2, 2]), [1, 1, 2, 2]).toArray()).toEqual([[[[4, 4], [4, 4]]]]);
  });

  test("'same' keeps the size and puts the extra padding at the bottom and right, as PyTorch", () => {
    const random = seededRandom(1);
    const x = randn([2, 2, 5, 6], { dtype: 'float64', random });
    const w = randn([3, 2, 4, 3], { dtype: 'float64', random });
    const same = conv2d(x, w, null, { padding: 'same' });
    expect(same.shape).toEqual([2, 3, 5, 6]);
    // KH = 4: total 3 rows, 1 on top and 2 at the bottom; KW = 3: 1 on each side.
    const explicit = conv2d(x, w, null, { padding: { top: 1, bottom: 2, left: 1, right: 1 } });
    expect(same.toArray()).toEqual(explicit.toArray());
    expect(conv2d(x, w, null, { padding: 'valid' }).shape).toEqual([2, 3, 2, 4]);
  });

  test('float32 in, float32 out', () => {
    const x = randn([1, 2, 4, 4], { random: seededRandom(2) });
    const w = randn([2, 2, 3, 3], { random: seededRandom(3) });
    const b = randn([2], { random: seededRandom(4) });
    const y = conv2d(x, w, b, { padding: 1 });
    expect(y.dtype).toBe('float32');
    expect(y.shape).toEqual([1, 2, 4, 4]);
  });

  for (const c of CASES) {
    test(`backward passes gradcheck: ${c.name}`, () => {
      const random = seededRandom(10);
      const x = leaf(c.x, random);
      const w = leaf(c.w, random);
      if (c.bias) {
        const b = leaf([c.w[0]!], random);
        gradcheck((xi: Tensor, wi: Tensor, bi: Tensor) => conv2d(xi, wi, bi, c.options), [x, w, b]);
      } else {
        gradcheck((xi: Tensor, wi: Tensor) => conv2d(xi, wi, null, c.options), [x, w]);
      }
    });
  }

  for (const c of CASES) {
    test(`double backward: Conv2dBackpropInput and Conv2dBackpropFilter pass gradcheck: ${c.name}`, () => {
      const random = seededRandom(20);
      const x = leaf(c.x, random);
      const w = leaf(c.w, random);
      const dy = leaf(conv2d(x, w, null, c.options).shape, random);
      gradcheck((dyi: Tensor, wi: Tensor) => conv2dBackpropInput(dyi, wi, c.x, c.options), [dy, w]);
      gradcheck((xi: Tensor, dyi: Tensor) => conv2dBackpropFilter(xi, dyi, c.w, c.options), [x, dy]);
    });
  }

  for (const c of CASES) {
    test(`fusedConv2d (bias and ReLU in the kernel) passes gradcheck and equals conv2d + relu: ${c.name}`, () => {
      const random = seededRandom(40);
      const x = leaf(c.x, random);
      const w = leaf(c.w, random);
      const b = c.bias ? leaf([c.w[0]!], random) : null;
      const inputs = b ? [x, w, b] : [x, w];
      const fused = (xi: Tensor, wi: Tensor, bi?: Tensor): Tensor => fusedConv2d(xi, wi, bi ?? null, { ...c.options, activation: 'relu' });
      const plain = (xi: Tensor, wi: Tensor, bi?: Tensor): Tensor => relu(conv2d(xi, wi, bi ?? null, c.options));
      gradcheck(fused, inputs);
      const grads = (f: typeof fused): number[][] => {
        for (const t of inputs) t.grad = null;
        const y = f(x, w, b ?? undefined);
        y.mul(randn(y.shape, { dtype: 'float64', random: seededRandom(41) })).sum().backward();
        return [y.dataSync(), ...inputs.map((t) => t.grad!.dataSync())].map((a) => Array.from(a));
      };
      const [got, want] = [grads(fused), grads(plain)];
      got.forEach((a, i) => a.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 12)));
      expect(got[0]!.some((v) => v === 0) && got[0]!.some((v) => v > 0)).toBe(true); // the ReLU did cut something
    });
  }

  test('fusedConv2d with a residual passes gradcheck and equals relu(conv2d + residual), with and without a bias; a residual of the wrong shape is refused', () => {
    const random = seededRandom(43);
    const x = leaf([2, 3, 6, 5], random);
    const w = leaf([4, 3, 3, 3], random);
    const b = leaf([4], random);
    const r = leaf([2, 4, 3, 3], random); // the output of a stride-2, padding-1 conv
    const options = { stride: 2, padding: 1 } as const;
    gradcheck((xi: Tensor, wi: Tensor, bi: Tensor, ri: Tensor) => fusedConv2d(xi, wi, bi, { ...options, activation: 'relu', residual: ri }), [x, w, b, r]);
    gradcheck((xi: Tensor, wi: Tensor, ri: Tensor) => fusedConv2d(xi, wi, null, { ...options, residual: ri }), [x, w, r]);
    const fused = fusedConv2d(x, w, b, { ...options, activation: 'relu', residual: r });
    const plain = relu(conv2d(x, w, b, options).add(r));
    fused.dataSync().forEach((v, i) => expect(v).toBeCloseTo(plain.dataSync()[i]!, 14));
    expect(() => fusedConv2d(x, w, b, { ...options, residual: leaf([2, 4, 3, 2], random) })).toThrow(/fusedConv2d: residual \[2,4,3,2\] does not match the expected \[2,4,3,3\]/);
  });

  test('fusedConv2d without an activation is conv2d with a bias; a bad activation is refused', () => {
    const random = seededRandom(42);
    const x = leaf([2, 3, 5, 5], random);
    const w = leaf([4, 3, 3, 3], random);
    const b = leaf([4], random);
    expect(Array.from(fusedConv2d(x, w, b, { padding: 1 }).dataSync())).toEqual(Array.from(conv2d(x, w, b, { padding: 1 }).dataSync()));
    gradcheck((xi: Tensor, wi: Tensor, bi: Tensor) => fusedConv2d(xi, wi, bi, { stride: 2 }), [x, w, b]);
    expect(() => fusedConv2d(x, w, b, { activation: 'tanh' as 'relu' })).toThrow(/fusedConv2d: activation must be 'linear' or 'relu', got "tanh"/);
  });

  test('createGraph: the gradient of a gradient matches central differences', () => {
    // L = ⟨c, conv(x, w)⟩, so ∂L/∂x = Tx(c, w) depends on w. With createGraph the engine
    // records that dependency, and backpropagating ⟨∂L/∂x, v⟩ gives its gradient in w.
    const random = seededRandom(30);
    const options: Conv2dOptions = { stride: 2, padding: [1, 2], groups: 2 };
    const x = leaf([2, 4, 5, 6], random);
    const w = leaf([2, 2, 3, 2], random);
    const c = randn(conv2d(x, w, null, options).shape, { dtype: 'float64', random });
    const v = randn(x.shape, { dtype: 'float64', random });
    const inner = (a: Tensor, b: Tensor): number => a.mul(b).sum().item();
    const dLdx = (): Tensor => {
      x.grad = null;
      enableGrad(() => conv2d(x, w, null, options)).backward(c, { createGraph: true });
      return x.grad!;
    };
    const g = dLdx();
    expect(g.requiresGrad).toBe(true);
    w.grad = null;
    g.backward(v);
    const analytic = w.grad!.dataSync();
    const ws = w.storage;
    for (let i = 0; i < ws.length; i++) {
      const saved = ws[i]!;
      ws[i] = saved + 1e-6;
      const up = inner(dLdx().detach(), v);
      ws[i] = saved - 1e-6;
      const down = inner(dLdx().detach(), v);
      ws[i] = saved;
      expect(analytic[i]!).toBeCloseTo((up - down) / 2e-6, 6);
    }
  });

  describe('validation', () => {
    const f64 = (shape: Shape): Tensor => zeros(shape, { dtype: 'float64' });

    test('channel and group mismatches name the op and shapes', () => {
      expect(() => conv2d(f64([2, 3, 8, 8]), f64([4, 2, 3, 3]))).toThrow(/conv2d: input \[2,3,8,8\] has 3 channels but weight \[4,2,3,3\] expects 2 \(groups=1\)/);
      expect(() => conv2d(f64([2, 4, 8, 8]), f64([4, 1, 3, 3]), null, { groups: 2 })).toThrow(/has 4 channels but weight \[4,1,3,3\] expects 2 \(groups=2\)/);
      expect(() => conv2d(f64([2, 4, 8, 8]), f64([3, 2, 3, 3]), null, { groups: 2 })).toThrow(/conv2d: weight \[3,2,3,3\] has 3 output channels, which groups=2 does not divide/);
      expect(() => conv2d(f64([2, 4, 8, 8]), f64([4, 2, 3, 3]), null, { groups: 0 })).toThrow(/conv2d: groups must be a positive integer, got 0/);
    });

    test('rank, dtype and bias errors', () => {
      expect(() => conv2d(f64([3, 8, 8]), f64([4, 3, 3, 3]))).toThrow(/conv2d: input must be 4-D \[N, C, H, W\], got \[3,8,8\]/);
      expect(() => conv2d(f64([1, 3, 8, 8]), f64([4, 3, 3]))).toThrow(/conv2d: weight must be 4-D/);
      expect(() => conv2d(zeros([1, 1, 3, 3], { dtype: 'int32' }), f64([1, 1, 2, 2]))).toThrow(TypeError);
      expect(() => conv2d(zeros([1, 1, 3, 3], { dtype: 'int32' }), f64([1, 1, 2, 2]))).toThrow(/conv2d: input must be float32 or float64, got int32/);
      expect(() => conv2d(zeros([1, 1, 3, 3]), f64([1, 1, 2, 2]))).toThrow(/conv2d: input is float32 but weight is float64/);
      expect(() => conv2d(f64([1, 1, 3, 3]), f64([2, 1, 2, 2]), f64([3]))).toThrow(/conv2d: bias must have shape \[2\] .* got \[3\]/);
    });

    test('option errors', () => {
      const x = f64([1, 2, 5, 5]);
      const w = f64([2, 2, 3, 3]);
      expect(() => conv2d(x, w, null, { padding: 'same', stride: 2 })).toThrow(/conv2d: padding 'same' needs stride 1 \(as in PyTorch\), got stride \[2,2\]/);
      expect(() => conv2d(x, w, null, { stride: 0 })).toThrow(/conv2d: stride must be an integer ≥ 1/);
      expect(() => conv2d(x, w, null, { padding: -1 })).toThrow(/conv2d: padding must be an integer ≥ 0/);
      expect(() => conv2d(x, w, null, { padding: { top: 0, bottom: 1.5, left: 0, right: 0 } })).toThrow(/conv2d: padding \{top,bottom,left,right\} must be integers ≥ 0/);
      expect(() => conv2d(x, w, null, { dilation: [1, 0] })).toThrow(/conv2d: dilation must be/);
      expect(() => conv2d(x, f64([2, 2, 7, 7]))).toThrow(/conv2d: kernel 7x7 with dilation \[1,1\] spans 7x7, more than the padded input 5x5/);
      expect(() => conv2d(x, w, null, { dilation: 3 })).toThrow(/spans 7x7, more than the padded input 5x5/);
    });

    test('the gradient ops check dy against the convolution output', () => {
      const w = f64([4, 3, 3, 3]);
      expect(() => conv2dBackpropInput(f64([2, 4, 4, 3]), w, [2, 3, 5, 5])).toThrow(/conv2dBackpropInput: dy \[2,4,4,3\] does not match the expected \[2,4,3,3\]/);
      expect(() => conv2dBackpropFilter(f64([2, 3, 5, 5]), f64([2, 4, 3, 3]), [4, 3, 3, 3], { stride: 2 })).toThrow(/conv2dBackpropFilter: dy \[2,4,3,3\] does not match the expected \[2,4,2,2\]/);
      expect(() => conv2dBackpropInput(f64([2, 4, 3, 3]), w, [2, 3, 5])).toThrow(/conv2dBackpropInput: input must be 4-D/);
      expect(() => conv2dBackpropFilter(f64([2, 3, 5, 5]), f64([2, 4, 3, 3]), [4, 3, -3, 3])).toThrow(/conv2dBackpropFilter: wShape must be an array of non-negative integers/);
    });
  });
});
