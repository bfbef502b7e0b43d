import { describe, test } from 'vitest';
import { F, ones, randn, seededRandom, tensor, zeros } from '../src/index.js';
import { expectClose, expectEqual } from './lib/check.js';
import { batchNormTrain } from './05-1-batch-norm-forward.js';

const random = seededRandom(4);
const gamma = tensor([1.5, 0.5, 2], { dtype: 'float64' });
const beta = tensor([0.1, -0.2, 0.3], { dtype: 'float64' });

describe('exercise 5.1 — batch norm forward, training mode', () => {
  for (const shape of [[8, 3, 4, 4], [16, 3]]) {
    test(`output and running statistics match F.batchNorm for x [${shape}]`, () => {
      const x = randn(shape, { dtype: 'float64', random }).mul(2).add(5);
      const mine = { runningMean: zeros([3], { dtype: 'float64' }), runningVar: ones([3], { dtype: 'float64' }) };
      const theirs = { runningMean: zeros([3], { dtype: 'float64' }), runningVar: ones([3], { dtype: 'float64' }) };
      const y = batchNormTrain(x, gamma, beta, { ...mine, momentum: 0.1, eps: 1e-5 });
      const expected = F.batchNorm(x, gamma, beta, { training: true, ...theirs, momentum: 0.1, eps: 1e-5 });
      expectClose(y, expected, { what: `batchNormTrain(x [${shape}]) output`, hint: 'per channel (axis 1): subtract the mean over every other axis, divide by √(biased variance + ε), then γ · x̂ + β with γ, β reshaped to [1, C, 1, …]', atol: 1e-10 });
      expectClose(mine.runningMean, theirs.runningMean, { what: 'runningMean after one batch', hint: 'runningMean ← 0.9·runningMean + 0.1·μ, written with runningMean.assign(…) (in place)', atol: 1e-12 });
      expectClose(mine.runningVar, theirs.runningVar, { what: 'runningVar after one batch', hint: 'use the UNBIASED variance σ²·m/(m − 1) for the running estimate (m values per channel), though x̂ uses the biased one', atol: 1e-12 });
    });
  }

  test('the gradient flows through it to x, γ and β', () => {
    const x = randn([4, 3, 2, 2], { dtype: 'float64', random }).requiresGrad_();
    const g = gamma.clone().requiresGrad_();
    const b = beta.clone().requiresGrad_();
    const state = { runningMean: zeros([3], { dtype: 'float64' }), runningVar: ones([3], { dtype: 'float64' }), momentum: 0.1, eps: 1e-5 };
    batchNormTrain(x, g, b, state).pow(2).sum().backward();
    const x2 = x.detach().requiresGrad_();
    F.batchNorm(x2, gamma, beta, { training: true }).pow(2).sum().backward();
    expectClose(x.grad, x2.grad!, { what: 'x.grad through batchNormTrain', hint: 'compute y with tensor ops only (mean, sub, pow, div, sqrt, mul, add), never from .storage numbers', atol: 1e-9 });
    expectEqual(state.runningMean.requiresGrad, false, { what: 'runningMean.requiresGrad after the update', hint: 'update the running statistics inside noGrad(() => …): they are buffers, not part of the graph' });
  });
});
