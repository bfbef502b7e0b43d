/** Reference solution of exercise 7.3 (exercises/07-3-multi-head.ts). */
import { scaledDotProductAttention, type MultiheadAttention, type Tensor } from '../../src/index.js';

export function splitHeads(x: Tensor, numHeads: number): Tensor {
  const [n, t, e] = x.shape as [number, number, number];
  if (x.ndim !== 3 || e % numHeads !== 0) throw new RangeError(`splitHeads: expected [N, T, E] with E divisible by ${numHeads} heads, got [${x.shape.join(', ')}]`);
  return x.reshape([n, t, numHeads, e / numHeads]).permute([0, 2, 1, 3]);
}

export function mergeHeads(x: Tensor): Tensor {
  const [n, h, t, d] = x.shape as [number, number, number, number];
  return x.permute([0, 2, 1, 3]).reshape([n, t, h * d]);
}

export function multiHeadSelfAttention(x: Tensor, mha: MultiheadAttention): Tensor {
  const E = mha.embedDim;
  const project = (i: number): Tensor => {
    const rows = { start: i * E, stop: (i + 1) * E };
    const y = x.matmul(mha.inProjWeight.slice([rows]).transpose());
    return mha.inProjBias ? y.add(mha.inProjBias.slice([rows])) : y;
  };
  const [q, k, v] = [0, 1, 2].map((i) => splitHeads(project(i), mha.numHeads)) as [Tensor, Tensor, Tensor];
  return mha.outProj.forward(mergeHeads(scaledDotProductAttention(q, k, v)));
}
