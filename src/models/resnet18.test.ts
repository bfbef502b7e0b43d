import { describe, expect, test } from 'vitest';
import { F, manualSeed, noGrad, optim, randint, randn, type Tensor } from '../index.js';
import { BasicBlock, ResNet18 } from './resnet18.js';

const maxAbs = (t: Tensor): number => {
  let m = 0;
  for (const v of t.storage) m = Math.max(m, Math.abs(v));
  return m;
};

describe('ResNet18: structure', () => {
  test('has exactly 11,689,512 parameters at the defaults, as torchvision.models.resnet18', () => {
    // A constant generator: the count does not depend on the values, and drawing 11.7 M normals takes seconds.
    expect(new ResNet18({ random: () => 0.5 }).numParameters()).toBe(11_689_512);
  });

  test('uses torchvision state-dict names, in torchvision order (122 entries)', () => {
    const keys = Object.keys(new ResNet18({ width: 2 }).stateDict());
    expect(keys).toHaveLength(122); // 62 parameters + 60 buffers (20 BatchNorms × 3)
    expect(keys.slice(0, 6)).toEqual(['conv1.weight', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'bn1.num_batches_tracked']);
    expect(keys.slice(6, 8)).toEqual(['layer1.0.conv1.weight', 'layer1.0.bn1.weight']);
    expect(keys).toContain('layer2.0.downsample.0.weight');
    expect(keys).toContain('layer2.0.downsample.1.running_var');
    expect(keys).not.toContain('layer1.0.downsample.0.weight'); // layer1 keeps stride and channels: identity shortcut
    expect(keys).not.toContain('layer2.1.downsample.0.weight');
    expect(keys.slice(-2)).toEqual(['fc.weight', 'fc.bias']);
  });

  test('cifar stem: 3×3 stride-1 conv and no max-pool; width and channels scale every stage', () => {
    const m = new ResNet18({ stem: 'cifar', inChannels: 1, numClasses: 10, width: 4 });
    expect(m.conv1.weight.shape).toEqual([4, 1, 3, 3]);
    expect(m.maxpool).toBeNull();
    expect(m.layer4.at(1).namedParameters().find(([n]) => n === 'conv2.weight')![1].shape).toEqual([32, 32, 3, 3]);
    expect(m.fc.weight.shape).toEqual([10, 32]);
    expect(new ResNet18({ width: 4 }).conv1.weight.shape).toEqual([4, 3, 7, 7]);
  });

  test('output shapes for both stems', () => {
    noGrad(() => {
      expect(new ResNet18({ width: 2 }).eval().forward(randn([2, 3, 64, 64])).shape).toEqual([2, 1000]);
      expect(new ResNet18({ width: 2, stem: 'cifar', inChannels: 1, numClasses: 10 }).eval().forward(randn([3, 1, 28, 28])).shape).toEqual([3, 10]);
      expect(new BasicBlock(4, 8, 2).forward(randn([1, 4, 9, 9])).shape).toEqual([1, 8, 5, 5]);
    });
  });

  test('summary() prints the table of shapes (224 px, width 8: layer4 gives [1, 64, 7, 7])', () => {
    const text = new ResNet18({ width: 8 }).summary([1, 3, 224, 224], { print: false });
    for (const line of ['[1, 8, 112, 112]', '[1, 8, 56, 56]', '[1, 16, 28, 28]', '[1, 32, 14, 14]', '[1, 64, 7, 7]', '[1, 1000]']) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/BasicBlock/);
  });

  test('refuses bad options and inputs with messages that name the model and shapes', () => {
    expect(() => new ResNet18({ width: 0 })).toThrow(/ResNet18: width must be a positive integer, got 0/);
    expect(() => new ResNet18({ stem: 'mnist' as 'cifar' })).toThrow(/stem must be 'imagenet' or 'cifar'/);
    expect(() => new ResNet18({ width: 2 }).forward(randn([1, 1, 32, 32]))).toThrow('ResNet18: expected input [N, 3, H, W], got [1,1,32,32]');
  });
});

describe('ResNet18: inference with BatchNorm folded into the convs', () => {
  test('fuseForInference() gives the eval-mode logits (both stems) and has no BatchNorm left', () => {
    manualSeed(3);
    for (const options of [{ width: 8, numClasses: 10 }, { width: 4, stem: 'cifar', inChannels: 1 }] as const) {
      const model = new ResNet18(options);
      const x = randn([2, options.stem === 'cifar' ? 1 : 3, 32, 32]);
      noGrad(() => { // move the running statistics and BN γ, β away from their initial values
        for (let i = 0; i < 3; i++) model.forward(randn(x.shape).mul(2).add(0.5));
        for (const [name, p] of model.namedParameters()) if (/bn|downsample\.1/.test(name)) p.assign(randn(p.shape).mul(0.2).add(name.endsWith('weight') ? 1 : 0));
      });
      model.eval();
      const fused = model.fuseForInference();
      const [expected, actual] = noGrad(() => [model.forward(x), fused.forward(x)]);
      let diff = 0;
      for (let i = 0; i < expected.numel(); i++) diff = Math.max(diff, Math.abs(expected.storage[i]! - actual.storage[i]!));
      expect(diff).toBeLessThanOrEqual(1e-4 * maxAbs(expected));
      expect(fused.modules().some((m) => m.constructor.name.startsWith('BatchNorm'))).toBe(false);
    }
  });
});

describe('ResNet18: learns', () => {
  test('overfits one fixed batch of 8 (cifar stem, width 4, seed 0) to loss < 0.05 in 25 Adam steps', () => {
    manualSeed(0);
    const model = new ResNet18({ stem: 'cifar', inChannels: 1, numClasses: 4, width: 4 });
    const x = randn([8, 1, 12, 12]);
    const y = randint(0, 4, [8]);
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.02 });
    let loss = Infinity;
    for (let step = 0; step < 25; step++) {
      const l = F.crossEntropy(model.forward(x), y);
      optimizer.zeroGrad();
      l.backward();
      optimizer.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.05);
  });
});
