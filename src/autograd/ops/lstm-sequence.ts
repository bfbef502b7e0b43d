/**
 * lstmSequence — one layer and one direction of an LSTM over a whole time-major sequence, as ONE
 * op with backpropagation through time written out by hand (cuDNN's plan, in TypeScript). The
 * maths of a step is lstmCell's (lstm-cell.ts, PyTorch's `nn.LSTM`, gates packed i, f, g, o);
 * what changes is how the T steps are computed.
 *
 * Shapes: x [T, N, I]; state0 = [h₋₁ ‖ c₋₁] [N, 2H]; W_ih [4H, I]; W_hh [4H, H]; b_ih, b_hh [4H].
 * Output S [T, N, 2H] with S[t] = [h_t ‖ c_t]: the layer slices h out as its output sequence and
 * takes S[T−1] (S[0] when reverse) as the final state. With `reverse` the steps run t = T−1 … 0
 * and the "previous" state of step t is that of step t + 1; S stays in time order.
 *
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
 * — one big matmul each after the loop instead of T small ones. The loop writes dA_t both as rows
 * of dA and as columns of dAᵀ, so neither product needs a transpose. The forward does the same
 * for the input projection: X·W_ihᵀ for all T steps at once, before the loop.
 *
 * Why one op: as T lstmCell ops, each step paid for a transpose of both weights, slices, concats,
 * ~25 small elementwise kernels and their allocations, and the engine summed T weight gradients.
 * Here a step is one matmul and one fused loop writing into buffers allocated once per call. The
 * fused loops sit in this file, not in backends/, because only this op needs them; they read and
 * write typed arrays directly (matmuls still go through `kernels()`). float64 uses Math.exp and
 * Math.tanh exactly as the cpu kernels do, so gradcheck works and a one-step sequence equals
 * lstmCell bit for bit. float32 computes σ(a) = 1/(1 + e^(−a)) with the cpu backend's fast
 * float32 exp (backends/cpu/elementwise.ts) and tanh with a rational approximation (below);
 * both keep a relative error under 1e-5 against float64, near 0 and in saturation (tested).
 *
 * We save the gate activations, tanh(c_t) and H_prev; they are constants to a recorded
 * backward, so second derivatives through this op are not supported.
 */
import { allocate, type DataArray, type FloatDType } from '../dtype.js';
import { kernels } from '../backends/index.js';
import { expFloat32 } from '../backends/cpu/elementwise.js';
import { apply, type OpDef } from '../function.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { requireFloat } from './helpers.js';

interface LstmSequenceAttrs {
  readonly reverse: boolean;
}

/**
 * Scratch memory reused from call to call, for the arrays that never outlive one forward or
 * backward: the float32 activation buffers and the backward's dA and dAᵀ (2·T·N·4H values).
 * Fresh multi-megabyte arrays are not free: the system hands them out page by page, zeroed on
 * first touch. In the benchmark (benchmarks/lstm.bench.ts) a fresh dA and dAᵀ (13 MB) made the
 * backward loop that fills them take 38 ms a step instead of 13. The buffer only grows (to the
 * largest call so far). Every call takes new typed-array views of it, so a kernel that
 * remembered an earlier view by identity (see backends/parallel/shares.ts) cannot mistake it
 * for the new contents, and the tensors wrapped around these views live only inside the call
 * that made them.
 */
let scratchBuffer = new ArrayBuffer(0);

/**
 * Views of one scratch buffer, `lengths[i]` elements of `dtype` each, laid end to end. Shared
 * with gruSequence (gru-sequence.ts): the views of one call are dead before the next call asks.
 */
export function scratchArrays(dtype: FloatDType, lengths: readonly number[]): DataArray[] {
  const bytes = dtype === 'float32' ? 4 : 8;
  const total = lengths.reduce((a, b) => a + b, 0) * bytes;
  if (scratchBuffer.byteLength < total) scratchBuffer = new ArrayBuffer(total);
  let at = 0;
  return lengths.map((n) => {
    const view = dtype === 'float32' ? new Float32Array(scratchBuffer, at, n) : new Float64Array(scratchBuffer, at, n);
    at += n * bytes;
    return view;
  });
}

