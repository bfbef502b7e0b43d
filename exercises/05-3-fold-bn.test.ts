import { describe, test } from 'vitest';
import { BatchNorm2d, conv2d, Conv2d, manualSeed, noGrad, randn, seededRandom } from '../src/index.js';
import { expectClose, expectEqual } from './lib/check.js';
import { foldBatchNorm } from './05-3-fold-bn.js';

/** A conv and a batch norm whose running statistics and γ, β are far from their defaults. */
function trained(bias: boolean): { conv: Conv2d; bn: BatchNorm2d } {
  manualSeed(3);
  const conv = new Conv2d(3, 4, 3, { padding: 1, bias, dtype: 'float64' });
  const bn = new BatchNorm2d(4, { dtype: 'float64' });
  const random = seededRandom(5);
  noGrad(() => {
    for (let i = 0; i < 5; i++) bn.forward(conv.forward(randn([6, 3, 5, 5], { dtype: 'float64', random }).mul(3).add(1)));
    bn.weight!.assign(randn([4], { dtype: 'float64', random }));
    bn.bias!.assign(randn([4], { dtype: 'float64', random }));
  });
  bn.eval();
  return { conv, bn };
}

describe('exercise 5.3 — folding batch norm into a convolution', () => {
  for (const bias of [true, false]) {
    test(`one convolution equals conv then batch norm (eval), conv ${bias ? 'with' : 'without'} bias`, () => {
      const { conv, bn } = trained(bias);
      const x = randn([2, 3, 5, 5], { dtype: 'float64', random: seededRandom(6) });
      const expected = noGrad(() => bn.forward(conv.forward(x)));
      const folded = foldBatchNorm(conv, bn);
      expectEqual(folded.weight.shape, [4, 3, 3, 3], { what: 'the folded weight\'s shape', hint: 'W′ has the conv weight\'s shape [O, C, KH, KW]: scale each output channel\'s kernel by s[o]' });
      expectClose(noGrad(() => conv2d(x, folded.weight, folded.bias, { padding: 1 })), expected, {
        what: `conv2d(x, W′, b′) against bn(conv(x)), conv ${bias ? 'with' : 'without'} bias`,
        hint: bias ? 's = γ/√(σ² + ε); W′ = s·W per output channel; b′ = s·(b − μ) + β' : 'without a conv bias, b = 0: b′ = β − s·μ',
        atol: 1e-10,
      });
    });
  }

  test('the layers are left unchanged', () => {
    const { conv, bn } = trained(true);
    const before = [conv.weight.clone(), bn.runningMean!.clone()];
    foldBatchNorm(conv, bn);
    expectClose(conv.weight, before[0]!, { what: 'conv.weight after foldBatchNorm', hint: 'return new tensors; never assign into the layers', atol: 0, rtol: 0 });
    expectClose(bn.runningMean!, before[1]!, { what: 'bn.runningMean after foldBatchNorm', hint: 'return new tensors; never assign into the layers', atol: 0, rtol: 0 });
  });
});
