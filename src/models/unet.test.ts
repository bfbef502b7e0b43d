import { describe, expect, test } from 'vitest';
import { F, optim, randn, seededRandom, tensor, zeros } from '../index.js';
import { UNet, DoubleConv } from './unet.js';

describe('UNet', () => {
  test('parameter counts equal PyTorch’s for the same modules (printed by scripts/make-unet-fixtures.py)', () => {
    expect(new UNet({ numClasses: 11, depth: 3, width: 16 }).numParameters()).toBe(482_619);
    expect(new UNet({ numClasses: 11, depth: 3, width: 8 }).numParameters()).toBe(121_123);
    expect(new UNet({ numClasses: 11, depth: 4, width: 64 }).numParameters()).toBe(31_037_131);
  });

  test('DoubleConv counts by hand: two 3×3 convs without bias and two BatchNorms', () => {
    // conv1 1·8·9 = 72, bn1 2·8 = 16, conv2 8·8·9 = 576, bn2 16: 680. Without BN the convs get biases: 80 + 584 = 664.
    expect(new DoubleConv(1, 8).numParameters()).toBe(680);
    expect(new DoubleConv(1, 8, { batchNorm: false }).numParameters()).toBe(664);
  });

  test('state-dict names follow the table in the header', () => {
    const keys = Object.keys(new UNet({ depth: 1, width: 2 }).stateDict());
    expect(keys).toEqual([
      'encoders.0.conv1.weight', 'encoders.0.bn1.weight', 'encoders.0.bn1.bias', 'encoders.0.bn1.running_mean', 'encoders.0.bn1.running_var', 'encoders.0.bn1.num_batches_tracked',
      'encoders.0.conv2.weight', 'encoders.0.bn2.weight', 'encoders.0.bn2.bias', 'encoders.0.bn2.running_mean', 'encoders.0.bn2.running_var', 'encoders.0.bn2.num_batches_tracked',
      'bottleneck.conv1.weight', 'bottleneck.bn1.weight', 'bottleneck.bn1.bias', 'bottleneck.bn1.running_mean', 'bottleneck.bn1.running_var', 'bottleneck.bn1.num_batches_tracked',
      'bottleneck.conv2.weight', 'bottleneck.bn2.weight', 'bottleneck.bn2.bias', 'bottleneck.bn2.running_mean', 'bottleneck.bn2.running_var', 'bottleneck.bn2.num_batches_tracked',
      'ups.0.weight', 'ups.0.bias',
      'decoders.0.conv1.weight', 'decoders.0.bn1.weight', 'decoders.0.bn1.bias', 'decoders.0.bn1.running_mean', 'decoders.0.bn1.running_var', 'decoders.0.bn1.num_batches_tracked',
      'decoders.0.conv2.weight', 'decoders.0.bn2.weight', 'decoders.0.bn2.bias', 'decoders.0.bn2.running_mean', 'decoders.0.bn2.running_var', 'decoders.0.bn2.num_batches_tracked',
      'head.weight', 'head.bias',
    ]);
    const bilinear = Object.keys(new UNet({ depth: 1, width: 2, upsampling: 'bilinear', batchNorm: false }).stateDict());
    expect(bilinear).toEqual([
      'encoders.0.conv1.weight', 'encoders.0.conv1.bias', 'encoders.0.conv2.weight', 'encoders.0.conv2.bias',
      'bottleneck.conv1.weight', 'bottleneck.conv1.bias', 'bottleneck.conv2.weight', 'bottleneck.conv2.bias',
      'ups.0.1.weight', 'ups.0.1.bias',
      'decoders.0.conv1.weight', 'decoders.0.conv1.bias', 'decoders.0.conv2.weight', 'decoders.0.conv2.bias',
      'head.weight', 'head.bias',
    ]);
  });

  test('the output map has the input’s size, for both up-samplings and non-square inputs', () => {
    for (const upsampling of ['transpose', 'bilinear'] as const) {
      const model = new UNet({ inChannels: 2, numClasses: 4, depth: 2, width: 4, upsampling });
      expect(model.forward(zeros([3, 2, 8, 12])).shape).toEqual([3, 4, 8, 12]);
    }
    expect(new UNet({ numClasses: 11, depth: 3, width: 16 }).forward(zeros([1, 1, 64, 64])).shape).toEqual([1, 11, 64, 64]);
  });

  test('the summary lists every level’s shape', () => {
    const text = new UNet({ numClasses: 3, depth: 2, width: 4 }).summary([1, 1, 16, 16], { print: false });
    expect(text).toContain('[1, 16, 4, 4]'); // bottleneck: 2^2·4 channels at 16/4
    expect(text).toContain('[1, 3, 16, 16]'); // head
  });

  test('errors name the model and the shapes', () => {
    const model = new UNet({ depth: 3, width: 2 });
    expect(() => model.forward(zeros([1, 1, 12, 16]))).toThrow('UNet: expected input [N, 1, H, W] with H and W multiples of 2^depth = 8, got [1,1,12,16]');
    expect(() => model.forward(zeros([1, 2, 16, 16]))).toThrow(RangeError);
    expect(() => new UNet({ depth: 0 })).toThrow('UNet: depth must be a positive integer, got 0');
    expect(() => new UNet({ upsampling: 'nearest' as 'bilinear' })).toThrow("UNet: upsampling must be 'transpose' or 'bilinear', got 'nearest'");
  });

  test('overfits one fixed batch of masks: pixel accuracy reaches 100% within 60 Adam steps', () => {
    const random = seededRandom(3);
    const model = new UNet({ numClasses: 3, depth: 2, width: 4, random });
    const x = randn([2, 1, 16, 16], { random });
    // Masks that depend on the image: class 1 where x > 0.5, class 2 where x < −0.5.
    const y = tensor(Array.from(x.storage, (v) => (v > 0.5 ? 1 : v < -0.5 ? 2 : 0)), { dtype: 'int32' }).reshape([2, 16, 16]);
    const opt = new optim.Adam(model.parameters(), { lr: 0.02 });
    let accuracy = 0;
    for (let step = 0; step < 60 && accuracy < 1; step++) {
      const logits = model.forward(x);
      const loss = F.crossEntropy(logits, y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      const predicted = logits.argmax(1).storage;
      accuracy = predicted.filter((p, i) => p === y.storage[i]).length / y.numel();
    }
    expect(accuracy).toBe(1);
  });
});
