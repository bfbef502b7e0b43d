/**
 * U-Net (Ronneberger, Fischer and Brox 2015, "U-Net: Convolutional Networks for Biomedical Image
 * Segmentation", Fig. 1), with 'same' padding, so the output map has the input's size and the
 * skips need no cropping. Shapes for depth d, base width w (the paper: d = 4, w = 64):
 *
 *   input                                                     [N, Cin, H, W]   (H, W multiples of 2^d)
 *   encoders.i: DoubleConv, then max-pool 2  (i = 0 … d−1)    → skip_i [N, 2^i·w, H/2^i, W/2^i]
 *   bottleneck: DoubleConv                                    → [N, 2^d·w, H/2^d, W/2^d]
 *   ups.i: ×2 up-sampling that halves the channels            → [N, 2^i·w, H/2^i, W/2^i]
 *   concatenate [skip_i, up], decoders.i: DoubleConv  (i = d−1 … 0) → [N, 2^i·w, H/2^i, W/2^i]
 *   head: 1×1 conv                                            → logits [N, classes, H, W]
 * DoubleConv = (3×3 conv, BatchNorm, ReLU) × 2. Up-sampling is a 2×2 stride-2 ConvTranspose2d (the
 * paper's "up-convolution") or bilinear ×2 then a 1×1 conv. Differences from the paper: 'same'
 * padding, and BatchNorm (`batchNorm: false` gives the paper's conv + bias + ReLU). Parameter
 * names match scripts/make-unet-fixtures.py's PyTorch module, which the parity test loads.
 */
import { cat } from '../autograd/ops/indexing.js';
import { maxPool2d } from '../autograd/ops/pool.js';
import type { FloatDType } from '../autograd/dtype.js';
import { defaultRandom, type Random } from '../autograd/random.js';
import { fmt } from '../autograd/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { Relu } from '../layers/activations.js';
import { BatchNorm2d } from '../layers/batch-norm.js';
import { ModuleList, Sequential, type TensorModule } from '../layers/containers.js';
import { Conv2d } from '../layers/conv2d.js';
import { ConvTranspose2d } from '../layers/conv-transpose.js';
import { Module } from '../layers/module.js';
import { Upsample } from '../layers/upsample.js';

/** How the U-Net's decoder doubles the resolution: a learnt 2×2 transposed conv, or bilinear resizing then a 1×1 conv. */
export type UNetUpsampling = 'transpose' | 'bilinear';

/** Options of `UNet`: channels in and classes out, depth, base width, up-sampling, BatchNorm. */
export interface UNetOptions {
  /** Channels of the input image (default 1). */
  readonly inChannels?: number;
  /** Classes of the output map (default 2). */
  readonly numClasses?: number;
  /** Number of 2× down-samplings (default 4, the paper's). */
  readonly depth?: number;
  /** Channels at full resolution (default 64, the paper's); level i has 2^i times as many. */
  readonly width?: number;
  /** 'transpose' (2×2 stride-2 ConvTranspose2d, the default) or 'bilinear' (×2, then a 1×1 conv). */
  readonly upsampling?: UNetUpsampling;
  /** BatchNorm after each 3×3 conv (default true); false gives the paper's conv + bias + ReLU. */
  readonly batchNorm?: boolean;
  readonly dtype?: FloatDType;
  /** Source of the initial weights (default: the global seeded generator). */
  readonly random?: Random;
}

interface BlockOptions {
  readonly batchNorm: boolean;
  readonly dtype: FloatDType;
  readonly random: Random;
}

/**
 * Two 3×3 'same' convs, each followed by BatchNorm (optional) and ReLU: [N, in, H, W] → [N, out, H, W].
 * @example new DoubleConv(1, 8).forward(zeros([2, 1, 16, 16])).shape  // [2, 8, 16, 16]
 */
export class DoubleConv extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d | null;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d | null;
  readonly relu: Relu;

  constructor(inChannels: number, outChannels: number, options: Partial<BlockOptions> = {}) {
    super();
    const { batchNorm = true, dtype = 'float32' } = options;
    const random = options.random ?? defaultRandom();
    const conv = (inC: number): Conv2d => new Conv2d(inC, outChannels, 3, { padding: 'same', bias: !batchNorm, dtype, random });
    this.conv1 = this.child('conv1', conv(inChannels));
    this.bn1 = batchNorm ? this.child('bn1', new BatchNorm2d(outChannels, { dtype })) : null;
    this.conv2 = this.child('conv2', conv(outChannels));
    this.bn2 = batchNorm ? this.child('bn2', new BatchNorm2d(outChannels, { dtype })) : null;
    this.relu = this.child('relu', new Relu());
  }

  forward(x: Tensor): Tensor {
    let h = this.conv1.forward(x); //                 [N, out, H, W]
    if (this.bn1) h = this.bn1.forward(h);
    h = this.conv2.forward(this.relu.forward(h)); //  [N, out, H, W]
    if (this.bn2) h = this.bn2.forward(h);
    return this.relu.forward(h);
  }
}

