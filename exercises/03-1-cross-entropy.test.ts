import { describe, test } from 'vitest';
import { F, randn, seededRandom, tensor } from '../src/index.js';
import { expectClose } from './lib/check.js';
import { crossEntropy } from './03-1-cross-entropy.js';

const labels = tensor(Int32Array.from([2, 0, 1, 2]), [4]);

describe('exercise 3.1 — cross-entropy', () => {
  test('uniform logits give ln C', () => {
    expectClose(crossEntropy(tensor([[0, 0, 0], [1, 1, 1], [5, 5, 5], [0, 0, 0]]), labels), Math.log(3), { what: 'crossEntropy of equal logits, 3 classes', hint: 'equal logits mean p = 1/3 for each class, so −log p = ln 3 ≈ 1.0986' });
  });

  test('matches F.crossEntropy, value and gradient', () => {
    const logits = randn([4, 3], { dtype: 'float64', random: seededRandom(5) }).mul(3).requiresGrad_();
    const mine = crossEntropy(logits, labels);
    expectClose(mine, F.crossEntropy(logits.detach(), labels), { what: 'crossEntropy(logits, labels)', hint: 'the mean over the batch of −logSoftmax(logits)[i, labels[i]]; gather picks one entry per row', atol: 1e-12 });
    mine.backward();
    const expected = logits.detach().softmax(1).sub(F.oneHot(labels, 3, 'float64')).div(4);
    expectClose(logits.grad, expected, { what: 'the gradient of the logits', hint: 'build the loss only from differentiable ops (logSoftmax, gather, neg, mean) and the gradient (softmax − one-hot) / N follows', atol: 1e-12 });
  });

  test('stays finite for very large logits', () => {
    const big = tensor([[1000, 0, -1000], [0, 1000, 0], [-1000, 0, 1000], [500, 500, 0]], { dtype: 'float64' });
    expectClose(crossEntropy(big, labels), (2000 + 1000 + 1000 + 500 + Math.LN2) / 4, { what: 'crossEntropy with logits of ±1000', hint: 'use logSoftmax, not log(softmax(z)) or log(exp(z) / Σ exp(z)): e¹⁰⁰⁰ overflows to Infinity', atol: 1e-9 });
  });
});
