import { describe, test } from 'vitest';
import { optim, tensor, type Tensor } from '../src/index.js';
import { expectClose, expectEqual } from './lib/check.js';
import { MomentumSgd } from './03-2-momentum.js';

/** f(w) = Σ (w − target)² · scale, a bowl whose gradient we know. */
const lossOf = (w: Tensor): Tensor => w.sub(tensor([1, -2, 3], { dtype: 'float64' })).pow(2).mul(tensor([1, 4, 0.5], { dtype: 'float64' })).sum();
const start = (): Tensor => tensor([0, 0, 0], { dtype: 'float64', requiresGrad: true });

describe('exercise 3.2 — SGD with momentum', () => {
  test('zeroGrad clears the gradients', () => {
    const w = start();
    const opt = new MomentumSgd([w], { lr: 0.1, momentum: 0.9 });
    lossOf(w).backward();
    opt.zeroGrad();
    expectEqual(w.grad, null, { what: 'w.grad after zeroGrad()', hint: 'set p.grad = null for each parameter' });
  });

  test('the first step is plain SGD: θ − η·g', () => {
    const w = start();
    const opt = new MomentumSgd([w], { lr: 0.1, momentum: 0.9 });
    lossOf(w).backward(); // g = 2·scale·(w − target) = [−2, 16, −3]
    opt.step();
    expectClose(w, tensor([0.2, -1.6, 0.3], { dtype: 'float64' }), { what: 'w after one step (lr 0.1) from [0, 0, 0]', hint: 'on the first step b = g = [−2, 16, −3], and θ ← θ − lr·b' });
    expectEqual(w.requiresGrad && w.creator === null, true, { what: 'w after the step is still a leaf that requires grad', hint: 'run the update under noGrad and write it with w.assign(…), never w = w.sub(…)' });
  });

  test('five steps follow optim.SGD exactly', () => {
    const mine = start();
    const theirs = start();
    const a = new MomentumSgd([mine], { lr: 0.05, momentum: 0.9 });
    const b = new optim.SGD([theirs], { lr: 0.05, momentum: 0.9 });
    for (let step = 1; step <= 5; step++) {
      for (const [w, opt] of [[mine, a], [theirs, b]] as const) {
        opt.zeroGrad();
        lossOf(w).backward();
        opt.step();
      }
      expectClose(mine, theirs, { what: `w after step ${step}, against optim.SGD with momentum 0.9`, hint: step === 1 ? 'the first step uses b = g' : 'later steps use b ← μ·b + g, with b kept from the previous step of the same parameter', atol: 1e-12 });
    }
  });

  test('a parameter without a gradient is left alone', () => {
    const used = start();
    const unused = tensor([5], { dtype: 'float64', requiresGrad: true });
    const opt = new MomentumSgd([used, unused], { lr: 0.1, momentum: 0.9 });
    lossOf(used).backward();
    opt.step();
    expectClose(unused, tensor([5], { dtype: 'float64' }), { what: 'a parameter whose grad is null, after step()', hint: 'skip parameters with p.grad === null (they took no part in the loss)' });
  });
});
