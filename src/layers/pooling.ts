/**
 * pooling — MaxPool2d, AvgPool2d and AdaptiveAvgPool2d as layers over [N, C, H, W].
 *
 * Shapes: OH = ⌊(H + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1 (stride defaults to
 * the kernel size, as in PyTorch); the adaptive pool picks its windows to produce a fixed
 * [OH, OW] whatever the input size (`AdaptiveAvgPool2d(1)` is global average pooling). No
 * parameters; the ops and their backward passes are in src/autograd/ops/pool.ts. PyTorch's
 * ceilMode is not supported.
 */
import type { Pair } from '../autograd/ops/conv.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type AvgPool2dOptions, type MaxPool2dOptions } from '../autograd/ops/pool.js';
import type { Tensor } from '../autograd/tensor.js';
import { Module } from './module.js';

const show = (p: Pair): string => (typeof p === 'number' ? String(p) : `[${p.join(', ')}]`);

/** The largest value of each window. @example new MaxPool2d(2).forward(zeros([1, 3, 28, 28])).shape  // [1, 3, 14, 14] */
export class MaxPool2d extends Module {
  readonly kernelSize: Pair;
  readonly options: MaxPool2dOptions;

  constructor(kernelSize: Pair, options: MaxPool2dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.options = { ...options };
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }

  protected override extraRepr(): string {
    return `kernelSize=${show(this.kernelSize)}, stride=${show(this.options.stride ?? this.kernelSize)}, padding=${show(this.options.padding ?? 0)}`;
  }
}

/** The mean of each window (padded zeros count unless countIncludePad is false). */
export class AvgPool2d extends Module {
  readonly kernelSize: Pair;
  readonly options: AvgPool2dOptions;

  constructor(kernelSize: Pair, options: AvgPool2dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.options = { ...options };
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }

  protected override extraRepr(): string {
    return `kernelSize=${show(this.kernelSize)}, stride=${show(this.options.stride ?? this.kernelSize)}, padding=${show(this.options.padding ?? 0)}`;
  }
}

/** Average pooling to a fixed output size. @example new AdaptiveAvgPool2d(1).forward(zeros([2, 8, 7, 7])).shape  // [2, 8, 1, 1] */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: Pair;

  constructor(outputSize: Pair) {
    super();
    this.outputSize = outputSize;
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  protected override extraRepr(): string {
    return `outputSize=${show(this.outputSize)}`;
  }
}
