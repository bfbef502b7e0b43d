/**
 * gruSequence — one layer and one direction of a GRU over a whole time-major sequence, as ONE op
 * with backpropagation through time written out by hand: lstmSequence's plan (lstm-sequence.ts)
 * applied to the GRU step of gruCell (gru-cell.ts, PyTorch's `nn.GRU`, gates packed r, z, n).
 *
 * Shapes: x [T, N, I]; h0 [N, H]; W_ih [3H, I]; W_hh [3H, H]; b_ih, b_hh [3H]. Output
 * Y [T, N, H] with Y[t] = h_t; the layer takes Y[T−1] (Y[0] when reverse) as the final state.
 * With `reverse` the steps run t = T−1 … 0 and the "previous" h of step t is h_{t+1}; Y stays in
 * time order. With u_t = x_t·W_ihᵀ and v_t = h_{t−1}·W_hhᵀ, both [N, 3H] split into r, z, n parts:
 *
 *   r = σ(u_r + v_r + b_ir + b_hr)      z = σ(u_z + v_z + b_iz + b_hz)
 *   ṽ = v_n + b_hn                      n = tanh(u_n + b_in + r ⊙ ṽ)
 *   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}  =  n + z ⊙ (h_{t−1} − n)
 *
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
 * The loop writes dU_t and dV_t both as rows and as columns of dUᵀ, dVᵀ (module scratch shared with
 * lstmSequence), so no product needs a transpose.
 *
 * float64 uses Math.exp and Math.tanh as the cpu kernels do (gradcheck applies; the values equal
 * a loop of gruCell ops within 1e-12, not bit for bit, as the biases are summed in another
 * order); float32 uses the cpu backend's fast float32 exp for σ and lstm-sequence.ts's rational
 * tanhFloat32. The saved activations are constants to a recorded backward: no second derivatives.
 */
import { allocate, type DataArray, type FloatDType } from '../dtype.js';
import { kernels } from '../backends/index.js';
import { expFloat32 } from '../backends/cpu/elementwise.js';
import { apply, type OpDef } from '../function.js';
import { fmt } from '../shape.js';
import { Tensor } from '../tensor.js';
import { requireFloat } from './helpers.js';
import { scratchArrays, tanhFloat32 } from '../backends/parallel/lstm-share.js';

interface GruSequenceAttrs {
  readonly reverse: boolean;
}

/** The buffers of one call, time-major; T·N rows. */
interface Sequence {
  readonly T: number;
  readonly N: number;
  readonly H: number;
  readonly gates: DataArray; // [T, N, 3H]: r, z, n
  readonly vN: DataArray; //    [T, N, H]: ṽ = h_{t−1}·W_hnᵀ + b_hn
  readonly hPrev: DataArray; // [T, N, H]: the h that step t reads (h0 for the first step run)
}

/**
 * The biases as one [4H] array: b_ir + b_hr, b_iz + b_hz (each added once), then b_in and b_hn
 * apart (r multiplies b_hn).
 */
function packBiases(dtype: FloatDType, H: number, bIh: DataArray, bHh: DataArray): DataArray {
  const b = allocate(dtype, 4 * H);
  for (let j = 0; j < 2 * H; j++) b[j] = bIh[j]! + bHh[j]!;
  for (let j = 0; j < H; j++) {
    b[2 * H + j] = bIh[2 * H + j]!;
    b[3 * H + j] = bHh[2 * H + j]!;
  }
  return b;
}

/** float32 pass 1: e = −a for the σ gates, [N, 2H] = [r ‖ z], since σ(a) = 1/(1 + e^(−a)); exp follows in place. */
function negatedPreactivations(N: number, H: number, t: number, xp: DataArray, v: DataArray, b: DataArray, e: Float32Array): void {
  const G = 3 * H;
  for (let n = 0; n < N; n++) {
    const gr = (t * N + n) * G;
    const vr = n * G;
    const er = n * 2 * H;
    for (let col = 0; col < 2 * H; col++) e[er + col] = -(xp[gr + col]! + v[vr + col]! + b[col]!);
  }
}

/**
 * One forward step's fused loop: the gates r, z, n (n reads r), ṽ and h_t, written into the
 * buffers of `seq` and into `y`. `e` is null for float64, which computes σ(a) = 1 / (1 + e^(−a))
 * and tanh exactly as the cpu kernels do, with Math.exp and Math.tanh; for float32 it holds
 * e^(−a) of r and z from negatedPreactivations and expFloat32, and tanh is tanhFloat32.
 */
