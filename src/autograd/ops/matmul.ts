/**
 * matmul — C = A · B for A: [..., m, k], B: [..., k, n] → C: [..., m, n], with PyTorch's rules:
 * batch axes broadcast; a 1-D A is a row [1, k] and a 1-D B a column [k, 1], the added axis
 * removed from the result (so 1-D · 1-D is a dot product, a 0-d tensor).
 *
 * Backward. Write C_ij = Σ_p A_ip · B_pj. Each A_ip touches a whole row of C, so
 *   ∂L/∂A_ip = Σ_j ∂L/∂C_ij · B_pj   ⇒   dA = dC · Bᵀ     [m, n]·[n, k] = [m, k]
 *   ∂L/∂B_pj = Σ_i A_ip · ∂L/∂C_ij   ⇒   dB = Aᵀ · dC     [k, m]·[m, n] = [k, n]
 * A batch that was broadcast fed several products, so its gradient sums over those batch
 * axes (sumToShape). Sanity check: every gradient has the shape of the input it belongs to.
 * A batched A times a plain matrix B ([..., m, k] · [k, n], a Linear on a sequence) is one
 * [(…·m), k] · [k, n] product, and dB = A_flatᵀ · dC_flat one [k, (…·m)] · [(…·m), n] product:
 * the same sums, in one kernel call instead of a batch of them (the wasm backend's batched path is
 * several times slower per product) and without a [batch, k, n] stack of partial dBs to sum.
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { promote } from '../dtype.js';
import { broadcastShapes, fmt, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { checkTensor } from './helpers.js';
import { sumToShape } from './reduce.js';
import { reshape, squeeze, transpose } from './shape.js';

/** A [..., m, k] times a plain B [k, n] is computed as rows: A read as [(…·m), k]. */
const foldsRows = (a: Tensor, b: Tensor): boolean => a.ndim > 2 && b.ndim === 2;
const asRows = (t: Tensor): Tensor => reshape(t, [sizeOf(t.shape.slice(0, -1)), t.shape[t.ndim - 1]!]);

const MatMul: OpDef<readonly [Tensor, Tensor]> = {
  name: 'MatMul',
  forward(ctx, [a, b]) {
    ctx.save(a, b); // dA needs B and dB needs A
    if (foldsRows(a, b)) return reshape(kernels().matmul(asRows(a), b), [...a.shape.slice(0, -1), b.shape[1]!]);
    return kernels().matmul(a, b);
  },
  backward(ctx, dC) {
    const [a, b] = ctx.saved as [Tensor, Tensor];
    const dB = (): Tensor => (foldsRows(a, b) ? matmul(transpose(asRows(a)), asRows(dC)) : sumToShape(matmul(transpose(a), dC), b.shape));
    return [
      ctx.needsInputGrad[0] ? sumToShape(matmul(dC, transpose(b)), a.shape) : null,
      ctx.needsInputGrad[1] ? dB() : null,
    ];
  },
};

/** The matrix product with broadcasting batch axes. @example matmul(eye(2), tensor([[1, 2], [3, 4]])).toArray()  // [[1, 2], [3, 4]] */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'matmul', 'first argument');
  checkTensor(b, 'matmul', 'second argument');
  if (a.ndim === 0 || b.ndim === 0) throw new RangeError(`matmul: both arguments need at least one dimension, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const k = a2.shape[a2.ndim - 1]!;
  if (b2.shape[b2.ndim - 2] !== k) throw new RangeError(`matmul: cannot multiply ${fmt(a.shape)} by ${fmt(b.shape)}`);
  broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2), `matmul: batch axes of ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const dtype = promote(a.dtype, b.dtype);
  let c = apply(MatMul, [cast(a2, dtype), cast(b2, dtype)], undefined);
  if (b.ndim === 1) c = squeeze(c, -1);
  if (a.ndim === 1) c = squeeze(c, b.ndim === 1 ? -1 : -2);
  return c;
}
