/**
 * lstmCell — one step of a long short-term memory cell (Hochreiter & Schmidhuber 1997, with the
 * forget gate of Gers et al. 2000) as ONE fused op with a hand-derived backward; PyTorch's
 * `torch.nn.LSTMCell` maths, gates packed i, f, g, o along the 4H axis as PyTorch packs them.
 *
 * Shapes: x [N, I]; state s = [h ‖ c] [N, 2H]; W_ih [4H, I]; W_hh [4H, H]; b_ih, b_hh [4H].
 * An op returns one tensor, so h and c travel side by side in one [N, 2H] tensor: the next step
 * takes it as it is, and only the layer slices h out for its output sequence.
 *
 *   a = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh            [N, 4H], split into a_i, a_f, a_g, a_o
 *   i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
 *   c' = f ⊙ c + i ⊙ g          h' = o ⊙ tanh(c')        output s' = [h' ‖ c']
 *
 * Backward. Let dh', dc'⁺ be the two halves of dS' (dc'⁺ is what later steps sent to c' directly).
 * c' also reaches the loss through h', so with τ = tanh(c'):
 *   dc' = dc'⁺ + dh' ⊙ o ⊙ (1 − τ²)                      (two paths into c' add up)
 *   do = dh' ⊙ τ     di = dc' ⊙ g     dg = dc' ⊙ i     df = dc' ⊙ c     dc = dc' ⊙ f
 * Through the nonlinearities (σ' = σ(1 − σ), tanh' = 1 − tanh², written with the saved outputs):
 *   da_i = di ⊙ i(1 − i)   da_f = df ⊙ f(1 − f)   da_g = dg ⊙ (1 − g²)   da_o = do ⊙ o(1 − o)
 *   dA = [da_i ‖ da_f ‖ da_g ‖ da_o]                                          [N, 4H]
 * and a is two Linear maps, whose adjoints are matmul's:
 *   dx = dA · W_ih   [N, I]      dW_ih = dAᵀ · x   [4H, I]      db_ih = Σ_N dA   [4H]
 *   dh = dA · W_hh   [N, H]      dW_hh = dAᵀ · h   [4H, H]      db_hh = Σ_N dA   [4H]
 *   dS = [dh ‖ dc]   [N, 2H]
 * Backpropagation through time is this step applied from the last time step to the first; the
 * engine does the ordering and sums dW over the steps, since W is one tensor used T times.
 *
 * We save the gate activations (not a), because every derivative above is written in terms of
 * them. Those are constants to a recorded backward, so second derivatives through this op are
 * not supported (the composed form in lstm-cell.test.ts gives them if ever needed).
 */
import { kernels } from '../backends/index.js';
import { apply, type OpDef } from '../function.js';
import { fmt } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul, sub } from './elementwise.js';
import { cat } from './indexing.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { transpose } from './shape.js';
import { requireFloat } from './helpers.js';

/** Columns [start, start + size) of a 2-D tensor, through the slice kernel (no graph). */
export function columns(k: ReturnType<typeof kernels>, t: Tensor, start: number, size: number): Tensor {
  return k.slice(t, [0, start], [1, 1], [t.shape[0]!, size]);
}

/** One minus x, elementwise, without recording. */
const oneMinus = (x: Tensor): Tensor => sub(1, x);

