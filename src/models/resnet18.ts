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
 * With 1000 classes: 11,689,512 parameters, the same as torchvision's count.
 *
 * Options: `stem: 'cifar'` swaps the stem for a 3×3 stride-1 conv and no max-pool (for 28–32 px
 * images, where the ImageNet stem would shrink 32 px to 8 px before the first block); `width`
 * scales every channel count (64 → width, 128 → 2·width, …) for small tests. A stride-2 block
 * (and one whose channels change) projects its shortcut with a 1×1 conv + BN ("option B" of the
 * paper), named `downsample.0` / `downsample.1` as in torchvision. Initialisation follows
 * torchvision: convs kaiming-normal (fan_out, relu), BN γ = 1, β = 0, fc PyTorch's default.
 * `fuseForInference()` folds each BN into the conv before it (see FusedResNet18 below).
 */
import type { FloatDType } from '../autograd/dtype.js';
import { noGrad } from '../autograd/function.js';
import { fusedConv2d, type Pair } from '../autograd/ops/conv.js';
import { add, addRelu } from '../autograd/ops/elementwise.js';
import { adaptiveAvgPool2d, maxPool2d } from '../autograd/ops/pool.js';
import { flatten, reshape } from '../autograd/ops/shape.js';
import { rsqrt } from '../autograd/ops/unary.js';
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

export type ResNetStem = 'imagenet' | 'cifar';

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
 * convs; the shortcut is x itself, or a 1×1 conv + BN when the stride or the channels change.
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
    return addRelu(y, identity); //                                            relu(the residual sum), one pass
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
   * An inference-only copy with every BatchNorm folded into the conv before it (see
   * FusedResNet18). It snapshots the current weights and running statistics: train this model
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

/**
 * A conv whose BatchNorm has been folded in (inference only). In eval mode BN is an affine map
 * per output channel o, with s_o = γ_o / √(σ²_o + ε):
 *   bn(conv(x))_o = s_o · (W_o ⊛ x − μ_o) + β_o = (s_o · W_o) ⊛ x + (β_o − s_o · μ_o)
 * so one conv with W′_o = s_o · W_o and bias b′_o = β_o − s_o · μ_o computes both. With `relu`,
 * the ReLU that follows is applied in the same kernel pass too (`fusedConv2d`). The weights are
 * buffers, not parameters: this module is not trained.
 */
export class FoldedConvBn extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly relu: boolean;

  constructor(conv: Conv2d, bn: BatchNorm2d, { relu = false }: { readonly relu?: boolean } = {}) {
    super();
    if (!bn.runningMean || !bn.runningVar) throw new RangeError('FoldedConvBn: the BatchNorm has no running statistics to fold');
    if (conv.groups !== 1 || conv.dilation[0] !== 1 || conv.dilation[1] !== 1 || typeof conv.padding === 'string') {
      throw new RangeError('FoldedConvBn: only convs with groups 1, dilation 1 and numeric padding are folded');
    }
    const { runningMean, runningVar, weight: gamma, bias: beta, eps } = bn;
    const out = conv.outChannels;
    const [w, b] = noGrad(() => {
      const s = gamma ? rsqrt(add(runningVar, eps)).mul(gamma) : rsqrt(add(runningVar, eps)); // [O]
      const folded = conv.weight.mul(reshape(s, [out, 1, 1, 1])); //                          [O, C, KH, KW]
      let bias = runningMean.mul(s).neg(); //                                                  [O]
      if (conv.bias) bias = bias.add(conv.bias.mul(s));
      if (beta) bias = bias.add(beta);
      return [folded.detach(), bias.detach()] as const;
    });
    this.weight = this.buffer('weight', w);
    this.bias = this.buffer('bias', b);
    this.stride = [...conv.stride] as [number, number];
    this.padding = conv.padding as Pair;
    this.relu = relu;
  }

  forward(x: Tensor): Tensor {
    return fusedConv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, activation: this.relu ? 'relu' : 'linear' });
  }

  /** relu(conv′(x) + residual) in the same kernel pass: a block's second conv with its shortcut. */
  forwardResidual(x: Tensor, residual: Tensor): Tensor {
    return fusedConv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, activation: 'relu', residual });
  }
}

/**
 * A BasicBlock with its three BatchNorms folded: relu(conv2′(relu(conv1′(x))) + shortcut′(x)), the
 * shortcut added and the ReLU applied in conv2′'s own output pass.
 */
export class FusedBasicBlock extends Module {
  readonly conv1: FoldedConvBn;
  readonly conv2: FoldedConvBn;
  readonly downsample: FoldedConvBn | null;

  constructor(block: BasicBlock) {
    super();
    this.conv1 = this.child('conv1', new FoldedConvBn(block.conv1, block.bn1, { relu: true }));
    this.conv2 = this.child('conv2', new FoldedConvBn(block.conv2, block.bn2));
    const ds = block.downsample;
    this.downsample = ds ? this.child('downsample', new FoldedConvBn(ds.at(0) as Conv2d, ds.at(1) as BatchNorm2d)) : null;
  }

  forward(x: Tensor): Tensor {
    const identity = this.downsample ? this.downsample.forward(x) : x;
    return this.conv2.forwardResidual(this.conv1.forward(x), identity); // conv1 applies its own ReLU
  }
}

/**
 * ResNet-18 for inference with BN folded into the convs: 20 convs and no BatchNorm, which saves
 * the 20 normalisation passes over the activations. Equal to the source model in eval mode up
 * to float32 rounding (tested in resnet18.test.ts).
 */
export class FusedResNet18 extends Module {
  readonly conv1: FoldedConvBn;
  readonly usesMaxPool: boolean;
  readonly blocks: readonly FusedBasicBlock[];
  readonly fc: Linear;
  readonly inChannels: number;

  constructor(model: ResNet18) {
    super();
    this.inChannels = model.inChannels;
    this.conv1 = this.child('conv1', new FoldedConvBn(model.conv1, model.bn1, { relu: true }));
    this.usesMaxPool = model.maxpool !== null;
    const blocks: FusedBasicBlock[] = [];
    for (const [i, layer] of [model.layer1, model.layer2, model.layer3, model.layer4].entries()) {
      for (const [j, block] of [...layer].entries()) blocks.push(this.child(`layer${i + 1}_${j}`, new FusedBasicBlock(block as BasicBlock)));
    }
    this.blocks = blocks;
    // The head is copied (not shared), so training the source model afterwards leaves this snapshot alone.
    this.fc = this.child('fc', new Linear(model.fc.inFeatures, model.fc.outFeatures, { dtype: model.fc.weight.dtype === 'float64' ? 'float64' : 'float32', random: () => 0.5 }));
    noGrad(() => {
      this.fc.weight.assign(model.fc.weight);
      if (this.fc.bias && model.fc.bias) this.fc.bias.assign(model.fc.bias);
    });
    this.eval();
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels) {
      throw new RangeError(`FusedResNet18: expected input [N, ${this.inChannels}, H, W], got ${fmt(x.shape)}`);
    }
    let h = this.conv1.forward(x); // conv + BN + ReLU in one pass
    if (this.usesMaxPool) h = maxPool2d(h, 3, { stride: 2, padding: 1 });
    for (const block of this.blocks) h = block.forward(h);
    return this.fc.forward(flatten(adaptiveAvgPool2d(h, 1), 1));
  }
}
