/** Reference solution of exercise 6.2 (exercises/06-2-lstm-backward.ts). */
import { cat, type Tensor } from '../../src/index.js';

export interface LstmCache {
  readonly x: Tensor;
  readonly h: Tensor;
  readonly c: Tensor;
  readonly wIh: Tensor;
  readonly wHh: Tensor;
  readonly i: Tensor;
  readonly f: Tensor;
  readonly g: Tensor;
  readonly o: Tensor;
  readonly tau: Tensor;
}

export function lstmCellForward(x: Tensor, h: Tensor, c: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor): { h: Tensor; c: Tensor; cache: LstmCache } {
  const a = x.matmul(wIh.transpose()).add(bIh).add(h.matmul(wHh.transpose())).add(bHh);
  const [aI, aF, aG, aO] = a.chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor];
  const [i, f, g, o] = [aI.sigmoid(), aF.sigmoid(), aG.tanh(), aO.sigmoid()];
  const cNext = f.mul(c).add(i.mul(g));
  const tau = cNext.tanh();
  return { h: o.mul(tau), c: cNext, cache: { x, h, c, wIh, wHh, i, f, g, o, tau } };
}

export interface LstmGradients {
  readonly dx: Tensor;
  readonly dh: Tensor;
  readonly dc: Tensor;
  readonly dWih: Tensor;
  readonly dWhh: Tensor;
  readonly db: Tensor;
}

export function lstmCellBackward(dH: Tensor, dC: Tensor, cache: LstmCache): LstmGradients {
  const { x, h, c, wIh, wHh, i, f, g, o, tau } = cache;
  const oneMinus = (t: Tensor): Tensor => t.neg().add(1);
  const dCNext = dC.add(dH.mul(o).mul(oneMinus(tau.mul(tau)))); // two paths into c′
  const dO = dH.mul(tau);
  const dI = dCNext.mul(g);
  const dG = dCNext.mul(i);
  const dF = dCNext.mul(c);
  const dA = cat([
    dI.mul(i).mul(oneMinus(i)), //       σ′ = σ(1 − σ)
    dF.mul(f).mul(oneMinus(f)),
    dG.mul(oneMinus(g.mul(g))), //       tanh′ = 1 − tanh²
    dO.mul(o).mul(oneMinus(o)),
  ], 1); //                              [N, 4H]
  return {
    dx: dA.matmul(wIh),
    dh: dA.matmul(wHh),
    dc: dCNext.mul(f),
    dWih: dA.transpose().matmul(x),
    dWhh: dA.transpose().matmul(h),
    db: dA.sum(0),
  };
}
