/**
 * shape — layers that move values without computing: Flatten and Identity.
 *
 * Flatten merges axes startDim … endDim into one (default 1 … −1: [N, C, H, W] → [N, C·H·W],
 * keeping the batch axis, as PyTorch's nn.Flatten); it is a reshape, so its backward reshapes
 * the gradient back. Identity returns its input: a placeholder where an architecture has an
 * optional layer (a missing projection, a removed classifier head).
 */
import { flatten } from '../autograd/ops/shape.js';
import type { Tensor } from '../autograd/tensor.js';
import { Module } from './module.js';

/**
 * Flattens the axes startDim … endDim into one (by default all but the batch axis), as PyTorch's `nn.Flatten`.
 * @example new Flatten().forward(zeros([2, 3, 4, 4])).shape  // [2, 48]
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  protected override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/** Returns its input unchanged. @example new Identity().forward(x) === x  // true */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
