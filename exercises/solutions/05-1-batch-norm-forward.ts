/** Reference solution of exercise 5.1 (exercises/05-1-batch-norm-forward.ts). */
import { noGrad, type Tensor } from '../../src/index.js';

export interface BatchNormState {
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly momentum: number;
  readonly eps: number;
}

export function batchNormTrain(x: Tensor, gamma: Tensor, beta: Tensor, state: BatchNormState): Tensor {
  const { runningMean, runningVar, momentum, eps } = state;
  const axes = x.shape.map((_, k) => k).filter((k) => k !== 1); // every axis but the channels
  const channel = x.shape.map((d, k) => (k === 1 ? d : 1)); //     [1, C, 1, …]
  const m = x.numel() / x.shape[1]!;
  const mu = x.mean(axes, true);
  const variance = x.sub(mu).pow(2).mean(axes, true); // biased
  const y = x.sub(mu).div(variance.add(eps).sqrt()).mul(gamma.reshape(channel)).add(beta.reshape(channel));
  noGrad(() => {
    const c = x.shape[1]!;
    runningMean.assign(runningMean.mul(1 - momentum).add(mu.reshape([c]).mul(momentum)));
    runningVar.assign(runningVar.mul(1 - momentum).add(variance.reshape([c]).mul((momentum * m) / (m - 1))));
  });
  return y;
}
