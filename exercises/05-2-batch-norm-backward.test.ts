import { describe, test } from 'vitest';
import { F, randn, seededRandom, tensor } from '../src/index.js';
import { expectClose, expectEqual } from './lib/check.js';
import { batchNormBackward } from './05-2-batch-norm-backward.js';

const random = seededRandom(8);

describe('exercise 5.2 — batch norm backward by hand', () => {
  for (const shape of [[6, 3, 3, 2], [10, 3], [1, 3, 4, 4]]) {
    test(`dX, dγ and dβ equal autograd's for x [${shape}]`, () => {
      const x = randn(shape, { dtype: 'float64', random }).mul(3).add(1).requiresGrad_();
      const gamma = tensor([1.5, -0.5, 2], { dtype: 'float64', requiresGrad: true });
      const beta = tensor([0.1, -0.2, 0.3], { dtype: 'float64', requiresGrad: true });
      const dY = randn(shape, { dtype: 'float64', random });
      F.batchNorm(x, gamma, beta, { training: true, eps: 1e-5 }).backward(dY);
      const got = batchNormBackward(dY, x.detach(), gamma.detach(), 1e-5);
      expectClose(got.dBeta, beta.grad!, { what: `dβ for x [${shape}]`, hint: 'dβ = Σ dY over every axis but the channels', atol: 1e-10 });
      expectClose(got.dGamma, gamma.grad!, { what: `dγ for x [${shape}]`, hint: 'dγ = Σ dY · x̂, with x̂ = (x − μ)/√(σ² + ε) and the BIASED variance', atol: 1e-10 });
      expectClose(got.dX, x.grad!, { what: `dX for x [${shape}]`, hint: 'dX = (γ s / m)(m·dY − dβ − x̂·dγ), with m = number of values per channel and [C] vectors reshaped to [1, C, 1, …]', atol: 1e-10 });
    });
  }

  test('dX sums to zero per channel (the mean was subtracted)', () => {
    const x = randn([5, 3, 2], { dtype: 'float64', random });
    const { dX } = batchNormBackward(randn([5, 3, 2], { dtype: 'float64', random }), x, tensor([1, 2, 3], { dtype: 'float64' }), 1e-5);
    expectClose(dX.sum([0, 2]), tensor([0, 0, 0], { dtype: 'float64' }), { what: 'Σ dX per channel', hint: 'the − dβ term removes the mean of m·dY: if the sums are not 0, check that dβ is subtracted per channel', atol: 1e-10 });
    expectEqual(dX.creator, null, { what: 'dX.creator (no graph was needed)', hint: 'the inputs do not require grad, so your formulas record nothing: do not call backward() or requiresGrad_() here' });
  });
});
