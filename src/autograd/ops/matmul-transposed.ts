/**
 * matmulTransposed — C = op(A) · op(B) for 2-D A and B, where op(A) is Aᵀ when `transposeA`
 * (A stored [k, m]) and op(B) is Bᵀ when `transposeB` (B stored [n, k]): C is [m, n]. The kernel
 * reads the operands in place, so no transposed copy is made; Linear's x · Wᵀ is one call.
 *
 * Backward. With Ā = op(A) and B̄ = op(B), C = Ā · B̄, so as for matmul dĀ = dC · B̄ᵀ and
 * dB̄ = Āᵀ · dC. Each is again a product of stored operands, read transposed or not:
 *   dA = dĀ      = dC · op(B)ᵀ   = mt(dC, B, no, !tB)        (A not transposed)
 *   dA = dĀᵀ     = op(B) · dCᵀ   = mt(B, dC, tB, yes)        (A stored transposed)
 *   dB = dB̄      = op(A)ᵀ · dC   = mt(A, dC, !tA, no)        (B not transposed)
 *   dB = dB̄ᵀ     = dCᵀ · op(A)   = mt(dC, A, yes, tA)        (B stored transposed)
 * So for Linear (tA = no, tB = yes): dx = dC · W and dW = dCᵀ · x, with no transpose of W in
 * either direction. Shape check: dA has A's stored shape ([m, k] or [k, m]), dB has B's.
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import type { MatmulTranspose } from '../backends/types.js';
import { promote } from '../dtype.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { checkTensor } from './helpers.js';

const MatMulTransposed: OpDef<readonly [Tensor, Tensor], MatmulTranspose> = {
  name: 'MatMulTransposed',
  forward(ctx, [a, b], t) {
    ctx.save(a, b); // dA needs B and dB needs A
    return kernels().matmulTransposed(a, b, t);
  },
  backward(ctx, dC, { transposeA: tA, transposeB: tB }) {
    const [a, b] = ctx.saved as [Tensor, Tensor];
    return [
      !ctx.needsInputGrad[0] ? null : tA ? matmulTransposed(b, dC, { transposeA: tB, transposeB: true }) : matmulTransposed(dC, b, { transposeA: false, transposeB: !tB }),
      !ctx.needsInputGrad[1] ? null : tB ? matmulTransposed(dC, a, { transposeA: true, transposeB: tA }) : matmulTransposed(a, dC, { transposeA: !tA, transposeB: false }),
    ];
  },
};

/**
 * op(A) · op(B) for matrices, op a transpose where asked (tfjs's `matMul(a, b, transposeA,
 * transposeB)`; in PyTorch, `a.t() @ b` on a transposed view).
 * @example matmulTransposed(tensor([[1, 2]]), tensor([[3, 4]]), { transposeA: false, transposeB: true }).toArray()  // [[11]]
 */
export function matmulTransposed(a: Tensor, b: Tensor, { transposeA = false, transposeB = false }: Partial<MatmulTranspose> = {}): Tensor {
  checkTensor(a, 'matmulTransposed', 'first argument');
  checkTensor(b, 'matmulTransposed', 'second argument');
  if (a.ndim !== 2 || b.ndim !== 2) throw new RangeError(`matmulTransposed: both arguments must be 2-D, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const k = transposeA ? a.shape[0]! : a.shape[1]!;
  const kB = transposeB ? b.shape[1]! : b.shape[0]!;
  if (k !== kB) {
    throw new RangeError(`matmulTransposed: cannot multiply ${fmt(a.shape)}${transposeA ? 'ᵀ' : ''} by ${fmt(b.shape)}${transposeB ? 'ᵀ' : ''} (inner sizes ${k} and ${kB})`);
  }
  const dtype = promote(a.dtype, b.dtype);
  return apply(MatMulTransposed, [cast(a, dtype), cast(b, dtype)], { transposeA, transposeB });
}