/** ×2 up-sampling from `inChannels` to `inChannels / 2` channels, as `upsampling` says. */
function upBlock(inChannels: number, upsampling: UNetUpsampling, dtype: FloatDType, random: Random): TensorModule {
  const out = inChannels / 2;
  if (upsampling === 'transpose') return new ConvTranspose2d(inChannels, out, 2, { stride: 2, dtype, random });
  return new Sequential(new Upsample({ scaleFactor: 2, mode: 'bilinear' }), new Conv2d(inChannels, out, 1, { dtype, random }));
}

/**
 * A U-Net for per-pixel classification: logits [N, classes, H, W] for an image [N, Cin, H, W].
 * @example new UNet({ numClasses: 11, depth: 3, width: 16 }).forward(zeros([1, 1, 64, 64])).shape  // [1, 11, 64, 64]
 */
export class UNet extends Module {
  readonly inChannels: number;
  readonly numClasses: number;
  readonly depth: number;
  readonly width: number;
  readonly upsampling: UNetUpsampling;
  readonly batchNorm: boolean;
  readonly encoders: ModuleList<DoubleConv>;
  readonly bottleneck: DoubleConv;
  readonly ups: ModuleList<TensorModule>;
  readonly decoders: ModuleList<DoubleConv>;
  readonly head: Conv2d;

  constructor(options: UNetOptions = {}) {
    super();
    const { inChannels = 1, numClasses = 2, depth = 4, width = 64, upsampling = 'transpose', batchNorm = true, dtype = 'float32' } = options;
    for (const [name, v] of [['inChannels', inChannels], ['numClasses', numClasses], ['depth', depth], ['width', width]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`UNet: ${name} must be a positive integer, got ${v}`);
    }
    if (upsampling !== 'transpose' && upsampling !== 'bilinear') throw new RangeError(`UNet: upsampling must be 'transpose' or 'bilinear', got '${String(upsampling)}'`);
    const random = options.random ?? defaultRandom();
    const block = { batchNorm, dtype, random };
    const channels = (level: number): number => width * 2 ** level;
    this.inChannels = inChannels;
    this.numClasses = numClasses;
    this.depth = depth;
    this.width = width;
    this.upsampling = upsampling;
    this.batchNorm = batchNorm;
    this.encoders = this.child('encoders', new ModuleList(Array.from({ length: depth }, (_, i) => new DoubleConv(i === 0 ? inChannels : channels(i - 1), channels(i), block))));
    this.bottleneck = this.child('bottleneck', new DoubleConv(channels(depth - 1), channels(depth), block));
    this.ups = this.child('ups', new ModuleList(Array.from({ length: depth }, (_, i) => upBlock(channels(i + 1), upsampling, dtype, random))));
    this.decoders = this.child('decoders', new ModuleList(Array.from({ length: depth }, (_, i) => new DoubleConv(channels(i + 1), channels(i), block))));
    this.head = this.child('head', new Conv2d(width, numClasses, 1, { dtype, random }));
  }

  forward(x: Tensor): Tensor {
    const step = 2 ** this.depth;
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels || x.shape[2]! % step !== 0 || x.shape[3]! % step !== 0) {
      throw new RangeError(`UNet: expected input [N, ${this.inChannels}, H, W] with H and W multiples of 2^depth = ${step}, got ${fmt(x.shape)}`);
    }
    const skips: Tensor[] = [];
    let h = x;
    for (const encoder of this.encoders) {
      h = encoder.forward(h); //                          skip_i [N, 2^i·w, H/2^i, W/2^i]
      skips.push(h);
      h = maxPool2d(h, 2); //                             [N, 2^i·w, H/2^(i+1), W/2^(i+1)]
    }
    h = this.bottleneck.forward(h); //                    [N, 2^d·w, H/2^d, W/2^d]
    for (let i = this.depth - 1; i >= 0; i--) {
      h = this.ups.at(i).forward(h); //                   [N, 2^i·w, H/2^i, W/2^i]
      h = cat([skips[i]!, h], 1); //                      [N, 2^(i+1)·w, H/2^i, W/2^i]
      h = this.decoders.at(i).forward(h); //              [N, 2^i·w, H/2^i, W/2^i]
    }
    return this.head.forward(h); //                       [N, classes, H, W]
  }

  protected override extraRepr(): string {
    return `inChannels=${this.inChannels}, numClasses=${this.numClasses}, depth=${this.depth}, width=${this.width}, upsampling=${this.upsampling}, batchNorm=${this.batchNorm}`;
  }
}