function gatesAndState(seq: Sequence, y: DataArray, t: number, tNext: number, xp: DataArray, v: DataArray, b: DataArray, e: Float32Array | null): void {
  const { N, H, gates, vN, hPrev } = seq;
  const G = 3 * H;
  for (let n = 0; n < N; n++) {
    const gr = (t * N + n) * G; //                                                 row of xp and of the gates
    const vr = n * G;
    const er = n * 2 * H;
    const hr = (t * N + n) * H;
    for (let j = 0; j < H; j++) {
      const r = 1 / (1 + (e === null ? Math.exp(-(xp[gr + j]! + v[vr + j]! + b[j]!)) : e[er + j]!));
      const z = 1 / (1 + (e === null ? Math.exp(-(xp[gr + H + j]! + v[vr + H + j]! + b[H + j]!)) : e[er + H + j]!));
      const vn = v[vr + 2 * H + j]! + b[3 * H + j]!;
      const an = xp[gr + 2 * H + j]! + b[2 * H + j]! + r * vn;
      const nn = e === null ? Math.tanh(an) : tanhFloat32(an);
      const h = nn + z * (hPrev[hr + j]! - nn);
      gates[gr + j] = r;
      gates[gr + H + j] = z;
      gates[gr + 2 * H + j] = nn;
      vN[hr + j] = vn;
      y[hr + j] = h;
      if (tNext >= 0) hPrev[(tNext * N + n) * H + j] = h;
    }
  }
}

/** Where the backward loop writes: dU, dV [T·N, 3H] as rows, dUᵀ, dVᵀ [3H, T·N], the carries, the bias sums. */
interface Adjoints {
  readonly dU: DataArray;
  readonly dV: DataArray;
  readonly dUT: DataArray;
  readonly dVT: DataArray;
  /** dh ⊙ z of the step just done, [N, H]: h_{t−1}'s direct path, half of dh_{t−1}^→. */
  readonly direct: DataArray;
  /** Σ_{T·N} of [da_r ‖ da_z ‖ da_n ‖ da_n ⊙ r], [4H]. */
  readonly sums: Float64Array;
}

/**
 * One backward step over the N·H cells of step t (the equations in the header). dhMat is
 * dV_{t+1}·W_hh from the step after (null for the last step run: it gets no carries), and
 * `adj.direct` holds that step's dh ⊙ z; both are read before `direct` is overwritten.
 */
function backwardStep(seq: Sequence, t: number, dY: DataArray, dhMat: DataArray | null, adj: Adjoints): void {
  const { T, N, H, gates, vN, hPrev } = seq;
  const { dU, dV, dUT, dVT, direct, sums } = adj;
  const G = 3 * H;
  const TN = T * N;
  const carried = dhMat !== null;
  for (let n = 0; n < N; n++) {
    const gr = (t * N + n) * G;
    const hr = (t * N + n) * H;
    const col = t * N + n; //                                                      column of dUᵀ and dVᵀ
    for (let j = 0; j < H; j++) {
      const r = gates[gr + j]!;
      const z = gates[gr + H + j]!;
      const nn = gates[gr + 2 * H + j]!;
      const dh = carried ? dY[hr + j]! + dhMat[n * H + j]! + direct[n * H + j]! : dY[hr + j]!;
      const daN = dh * (1 - z) * (1 - nn * nn);
      const daR = daN * vN[hr + j]! * (r * (1 - r));
      const daZ = dh * (hPrev[hr + j]! - nn) * (z * (1 - z));
      const daNr = daN * r;
      dU[gr + j] = daR;
      dU[gr + H + j] = daZ;
      dU[gr + 2 * H + j] = daN;
      dV[gr + j] = daR;
      dV[gr + H + j] = daZ;
      dV[gr + 2 * H + j] = daNr;
      dUT[j * TN + col] = daR;
      dUT[(H + j) * TN + col] = daZ;
      dUT[(2 * H + j) * TN + col] = daN;
      dVT[j * TN + col] = daR;
      dVT[(H + j) * TN + col] = daZ;
      dVT[(2 * H + j) * TN + col] = daNr;
      sums[j]! += daR;
      sums[H + j]! += daZ;
      sums[2 * H + j]! += daN;
      sums[3 * H + j]! += daNr;
      direct[n * H + j] = dh * z;
    }
  }
}

