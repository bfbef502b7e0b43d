import { describe, test } from 'vitest';
import { optim, tensor, type Tensor } from '../src/index.js';
import { expectClose } from './lib/check.js';
import { clipGradNorm } from './06-3-clip-grad-norm.js';

/** Two parameters whose gradients are [3, 4] and [[0, 12]]: joint norm 13. */
function params(): Tensor[] {
  const a = tensor([1, 1], { dtype: 'float64', requiresGrad: true });
  const b = tensor([[1, 1]], { dtype: 'float64', requiresGrad: true });
  const unused = tensor([7], { dtype: 'float64', requiresGrad: true });
  a.grad = tensor([3, 4], { dtype: 'float64' });
  b.grad = tensor([[0, 12]], { dtype: 'float64' });
  return [a, b, unused];
}

describe('exercise 6.3 — clipGradNorm', () => {
  test('returns the joint norm before clipping', () => {
    expectClose(clipGradNorm(params(), 1), 13, { what: 'the norm returned for gradients [3, 4] and [[0, 12]]', hint: 'one norm over ALL gradients together: √(3² + 4² + 0² + 12²) = 13, computed before scaling' });
  });

  test('scales every gradient by maxNorm / (norm + 1e-6), in place', () => {
    const p = params();
    const [gA, gB] = [p[0]!.grad!, p[1]!.grad!];
    clipGradNorm(p, 1);
    const c = 1 / (13 + 1e-6);
    expectClose(p[0]!.grad, tensor([3 * c, 4 * c], { dtype: 'float64' }), { what: 'the first gradient after clipping to 1', hint: 'multiply every gradient by the same c = min(1, maxNorm / (norm + 1e-6)): the direction is kept', atol: 1e-12 });
    expectClose(gA, tensor([3 * c, 4 * c], { dtype: 'float64' }), { what: 'the gradient tensor object held before the call', hint: 'write in place with p.grad.assign(p.grad.mul(c)) instead of replacing p.grad', atol: 1e-12 });
    expectClose(gB, tensor([[0, 12 * c]], { dtype: 'float64' }), { what: 'the second gradient after clipping', hint: 'every parameter with a gradient is scaled', atol: 1e-12 });
  });

  test('leaves gradients whose norm is below the threshold unchanged', () => {
    const p = params();
    clipGradNorm(p, 100);
    expectClose(p[1]!.grad, tensor([[0, 12]], { dtype: 'float64' }), { what: 'a gradient after clipGradNorm(…, 100) when the norm is 13', hint: 'c = min(1, …): never scale gradients UP' });
  });

  test('agrees with optim.clipGradNorm', () => {
    const [mine, theirs] = [params(), params()];
    const norm = clipGradNorm(mine, 5);
    const expected = optim.clipGradNorm(theirs, 5).item();
    expectClose(norm, expected, { what: 'the returned norm against optim.clipGradNorm', hint: 'return the total before scaling, as a number' });
    expectClose(mine[1]!.grad, theirs[1]!.grad!, { what: 'the clipped gradient against optim.clipGradNorm', hint: 'c = min(1, maxNorm / (norm + 1e-6))', atol: 1e-12 });
  });
});
