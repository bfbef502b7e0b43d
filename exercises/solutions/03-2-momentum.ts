/** Reference solution of exercise 3.2 (exercises/03-2-momentum.ts). */
import { noGrad, type Tensor } from '../../src/index.js';

export class MomentumSgd {
  readonly params: readonly Tensor[];
  readonly lr: number;
  readonly momentum: number;
  /** The momentum buffer b of each parameter that has been stepped. */
  readonly buffers = new Map<Tensor, Tensor>();

  constructor(params: readonly Tensor[], options: { readonly lr: number; readonly momentum: number }) {
    this.params = params;
    this.lr = options.lr;
    this.momentum = options.momentum;
  }

  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  step(): void {
    noGrad(() => {
      for (const p of this.params) {
        if (p.grad === null) continue;
        const previous = this.buffers.get(p);
        const b = previous ? previous.mul(this.momentum).add(p.grad) : p.grad.clone();
        this.buffers.set(p, b);
        p.assign(p.sub(b.mul(this.lr)));
      }
    });
  }
}
