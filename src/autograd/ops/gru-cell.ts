/**
 * gruCell — one step of a gated recurrent unit (Cho et al. 2014) as ONE fused op with a
 * hand-derived backward; PyTorch's `torch.nn.GRUCell` maths, gates packed r, z, n along 3H.
 *
 * Shapes: x [N, I]; h [N, H]; W_ih [3H, I]; W_hh [3H, H]; b_ih, b_hh [3H].
 *   u = x·W_ihᵀ + b_ih        v = h·W_hhᵀ + b_hh          [N, 3H], each split into r, z, n parts
 *   r = σ(u_r + v_r)    z = σ(u_z + v_z)    n = tanh(u_n + r ⊙ v_n)
 *   h' = (1 − z) ⊙ n + z ⊙ h
 * Note PyTorch's placement of r: it multiplies v_n = W_hn·h + b_hn, bias included (the
 * "linear_before_reset" form of cuDNN), not h itself as in the original paper — a parity trap.
 *
 * Backward, from dh':
 *   dn = dh' ⊙ (1 − z)      dz = dh' ⊙ (h − n)      and h reaches h' directly: dh ⊇ dh' ⊙ z
 *   da_n = dn ⊙ (1 − n²)                                   (a_n = u_n + r ⊙ v_n)
 *   da_r = da_n ⊙ v_n ⊙ r(1 − r)      da_z = dz ⊙ z(1 − z)
 *   dU = [da_r ‖ da_z ‖ da_n]        dV = [da_r ‖ da_z ‖ da_n ⊙ r]            [N, 3H]
 *   dx = dU · W_ih    dW_ih = dUᵀ · x    db_ih = Σ_N dU
 *   dh = dV · W_hh + dh' ⊙ z    dW_hh = dVᵀ · h    db_hh = Σ_N dV
 * As in lstm-cell.ts, the saved activations are constants to a recorded backward (no second
 * derivatives through this op).
 */
import { kernels } from '../backends/index.js';
import { apply, type OpDef } from '../function.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul, sub } from './elementwise.js';
import { requireFloat } from './helpers.js';
import { cat } from './indexing.js';
import { columns } from './lstm-cell.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { transpose } from './shape.js';

const GruCell: OpDef<readonly [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]> = {
  name: 'GruCell',
  forward(ctx, [x, h, wIh, wHh, bIh, bHh]) {
    const k = kernels();
    const H = h.shape[1]!;
    const u = add(k.matmul(x, k.permute(wIh, [1, 0])), bIh); //                 [N, 3H]
    const v = add(k.matmul(h, k.permute(wHh, [1, 0])), bHh); //                 [N, 3H]
    const r = k.unary('sigmoid', add(columns(k, u, 0, H), columns(k, v, 0, H)));
    const z = k.unary('sigmoid', add(columns(k, u, H, H), columns(k, v, H, H)));
    const vN = columns(k, v, 2 * H, H);
    const n = k.unary('tanh', add(columns(k, u, 2 * H, H), mul(r, vN)));
    ctx.save(x, h, wIh, wHh, r, z, n, vN);
    return add(n, mul(z, sub(h, n))); //                                         (1 − z)⊙n + z⊙h
  },
  backward(ctx, dH) {
    const [x, h, wIh, wHh, r, z, n, vN] = ctx.saved as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    const dAn = mul(mul(dH, sub(1, z)), sub(1, mul(n, n)));
    const dAr = mul(mul(dAn, vN), mul(r, sub(1, r)));
    const dAz = mul(mul(dH, sub(h, n)), mul(z, sub(1, z)));
    const dU = cat([dAr, dAz, dAn], 1); //                                       [N, 3H]
    const dV = cat([dAr, dAz, mul(dAn, r)], 1); //                               [N, 3H]
    const need = ctx.needsInputGrad;
    return [
      need[0] ? matmul(dU, wIh) : null,
      need[1] ? add(matmul(dV, wHh), mul(dH, z)) : null,
      need[2] ? matmul(transpose(dU), x) : null,
      need[3] ? matmul(transpose(dV), h) : null,
      need[4] ? sum(dU, 0) : null,
      need[5] ? sum(dV, 0) : null,
    ];
  },
};

/**
 * One GRU step: h [N, H] → h' [N, H]. Weights as PyTorch's GRUCell: W_ih [3H, I], W_hh [3H, H],
 * biases [3H], gates r, z, n.
 * @example gruCell(zeros([1, 2]), zeros([1, 1]), zeros([3, 2]), zeros([3, 1]), zeros([3]), zeros([3])).toArray()  // [[0]]
 */
export function gruCell(x: Tensor, h: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor): Tensor {
  const op = 'gruCell';
  for (const [t, name] of [[x, 'x'], [h, 'h'], [wIh, 'weight_ih'], [wHh, 'weight_hh'], [bIh, 'bias_ih'], [bHh, 'bias_hh']] as const) {
    requireFloat(t, op, name);
    if (t.dtype !== x.dtype) throw new TypeError(`${op}: ${name} is ${t.dtype} but x is ${x.dtype}`);
  }
  const H = wHh.shape[1] ?? 0;
  const ok = x.ndim === 2 && h.ndim === 2 && h.shape[0] === x.shape[0] && h.shape[1] === H && wHh.ndim === 2 && wHh.shape[0] === 3 * H &&
    wIh.ndim === 2 && wIh.shape[0] === 3 * H && wIh.shape[1] === x.shape[1] && bIh.ndim === 1 && bIh.shape[0] === 3 * H && bHh.ndim === 1 && bHh.shape[0] === 3 * H;
  if (!ok) {
    throw new RangeError(`${op}: expected x [N, I], h [N, H], weight_ih [3H, I], weight_hh [3H, H], biases [3H]; got x ${fmt(x.shape)}, h ${fmt(h.shape)}, weight_ih ${fmt(wIh.shape)}, weight_hh ${fmt(wHh.shape)}, bias_ih ${fmt(bIh.shape)}, bias_hh ${fmt(bHh.shape)}`);
  }
  return apply(GruCell, [x, h, wIh, wHh, bIh, bHh], undefined);
}