const LstmCell: OpDef<readonly [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]> = {
  name: 'LstmCell',
  forward(ctx, [x, state, wIh, wHh, bIh, bHh]) {
    const k = kernels();
    const H = wHh.shape[1]!;
    const h = columns(k, state, 0, H);
    const c = columns(k, state, H, H);
    // a = x·W_ihᵀ + h·W_hhᵀ + (b_ih + b_hh)                                       [N, 4H]
    const a = add(add(k.matmul(x, k.permute(wIh, [1, 0])), k.matmul(h, k.permute(wHh, [1, 0]))), add(bIh, bHh));
    const i = k.unary('sigmoid', columns(k, a, 0, H));
    const f = k.unary('sigmoid', columns(k, a, H, H));
    const g = k.unary('tanh', columns(k, a, 2 * H, H));
    const o = k.unary('sigmoid', columns(k, a, 3 * H, H));
    const cNext = add(mul(f, c), mul(i, g)); //                                  c' = f⊙c + i⊙g
    const tanhC = k.unary('tanh', cNext);
    const hNext = mul(o, tanhC); //                                              h' = o⊙tanh(c')
    ctx.save(x, h, c, wIh, wHh, i, f, g, o, tanhC);
    return k.concat([hNext, cNext], 1); //                                      [N, 2H]
  },
  backward(ctx, dS) {
    const [x, h, c, wIh, wHh, i, f, g, o, tanhC] = ctx.saved as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    const k = kernels();
    const H = h.shape[1]!;
    const dH = columns(k, dS, 0, H);
    const dCOut = columns(k, dS, H, H);
    const dC = add(dCOut, mul(mul(dH, o), oneMinus(mul(tanhC, tanhC)))); //     dc' = dc'⁺ + dh'⊙o⊙(1 − τ²)
    const dAi = mul(mul(dC, g), mul(i, oneMinus(i)));
    const dAf = mul(mul(dC, c), mul(f, oneMinus(f)));
    const dAg = mul(mul(dC, i), oneMinus(mul(g, g)));
    const dAo = mul(mul(dH, tanhC), mul(o, oneMinus(o)));
    const dA = cat([dAi, dAf, dAg, dAo], 1); //                                   [N, 4H]
    const need = ctx.needsInputGrad;
    const dX = need[0] ? matmul(dA, wIh) : null; //                              [N, I]
    const dState = need[1] ? cat([matmul(dA, wHh), mul(dC, f)], 1) : null; //    [dh ‖ dc]
    const dAt = need[2] || need[3] ? transpose(dA) : null; //                    [4H, N]
    const dWIh = need[2] ? matmul(dAt!, x) : null; //                            [4H, I]
    const dWHh = need[3] ? matmul(dAt!, h) : null; //                            [4H, H]
    const dB = need[4] || need[5] ? sum(dA, 0) : null; //                        [4H]: the bias fed N rows
    return [dX, dState, dWIh, dWHh, need[4] ? dB : null, need[5] ? dB : null];
  },
};

/**
 * One LSTM step on the packed state [h ‖ c] [N, 2H]; returns the next packed state [N, 2H].
 * Weights as PyTorch's LSTMCell: W_ih [4H, I], W_hh [4H, H], biases [4H], gates i, f, g, o.
 * @example lstmCell(zeros([1, 2]), zeros([1, 2]), zeros([4, 2]), zeros([4, 1]), zeros([4]), zeros([4])).toArray()  // [[0, 0]]
 */
export function lstmCell(x: Tensor, state: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor): Tensor {
  const op = 'lstmCell';
  for (const [t, name] of [[x, 'x'], [state, 'state'], [wIh, 'weight_ih'], [wHh, 'weight_hh'], [bIh, 'bias_ih'], [bHh, 'bias_hh']] as const) {
    requireFloat(t, op, name);
    if (t.dtype !== x.dtype) throw new TypeError(`${op}: ${name} is ${t.dtype} but x is ${x.dtype}`);
  }
  const H = wHh.shape[1] ?? 0;
  const N = x.shape[0] ?? 0;
  const I = x.shape[1] ?? 0;
  const ok = x.ndim === 2 && wHh.ndim === 2 && wHh.shape[0] === 4 * H && wIh.ndim === 2 && wIh.shape[0] === 4 * H && wIh.shape[1] === I &&
    state.ndim === 2 && state.shape[0] === N && state.shape[1] === 2 * H && bIh.ndim === 1 && bIh.shape[0] === 4 * H && bHh.ndim === 1 && bHh.shape[0] === 4 * H;
  if (!ok) {
    throw new RangeError(`${op}: expected x [N, I], state [N, 2H], weight_ih [4H, I], weight_hh [4H, H], biases [4H]; got x ${fmt(x.shape)}, state ${fmt(state.shape)}, weight_ih ${fmt(wIh.shape)}, weight_hh ${fmt(wHh.shape)}, bias_ih ${fmt(bIh.shape)}, bias_hh ${fmt(bHh.shape)}`);
  }
  return apply(LstmCell, [x, state, wIh, wHh, bIh, bHh], undefined);
}
