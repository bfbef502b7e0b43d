/**
 * The layers of issue 20's "missing layers" list: parameter names and shapes, output shapes,
 * PyTorch's default initialisation, errors, printing, and cpu-vs-wasm parity on shapes large
 * enough for the wasm kernels to split work over threads. Values against PyTorch are in
 * torch-parity2.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendKernels, useKernels, type Kernels } from '../autograd/backends/index.js';
import { cpuKernels } from '../autograd/backends/cpu/index.js';
import { randn, tensor, zeros } from '../autograd/creation.js';
import { gradcheck } from '../autograd/gradcheck.js';
import { seededRandom } from '../autograd/random.js';
import { onSplitWasm } from '../autograd/test-utils.js';
import type { Tensor } from '../autograd/tensor.js';
import { Elu, Hardsigmoid, Hardswish, Mish, Silu, Softplus } from './activations.js';
import { Bilinear } from './bilinear.js';
import { Sequential } from './containers.js';
import { ConvTranspose2d } from './conv-transpose.js';
import { Conv1d } from './conv1d.js';
import { GroupNorm } from './group-norm.js';
import { InstanceNorm1d, InstanceNorm2d } from './instance-norm.js';
import type { Module } from './module.js';
import { PixelShuffle, PixelUnshuffle } from './pixel-shuffle.js';
import { Upsample, UpsamplingBilinear2d, UpsamplingNearest2d } from './upsample.js';

const random = seededRandom(42);
const values = (t: Tensor): number[] => [...t.dataSync()];
const maxAbs = (t: Tensor): number => Math.max(...values(t).map(Math.abs));

describe('ConvTranspose2d', () => {
  test('weight [Cin, Cout/groups, KH, KW]; output sizes for stride, padding, outputPadding, dilation, groups', () => {
    const x = zeros([2, 4, 5, 5]);
    const up = new ConvTranspose2d(4, 6, 2, { stride: 2, random });
    expect(up.weight.shape).toEqual([4, 6, 2, 2]);
    expect(up.forward(x).shape).toEqual([2, 6, 10, 10]);
    expect(new ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, random }).forward(x).shape).toEqual([2, 6, 10, 10]);
    expect(new ConvTranspose2d(4, 6, 3, { dilation: 2, random }).forward(x).shape).toEqual([2, 6, 9, 9]);
    const grouped = new ConvTranspose2d(4, 6, [1, 2], { groups: 2, bias: false, random });
    expect(grouped.weight.shape).toEqual([4, 3, 1, 2]);
    expect(grouped.forward(x).shape).toEqual([2, 6, 5, 6]);
    expect(grouped.namedParameters().map(([name]) => name)).toEqual(['weight']);
  });

  test('forward(x, outputSize) picks the outputPadding, as PyTorch\'s output_size', () => {
    const layer = new ConvTranspose2d(2, 2, 3, { stride: 2, padding: 1, random });
    const x = zeros([1, 2, 4, 4]);
    expect(layer.forward(x).shape).toEqual([1, 2, 7, 7]);
    expect(layer.forward(x, [8, 7]).shape).toEqual([1, 2, 8, 7]);
    expect(() => layer.forward(x, [9, 7])).toThrow(/ConvTranspose2d: outputSize \[9, 7\] is out of reach for input \[1,2,4,4\]: axis 2 can be 7 to 8/);
  });

  test('default initialisation bound is 1/√(Cout/groups · KH · KW), read from the weight\'s shape as PyTorch does', () => {
    // Weight [4, 16, 3, 3]: fanIn = 16·9 = 144, bound 1/12 (not Cin·9 = 36, bound 1/6).
    const layer = new ConvTranspose2d(4, 32, 3, { groups: 2, random: seededRandom(2) });
    for (const t of [layer.weight, layer.bias!]) expect(maxAbs(t)).toBeLessThanOrEqual(1 / 12);
    expect(maxAbs(layer.weight)).toBeGreaterThan(0.95 / 12); //                      576 draws come close to the bound
  });

  test('errors name the layer and the options; printing shows what differs from the defaults', () => {
    expect(() => new ConvTranspose2d(4, 6, 3, { groups: 4 })).toThrow(/ConvTranspose2d: groups=4 must divide both inChannels=4 and outChannels=6/);
    expect(() => new ConvTranspose2d(4, 6, 3, { stride: 2, outputPadding: 2 })).toThrow(/outputPadding \[2, 2\] must be smaller than stride \[2, 2\] or dilation \[1, 1\]/);
    expect(() => new ConvTranspose2d(4, 6, 3).forward(zeros([1, 3, 4, 4]))).toThrow(/ConvTranspose2d: expected input \[N, 4, H, W\], got \[1,3,4,4\]/);
    expect(new ConvTranspose2d(4, 6, 2, { stride: 2, bias: false }).toString()).toContain('ConvTranspose2d(4, 6, kernelSize=[2, 2], stride=[2, 2], bias=false)');
  });
});

describe('Conv1d', () => {
  test('weight [O, C/groups, K]; output lengths; initialisation bound 1/√(C/groups · K)', () => {
    const x = zeros([2, 4, 20]);
    const conv = new Conv1d(4, 6, 5, { random });
    expect(conv.weight.shape).toEqual([6, 4, 5]);
    expect(conv.forward(x).shape).toEqual([2, 6, 16]);
    expect(new Conv1d(4, 6, 5, { padding: 'same', random }).forward(x).shape).toEqual([2, 6, 20]);
    expect(new Conv1d(4, 6, 3, { stride: 2, padding: 1, dilation: 2, groups: 2, random }).forward(x).shape).toEqual([2, 6, 9]);
    const init = new Conv1d(8, 16, 4, { groups: 2, random: seededRandom(3) }); // fanIn = 4·4 = 16
    for (const t of [init.weight, init.bias!]) {
      expect(maxAbs(t)).toBeLessThanOrEqual(0.25);
      expect(maxAbs(t)).toBeGreaterThan(0.2);
    }
  });

  test('errors name the layer', () => {
    expect(() => new Conv1d(4, 6, 3, { padding: 'same', stride: 2 })).toThrow(/Conv1d: padding 'same' needs stride 1/);
    expect(() => new Conv1d(4, 6, 0)).toThrow(/Conv1d: kernelSize must be an integer ≥ 1, got 0/);
    expect(() => new Conv1d(4, 6, 3).forward(zeros([2, 4, 5, 5]))).toThrow(/Conv1d: expected input \[N, 4, L\], got \[2,4,5,5\]/);
    expect(new Conv1d(4, 6, 3, { padding: 'same' }).toString()).toContain("Conv1d(4, 6, kernelSize=3, padding=\"same\")");
  });
});

describe('Upsample', () => {
  test('sizes and modes; the fixed-mode spellings', () => {
    const x = zeros([1, 3, 8, 6]);
    expect(new Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(x).shape).toEqual([1, 3, 16, 12]);
    expect(new Upsample({ size: [5, 7] }).forward(x).shape).toEqual([1, 3, 5, 7]);
    expect(new UpsamplingNearest2d({ scaleFactor: 2 }).forward(zeros([1, 1, 2, 2])).shape).toEqual([1, 1, 4, 4]);
    expect(new UpsamplingBilinear2d({ size: 3 }).forward(zeros([1, 1, 2, 2])).shape).toEqual([1, 1, 3, 3]);
    // UpsamplingBilinear2d aligns corners: the corners of the input are kept.
    const y = new UpsamplingBilinear2d({ size: 3 }).forward(tensor([[[[1, 2], [3, 4]]]]));
    expect(values(y)).toEqual([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
    expect(new Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false }).toString()).toContain("Upsample(scaleFactor=2, mode='bilinear', alignCorners=false)");
    expect(() => new Upsample({})).toThrow(/Upsample: give exactly one of size and scaleFactor/);
  });
});

describe('GroupNorm and InstanceNorm', () => {
  test('parameter and buffer names follow PyTorch; defaults differ as in PyTorch (InstanceNorm: no affine, no running statistics)', () => {
    expect(new GroupNorm(2, 6).namedParameters().map(([n, p]) => `${n} [${p.shape.join(',')}]`)).toEqual(['weight [6]', 'bias [6]']);
    expect(new GroupNorm(2, 6, { affine: false }).numParameters()).toBe(0);
    expect(Object.keys(new InstanceNorm2d(3).stateDict())).toEqual([]);
    expect(Object.keys(new InstanceNorm2d(3, { affine: true, trackRunningStats: true }).stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
  });

  test('GroupNorm does not depend on the rest of the batch; InstanceNorm takes unbatched input', () => {
    const x = randn([3, 4, 5, 5], { dtype: 'float64', random });
    const gn = new GroupNorm(2, 4, { dtype: 'float64' });
    const alone = gn.forward(x.slice([{ start: 1, stop: 2 }]));
    expect(values(alone)).toEqual(values(gn.forward(x).slice([{ start: 1, stop: 2 }])));
    const inorm = new InstanceNorm2d(4, { dtype: 'float64' });
    expect(values(inorm.forward(x.slice([1])))).toEqual(values(inorm.forward(x).slice([1])));
    expect(new InstanceNorm1d(4).forward(zeros([4, 7])).shape).toEqual([4, 7]);
  });

  test('errors name the layer and the layout', () => {
    expect(() => new GroupNorm(4, 6)).toThrow(/GroupNorm: numChannels=6 must be divisible by numGroups=4/);
    expect(() => new GroupNorm(2, 6).forward(zeros([2, 4, 3]))).toThrow(/GroupNorm: expected input \[N, 6, \*\], got \[2,4,3\]/);
    expect(() => new InstanceNorm2d(3).forward(zeros([2, 3, 4]))).toThrow(/InstanceNorm2d: expected input \[N, C, H, W\] or \[C, H, W\] with C = 3, got \[2,3,4\]/);
    expect(() => new InstanceNorm1d(3, { momentum: 2 })).toThrow(/InstanceNorm1d: momentum must be in \[0, 1\], got 2/);
  });
});

describe('PixelShuffle, Bilinear and the activations', () => {
  test('shapes, names and printing', () => {
    expect(new PixelShuffle(2).forward(zeros([1, 8, 3, 3])).shape).toEqual([1, 2, 6, 6]);
    expect(new PixelUnshuffle(2).forward(zeros([1, 2, 6, 6])).shape).toEqual([1, 8, 3, 3]);
    const bl = new Bilinear(3, 4, 5, { random });
    expect(bl.namedParameters().map(([n, p]) => `${n} [${p.shape.join(',')}]`)).toEqual(['weight [5,3,4]', 'bias [5]']);
    expect(bl.forward(zeros([2, 3]), zeros([2, 4])).shape).toEqual([2, 5]);
    expect(maxAbs(bl.weight)).toBeLessThanOrEqual(1 / Math.sqrt(3)); //             U(−1/√in1, 1/√in1)
    expect(new Softplus(2, 5).toString()).toContain('Softplus(beta=2, threshold=5)');
    expect(new Elu(0.5).toString()).toContain('Elu(alpha=0.5)');
    expect(() => new Softplus(0)).toThrow(/Softplus: beta must be a finite non-zero number, got 0/);
  });

  test('they compose in a Sequential: a small decoder', () => {
    const decoder = new Sequential(
      new ConvTranspose2d(4, 8, 2, { stride: 2, random }), new GroupNorm(2, 8), new Silu(),
      new Upsample({ scaleFactor: 2, mode: 'bilinear' }), new InstanceNorm2d(8, { affine: true }), new Mish(),
      new PixelShuffle(2), new Hardswish(), new Hardsigmoid(), new Elu(), new Softplus(),
    );
    expect(decoder.forward(zeros([1, 4, 3, 3])).shape).toEqual([1, 2, 24, 24]);
  });

  test('gradients through the layers pass gradcheck (float64)', () => {
    const r = seededRandom(8);
    const ct = new ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1, dtype: 'float64', random: r });
    gradcheck((x: Tensor, w: Tensor) => { ct.weight.assign(w); return ct.forward(x); },
      [randn([1, 2, 2, 3], { dtype: 'float64', requiresGrad: true, random: r }), ct.weight]);
    const bl = new Bilinear(2, 3, 2, { dtype: 'float64', random: r });
    gradcheck((a: Tensor, b: Tensor) => bl.forward(a, b), [randn([3, 2], { dtype: 'float64', requiresGrad: true, random: r }), randn([3, 3], { dtype: 'float64', requiresGrad: true, random: r })]);
  });
});

// Shapes of a small U-Net's up path: big enough that the wasm matmul and conv kernels split the work.
describe('cpu and wasm agree on larger shapes (float32, rtol 1e-4, atol 1e-5)', () => {
  let wasm: Kernels;
  beforeAll(async () => {
    wasm = await backendKernels('wasm');
  });
  afterAll(() => {
    useKernels(cpuKernels);
  });

  const CASES: readonly [string, () => Module<[Tensor], Tensor>, number[]][] = [
    ['ConvTranspose2d 32→16 k2 stride 2', () => new ConvTranspose2d(32, 16, 2, { stride: 2, random: seededRandom(1) }), [2, 32, 12, 12]],
    ['ConvTranspose2d 16→8 k3 stride 2 padding 1 outputPadding 1', () => new ConvTranspose2d(16, 8, 3, { stride: 2, padding: 1, outputPadding: 1, random: seededRandom(2) }), [2, 16, 10, 10]],
    ['Conv1d 16→24 k5 same', () => new Conv1d(16, 24, 5, { padding: 'same', random: seededRandom(3) }), [4, 16, 50]],
    ['Upsample bilinear ×2', () => new Upsample({ scaleFactor: 2, mode: 'bilinear' }), [2, 16, 14, 14]],
    ['GroupNorm(4, 32)', () => new GroupNorm(4, 32), [2, 32, 8, 8]],
  ];

  function run(kernels: Kernels, make: () => Module<[Tensor], Tensor>, shape: number[]): number[][] {
    const previous = useKernels(kernels);
    try {
      const layer = make();
      const x = randn(shape, { requiresGrad: true, random: seededRandom(7) });
      const y = layer.forward(x);
      y.backward(randn(y.shape, { random: seededRandom(8) }));
      return [values(y), values(x.grad!), ...layer.parameters().map((p) => values(p.grad!))];
    } finally {
      useKernels(previous);
    }
  }

  function expectAgree(got: number[][], want: number[][], what: string): void {
    expect(got.length).toBe(want.length);
    got.forEach((g, k) => g.forEach((v, i) => {
      const w = want[k]![i]!;
      if (!(Math.abs(v - w) <= 1e-5 + 1e-4 * Math.abs(w))) expect.fail(`${what}: tensor ${k} element ${i}: wasm ${v}, cpu ${w}`);
    }));
  }

  for (const [name, make, shape] of CASES) {
    test(name, () => {
      const onCpu = run(cpuKernels, make, shape);
      expectAgree(run(wasm, make, shape), onCpu, `${name} on wasm`);
      onSplitWasm(wasm, 3, () => expectAgree(run(wasm, make, shape), onCpu, `${name} on wasm split over 3 threads`));
    });
  }
});