const GruSequence: OpDef<readonly [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor], GruSequenceAttrs> = {
  name: 'GruSequence',
  forward(ctx, [x, h0, wIh, wHh, bIh, bHh], { reverse }) {
    const k = kernels();
    const [T, N, I] = x.shape as [number, number, number];
    const H = wHh.shape[1]!;
    const dtype = x.dtype as FloatDType;
    const timeOf = (step: number): number => (reverse ? T - 1 - step : step);
    // The input projection of every step at once, [T·N, I]·[I, 3H]. As in lstmSequence, step t
    // reads its rows of xp and then writes its gates over them: xp's buffer becomes the gate buffer.
    const xp = k.matmul(new Tensor(x.storage, [T * N, I]), k.permute(wIh, [1, 0])).storage;
    const wHhT = k.permute(wHh, [1, 0]); //                                        [H, 3H], once per call
    const b = packBiases(dtype, H, bIh.storage, bHh.storage);
    const seq: Sequence = { T, N, H, gates: xp, vN: allocate(dtype, T * N * H), hPrev: allocate(dtype, T * N * H) };
    const y = allocate(dtype, T * N * H); //                                        the output, h_t [T, N, H]
    seq.hPrev.set(h0.storage, timeOf(0) * N * H);
    const e = dtype === 'float32' ? (scratchArrays('float32', [2 * N * H])[0] as Float32Array) : null; // float32 only: −a, then e^(−a), of r and z
    for (let step = 0; step < T; step++) {
      const t = timeOf(step);
      const tNext = step + 1 < T ? timeOf(step + 1) : -1;
      const v = k.matmul(new Tensor(seq.hPrev.subarray(t * N * H, (t + 1) * N * H), [N, H]), wHhT).storage; // h_{t−1}·W_hhᵀ [N, 3H]
      if (e !== null) {
        negatedPreactivations(N, H, t, xp, v, b, e);
        expFloat32(e, e);
      }
      gatesAndState(seq, y, t, tNext, xp, v, b, e);
    }
    const out = new Tensor(y, [T, N, H]);
    ctx.save(x, wIh, wHh, new Tensor(seq.gates, [T, N, 3 * H]), new Tensor(seq.vN, [T, N, H]), new Tensor(seq.hPrev, [T * N, H]));
    return out;
  },
  backward(ctx, dOut, { reverse }) {
    const [x, wIh, wHh, gates, vN, hPrev] = ctx.saved as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    const k = kernels();
    const need = ctx.needsInputGrad;
    const [T, N, I] = x.shape as [number, number, number];
    const H = wHh.shape[1]!;
    const G = 3 * H;
    const dtype = x.dtype as FloatDType;
    const timeOf = (step: number): number => (reverse ? T - 1 - step : step);
    const seq: Sequence = { T, N, H, gates: gates.storage, vN: vN.storage, hPrev: hPrev.storage };
    const [dU, dV, dUT, dVT] = scratchArrays(dtype, [T * N * G, T * N * G, T * N * G, T * N * G]) as [DataArray, DataArray, DataArray, DataArray];
    const adj: Adjoints = { dU, dV, dUT, dVT, direct: allocate(dtype, N * H), sums: new Float64Array(4 * H) };
    let dhMat: DataArray | null = null;
    for (let step = T - 1; step >= 0; step--) {
      const t = timeOf(step);
      backwardStep(seq, t, dOut.storage, dhMat, adj);
      if (step > 0 || need[1]) dhMat = k.matmul(new Tensor(dV.subarray(t * N * G, (t + 1) * N * G), [N, G]), wHh).storage; // dV_t·W_hh [N, H]
    }
    let dH0: Tensor | null = null;
    if (need[1]) {
      const d = allocate(dtype, N * H); //                                          dV_first·W_hh + dh ⊙ z
      for (let i = 0; i < N * H; i++) d[i] = dhMat![i]! + adj.direct[i]!;
      dH0 = new Tensor(d, [N, H]);
    }
    const dX = need[0] ? new Tensor(k.matmul(new Tensor(dU, [T * N, G]), wIh).storage, [T, N, I]) : null; // dU·W_ih
    const dWIh = need[2] ? k.matmul(new Tensor(dUT, [G, T * N]), new Tensor(x.storage, [T * N, I])) : null; // dUᵀ·X [3H, I]
    const dWHh = need[3] ? k.matmul(new Tensor(dVT, [G, T * N]), hPrev) : null; //                        dVᵀ·H_prev [3H, H]
    const bias = (nPart: number): Tensor => {
      const db = allocate(dtype, G); // [Σ da_r ‖ Σ da_z ‖ Σ (da_n or da_n ⊙ r)]
      db.set(adj.sums.subarray(0, 2 * H));
      db.set(adj.sums.subarray(nPart * H, (nPart + 1) * H), 2 * H);
      return new Tensor(db, [G]);
    };
    return [dX, dH0, dWIh, dWHh, need[4] ? bias(2) : null, need[5] ? bias(3) : null];
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
