/**
 * ResNet-18 (He et al. 2015, "Deep Residual Learning for Image Recognition", Table 1, 18-layer
 * column), written from the paper with torchvision's parameter and buffer names, so a
 * torchvision `resnet18().state_dict()` saved as safetensors loads with `strict: true`.
 *
 *   input                                        [N, 3, 224, 224]
 *   stem: conv7×7/2, bn, relu, maxpool3×3/2      → [N, 64, 56, 56]
 *   layer1: 2 × BasicBlock(64)                   → [N, 64, 56, 56]
 *   layer2: 2 × BasicBlock(128), first stride 2  → [N, 128, 28, 28]
 *   layer3: 2 × BasicBlock(256), first stride 2  → [N, 256, 14, 14]
 *   layer4: 2 × BasicBlock(512), first stride 2  → [N, 512, 7, 7]
 *   global average pool, fc                      → [N, classes]
 * With 1000 classes: 11,689,512 parameters, the same as torchvision's count. Options, shortcuts
 * and initialisation: ResNet18Options and BasicBlock below; inference rewrite: fold-bn.ts.
 */
import type { FloatDType } from '../autograd/dtype.js';
import { add } from '../autograd/ops/elementwise.js';
import { flatten } from '../autograd/ops/shape.js';
import { defaultRandom, type Random } from '../autograd/random.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../layers/pooling.js';
import { BatchNorm2d } from '../layers/batch-norm.js';
import { Sequential } from '../layers/containers.js';
import { Conv2d } from '../layers/conv2d.js';
import { kaimingNormal } from '../layers/init.js';
import { Linear } from '../layers/linear.js';
import { Module } from '../layers/module.js';
import { Relu } from '../layers/activations.js';
import { FusedResNet18 } from './fold-bn.js';

/**
 * ResNet-18's first layers: 'imagenet' (7×7 conv, stride 2, and a max-pool, torchvision's) or 'cifar' (one 3×3 conv, for 28–32 px images).
 */
export type ResNetStem = 'imagenet' | 'cifar';

/**
 * `stem: 'cifar'` swaps the stem for a 3×3 stride-1 conv and no max-pool (for 28–32 px images,
 * where the ImageNet stem would shrink 32 px to 8 px before the first block); `width` scales every
 * channel count (64 → width, 128 → 2·width, …) for small tests. Initialisation follows
 * torchvision: convs kaiming-normal (fan_out, relu), BN γ = 1, β = 0, fc PyTorch's default.
 */
export interface ResNet18Options {
  /** Size of the classifier's output (default 1000, ImageNet's). */
  readonly numClasses?: number;
  /** Channels of the input images (default 3; 1 for grey images). */
  readonly inChannels?: number;
  /** 'imagenet' (7×7/2 conv + max-pool, the default) or 'cifar' (3×3/1 conv, no pool). */
  readonly stem?: ResNetStem;
  /** Channels of the stem and layer1 (default 64); layer2…4 use 2×, 4×, 8× this. */
  readonly width?: number;
  readonly dtype?: FloatDType;
  /** Source of the initial weights (default: the global seeded generator). */
  readonly random?: Random;
}

/** A conv without bias, initialised as torchvision does: kaiming-normal, fan_out, relu. */
function convNoBias(inC: number, outC: number, kernel: number, stride: number, padding: number, dtype: FloatDType, random: Random): Conv2d {
  const conv = new Conv2d(inC, outC, kernel, { stride, padding, bias: false, dtype, random });
  kaimingNormal(conv.weight, { mode: 'fan_out', nonlinearity: 'relu', random });
  return conv;
}

/**
 * The basic residual block: y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), two 3×3
 * convs; the shortcut is x itself, or — when the stride or the channels change — a 1×1 conv + BN
 * ("option B" of the paper), named `downsample.0` / `downsample.1` as in torchvision.
 * @example new BasicBlock(8, 16, 2).forward(zeros([1, 8, 8, 8])).shape  // [1, 16, 4, 4]
 */