/**
 * tanh for float32 as a rational function, the one Eigen uses for float tanh (Eigen's
 * GenericPacketMathFunctions.h, `ptanh_float`): an odd polynomial of degree 13 over an even one
 * of degree 6, on x clamped to ±7.9053 (beyond it tanh rounds to ±1 in float32). Its error is
 * below 3e-7 relative over the whole line (tested in lstm-sequence.test.ts), near 0 included,
 * which 2σ(2x) − 1 is not: its absolute error of ~1e-7 is a large relative error as x → 0. It
 * needs no exp, so it runs inside the fused loop (here and in gru-sequence.ts).
 */
export function tanhFloat32(x: number): number {
  const v = x > 7.90531110763549805 ? 7.90531110763549805 : x < -7.90531110763549805 ? -7.90531110763549805 : x;
  const v2 = v * v;
  const p = v * (4.89352455891786e-3 + v2 * (6.37261928875436e-4 + v2 * (1.48572235717979e-5 + v2 * (5.12229709037114e-8 +
    v2 * (-8.60467152213735e-11 + v2 * (2.00018790482477e-13 + v2 * -2.76076847742355e-16))))));
  const q = 4.89352518554385e-3 + v2 * (2.268434632439e-3 + v2 * (1.18534705686654e-4 + v2 * 1.19825839466702e-6));
  return p / q;
}

/** The buffers of one call, time-major; T·N rows. */
interface Sequence {
  readonly T: number;
  readonly N: number;
  readonly H: number;
  readonly reverse: boolean;
  readonly gates: DataArray; //   [T, N, 4H]: i, f, g, o
  readonly tanhC: DataArray; //   [T, N, H]: τ_t = tanh(c_t)
  readonly hPrev: DataArray; //   [T, N, H]: the h that step t reads (h₋₁ for the first step)
  readonly s: DataArray; //       [T, N, 2H]: the output [h_t ‖ c_t]
  readonly state0: DataArray; //  [N, 2H]
}

/** The time index of the k-th step run. */
const timeOf = (seq: Sequence, k: number): number => (seq.reverse ? seq.T - 1 - k : k);

/** c_{t−1} of the step run k-th, as (array, offset of row 0, row stride). */
function previousC(seq: Sequence, k: number): [DataArray, number, number] {
  const { N, H } = seq;
  if (k === 0) return [seq.state0, H, 2 * H];
  const tPrev = timeOf(seq, k - 1);
  return [seq.s, tPrev * N * 2 * H + H, 2 * H];
}

/** Scratch for the float32 activations of one step: −a of the σ gates (i, f, o) and e^(−a), [N, 3H]; a_g, [N, H]. */
interface Scratch {
  readonly z: Float32Array;
  readonly e: Float32Array;
  readonly ag: Float32Array;
}

/**
 * One forward step: from the input projection xp_t [N, 4H] and the recurrent product r [N, 4H]
 * to the gates, c_t, τ_t and h_t, written in place into `seq`. Each pass is its own small
 * function: V8 optimised one function holding all the passes badly (it kept deoptimising at the
 * call to expFloat32 between two hot loops; the whole forward took 81 ms instead of 55).
 */
function forwardStep(seq: Sequence, k: number, xp: DataArray, r: DataArray, b: DataArray, scratch: Scratch | null): void {
  const { N, H, T } = seq;
  const t = timeOf(seq, k);
  const tNext = k + 1 < T ? timeOf(seq, k + 1) : -1;
  const [cArr, cOff, cStride] = previousC(seq, k);
  if (scratch === null) {
    exactStep(N, H, t, tNext, xp, r, b, cArr, cOff, cStride, seq.gates, seq.tanhC, seq.s, seq.hPrev);
    return;
  }
  const { z, e, ag } = scratch;
  preactivations(N, H, t, xp, r, b, z, ag);
  expFloat32(z, e);
  gatesAndState(N, H, t, tNext, e, ag, cArr, cOff, cStride, seq.gates, seq.tanhC, seq.s, seq.hPrev);
}

