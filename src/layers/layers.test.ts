import { describe, expect, test } from 'vitest';
import { ones, randn, tensor, zeros } from '../autograd/creation.js';
import { gradcheck } from '../autograd/gradcheck.js';
import { noGrad } from '../autograd/function.js';
import { manualSeed, seededRandom } from '../autograd/random.js';
import { Tensor } from '../autograd/tensor.js';
import { Gelu, LeakyRelu, Relu, Sigmoid, Softmax, Tanh } from './activations.js';
import { BatchNorm1d, BatchNorm2d } from './batch-norm.js';
import { Conv2d } from './conv2d.js';
import { Dropout, dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { LayerNorm } from './layer-norm.js';
import { Linear, linear } from './linear.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from './pooling.js';
import { Flatten, Identity } from './shape.js';

const random = seededRandom(42);
const f64 = (values: number[] | number[][]) => tensor(values, { dtype: 'float64' });
const values = (t: Tensor): number[] => [...t.dataSync()];

function expectAllClose(got: Tensor, want: Tensor | number[], tol = 1e-12): void {
  const w = want instanceof Tensor ? values(want) : want;
  const g = values(got);
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => expect(Math.abs(v - w[i]!), `element ${i}: got ${v}, want ${w[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w[i]!))));
}

describe('Linear', () => {
  test('inference reuses Wᵀ only while the weight is unchanged: an assign (an optimizer step) is seen at once', () => {
    const lin = new Linear(3, 2, { random });
    const x = randn([4, 3], { random });
    const expected = (): number[] => Array.from(x.matmul(lin.weight.detach().transpose()).add(lin.bias!.detach()).dataSync());
    for (let step = 0; step < 3; step++) {
      const y = noGrad(() => [lin.forward(x), lin.forward(x)]);
      for (const t of y) Array.from(t.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected()[i]!, 6));
      noGrad(() => lin.weight.assign(lin.weight.mul(-2).add(0.1)));
    }
    // a view of the same storage with another shape must not pick up the cached Wᵀ
    const square = new Linear(4, 4, { random });
    const view = square.weight.detach().reshape([2, 8]);
    expect(noGrad(() => linear(randn([1, 8], { random }), view)).shape).toEqual([1, 2]);
  });

  test('y = x Wᵀ + b with PyTorch\'s layout (worked out by hand), on any leading axes', () => {
    const lin = new Linear(3, 2, { dtype: 'float64', random });
    lin.loadStateDict({ weight: f64([[1, 0, -1], [2, 1, 0]]), bias: f64([0.5, -1]) });
    expect(lin.forward(f64([[1, 2, 3]])).toArray()).toEqual([[-1.5, 3]]);
    expect(lin.forward(zeros([4, 5, 3], { dtype: 'float64' })).shape).toEqual([4, 5, 2]);
    expect(lin.forward(f64([1, 2, 3])).toArray()).toEqual([-1.5, 3]);
    expect(() => lin.forward(zeros([2, 4], { dtype: 'float64' }))).toThrow(/Linear: expected input \[\*, 3\], got \[2,4\]/);
  });

  test('default initialisation: W and b in U(−1/√in, 1/√in), float32, seeded', () => {
    const lin = new Linear(64, 256, { random: seededRandom(1) });
    expect(lin.weight.shape).toEqual([256, 64]);
    expect(lin.weight.dtype).toBe('float32');
    for (const t of [lin.weight, lin.bias!]) {
      const v = values(t);
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(1 / 8);
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.12);
    }
    expect(values(new Linear(64, 256, { random: seededRandom(1) }).weight)).toEqual(values(lin.weight));
    manualSeed(9);
    const a = new Linear(4, 4);
    manualSeed(9);
    expect(values(new Linear(4, 4).weight)).toEqual(values(a.weight));
    expect(new Linear(3, 2, { bias: false }).bias).toBeNull();
    expect(Object.keys(new Linear(3, 2, { bias: false }).stateDict())).toEqual(['weight']);
  });

  test('gradients of input, weight and bias pass gradcheck', () => {
    const lin = new Linear(3, 2, { dtype: 'float64', random });
    gradcheck((x) => lin.forward(x!), [randn([4, 3], { dtype: 'float64', requiresGrad: true, random })]);
    // gradcheck perturbs the parameters' own storage, which forward reads.
    gradcheck(() => lin.forward(f64([[1, -2, 0.5], [0, 1, 3]])), [lin.weight, lin.bias!]);
  });
});

describe('Conv2d', () => {
  test('weight [O, C/groups, KH, KW], output shapes for stride, padding (incl. same), dilation, groups', () => {
    const x = zeros([2, 4, 9, 9]);
    expect(new Conv2d(4, 6, 3, { random }).weight.shape).toEqual([6, 4, 3, 3]);
    expect(new Conv2d(4, 6, 3, { random }).forward(x).shape).toEqual([2, 6, 7, 7]);
    expect(new Conv2d(4, 6, 3, { stride: 2, padding: 1, random }).forward(x).shape).toEqual([2, 6, 5, 5]);
    expect(new Conv2d(4, 6, [3, 5], { padding: 'same', dilation: 2, random }).forward(x).shape).toEqual([2, 6, 9, 9]);
    const grouped = new Conv2d(4, 6, 1, { groups: 2, bias: false, random });
    expect(grouped.weight.shape).toEqual([6, 2, 1, 1]);
    expect(grouped.forward(x).shape).toEqual([2, 6, 9, 9]);
    expect(grouped.numParameters()).toBe(12);
    expect(() => new Conv2d(4, 6, 3, { groups: 4 })).toThrow(/groups=4 must divide both inChannels=4 and outChannels=6/);
    expect(() => new Conv2d(4, 6, 3, { padding: 'same', stride: 2 })).toThrow(/'same' needs stride 1/);
    expect(() => new Conv2d(4, 6, 3).forward(zeros([2, 3, 9, 9]))).toThrow(/Conv2d: expected input \[N, 4, H, W\], got \[2,3,9,9\]/);
  });

  test('default initialisation bound is 1/√(C/groups · KH · KW)', () => {
    const conv = new Conv2d(8, 16, 3, { groups: 2, random: seededRandom(2) }); // fanIn = 4·9 = 36
    for (const t of [conv.weight, conv.bias!]) {
      const m = Math.max(...values(t).map(Math.abs));
      expect(m).toBeLessThanOrEqual(1 / 6);
      expect(m).toBeGreaterThan(0.14);
    }
  });

  test('a 1x1 convolution equals the Linear map on channels (worked out by hand)', () => {
    const conv = new Conv2d(2, 1, 1, { dtype: 'float64', random });
    conv.loadStateDict({ weight: tensor([2, -1], [1, 2, 1, 1], { dtype: 'float64' }), bias: f64([1]) });
    const x = tensor([1, 2, 3, 4], [1, 2, 1, 2], { dtype: 'float64' }); // channel 0: [1, 2], channel 1: [3, 4]
    expect(conv.forward(x).toArray()).toEqual([[[[2 - 3 + 1, 4 - 4 + 1]]]]);
  });
});

describe('BatchNorm', () => {
  test('state names, shapes and initial values are PyTorch\'s', () => {
    const bn = new BatchNorm2d(3);
    const dict = bn.stateDict();
    expect(Object.keys(dict)).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(values(dict.weight!)).toEqual([1, 1, 1]);
    expect(values(dict.bias!)).toEqual([0, 0, 0]);
    expect(values(dict.running_mean!)).toEqual([0, 0, 0]);
    expect(values(dict.running_var!)).toEqual([1, 1, 1]);
    expect(dict.num_batches_tracked!.shape).toEqual([]);
    expect(dict.num_batches_tracked!.dtype).toBe('int32');
    expect(Object.keys(new BatchNorm2d(3, { affine: false }).stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    expect(Object.keys(new BatchNorm2d(3, { trackRunningStats: false }).stateDict())).toEqual(['weight', 'bias']);
    expect(new BatchNorm1d(5).numParameters()).toBe(10);
  });

  test('training normalises with batch statistics and updates the running ones (unbiased variance)', () => {
    const bn = new BatchNorm1d(1, { dtype: 'float64', momentum: 0.5 });
    const y = bn.forward(f64([[1], [3], [5], [7]])); // μ = 4, biased σ² = 5, unbiased 20/3
    expectAllClose(y, [-3, -1, 1, 3].map((v) => v / Math.sqrt(5 + 1e-5)));
    expectAllClose(bn.runningMean!, [0.5 * 0 + 0.5 * 4]);
    expectAllClose(bn.runningVar!, [0.5 * 1 + 0.5 * (20 / 3)]);
    expect(bn.numBatchesTracked!.item()).toBe(1);
  });

  test('eval uses the running statistics, so a sample\'s output does not depend on its batch', () => {
    const bn = new BatchNorm2d(2, { dtype: 'float64' });
    for (let i = 0; i < 3; i++) bn.forward(randn([4, 2, 3, 3], { dtype: 'float64', random }).mul(3).add(1));
    bn.eval();
    const x = randn([1, 2, 3, 3], { dtype: 'float64', random });
    const alone = bn.forward(x);
    const inBatch = bn.forward(tensor([...x.dataSync(), ...randn([1, 2, 3, 3], { dtype: 'float64', random }).dataSync()], [2, 2, 3, 3], { dtype: 'float64' }));
    expectAllClose(inBatch.slice([{ start: 0, stop: 1 }]), alone);
    const rm = values(bn.runningMean!);
    const rv = values(bn.runningVar!);
    const xs = values(x);
    expectAllClose(alone, xs.map((v, i) => {
      const c = Math.floor(i / 9);
      return (v - rm[c]!) / Math.sqrt(rv[c]! + 1e-5);
    }));
    expect(bn.numBatchesTracked!.item()).toBe(3);
  });

  test('momentum null keeps a cumulative average; without running stats eval uses the batch', () => {
    const bn = new BatchNorm1d(1, { dtype: 'float64', momentum: null });
    bn.forward(f64([[0], [2]])); // mean 1
    bn.forward(f64([[4], [6]])); // mean 5
    expectAllClose(bn.runningMean!, [3]);
    expectAllClose(bn.runningVar!, [2]); // unbiased variances 2 and 2
    const stateless = new BatchNorm1d(1, { dtype: 'float64', trackRunningStats: false }).eval();
    expectAllClose(stateless.forward(f64([[0], [2]])), [-1, 1].map((v) => v / Math.sqrt(1 + 1e-5)));
  });

  test('shape errors name the layer and the expected layout', () => {
    expect(() => new BatchNorm2d(3).forward(zeros([2, 3]))).toThrow(/BatchNorm2d: expected input \[N, C, H, W\] with C = 3, got \[2,3\]/);
    expect(() => new BatchNorm1d(3).forward(zeros([2, 4]))).toThrow(/BatchNorm1d: expected input \[N, C\] or \[N, C, L\] with C = 3, got \[2,4\]/);
    expect(() => new BatchNorm1d(3, { momentum: 2 })).toThrow(/momentum must be in \[0, 1\]/);
  });
});

describe('LayerNorm', () => {
  test('normalises each row; parameters are weight and bias of normalizedShape', () => {
    const ln = new LayerNorm([2], { dtype: 'float64', eps: 0 });
    expect(Object.keys(ln.stateDict())).toEqual(['weight', 'bias']);
    expect(ln.forward(f64([[1, 3], [10, 0]])).toArray()).toEqual([[-1, 1], [1, -1]]);
    expect(new LayerNorm([3, 4]).weight!.shape).toEqual([3, 4]);
    expect(new LayerNorm(4, { elementwiseAffine: false }).numParameters()).toBe(0);
    expect(() => new LayerNorm(4).forward(zeros([2, 3]))).toThrow(/LayerNorm: expected input \[\*, 4\], got \[2,3\]/);
    // Same in training and eval.
    const x = randn([2, 4], { random });
    const l = new LayerNorm(4);
    expect(values(l.eval().forward(x))).toEqual(values(l.train().forward(x)));
  });
});

describe('Dropout', () => {
  test('inverted scaling: survivors are x / (1 − p), about a fraction p is dropped', () => {
    const y = new Dropout(0.25, { random: seededRandom(0) }).forward(ones([10_000], { dtype: 'float64' }));
    const v = values(y);
    expect(v.every((e) => e === 0 || Math.abs(e - 4 / 3) < 1e-15)).toBe(true);
    const dropped = v.filter((e) => e === 0).length / v.length;
    expect(Math.abs(dropped - 0.25)).toBeLessThan(0.02);
  });

  test('deterministic with a seed: the same seed gives the same mask; the global one follows manualSeed', () => {
    const x = ones([64]);
    const a = new Dropout(0.5, { random: seededRandom(3) });
    const b = new Dropout(0.5, { random: seededRandom(3) });
    const first = values(a.forward(x));
    expect(values(b.forward(x))).toEqual(first);
    expect(values(a.forward(x))).not.toEqual(first); // the generator advances
    manualSeed(11);
    const c = values(new Dropout(0.5).forward(x));
    manualSeed(11);
    expect(values(new Dropout(0.5).forward(x))).toEqual(c);
  });

  test('identity in eval mode and for p = 0; zeros for p = 1; gradient is the same mask', () => {
    const x = randn([3, 4], { random });
    expect(new Dropout(0.5).eval().forward(x)).toBe(x);
    expect(new Dropout(0).forward(x)).toBe(x);
    expect(values(new Dropout(1).forward(x)).every((v) => v === 0)).toBe(true);
    const leaf = randn([50], { dtype: 'float64', requiresGrad: true, random });
    const y = dropout(leaf, 0.4, true, seededRandom(8));
    y.sum().backward();
    const g = values(leaf.grad!);
    values(y).forEach((v, i) => expect(g[i]).toBe(v === 0 ? 0 : 1 / 0.6));
    expect(() => new Dropout(1.5)).toThrow(/p must be a probability in \[0, 1\], got 1.5/);
  });
});

describe('activations, pooling, Flatten, Identity', () => {
  test('each wraps its op', () => {
    const x = f64([-2, 0, 3]);
    expect(new Relu().forward(x).toArray()).toEqual([0, 0, 3]);
    expect(new LeakyRelu(0.1).forward(x).toArray()).toEqual([-0.2, 0, 3]);
    expect(new LeakyRelu().negativeSlope).toBe(0.01);
    expectAllClose(new Sigmoid().forward(x), [-2, 0, 3].map((v) => 1 / (1 + Math.exp(-v))));
    expectAllClose(new Tanh().forward(x), [-2, 0, 3].map(Math.tanh));
    expect(values(new Gelu().forward(x))[1]).toBe(0);
    expectAllClose(new Gelu('tanh').forward(f64([1])), [0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * 1.044715))]);
    expectAllClose(new Softmax(0).forward(f64([[0, 0], [Math.log(3), 0]])), [0.25, 0.5, 0.75, 0.5]);
    expectAllClose(new Softmax().forward(f64([[0, Math.log(3)]])), [0.25, 0.75]);
    expect(new Identity().forward(x)).toBe(x);
  });

  test('pooling layers and Flatten', () => {
    const x = tensor(Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4], { dtype: 'float64' });
    expect(new MaxPool2d(2).forward(x).toArray()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(new AvgPool2d(2).forward(x).toArray()).toEqual([[[[2.5, 4.5], [10.5, 12.5]]]]);
    expect(new MaxPool2d(3, { stride: 1, padding: 1 }).forward(x).shape).toEqual([1, 1, 4, 4]);
    expect(new AdaptiveAvgPool2d(1).forward(x).toArray()).toEqual([[[[7.5]]]]);
    expect(new Flatten().forward(zeros([2, 3, 4, 5])).shape).toEqual([2, 60]);
    expect(new Flatten(0).forward(zeros([2, 3])).shape).toEqual([6]);
    expect(new Flatten(1, 2).forward(zeros([2, 3, 4, 5])).shape).toEqual([2, 12, 5]);
  });
});

describe('Embedding', () => {
  test('N(0, 1) table; the padding row starts at zero and gets no gradient', () => {
    const emb = new Embedding(6, 3, { paddingIdx: -2, random: seededRandom(4) });
    expect(emb.paddingIdx).toBe(4);
    expect(Object.keys(emb.stateDict())).toEqual(['weight']);
    const rows = emb.weight.toArray() as number[][];
    expect(rows[4]).toEqual([0, 0, 0]);
    expect(rows.filter((r) => r.every((v) => v === 0))).toHaveLength(1);
    const y = emb.forward(tensor([[4, 1], [1, 4]], { dtype: 'int32' }));
    expect(y.shape).toEqual([2, 2, 3]);
    y.sum().backward();
    expect(emb.weight.grad!.toArray()).toEqual([[0, 0, 0], [2, 2, 2], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expect(() => emb.forward(tensor([6], { dtype: 'int32' }))).toThrow(/index 6 is out of range for 6 embeddings/);
    expect(() => new Embedding(6, 3, { paddingIdx: 6 })).toThrow(/paddingIdx 6 is out of range/);
  });
});

describe('every layer with parameters passes gradcheck through the layer (float64)', () => {
  const r = seededRandom(21);
  const cases: [string, () => { layer: { forward(x: Tensor): Tensor; parameters(): Tensor[] }; x: Tensor }][] = [
    ['Conv2d (stride 2, padding 1, groups 2)', () => ({ layer: new Conv2d(4, 2, 3, { stride: 2, padding: 1, groups: 2, dtype: 'float64', random: r }), x: randn([2, 4, 4, 4], { dtype: 'float64', random: r }) })],
    ['BatchNorm2d in training', () => ({ layer: new BatchNorm2d(3, { dtype: 'float64' }), x: randn([2, 3, 2, 2], { dtype: 'float64', random: r }) })],
    ['BatchNorm1d in eval', () => {
      const bn = new BatchNorm1d(3, { dtype: 'float64' });
      bn.forward(randn([4, 3], { dtype: 'float64', random: r }));
      return { layer: bn.eval(), x: randn([4, 3], { dtype: 'float64', random: r }) };
    }],
    ['LayerNorm', () => ({ layer: new LayerNorm([2, 3], { dtype: 'float64' }), x: randn([2, 2, 3], { dtype: 'float64', random: r }) })],
  ];
  for (const [name, make] of cases) {
    test(name, () => {
      const { layer, x } = make();
      for (const p of layer.parameters()) p.assign(randn(p.shape, { dtype: 'float64', random: r }));
      // gradcheck perturbs the input and the parameters' own storage, which forward reads.
      gradcheck((input) => layer.forward(input!), [x.requiresGrad_(), ...layer.parameters()]);
    });
  }
});
