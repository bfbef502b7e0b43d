import { describe, test } from 'vitest';
import { noGrad, randn, seededRandom, type Tensor } from '../src/index.js';
import { expectClose } from './lib/check.js';
import { lstmCellBackward, lstmCellForward } from './06-2-lstm-backward.js';

describe('exercise 6.2 — the LSTM cell backward by hand', () => {
  for (const [N, I, H] of [[3, 4, 5], [1, 2, 3]] as const) {
    test(`every gradient equals autograd's (N ${N}, I ${I}, H ${H})`, () => {
      const random = seededRandom(N * 10 + H);
      const p = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', random }).mul(0.7).requiresGrad_();
      const [x, h, c] = [p([N, I]), p([N, H]), p([N, H])];
      const [wIh, wHh, bIh, bHh] = [p([4 * H, I]), p([4 * H, H]), p([4 * H]), p([4 * H])];
      const out = lstmCellForward(x, h, c, wIh, wHh, bIh, bHh);
      const [dH, dC] = [randn([N, H], { dtype: 'float64', random }), randn([N, H], { dtype: 'float64', random })];
      out.h.mul(dH).sum().add(out.c.mul(dC).sum()).backward(); // autograd: L = Σ dH ⊙ h′ + Σ dC ⊙ c′
      const got = noGrad(() => lstmCellBackward(dH, dC, out.cache));
      const checks: [Tensor, Tensor, string, string][] = [
        [got.dc, c.grad!, 'dc', 'dc = dc′ ⊙ f, where dc′ = dC + dH ⊙ o ⊙ (1 − τ²) includes the path through h′'],
        [got.dh, h.grad!, 'dh', 'dh = dA · W_hh with dA = [da_i ‖ da_f ‖ da_g ‖ da_o] in PyTorch\'s gate order i, f, g, o'],
        [got.dx, x.grad!, 'dx', 'dx = dA · W_ih'],
        [got.dWih, wIh.grad!, 'dW_ih', 'dW_ih = dAᵀ · x: [4H, N]·[N, I]'],
        [got.dWhh, wHh.grad!, 'dW_hh', 'dW_hh = dAᵀ · h (the OLD h, from the cache)'],
        [got.db, bIh.grad!, 'db', 'db = Σ over the batch (axis 0) of dA'],
        [got.db, bHh.grad!, 'db (for b_hh)', 'b_ih and b_hh enter a the same way, so they share one gradient'],
      ];
      for (const [mine, expected, name, hint] of checks) expectClose(mine, expected, { what: `${name} for N ${N}, I ${I}, H ${H}`, hint, atol: 1e-10 });
    });
  }
});
