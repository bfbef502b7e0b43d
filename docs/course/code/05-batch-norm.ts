/**
 * Batch normalisation by hand: the forward pass from its definition, the backward from the
 * compact formula, both against Sapling's fused op; then the running statistics and eval mode.
 * Chapter 5 (docs/course/05-normalisation-and-residuals.md). Run: npx tsx docs/course/code/05-batch-norm.ts
 */
import { F, ones, randn, seededRandom, tensor, zeros } from '../../../src/index.js';

// #region setup
const random = seededRandom(0);
const x = randn([8, 3, 4, 4], { dtype: 'float64', random }).mul(2).add(5).requiresGrad_(); // [N, C, H, W], mean ≈ 5
const gamma = tensor([1.5, 0.5, 2], { dtype: 'float64', requiresGrad: true });
const beta = tensor([0.1, -0.2, 0.3], { dtype: 'float64', requiresGrad: true });
const eps = 1e-5;
// #endregion

// #region forward
const axes = [0, 2, 3]; //                    every axis but the channels
const m = 8 * 4 * 4; //                        values per channel
const channel = [1, 3, 1, 1]; //               how a [C] vector broadcasts against x
const mu = x.mean(axes, true); //              [1, C, 1, 1]
const variance = x.sub(mu).pow(2).mean(axes, true); // biased: divided by m
const xHat = x.sub(mu).div(variance.add(eps).sqrt()); // zero mean, unit variance per channel
const y = xHat.mul(gamma.reshape(channel)).add(beta.reshape(channel));
const fused = F.batchNorm(x, gamma, beta, { training: true, eps });
console.log(`forward: largest difference from F.batchNorm ${y.sub(fused).abs().max().item().toExponential(1)}`);
console.log(`per-channel mean of y: [${Array.from(y.mean(axes).storage, (v) => v.toFixed(3))}] (β), std: [${Array.from(y.std(axes, { unbiased: false }).storage, (v) => v.toFixed(3))}] (γ)`);
// #endregion

// #region backward
const dY = randn(x.shape, { dtype: 'float64', random });
fused.backward(dY);
const s = variance.add(eps).rsqrt(); //                       1/√(σ² + ε), [1, C, 1, 1]
const dBeta = dY.sum(axes); //                                [C]
const dGamma = dY.mul(xHat).sum(axes); //                     [C]
const dX = gamma.reshape(channel).mul(s).div(m) //            γ s / m
  .mul(dY.mul(m).sub(dBeta.reshape(channel)).sub(xHat.mul(dGamma.reshape(channel)))); // (m dY − dβ − x̂ dγ)
const worst = Math.max(...[[dX, x.grad!], [dGamma, gamma.grad!], [dBeta, beta.grad!]].map(([a, b]) => a!.sub(b!).abs().max().item()));
console.log(`backward: the compact formula agrees with the op's backward to ${worst.toExponential(1)}`);
// #endregion

// #region running
const runningMean = zeros([3], { dtype: 'float64' });
const runningVar = ones([3], { dtype: 'float64' });
F.batchNorm(x.detach(), gamma, beta, { training: true, runningMean, runningVar, momentum: 0.1 });
console.log(`running mean after one batch: [${Array.from(runningMean.storage, (v) => v.toFixed(3))}] = 0.9·0 + 0.1·batch mean`);
const unbiased = x.detach().var(axes); // unbiased (divided by m − 1) by default, as torch.var
console.log(`running var: [${Array.from(runningVar.storage, (v) => v.toFixed(3))}] = 0.9·1 + 0.1·[${Array.from(unbiased.storage, (v) => v.toFixed(3))}] (the UNBIASED batch variance)`);
// #endregion
