/** Reference solution of exercise 5.3 (exercises/05-3-fold-bn.ts). */
import { noGrad, zerosLike, type BatchNorm2d, type Conv2d, type Tensor } from '../../src/index.js';

export function foldBatchNorm(conv: Conv2d, bn: BatchNorm2d): { weight: Tensor; bias: Tensor } {
  if (!bn.weight || !bn.bias || !bn.runningMean || !bn.runningVar) throw new RangeError('foldBatchNorm: the batch norm needs γ, β and running statistics');
  const [gamma, beta, mean, variance] = [bn.weight, bn.bias, bn.runningMean, bn.runningVar];
  return noGrad(() => {
    const s = gamma.div(variance.add(bn.eps).sqrt()); // [O]
    const b = conv.bias ?? zerosLike(mean);
    return {
      weight: conv.weight.mul(s.reshape([s.shape[0]!, 1, 1, 1])), // each output channel's kernel scaled
      bias: s.mul(b.sub(mean)).add(beta),
    };
  });
}
