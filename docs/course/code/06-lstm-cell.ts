/**
 * One LSTM step written with generic ops, against Sapling's fused `lstmCell` op with its
 * hand-derived backward: the same values and the same gradients.
 * Run: npx tsx docs/course/code/06-lstm-cell.ts
 */
import { cat, lstmCell, randn, seededRandom, type Tensor } from '../../../src/index.js';

// #region setup
const [N, I, H] = [3, 4, 5];
const random = seededRandom(2);
const param = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', random }).mul(0.5).requiresGrad_();
const [x, h, c] = [param([N, I]), param([N, H]), param([N, H])];
const [wIh, wHh, bIh, bHh] = [param([4 * H, I]), param([4 * H, H]), param([4 * H]), param([4 * H])];
// #endregion

// #region composed
function lstmStep(x: Tensor, h: Tensor, c: Tensor): { h: Tensor; c: Tensor } {
  const a = x.matmul(wIh.transpose()).add(bIh).add(h.matmul(wHh.transpose())).add(bHh); // [N, 4H]
  const [aI, aF, aG, aO] = a.chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor]; //          PyTorch's order: i, f, g, o
  const [i, f, g, o] = [aI.sigmoid(), aF.sigmoid(), aG.tanh(), aO.sigmoid()];
  const cNext = f.mul(c).add(i.mul(g)); // forget part of the old memory, write part of the new
  const hNext = o.mul(cNext.tanh()); //    expose part of it
  return { h: hNext, c: cNext };
}
// #endregion

// #region compare
const composed = lstmStep(x, h, c);
const fused = lstmCell(x, cat([h, c], 1), wIh, wHh, bIh, bHh); // state packed as [h ‖ c]: [N, 2H]
const packed = cat([composed.h, composed.c], 1);
console.log(`values: largest difference ${packed.sub(fused).abs().max().item().toExponential(1)}`);

const dS = randn([N, 2 * H], { dtype: 'float64', random }); // some gradient for [h' ‖ c']
const inputs = [x, h, c, wIh, wHh, bIh, bHh];
const gradientsOf = (out: Tensor): Tensor[] => {
  for (const t of inputs) t.grad = null;
  out.backward(dS);
  return inputs.map((t) => t.grad!);
};
const viaOps = gradientsOf(packed);
const viaCell = gradientsOf(fused);
const worst = Math.max(...viaOps.map((g, k) => g.sub(viaCell[k]!).abs().max().item()));
console.log(`gradients of x, h, c, W_ih, W_hh, b_ih, b_hh: largest difference ${worst.toExponential(1)}`);
/** The number of recorded nodes behind a tensor. */
function nodes(t: Tensor): number {
  const seen = new Set<unknown>();
  const stack = [t];
  while (stack.length > 0) {
    const node = stack.pop()!.creator;
    if (node && !seen.has(node)) {
      seen.add(node);
      stack.push(...node.inputs);
    }
  }
  return seen.size;
}
console.log(`graph nodes for one step: ${nodes(fused)} (packing the state, then ${fused.creator!.name}) against ${nodes(packed)} for the composed step`);
// #endregion
