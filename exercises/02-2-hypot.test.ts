import { describe, test } from 'vitest';
import { randn, seededRandom, tensor, type Tensor } from '../src/index.js';
import { expectClose, expectEqual, expectGradcheck } from './lib/check.js';
import { hypot } from './02-2-hypot.js';

const random = seededRandom(3);
const input = (shape: number[], requiresGrad = true): Tensor => randn(shape, { dtype: 'float64', random }).add(0.5).requiresGrad_(requiresGrad);

function proves(a: Tensor, b: Tensor, hint: string): void {
  expectGradcheck((p, q) => hypot(p!, q!), [a, b], { what: `gradcheck(hypot) on [${a.shape}] and [${b.shape}]`, hint });
}

describe('exercise 2.2 — hypot with broadcasting', () => {
  test('forward: 3-4-5', () => {
    expectClose(hypot(tensor([3, 5]), tensor([4, 12])), tensor([5, 13]), { what: 'hypot([3, 5], [4, 12])', hint: 'the forward value is a.pow(2).add(b.pow(2)).sqrt()' });
  });

  test('backward on equal shapes passes gradcheck', () => {
    proves(input([2, 3]), input([2, 3]), 'dA = dOut · a / out and dB = dOut · b / out (save a, b and the output in forward)');
  });

  test('backward with broadcasting passes gradcheck', () => {
    proves(input([4, 1]), input([3]), 'a [4, 1] and b [3] give a [4, 3] output: return sumToShape(dA, a.shape) and sumToShape(dB, b.shape)');
    proves(input([2, 3]), input([1, 1]), 'b [1, 1] was repeated over the whole [2, 3] output: its gradient is the sum of all six shares');
  });

  test('an input that needs no gradient gets null', () => {
    const a = input([3]);
    const b = input([3], false);
    const y = hypot(a, b);
    const grads = y.creator!.backward(tensor([1, 1, 1], { dtype: 'float64' }));
    expectEqual(grads[1], null, { what: 'the gradient returned for b when b does not require grad', hint: 'check ctx.needsInputGrad[1] in backward and return null instead of computing dB' });
  });
});
