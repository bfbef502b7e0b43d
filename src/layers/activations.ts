/**
 * activations — the elementwise nonlinearities as layers, so they can sit in a Sequential and
 * show up in summaries: Relu, LeakyRelu, Gelu, Sigmoid, Tanh, and Softmax along one axis.
 *
 * Each is a thin wrapper: the maths and the derivatives live with the ops
 * (src/autograd/ops/unary.ts, softmax.ts). None has parameters, and none behaves differently
 * in training and eval. Class names follow our naming rule (acronyms as words: `Relu`, `Gelu`);
 * PyTorch's spellings `ReLU`, `LeakyReLU` and `GELU` are exported from index.ts as aliases.
 */
import { softmax } from '../autograd/ops/softmax.js';
import { gelu, leakyRelu, relu, sigmoid, tanh } from '../autograd/ops/unary.js';
import type { Tensor } from '../autograd/tensor.js';
import { Module } from './module.js';

/** max(x, 0). @example new Relu().forward(tensor([-1, 2])).toArray()  // [0, 2] */
export class Relu extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** max(x, 0) + negativeSlope · min(x, 0) (default slope 0.01, as PyTorch). */
export class LeakyRelu extends Module {
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    if (!Number.isFinite(negativeSlope)) throw new RangeError(`LeakyRelu: negativeSlope must be a finite number, got ${negativeSlope}`);
    this.negativeSlope = negativeSlope;
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  protected override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** x · Φ(x), or its tanh approximation with approximate = 'tanh'. */
export class Gelu extends Module {
  readonly approximate: 'none' | 'tanh';

  constructor(approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') throw new RangeError(`Gelu: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
    this.approximate = approximate;
  }

  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }

  protected override extraRepr(): string {
    return this.approximate === 'none' ? '' : `approximate='${this.approximate}'`;
  }
}

/** 1 / (1 + e^(−x)). */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** tanh x. */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/**
 * exp(x) normalised to sum to 1 along `axis` (default −1, the last; PyTorch makes you choose).
 * @example new Softmax(1).forward(zeros([2, 4])).toArray()  // [[0.25, …], [0.25, …]]
 */
export class Softmax extends Module {
  readonly axis: number;

  constructor(axis = -1) {
    super();
    if (!Number.isInteger(axis)) throw new RangeError(`Softmax: axis must be an integer, got ${axis}`);
    this.axis = axis;
  }

  forward(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }

  protected override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}
