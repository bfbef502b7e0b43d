import { describe, test } from 'vitest';
import { randn, seededRandom, tensor, type Tensor } from '../src/index.js';
import { expectClose, expectEqual, expectGradcheck } from './lib/check.js';
import { sigmoid, softplus } from './02-1-unary-ops.js';

const x = (): Tensor => randn([3, 4], { dtype: 'float64', random: seededRandom(7) }).mul(3).requiresGrad_();

/** Runs gradcheck and turns its error into a failure with a hint. */
function proves(fn: (x: Tensor) => Tensor, name: string, hint: string): void {
  expectGradcheck((t) => fn(t!), [x()], { what: `gradcheck(${name})`, hint });
}

describe('exercise 2.1 — sigmoid and softplus as ops', () => {
  test('sigmoid: forward equals Sapling\'s', () => {
    expectClose(sigmoid(x()), x().sigmoid(), { what: 'sigmoid(x)', hint: 'the forward value is 1 / (1 + e⁻ˣ): x.neg().exp().add(1).pow(-1)', atol: 1e-12 });
  });

  test('sigmoid: backward passes gradcheck', () => {
    proves(sigmoid, 'sigmoid', 'save the output y in forward (ctx.save(y)) and return [dOut.mul(y).mul(1 − y)] from backward');
  });

  test('sigmoid: the graph records one op, whose backward reads the output', () => {
    const y = sigmoid(x());
    expectEqual(y.creator?.inputs.length, 1, { what: 'the number of inputs recorded for sigmoid(x)', hint: 'wrap the op with defineOp so that one node records it (apply() is called for you)' });
  });

  test('softplus: forward equals Sapling\'s, and stays finite for large |x|', () => {
    expectClose(softplus(x()), x().softplus(), { what: 'softplus(x)', hint: 'the forward value is log(1 + eˣ)', atol: 1e-12 });
    const big = tensor([-1000, -50, 0, 50, 1000], { dtype: 'float64' });
    expectClose(softplus(big), tensor([0, Math.exp(-50), Math.LN2, 50, 1000], { dtype: 'float64' }), {
      what: 'softplus([−1000, −50, 0, 50, 1000])',
      hint: 'e¹⁰⁰⁰ overflows to Infinity: compute max(x, 0) + log(1 + e^(−|x|)) instead of log(1 + eˣ)',
      rtol: 1e-12,
      atol: 1e-12,
    });
  });

  test('softplus: backward passes gradcheck', () => {
    proves(softplus, 'softplus', 'save x in forward and return [dOut.mul(x.sigmoid())]: the derivative of log(1 + eˣ) is eˣ / (1 + eˣ) = σ(x)');
  });
});