/** float64: the whole step in one pass, with exactly the cpu kernels' σ(x) = 1 / (1 + e^(−x)) and Math.tanh. */
function exactStep(
  N: number, H: number, t: number, tNext: number, xp: DataArray, r: DataArray, b: DataArray, cArr: DataArray, cOff: number, cStride: number,
  gates: DataArray, tanhC: DataArray, s: DataArray, hPrev: DataArray,
): void {
  const G = 4 * H;
  for (let n = 0; n < N; n++) {
    const xr = (t * N + n) * G; //                                               row of xp and of the gates
    const rr = n * G;
    const sr = (t * N + n) * 2 * H;
    const cr = cOff + n * cStride;
    for (let j = 0; j < H; j++) {
      const i = 1 / (1 + Math.exp(-(xp[xr + j]! + r[rr + j]! + b[j]!)));
      const f = 1 / (1 + Math.exp(-(xp[xr + H + j]! + r[rr + H + j]! + b[H + j]!)));
      const g = Math.tanh(xp[xr + 2 * H + j]! + r[rr + 2 * H + j]! + b[2 * H + j]!);
      const o = 1 / (1 + Math.exp(-(xp[xr + 3 * H + j]! + r[rr + 3 * H + j]! + b[3 * H + j]!)));
      const c = f * cArr[cr + j]! + i * g;
      const tau = Math.tanh(c);
      const h = o * tau;
      gates[xr + j] = i;
      gates[xr + H + j] = f;
      gates[xr + 2 * H + j] = g;
      gates[xr + 3 * H + j] = o;
      tanhC[(t * N + n) * H + j] = tau;
      s[sr + j] = h;
      s[sr + H + j] = c;
      if (tNext >= 0) hPrev[(tNext * N + n) * H + j] = h;
    }
  }
}

/** float32 pass 1: z = −a for the σ gates, as [N, 3H] = [i ‖ f ‖ o], since σ(a) = 1/(1 + e^(−a)); a_g apart. */
function preactivations(N: number, H: number, t: number, xp: DataArray, r: DataArray, b: DataArray, z: Float32Array, ag: Float32Array): void {
  const G = 4 * H;
  for (let n = 0; n < N; n++) {
    const xr = (t * N + n) * G;
    const rr = n * G;
    const zr = n * 3 * H;
    for (let col = 0; col < 2 * H; col++) z[zr + col] = -(xp[xr + col]! + r[rr + col]! + b[col]!);
    for (let j = 0; j < H; j++) ag[n * H + j] = xp[xr + 2 * H + j]! + r[rr + 2 * H + j]! + b[2 * H + j]!;
    for (let j = 0; j < H; j++) z[zr + 2 * H + j] = -(xp[xr + 3 * H + j]! + r[rr + 3 * H + j]! + b[3 * H + j]!);
  }
}

/** float32 pass 2, after e = e^z: the gates, c_t = f ⊙ c_{t−1} + i ⊙ g, τ_t = tanh(c_t) and h_t = o ⊙ τ_t. */
function gatesAndState(
  N: number, H: number, t: number, tNext: number, e: Float32Array, ag: Float32Array, cArr: DataArray, cOff: number, cStride: number,
  gates: DataArray, tanhC: DataArray, s: DataArray, hPrev: DataArray,
): void {
  const G = 4 * H;
  for (let n = 0; n < N; n++) {
    const er = n * 3 * H;
    const gr = (t * N + n) * G;
    const sr = (t * N + n) * 2 * H;
    const cr = cOff + n * cStride;
    for (let j = 0; j < H; j++) {
      const i = 1 / (1 + e[er + j]!);
      const f = 1 / (1 + e[er + H + j]!);
      const o = 1 / (1 + e[er + 2 * H + j]!);
      const g = tanhFloat32(ag[n * H + j]!);
      const c = Math.fround(f * cArr[cr + j]! + i * g);
      const tau = tanhFloat32(c);
      const h = o * tau;
      gates[gr + j] = i;
      gates[gr + H + j] = f;
      gates[gr + 2 * H + j] = g;
      gates[gr + 3 * H + j] = o;
      tanhC[(t * N + n) * H + j] = tau;
      s[sr + j] = h;
      s[sr + H + j] = c;
      if (tNext >= 0) hPrev[(tNext * N + n) * H + j] = h;
    }
  }
}

