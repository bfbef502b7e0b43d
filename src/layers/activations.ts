/**
 * activations — the elementwise nonlinearities as layers, so they can sit in a Sequential and
 * show up in summaries: Relu, LeakyRelu, Gelu, Elu, Silu, Mish, Hardswish, Hardsigmoid,
 * Softplus, Sigmoid, Tanh, and Softmax along one axis.
 *
 * Each is a thin wrapper: the maths and the derivatives live with the ops
 * (src/autograd/ops/unary.ts, activations.ts, softmax.ts). None has parameters, and none behaves
 * differently in training and eval. Class names follow our naming rule (acronyms as words:
 * `Relu`, `Gelu`, `Silu`); PyTorch's spellings `ReLU`, `LeakyReLU`, `GELU`, `ELU` and `SiLU` are
 * exported from index.ts as aliases. PyTorch's `inplace` flags have no counterpart here.
 */
import { hardsigmoid, hardswish, mish, silu, softplus } from '../autograd/ops/activations.js';
import { softmax } from '../autograd/ops/softmax.js';
import { elu, gelu, leakyRelu, relu, sigmoid, tanh } from '../autograd/ops/unary.js';
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

/** x for x > 0, α(eˣ − 1) otherwise (default α = 1). @example new Elu().forward(tensor([-1, 2])).toArray()  // [-0.6321…, 2] */
export class Elu extends Module {
  readonly alpha: number;

  constructor(alpha = 1) {
    super();
    if (!Number.isFinite(alpha)) throw new RangeError(`Elu: alpha must be a finite number, got ${alpha}`);
    this.alpha = alpha;
  }

  forward(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }

  protected override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** SiLU (swish), x·σ(x). @example new Silu().forward(tensor([0])).toArray()  // [0] */
export class Silu extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

/** Mish, x·tanh(softplus(x)). */
export class Mish extends Module {
  forward(x: Tensor): Tensor {
    return mish(x);
  }
}

/** x·relu6(x + 3)/6 (MobileNetV3). @example new Hardswish().forward(tensor([-4, 4])).toArray()  // [0, 4] */
export class Hardswish extends Module {
  forward(x: Tensor): Tensor {
    return hardswish(x);
  }
}

/** relu6(x + 3)/6. @example new Hardsigmoid().forward(tensor([0])).toArray()  // [0.5] */
export class Hardsigmoid extends Module {
  forward(x: Tensor): Tensor {
    return hardsigmoid(x);
  }
}

/**
 * log(1 + e^(βx))/β, and x itself where βx > threshold (defaults β = 1, threshold = 20, as PyTorch).
 * @example new Softplus().forward(tensor([0])).toArray()  // [0.6931…]
 */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;

  constructor(beta = 1, threshold = 20) {
    super();
    if (!Number.isFinite(beta) || beta === 0) throw new RangeError(`Softplus: beta must be a finite non-zero number, got ${beta}`);
    if (Number.isNaN(threshold)) throw new RangeError(`Softplus: threshold must be a number, got ${threshold}`);
    this.beta = beta;
    this.threshold = threshold;
  }

  forward(x: Tensor): Tensor {
    return softplus(x, this.beta, this.threshold);
  }

  protected override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}
