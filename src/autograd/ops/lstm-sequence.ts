/**
 * lstmSequence — one layer and one direction of an LSTM over a whole time-major sequence, as ONE
 * op with backpropagation through time written out by hand (cuDNN's plan). The maths of a step is
 * lstmCell's (lstm-cell.ts, PyTorch's `nn.LSTM`, gates packed i, f, g, o).
 *
 * Shapes: x [T, N, I]; state0 = [h₋₁ ‖ c₋₁] [N, 2H]; W_ih [4H, I]; W_hh [4H, H]; b_ih, b_hh [4H].
 * Output S [T, N, 2H] with S[t] = [h_t ‖ c_t]: the layer slices h out as its output sequence and
 * takes S[T−1] (S[0] when reverse) as the final state. With `reverse` the steps run t = T−1 … 0
 * and the "previous" state of step t is that of step t + 1; S stays in time order.
 *
 * The op checks its inputs and calls two fused kernels, `lstmForward` and `lstmBackward`
 * (backends/cpu/lstm-loops.ts holds the loops); the derivation is beside the op below. Why one
 * op, and what the kernels measured: docs/recurrent-networks.md, docs/performance.md.
 */
import { kernels } from '../backends/index.js';
import type { LstmSaved } from '../backends/types.js';
import { apply, type OpDef } from '../function.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { requireFloat } from './helpers.js';

interface LstmSequenceAttrs {
  readonly reverse: boolean;
}

/*
 * Forward.
 *   a_t = x_t·W_ihᵀ + h_{t−1}·W_hhᵀ + (b_ih + b_hh)      [N, 4H] = [a_i ‖ a_f ‖ a_g ‖ a_o]
 *   i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
 *   c_t = f ⊙ c_{t−1} + i ⊙ g          h_t = o ⊙ tanh(c_t)
 *
 * Backward, from the last step to the first. dS[t] = [dh_t⁺ ‖ dc_t⁺] is what the loss sends to
 * step t's outputs directly; the carries dh_t^→, dc_t^→ are what step t + 1 sent back. With τ = tanh(c_t):
 *   dh = dh_t⁺ + dh_t^→          dc = dc_t⁺ + dc_t^→ + dh ⊙ o ⊙ (1 − τ²)   (two paths into c_t)
 *   da_i = dc ⊙ g ⊙ i(1 − i)     da_f = dc ⊙ c_{t−1} ⊙ f(1 − f)
 *   da_g = dc ⊙ i ⊙ (1 − g²)     da_o = dh ⊙ τ ⊙ o(1 − o)        dA_t = [da_i ‖ da_f ‖ da_g ‖ da_o]
 *   dc_{t−1}^→ = dc ⊙ f          dh_{t−1}^→ = dA_t · W_hh   [N, 4H]·[4H, H]
 * (σ' = σ(1 − σ) and tanh' = 1 − tanh², written with the saved activations.) The carries out of
 * the first step are the gradient of state0. Only dh^→ needs a matmul, so the loop costs one
 * [N, 4H]·[4H, H] product per step plus one fused pass over the gates.
 *
 * The weight gradients are sums over the steps, dW_hh = Σ_t dA_tᵀ · h_{t−1}, and a sum of products
 * of blocks is one product of the stacked blocks: stack dA_t into dA [T·N, 4H] and h_{t−1} into
 * H_prev [T·N, H], then
 *   dW_ih = dAᵀ · X   [4H, I]     dW_hh = dAᵀ · H_prev   [4H, H]     db_ih = db_hh = Σ_{T·N} dA   [4H]
 *   dX = dA · W_ih   [T·N, I]
 * — one big matmul each after the loop instead of T small ones. The forward does the same for the
 * input projection: X·W_ihᵀ for all T steps at once, before the loop.
 *
 * float64 uses Math.exp and Math.tanh exactly as the cpu kernels do, so gradcheck works and a
 * one-step sequence equals lstmCell bit for bit; float32 uses a fast float32 eˣ and a rational
 * tanh, within 1e-5 relative of float64 (tested). The backend keeps the gate activations,
 * tanh(c_t) and H_prev (an opaque handle, ctx.handle); they are constants to a recorded
 * backward, so second derivatives through this op are not supported.
 */
