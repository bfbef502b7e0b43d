import { describe, test } from 'vitest';
import { defineOp, randn, seededRandom, tensor, type Tensor } from '../src/index.js';
import { expectClose, expectEqual } from './lib/check.js';
import { findGradientMismatch } from './02-3-gradcheck.js';

const random = seededRandom(11);
const input = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', random }).requiresGrad_();

/** x reversed along its only axis, with a correct or a buggy backward. */
const reverse = (buggy: boolean): ((x: Tensor) => Tensor) => {
  const flip = (t: Tensor): Tensor => tensor(Array.from(t.storage).reverse(), { dtype: t.dtype });
  return defineOp<[Tensor]>({
    name: buggy ? 'BuggyReverse' : 'Reverse',
    forward: (_ctx, [x]) => flip(x),
    backward: (_ctx, dOut) => [buggy ? dOut : flip(dOut)], // the bug: the gradient is not reversed back
  });
};

describe('exercise 2.3 — findGradientMismatch', () => {
  test('a correct function has no mismatch', () => {
    const got = findGradientMismatch((a, b) => a!.matmul(b!).tanh(), [input([2, 3]), input([3, 2])]);
    expectEqual(got, null, { what: 'findGradientMismatch(tanh(a·b))', hint: 'matmul and tanh are correct in Sapling: compare .grad with (L(x + ε) − L(x − ε)) / 2ε, L = Σ c ⊙ f(x), in float64' });
  });

  test('a wrong derivative is reported with its input, element and both values', () => {
    const wrongSquare = defineOp<[Tensor]>({
      name: 'WrongSquare',
      forward: (ctx, [x]) => (ctx.save(x), x.mul(x)),
      backward: (ctx, dOut) => [dOut.mul(ctx.saved[0]!)], // should be 2x
    });
    const a = input([3]);
    const x = tensor([1.5, -2, 0.5], { dtype: 'float64', requiresGrad: true });
    const got = findGradientMismatch((p, q) => p!.add(wrongSquare(q!)), [a, x]);
    expectEqual(got === null ? null : [got.input, got.element], [1, 0], { what: 'the input and element of the first mismatch (a is right, wrongSquare(x) is wrong at every element)', hint: 'check the inputs in order and the elements in storage order; return at the first mismatch' });
    const c0 = randn([3], { dtype: 'float64', random: seededRandom(0) }).storage[0]!; // the weighting of element 0
    expectClose([got!.analytic, got!.numeric], [c0 * 1.5, c0 * 3], { what: '[analytic, numeric] at x[0] = 1.5, with c drawn from seededRandom(0)', hint: 'analytic is x.grad[0] after one backward of Σ c ⊙ f; numeric is the central difference of the same L', atol: 1e-5 });
  });

  test('a gradient in the wrong place is caught (the random weighting)', () => {
    const x = tensor([0.3, -1.2, 2.0, 0.7], { dtype: 'float64', requiresGrad: true });
    expectEqual(findGradientMismatch(reverse(false), [x]), null, { what: 'findGradientMismatch(reverse) with a correct backward', hint: 'a correct backward must not be reported' });
    const got = findGradientMismatch(reverse(true), [x]);
    expectEqual(got !== null, true, { what: 'findGradientMismatch(reverse) whose backward forgets to reverse dOut', hint: 'with L = Σ f(x) every gradient is 1 and the bug hides: weight the output with a random c (randn, seededRandom(seed)) so each element\'s gradient differs' });
  });

  test('the inputs are left as they were', () => {
    const x = input([2, 2]);
    const before = Array.from(x.storage);
    findGradientMismatch((t) => t!.exp(), [x]);
    expectClose(Array.from(x.storage), before, { what: 'x after findGradientMismatch', hint: 'restore the original storage (x.assign(new Tensor(original, x.shape))) after probing each input', atol: 0, rtol: 0 });
  });
});
