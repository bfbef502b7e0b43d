/**
 * Exercise 3.2 — SGD with momentum, as an optimizer (docs/course/03-training.md, §4).
 *
 * For each parameter θ with gradient g (skip parameters whose grad is null):
 *   b ← g                 on the first step                (b is kept per parameter)
 *   b ← μ·b + g           on later steps
 *   θ ← θ − η·b
 * This is PyTorch's (and optim.SGD's) form with dampening 0. Do the arithmetic under `noGrad`, so
 * the update records no graph, and write the result with `param.assign(newValue)`, so that the
 * model keeps holding the same tensor object.
 *
 * Check your work: npm run exercise -- 3
 */
import { noGrad, type Tensor } from '../src/index.js'; // noGrad: the update records no graph

export class MomentumSgd {
  readonly params: readonly Tensor[];
  readonly lr: number;
  readonly momentum: number;

  constructor(params: readonly Tensor[], options: { readonly lr: number; readonly momentum: number }) {
    this.params = params;
    this.lr = options.lr;
    this.momentum = options.momentum;
  }

  /** Sets every parameter's grad to null. */
  zeroGrad(): void {
    throw new Error('not implemented yet: zeroGrad() — set p.grad = null for every parameter');
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    throw new Error('not implemented yet: step() — under noGrad, for each p with a grad: b = first step ? g : μ·b + g (keep b in a Map keyed by p), then p.assign(p − lr·b)');
  }
}
