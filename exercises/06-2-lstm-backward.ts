/**
 * Exercise 6.2 — the LSTM cell's backward pass by hand (docs/course/06-recurrent-networks.md, §2).
 *
 * The forward below is complete; it returns the new h and c and a cache of what the backward
 * needs. Write lstmCellBackward from the equations (τ = tanh c′):
 *   dc′ = dC + dH ⊙ o ⊙ (1 − τ²)
 *   do = dH ⊙ τ    di = dc′ ⊙ g    dg = dc′ ⊙ i    df = dc′ ⊙ c    dc = dc′ ⊙ f
 *   dA = [di ⊙ i(1 − i) ‖ df ⊙ f(1 − f) ‖ dg ⊙ (1 − g²) ‖ do ⊙ o(1 − o)]     [N, 4H], cat on axis 1
 *   dx = dA·W_ih    dh = dA·W_hh    dW_ih = dAᵀ·x    dW_hh = dAᵀ·h    db = Σ over N of dA
 * with tensor ops only; do not call backward(). The test compares with autograd.
 *
 * Check your work: npm run exercise -- 6
 */
import { cat, type Tensor } from '../src/index.js'; // cat joins the four gate gradients into dA

export interface LstmCache {
  readonly x: Tensor;
  readonly h: Tensor;
  readonly c: Tensor;
  readonly wIh: Tensor;
  readonly wHh: Tensor;
  /** The gates after their nonlinearities, each [N, H]. */
  readonly i: Tensor;
  readonly f: Tensor;
  readonly g: Tensor;
  readonly o: Tensor;
  /** tanh(c′). */
  readonly tau: Tensor;
}

/** One LSTM step (gates packed i, f, g, o as PyTorch packs them). */
export function lstmCellForward(x: Tensor, h: Tensor, c: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor): { h: Tensor; c: Tensor; cache: LstmCache } {
  const a = x.matmul(wIh.transpose()).add(bIh).add(h.matmul(wHh.transpose())).add(bHh); // [N, 4H]
  const [aI, aF, aG, aO] = a.chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const [i, f, g, o] = [aI.sigmoid(), aF.sigmoid(), aG.tanh(), aO.sigmoid()];
  const cNext = f.mul(c).add(i.mul(g));
  const tau = cNext.tanh();
  return { h: o.mul(tau), c: cNext, cache: { x, h, c, wIh, wHh, i, f, g, o, tau } };
}

export interface LstmGradients {
  readonly dx: Tensor; //   [N, I]
  readonly dh: Tensor; //   [N, H]
  readonly dc: Tensor; //   [N, H]
  readonly dWih: Tensor; // [4H, I]
  readonly dWhh: Tensor; // [4H, H]
  /** The gradient of b_ih, which equals that of b_hh: [4H]. */
  readonly db: Tensor;
}

/** The gradients of one step, given dH = ∂L/∂h′ and dC = ∂L/∂c′ (what later steps sent to c′ directly). */
export function lstmCellBackward(dH: Tensor, dC: Tensor, cache: LstmCache): LstmGradients {
  throw new Error('not implemented yet: lstmCellBackward — follow the equations in this file\'s header: dc′, then do, di, dg, df, dc, then dA = cat of the four pre-activation gradients, then the matmuls');
}
