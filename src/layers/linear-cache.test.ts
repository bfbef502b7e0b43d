/**
 * Linear's inference Wᵀ is cached per weight and must follow every write to the weight (issue 18,
 * item 1: after `l.weight.storage.fill(0)` under noGrad the output was stale, on cpu too).
 */
import { expect, test } from 'vitest';
import { randn } from '../autograd/creation.js';
import { noGrad } from '../autograd/function.js';
import { seededRandom } from '../autograd/random.js';
import { Linear } from './linear.js';

const expectEqual = (a: ArrayLike<number>, b: ArrayLike<number>): void => expect(Array.from(a)).toEqual(Array.from(b));

test('under noGrad the output follows the weight through assign, mutate and the storage array', () => {
  const random = seededRandom(1);
  const l = new Linear(6, 4, { random });
  const x = randn([3, 6], { random });
  const withGrad = (): Float32Array => l.forward(x).storage as Float32Array; // recorded: no cache
  const inference = (): Float32Array => noGrad(() => l.forward(x)).storage as Float32Array;
  for (let i = 0; i < 2; i++) expectEqual(inference(), withGrad()); // the cache is made, then used
  l.weight.storage.fill(0); // the repro
  expectEqual(inference(), withGrad());
  expectEqual(inference(), noGrad(() => l.bias!.broadcastTo([3, 4])).storage);
  l.weight.mutate((w) => w.fill(0.5));
  expectEqual(inference(), withGrad());
  noGrad(() => l.weight.assign(randn([4, 6], { random })));
  expectEqual(inference(), withGrad());
});