/**
 * One backward step: dA_t [N, 4H] into the rows of step t of `dA` [T·N, 4H] and into its columns of
 * `dAT` [4H, T·N]; dc_{t−1}^→ into `dc` (in place); and dA_t's column sums added to `dB`. Reads
 * dS[t], the carry dh^→ (null for the last step run: it gets no carries) and the carry dc^→ in `dc`.
 */
function backwardStep(seq: Sequence, k: number, dS: DataArray, dhCarry: DataArray | null, dc: DataArray, dA: DataArray, dAT: DataArray, dB: Float64Array): void {
  const [cArr, cOff, cStride] = previousC(seq, k);
  backwardLoop(seq.N, seq.H, seq.T, timeOf(seq, k), seq.gates, seq.tanhC, cArr, cOff, cStride, dS, dhCarry, dc, dA, dAT, dB);
}

/** The loop of backwardStep, over the N·H cells of step t (see the derivation in the header). */
function backwardLoop(
  N: number, H: number, T: number, t: number, gates: DataArray, tanhC: DataArray, cArr: DataArray, cOff: number, cStride: number,
  dS: DataArray, dhCarry: DataArray | null, dc: DataArray, dA: DataArray, dAT: DataArray, dB: Float64Array,
): void {
  const G = 4 * H;
  const TN = T * N;
  const carried = dhCarry !== null;
  for (let n = 0; n < N; n++) {
    const gr = (t * N + n) * G;
    const sr = (t * N + n) * 2 * H;
    const cr = cOff + n * cStride;
    const col = t * N + n; //                                                    column of dAT
    for (let j = 0; j < H; j++) {
      const i = gates[gr + j]!;
      const f = gates[gr + H + j]!;
      const g = gates[gr + 2 * H + j]!;
      const o = gates[gr + 3 * H + j]!;
      const tau = tanhC[(t * N + n) * H + j]!;
      const dh = carried ? dS[sr + j]! + dhCarry[n * H + j]! : dS[sr + j]!;
      const dcIn = carried ? dS[sr + H + j]! + dc[n * H + j]! : dS[sr + H + j]!;
      const dcT = dcIn + dh * o * (1 - tau * tau);
      const dai = dcT * g * (i * (1 - i));
      const daf = dcT * cArr[cr + j]! * (f * (1 - f));
      const dag = dcT * i * (1 - g * g);
      const dao = dh * tau * (o * (1 - o));
      dA[gr + j] = dai;
      dA[gr + H + j] = daf;
      dA[gr + 2 * H + j] = dag;
      dA[gr + 3 * H + j] = dao;
      dAT[j * TN + col] = dai;
      dAT[(H + j) * TN + col] = daf;
      dAT[(2 * H + j) * TN + col] = dag;
      dAT[(3 * H + j) * TN + col] = dao;
      dB[j]! += dai;
      dB[H + j]! += daf;
      dB[2 * H + j]! += dag;
      dB[3 * H + j]! += dao;
      dc[n * H + j] = dcT * f;
    }
  }
}

