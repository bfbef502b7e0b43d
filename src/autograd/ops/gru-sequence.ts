/**
 * gruSequence — one layer and one direction of a GRU over a whole time-major sequence, as ONE op
 * with backpropagation through time written out by hand: lstmSequence's plan (lstm-sequence.ts)
 * applied to the GRU step of gruCell (gru-cell.ts, PyTorch's `nn.GRU`, gates packed r, z, n).
 *
 * Shapes: x [T, N, I]; h0 [N, H]; W_ih [3H, I]; W_hh [3H, H]; b_ih, b_hh [3H]. Output
 * Y [T, N, H] with Y[t] = h_t; the layer takes Y[T−1] (Y[0] when reverse) as the final state.
 * With `reverse` the steps run t = T−1 … 0 and the "previous" h of step t is h_{t+1}; Y stays in
 * time order.
 *
 * As lstmSequence, the op checks its inputs and calls two fused kernels, `gruForward` and
 * `gruBackward` (backends/cpu/gru-loops.ts holds the loops); the derivation is beside the op.
 */
import { kernels } from '../backends/index.js';
import type { GruSaved } from '../backends/types.js';
import { apply, type OpDef } from '../function.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { requireFloat } from './helpers.js';

interface GruSequenceAttrs {
  readonly reverse: boolean;
}

/*
 * Forward. With u_t = x_t·W_ihᵀ and v_t = h_{t−1}·W_hhᵀ, both [N, 3H] split into r, z, n parts:
 *   r = σ(u_r + v_r + b_ir + b_hr)      z = σ(u_z + v_z + b_iz + b_hz)
 *   ṽ = v_n + b_hn                      n = tanh(u_n + b_in + r ⊙ ṽ)
 *   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}  =  n + z ⊙ (h_{t−1} − n)
 * The r and z biases enter as sums and are added once, b_ir + b_hr. b_hn cannot be folded into
 * b_in, nor into the input projection: r multiplies it (PyTorch's placement, "linear before
 * reset"), so the step keeps ṽ = v_n + b_hn apart, and backward saves ṽ for every step.
 *
 * Backward, from the last step to the first. dY[t] is what the loss sends to h_t directly, and
 * dh_t^→ what step t + 1 sent back; dh = dY[t] + dh_t^→. With σ' = σ(1 − σ), tanh' = 1 − tanh²:
 *   dn = dh ⊙ (1 − z)          da_n = dn ⊙ (1 − n²)                 (a_n = u_n + b_in + r ⊙ ṽ)
 *   da_r = da_n ⊙ ṽ ⊙ r(1 − r)  da_z = dh ⊙ (h_{t−1} − n) ⊙ z(1 − z)
 *   dU_t = [da_r ‖ da_z ‖ da_n]   (the gradient of u_t and of b_ih)
 *   dV_t = [da_r ‖ da_z ‖ da_n ⊙ r]   (of v_t and b_hh: ṽ reaches a_n through r ⊙ ṽ)
 *   dh_{t−1}^→ = dV_t · W_hh + dh ⊙ z     [N, 3H]·[3H, H], plus h_{t−1}'s direct path into h_t
 * The carry out of the first step is the gradient of h0. As in lstmSequence the loop costs one
 * matmul per step plus one fused pass, and the weight gradients, sums over the steps, are one
 * product each of the stacked blocks dU, dV [T·N, 3H], X [T·N, I] and H_prev [T·N, H] (the h
 * each step read):
 *   dW_ih = dUᵀ · X   dW_hh = dVᵀ · H_prev   db_ih = Σ_{T·N} dU   db_hh = Σ_{T·N} dV   dX = dU · W_ih
 *
 * float64 uses Math.exp and Math.tanh as the cpu kernels do (gradcheck applies; the values equal
 * a loop of gruCell ops within 1e-12, not bit for bit, as the biases are summed in another
 * order); float32 uses a fast float32 eˣ and a rational tanh. The saved activations (an opaque
 * handle, ctx.handle) are constants to a recorded backward: no second derivatives.
 */
const GruSequence: OpDef<readonly [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor], GruSequenceAttrs> = {
  name: 'GruSequence',
  forward(ctx, [x, h0, wIh, wHh, bIh, bHh], { reverse }) {
    const { out, saved } = kernels().gruForward(x, h0, wIh, wHh, bIh, bHh, reverse);
    ctx.save(x, wIh, wHh);
    ctx.handle = saved; // the activations, in whatever layout the backend keeps them
    return out;
  },
  backward(ctx, dOut, { reverse }) {
    const [x, wIh, wHh] = ctx.saved as [Tensor, Tensor, Tensor];
    const need = ctx.needsInputGrad;
    const g = kernels().gruBackward(ctx.handle as GruSaved, x, wIh, wHh, dOut, reverse, [need[0]!, need[1]!, need[2]!, need[3]!, need[4]!, need[5]!]);
    return [g.dX, g.dH0, g.dWIh, g.dWHh, g.dBIh, g.dBHh];
  },
};

/**
 * Runs one GRU layer in one direction over x [T, N, I] from h0 [N, H]; returns h_t for every
 * step, [T, N, H], in time order. Weights as PyTorch's nn.GRU: W_ih [3H, I], W_hh [3H, H],
 * biases [3H], gates r, z, n. With `reverse` the steps run from t = T − 1 down to 0.
 * @example gruSequence(zeros([3, 1, 2]), zeros([1, 1]), zeros([3, 2]), zeros([3, 1]), zeros([3]), zeros([3])).shape  // [3, 1, 1]
 */
export function gruSequence(x: Tensor, h0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, reverse = false): Tensor {
  const op = 'gruSequence';
  for (const [t, name] of [[x, 'x'], [h0, 'h0'], [wIh, 'weight_ih'], [wHh, 'weight_hh'], [bIh, 'bias_ih'], [bHh, 'bias_hh']] as const) {
    requireFloat(t, op, name);
    if (t.dtype !== x.dtype) throw new TypeError(`${op}: ${name} is ${t.dtype} but x is ${x.dtype}`);
  }
  const H = wHh.shape[1] ?? 0;
  const [T = 0, N = 0, I = 0] = x.shape;
  const ok = x.ndim === 3 && T > 0 && H > 0 && wHh.ndim === 2 && wHh.shape[0] === 3 * H && wIh.ndim === 2 && wIh.shape[0] === 3 * H && wIh.shape[1] === I &&
    h0.ndim === 2 && h0.shape[0] === N && h0.shape[1] === H && bIh.ndim === 1 && bIh.shape[0] === 3 * H && bHh.ndim === 1 && bHh.shape[0] === 3 * H;
  if (!ok) {
    throw new RangeError(`${op}: expected x [T, N, I] with T ≥ 1, h0 [N, H], weight_ih [3H, I], weight_hh [3H, H] with H ≥ 1, biases [3H]; got x ${fmt(x.shape)}, h0 ${fmt(h0.shape)}, weight_ih ${fmt(wIh.shape)}, weight_hh ${fmt(wHh.shape)}, bias_ih ${fmt(bIh.shape)}, bias_hh ${fmt(bHh.shape)}`);
  }
  return apply(GruSequence, [x, h0, wIh, wHh, bIh, bHh], { reverse });
}
