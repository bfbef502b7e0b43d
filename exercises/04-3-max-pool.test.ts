import { describe, test } from 'vitest';
import { maxPool2d, randn, seededRandom, tensor } from '../src/index.js';
import { expectClose, expectGradcheck, expectThrows } from './lib/check.js';
import { maxPool2x2 } from './04-3-max-pool.js';

describe('exercise 4.3 — 2 × 2 max pooling', () => {
  test('forward on the chapter\'s example', () => {
    const x = tensor([[[[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 6, 7], [9, 1, 3, 4]]]]);
    expectClose(maxPool2x2(x), tensor([[[[5, 8], [9, 7]]]]), { what: 'maxPool2x2 of the 4 × 4 example', hint: 'reshape to [N, C, H/2, 2, W/2, 2] so each window sits on axes 3 and 5, then max([3, 5])' });
  });

  test('forward equals maxPool2d on random input', () => {
    const x = randn([2, 3, 6, 4], { random: seededRandom(1) });
    expectClose(maxPool2x2(x), maxPool2d(x, 2), { what: 'maxPool2x2(x [2, 3, 6, 4])', hint: 'the window axes are 3 and 5 of [N, C, H/2, 2, W/2, 2]: not 2 and 4' });
  });

  test('backward routes each window\'s gradient to its maximum', () => {
    const x = tensor([[[[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 6, 7], [9, 1, 3, 4]]]], { requiresGrad: true });
    maxPool2x2(x).backward(tensor([[[[10, 20], [30, 40]]]]));
    expectClose(x.grad, tensor([[[[0, 10, 0, 0], [0, 0, 20, 0], [0, 0, 0, 40], [30, 0, 0, 0]]]]), { what: 'x.grad for dY = [[10, 20], [30, 40]]', hint: 'dX = up(dY) ⊙ (x == up(y)): repeat dY and y over each 2 × 2 window, keep dY only where x equals its window\'s max' });
  });

  test('backward passes gradcheck', () => {
    const x = randn([2, 2, 4, 6], { dtype: 'float64', random: seededRandom(2) }).requiresGrad_();
    expectGradcheck((t) => maxPool2x2(t!), [x], { what: 'gradcheck(maxPool2x2)', hint: 'the mask must be float (x.eq(…) is int32: .to(x.dtype)) and the backward must return [dX] with x\'s shape' });
  });

  test('odd sizes are refused', () => {
    expectThrows(() => maxPool2x2(randn([1, 1, 5, 4])), /\[1,1,5,4\]/, { what: 'maxPool2x2 of a [1, 1, 5, 4] input', hint: 'check that H and W are even and throw a RangeError naming the shape' });
  });
});
