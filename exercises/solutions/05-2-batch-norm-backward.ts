/** Reference solution of exercise 5.2 (exercises/05-2-batch-norm-backward.ts). */
import type { Tensor } from '../../src/index.js';

export interface BatchNormGradients {
  readonly dX: Tensor;
  readonly dGamma: Tensor;
  readonly dBeta: Tensor;
}

export function batchNormBackward(dY: Tensor, x: Tensor, gamma: Tensor, eps: number): BatchNormGradients {
  const axes = x.shape.map((_, k) => k).filter((k) => k !== 1);
  const channel = x.shape.map((d, k) => (k === 1 ? d : 1));
  const m = x.numel() / x.shape[1]!;
  const mu = x.mean(axes, true);
  const s = x.sub(mu).pow(2).mean(axes, true).add(eps).rsqrt(); // 1/√(σ² + ε), [1, C, 1, …]
  const xHat = x.sub(mu).mul(s);
  const dBeta = dY.sum(axes);
  const dGamma = dY.mul(xHat).sum(axes);
  const dX = gamma.reshape(channel).mul(s).div(m)
    .mul(dY.mul(m).sub(dBeta.reshape(channel)).sub(xHat.mul(dGamma.reshape(channel))));
  return { dX, dGamma, dBeta };
}
