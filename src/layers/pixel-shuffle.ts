/**
 * PixelShuffle, PixelUnshuffle — move values between channels and space, PyTorch's layers of
 * the same names: [*, C·r², H, W] ⇄ [*, C, H·r, W·r]. A conv that makes C·r² channels followed by
 * PixelShuffle(r) is the "sub-pixel convolution" upsampler (Shi et al. 2016). No parameters; the
 * functions are in src/autograd/ops/pixel-shuffle.ts.
 */
import { pixelShuffle, pixelUnshuffle } from '../autograd/ops/pixel-shuffle.js';
import type { Tensor } from '../autograd/tensor.js';
import { requireSize } from './linear.js';
import { Module } from './module.js';

/** [*, C·r², H, W] → [*, C, H·r, W·r]. @example new PixelShuffle(2).forward(zeros([1, 8, 3, 3])).shape  // [1, 2, 6, 6] */
export class PixelShuffle extends Module {
  readonly upscaleFactor: number;

  constructor(upscaleFactor: number) {
    super();
    requireSize('PixelShuffle', 'upscaleFactor', upscaleFactor);
    this.upscaleFactor = upscaleFactor;
  }

  forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }

  protected override extraRepr(): string {
    return `upscaleFactor=${this.upscaleFactor}`;
  }
}

/** [*, C, H·r, W·r] → [*, C·r², H, W]. @example new PixelUnshuffle(2).forward(zeros([1, 2, 6, 6])).shape  // [1, 8, 3, 3] */
export class PixelUnshuffle extends Module {
  readonly downscaleFactor: number;

  constructor(downscaleFactor: number) {
    super();
    requireSize('PixelUnshuffle', 'downscaleFactor', downscaleFactor);
    this.downscaleFactor = downscaleFactor;
  }

  forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }

  protected override extraRepr(): string {
    return `downscaleFactor=${this.downscaleFactor}`;
  }
}
