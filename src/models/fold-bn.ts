/**
 * fold-bn — ResNet-18 rewritten for inference: every BatchNorm folded into the conv before it,
 * and each block's shortcut sum and ReLU fused into its second conv's output pass. In eval mode
 * BN is a per-channel affine map, s_o = γ_o / √(σ²_o + ε):
 *   bn(conv(x))_o = s_o · (W_o ⊛ x − μ_o) + β_o = (s_o · W_o) ⊛ x + (β_o − s_o · μ_o)
 * so one conv with W′ = s·W and b′ = β − s·μ computes both; `fusedConv2d` then adds the bias,
 * the residual and the ReLU while it writes the output. No new maths: the same network as
 * resnet18.ts's, equal to it in eval mode up to float32 rounding (resnet18.test.ts). The
 * training path (BasicBlock.forward) stays the paper's relu(F(x) + x), one op at a time.
 */
import { noGrad } from '../autograd/function.js';
import { fusedConv2d, type Pair } from '../autograd/ops/conv.js';
import { add } from '../autograd/ops/elementwise.js';
import { adaptiveAvgPool2d, maxPool2d } from '../autograd/ops/pool.js';
import { flatten, reshape } from '../autograd/ops/shape.js';
import { rsqrt } from '../autograd/ops/unary.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import type { BatchNorm2d } from '../layers/batch-norm.js';
import type { Conv2d } from '../layers/conv2d.js';
import { Linear } from '../layers/linear.js';
import { Module } from '../layers/module.js';
import type { BasicBlock, ResNet18 } from './resnet18.js';

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
