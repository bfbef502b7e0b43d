/** Reference solution of exercise 6.3 (exercises/06-3-clip-grad-norm.ts). */
import { noGrad, type Tensor } from '../../src/index.js';

export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  const grads = params.flatMap((p) => (p.grad === null ? [] : [p.grad]));
  return noGrad(() => {
    const total = Math.sqrt(grads.reduce((sum, g) => sum + g.pow(2).sum().item(), 0));
    const c = Math.min(1, maxNorm / (total + 1e-6));
    for (const g of grads) g.assign(g.mul(c)); // in place: the parameters keep their grad tensors
    return total;
  });
}