const LstmSequence: OpDef<readonly [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor], LstmSequenceAttrs> = {
  name: 'LstmSequence',
  forward(ctx, [x, state0, wIh, wHh, bIh, bHh], { reverse }) {
    const { out, saved } = kernels().lstmForward(x, state0, wIh, wHh, bIh, bHh, reverse);
    ctx.save(x, state0, wIh, wHh);
    ctx.handle = saved; // the activations, in whatever layout the backend keeps them
    return out;
  },
  backward(ctx, dOut, { reverse }) {
    const [x, state0, wIh, wHh] = ctx.saved as [Tensor, Tensor, Tensor, Tensor];
    const need = ctx.needsInputGrad;
    const g = kernels().lstmBackward(ctx.handle as LstmSaved, x, state0, wIh, wHh, dOut, reverse, [need[0]!, need[1]!, need[2]!, need[3]!, need[4]! || need[5]!]);
    return [g.dX, g.dState0, g.dWIh, g.dWHh, need[4] ? g.dBias : null, need[5] ? g.dBias : null]; // the biases fed the same sums
  },
};

/**
 * Runs one LSTM layer in one direction over x [T, N, I] from state0 = [h ‖ c] [N, 2H]; returns
 * S [T, N, 2H], the packed state [h_t ‖ c_t] after every step, in time order. Weights as
 * PyTorch's nn.LSTM: W_ih [4H, I], W_hh [4H, H], biases [4H], gates i, f, g, o. With `reverse`
 * the steps run from t = T − 1 down to 0 (the backward direction of a bidirectional layer).
 * @example lstmSequence(zeros([3, 1, 2]), zeros([1, 2]), zeros([4, 2]), zeros([4, 1]), zeros([4]), zeros([4])).shape  // [3, 1, 2]
 */
export function lstmSequence(x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, reverse = false): Tensor {
  const op = 'lstmSequence';
  for (const [t, name] of [[x, 'x'], [state0, 'state0'], [wIh, 'weight_ih'], [wHh, 'weight_hh'], [bIh, 'bias_ih'], [bHh, 'bias_hh']] as const) {
    requireFloat(t, op, name);
    if (t.dtype !== x.dtype) throw new TypeError(`${op}: ${name} is ${t.dtype} but x is ${x.dtype}`);
  }
  const H = wHh.shape[1] ?? 0;
  const [T = 0, N = 0, I = 0] = x.shape;
  const ok = x.ndim === 3 && T > 0 && H > 0 && wHh.ndim === 2 && wHh.shape[0] === 4 * H && wIh.ndim === 2 && wIh.shape[0] === 4 * H && wIh.shape[1] === I &&
    state0.ndim === 2 && state0.shape[0] === N && state0.shape[1] === 2 * H && bIh.ndim === 1 && bIh.shape[0] === 4 * H && bHh.ndim === 1 && bHh.shape[0] === 4 * H;
  if (!ok) {
    throw new RangeError(`${op}: expected x [T, N, I] with T ≥ 1, state0 [N, 2H], weight_ih [4H, I], weight_hh [4H, H] with H ≥ 1, biases [4H]; got x ${fmt(x.shape)}, state0 ${fmt(state0.shape)}, weight_ih ${fmt(wIh.shape)}, weight_hh ${fmt(wHh.shape)}, bias_ih ${fmt(bIh.shape)}, bias_hh ${fmt(bHh.shape)}`);
  }
  return apply(LstmSequence, [x, state0, wIh, wHh, bIh, bHh], { reverse });
}