const LstmSequence: OpDef<readonly [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor], LstmSequenceAttrs> = {
  name: 'LstmSequence',
  forward(ctx, [x, state0, wIh, wHh, bIh, bHh], { reverse }) {
    const k = kernels();
    const [T, N, I] = x.shape as [number, number, number];
    const H = wHh.shape[1]!;
    const G = 4 * H;
    const dtype = x.dtype;
    // The input projection of every step at once: [T·N, I] · [I, 4H]; the biases are added per step.
    // Step t reads its rows of xp once and then writes its gate activations over them, so xp's
    // buffer (a fresh kernel output nothing else holds) becomes the gate buffer: one 4H-wide
    // array less to allocate per call.
    const xp = k.matmul(new Tensor(x.storage, [T * N, I]), k.permute(wIh, [1, 0])).storage;
    const wHhT = k.permute(wHh, [1, 0]); //                                           [H, 4H], once per call
    const b = allocate(dtype, G);
    for (let j = 0; j < G; j++) b[j] = bIh.storage[j]! + bHh.storage[j]!;
    const seq: Sequence = {
      T, N, H, reverse,
      gates: xp,
      tanhC: allocate(dtype, T * N * H),
      hPrev: allocate(dtype, T * N * H),
      s: allocate(dtype, T * N * 2 * H),
      state0: state0.storage,
    };
    const t0 = timeOf(seq, 0);
    for (let n = 0; n < N; n++) seq.hPrev.set(state0.storage.subarray(n * 2 * H, n * 2 * H + H), (t0 * N + n) * H);
    let scratch: Scratch | null = null;
    if (dtype === 'float32') {
      const [z, e, ag] = scratchArrays('float32', [3 * N * H, 3 * N * H, N * H]) as Float32Array[];
      scratch = { z: z!, e: e!, ag: ag! };
    }
    for (let step = 0; step < T; step++) {
      const t = timeOf(seq, step);
      const h = new Tensor(seq.hPrev.subarray(t * N * H, (t + 1) * N * H), [N, H]);
      const r = k.matmul(h, wHhT).storage; //                                        h_{t−1}·W_hhᵀ [N, 4H]
      forwardStep(seq, step, xp, r, b, scratch);
    }
    const out = new Tensor(seq.s, [T, N, 2 * H]);
    ctx.save(x, state0, wIh, wHh, new Tensor(seq.gates, [T, N, G]), new Tensor(seq.tanhC, [T, N, H]), new Tensor(seq.hPrev, [T * N, H]), out);
    return out;
  },
  backward(ctx, dOut, { reverse }) {
    const [x, state0, wIh, wHh, gates, tanhC, hPrev, out] = ctx.saved as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    const k = kernels();
    const need = ctx.needsInputGrad;
    const [T, N, I] = x.shape as [number, number, number];
    const H = wHh.shape[1]!;
    const G = 4 * H;
    const dtype = x.dtype;
    const seq: Sequence = { T, N, H, reverse, gates: gates.storage, tanhC: tanhC.storage, hPrev: hPrev.storage, s: out.storage, state0: state0.storage };
    // dA_t for every t, twice: as rows [T·N, 4H] (the per-step dh matmul and dX read them) and as
    // columns dAᵀ [4H, T·N] (the A operand of both weight gradients; writing it here costs less
    // than a transpose after the loop, or than a matmul whose packed right operand is dA).
    const [dA, dAT] = scratchArrays(dtype as FloatDType, [T * N * G, T * N * G]) as [DataArray, DataArray];
    const sums = new Float64Array(G); //                                          Σ_{T·N} dA, the bias gradient
    const dc = allocate(dtype, N * H);
    let dh: DataArray | null = null;
    for (let step = T - 1; step >= 0; step--) {
      backwardStep(seq, step, dOut.storage, dh, dc, dA, dAT, sums);
      if (step > 0 || need[1]) {
        const t = timeOf(seq, step);
        dh = k.matmul(new Tensor(dA.subarray(t * N * G, (t + 1) * N * G), [N, G]), wHh).storage; // dh_{t−1}^→ [N, H]
      }
    }
    const dX = need[0] ? new Tensor(k.matmul(new Tensor(dA, [T * N, G]), wIh).storage, [T, N, I]) : null; //      [T, N, I]
    let dState: Tensor | null = null;
    if (need[1]) {
      const d = allocate(dtype, N * 2 * H); //                                         [dh₋₁ ‖ dc₋₁]
      for (let n = 0; n < N; n++) {
        d.set(dh!.subarray(n * H, (n + 1) * H), n * 2 * H);
        d.set(dc.subarray(n * H, (n + 1) * H), n * 2 * H + H);
      }
      dState = new Tensor(d, [N, 2 * H]);
    }
    const dATt = new Tensor(dAT, [G, T * N]);
    const dWIh = need[2] ? k.matmul(dATt, new Tensor(x.storage, [T * N, I])) : null; //   dAᵀ·X [4H, I]
    const dWHh = need[3] ? k.matmul(dATt, hPrev) : null; //                              dAᵀ·H_prev [4H, H]
    let dB: Tensor | null = null;
    if (need[4] || need[5]) {
      const db = allocate(dtype, G); // the biases fed T·N rows, so their gradient sums them
      db.set(sums);
      dB = new Tensor(db, [G]);
    }
    return [dX, dState, dWIh, dWHh, need[4] ? dB : null, need[5] ? dB : null];
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