export class BasicBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: Relu;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  /** The projection shortcut (conv 1×1 / stride, BN), or null for the identity. */
  readonly downsample: Sequential | null;
  readonly stride: number;

  constructor(inChannels: number, outChannels: number, stride = 1, options: { readonly dtype?: FloatDType; readonly random?: Random } = {}) {
    super();
    const { dtype = 'float32' } = options;
    const random = options.random ?? defaultRandom();
    this.stride = stride;
    this.conv1 = this.child('conv1', convNoBias(inChannels, outChannels, 3, stride, 1, dtype, random));
    this.bn1 = this.child('bn1', new BatchNorm2d(outChannels, { dtype }));
    this.relu = this.child('relu', new Relu());
    this.conv2 = this.child('conv2', convNoBias(outChannels, outChannels, 3, 1, 1, dtype, random));
    this.bn2 = this.child('bn2', new BatchNorm2d(outChannels, { dtype }));
    this.downsample = stride !== 1 || inChannels !== outChannels
      ? this.child('downsample', new Sequential(convNoBias(inChannels, outChannels, 1, stride, 0, dtype, random), new BatchNorm2d(outChannels, { dtype })))
      : null;
  }

  forward(x: Tensor): Tensor {
    const h = this.relu.forward(this.bn1.forward(this.conv1.forward(x))); //  [N, out, H/s, W/s]
    const y = this.bn2.forward(this.conv2.forward(h)); //                      [N, out, H/s, W/s]
    const identity = this.downsample ? this.downsample.forward(x) : x; // [N, out, H/s, W/s]
    return this.relu.forward(add(y, identity)); //                             relu(F(x) + x); fold-bn.ts fuses the two for inference
  }

  protected override extraRepr(): string {
    return `${this.conv1.inChannels} → ${this.conv1.outChannels}, stride=${this.stride}`;
  }
}

/**
 * ResNet-18: a stem, four stages of two BasicBlocks, global average pooling and a linear head.
 * @example new ResNet18().numParameters()  // 11689512
 */
export class ResNet18 extends Module {
  readonly numClasses: number;
  readonly inChannels: number;
  readonly stem: ResNetStem;
  readonly width: number;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: Relu;
  /** The stem's 3×3/2 max-pool, or null with the cifar stem. */
  readonly maxpool: MaxPool2d | null;
  readonly layer1: Sequential;
  readonly layer2: Sequential;
  readonly layer3: Sequential;
  readonly layer4: Sequential;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly fc: Linear;

  constructor(options: ResNet18Options = {}) {
    super();
    const { numClasses = 1000, inChannels = 3, stem = 'imagenet', width = 64, dtype = 'float32' } = options;
    for (const [name, v] of [['numClasses', numClasses], ['inChannels', inChannels], ['width', width]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`ResNet18: ${name} must be a positive integer, got ${v}`);
    }
    if (stem !== 'imagenet' && stem !== 'cifar') throw new RangeError(`ResNet18: stem must be 'imagenet' or 'cifar', got '${String(stem)}'`);
    const random = options.random ?? defaultRandom();
    this.numClasses = numClasses;
    this.inChannels = inChannels;
    this.stem = stem;
    this.width = width;
    this.conv1 = this.child('conv1', stem === 'imagenet'
      ? convNoBias(inChannels, width, 7, 2, 3, dtype, random)
      : convNoBias(inChannels, width, 3, 1, 1, dtype, random));
    this.bn1 = this.child('bn1', new BatchNorm2d(width, { dtype }));
    this.relu = this.child('relu', new Relu());
    this.maxpool = stem === 'imagenet' ? this.child('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 })) : null;
    const stage = (name: string, inC: number, outC: number, stride: number): Sequential =>
      this.child(name, new Sequential(new BasicBlock(inC, outC, stride, { dtype, random }), new BasicBlock(outC, outC, 1, { dtype, random })));
    this.layer1 = stage('layer1', width, width, 1);
    this.layer2 = stage('layer2', width, 2 * width, 2);
    this.layer3 = stage('layer3', 2 * width, 4 * width, 2);
    this.layer4 = stage('layer4', 4 * width, 8 * width, 2);
    this.avgpool = this.child('avgpool', new AdaptiveAvgPool2d(1));
    this.fc = this.child('fc', new Linear(8 * width, numClasses, { dtype, random }));
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels) {
      throw new RangeError(`ResNet18: expected input [N, ${this.inChannels}, H, W], got ${fmt(x.shape)}`);
    }
    let h = this.relu.forward(this.bn1.forward(this.conv1.forward(x))); // [N, w, H/2, W/2] (cifar: [N, w, H, W])
    if (this.maxpool) h = this.maxpool.forward(h); //                      [N, w, H/4, W/4]
    h = this.layer1.forward(h); //                                         [N, w, ·, ·]
    h = this.layer2.forward(h); //                                         [N, 2w, ·/2, ·/2]
    h = this.layer3.forward(h); //                                         [N, 4w, ·/4, ·/4]
    h = this.layer4.forward(h); //                                         [N, 8w, ·/8, ·/8]
    h = flatten(this.avgpool.forward(h), 1); //                            [N, 8w]
    return this.fc.forward(h); //                                          [N, classes]
  }

  /**
   * An inference-only copy with every BatchNorm folded into the conv before it (FusedResNet18,
   * fold-bn.ts). It snapshots the current weights and running statistics: train this model
   * further and fuse again to see the change.
   * @example model.eval(); model.fuseForInference().forward(x)  // ≈ model.forward(x)
   */
  fuseForInference(): FusedResNet18 {
    return new FusedResNet18(this);
  }

  protected override extraRepr(): string {
    return `numClasses=${this.numClasses}, inChannels=${this.inChannels}, stem=${this.stem}, width=${this.width}`;
  }
}
