/**
 * gru-loops — the loops of one GRU layer in one direction over a whole sequence, for a block of
 * the batch rows: lstm-loops.ts's design (see there) for the GRU step that ops/gru-sequence.ts
 * derives. A share's arrays are its own rows, time-major: [T, Nt, ·]. On wasm the float32 per-step
 * loops run in WebAssembly SIMD (`GruCells`, ../wasm/simd/modules.ts) instead of the TypeScript below.
 */
import type { DataArray, FloatDType } from '../../dtype.js';
import { expFloat32 } from './exp-float32.js';
import { scratchArrays, tanhFloat32, type RowsParams, type Products } from './lstm-loops.js';

/**
 * The fused per-step loops of the forward and backward below, float32, done elsewhere: ../wasm/simd/modules.ts
 * runs them in WebAssembly SIMD on arrays in its own memory. The arguments are the step's views
 * (row 0 of the step); see rnn-cells.wat for what each loop reads and writes. The backward's
 * `sums` [4H] are float32 and only added to (the caller zeroes them and accumulates in float64).
 */
export interface GruCells {
  forward(N: number, H: number, xp: Float32Array, v: Float32Array, b: Float32Array, hPrev: Float32Array, vN: Float32Array, y: Float32Array, hNext: Float32Array | null): void;
  backward(
    N: number, H: number, gates: Float32Array, vN: Float32Array, hPrev: Float32Array, dY: Float32Array, dhMat: Float32Array | null, direct: Float32Array,
    dU: Float32Array, dV: Float32Array, dUT: Float32Array, dVT: Float32Array, rowLength: number, sums: Float32Array,
  ): void;
}

/** The buffers of one share, time-major; T·N rows. */
interface Sequence {
  readonly T: number;
  readonly N: number;
  readonly H: number;
  readonly gates: DataArray; // [T, N, 3H]: r, z, n
  readonly vN: DataArray; //    [T, N, H]: ṽ = h_{t−1}·W_hnᵀ + b_hn
  readonly hPrev: DataArray; // [T, N, H]: the h that step t reads (h0 for the first step run)
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
 * One backward step over the N·H cells of step t (the equations in ops/gru-sequence.ts). dhMat is
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

/** backwardStep through `loops`, which sum the step's columns in float32 into `sums32`; they are added to `adj.sums` here. */
function cellsBackwardStep(seq: Sequence, t: number, loops: GruCells, dY: Float32Array, dhMat: Float32Array | null, adj: Adjoints, sums32: Float32Array): void {
  const { T, N, H } = seq;
  const G = 3 * H;
  const at = (a: DataArray, width: number): Float32Array => (a as Float32Array).subarray(t * N * width);
  sums32.fill(0);
  loops.backward(
    N, H, at(seq.gates, G), at(seq.vN, H), at(seq.hPrev, H), dY.subarray(t * N * H), dhMat, adj.direct as Float32Array,
    at(adj.dU, G), at(adj.dV, G), (adj.dUT as Float32Array).subarray(t * N), (adj.dVT as Float32Array).subarray(t * N), T * N, sums32,
  );
  for (let j = 0; j < 4 * H; j++) adj.sums[j]! += sums32[j]!;
}

/**
 * Forward over the share's rows. Reads x [T, N, I], h0 [N, H], W_ihᵀ [I, 3H], W_hhᵀ [H, 3H] and the
 * packed biases b [4H] = [b_ir + b_hr ‖ b_iz + b_hz ‖ b_in ‖ b_hn]; writes the gates [T, N, 3H],
 * ṽ [T, N, H], H_prev [T, N, H] and the output Y [T, N, H] (this share's rows, time-major).
 */
export function gruForwardRows(
  mm: Products, p: RowsParams,
  v: { readonly x: DataArray; readonly h0: DataArray; readonly wIhT: DataArray; readonly wHhT: DataArray; readonly b: DataArray; readonly gates: DataArray; readonly vN: DataArray; readonly hPrev: DataArray; readonly y: DataArray },
  cells?: { readonly loops: GruCells; readonly r: Float32Array },
): void {
  const { T, N, I, H, reverse } = p;
  const G = 3 * H;
  const timeOf = (step: number): number => (reverse ? T - 1 - step : step);
  const seq: Sequence = { T, N, H, gates: v.gates, vN: v.vN, hPrev: v.hPrev };
  try {
    // The input projection of every step at once, [T·N, I]·[I, 3H]; step t reads its rows and
    // then writes its gates over them.
    mm.multiply(v.x, T * N, mm.operand(v.wIhT, I, G), v.gates);
    const recurrent = mm.operand(v.wHhT, H, G);
    v.hPrev.set(v.h0.subarray(0, N * H), timeOf(0) * N * H);
    if (cells !== undefined) {
      const f32 = (a: DataArray, t: number, width: number): Float32Array => (a as Float32Array).subarray(t * N * width);
      for (let step = 0; step < T; step++) {
        const t = timeOf(step);
        mm.multiply(v.hPrev.subarray(t * N * H, (t + 1) * N * H), N, recurrent, cells.r);
        const hNext = step + 1 < T ? f32(v.hPrev, timeOf(step + 1), H) : null;
        cells.loops.forward(N, H, f32(v.gates, t, G), cells.r, v.b as Float32Array, f32(v.hPrev, t, H), f32(v.vN, t, H), f32(v.y, t, H), hNext);
      }
      return;
    }
    const float32 = v.gates instanceof Float32Array;
    const [r, e] = scratchArrays(float32 ? 'float32' : 'float64', [N * G, ...(float32 ? [2 * N * H] : [])]);
    const exps = float32 ? (e as Float32Array) : null; // float32 only: −a, then e^(−a), of r and z
    for (let step = 0; step < T; step++) {
      const t = timeOf(step);
      const tNext = step + 1 < T ? timeOf(step + 1) : -1;
      mm.multiply(v.hPrev.subarray(t * N * H, (t + 1) * N * H), N, recurrent, r!); //  h_{t−1}·W_hhᵀ [N, 3H]
      if (exps !== null) {
        negatedPreactivations(N, H, t, v.gates, r!, v.b, exps);
        expFloat32(exps, exps);
      }
      gatesAndState(seq, v.y, t, tNext, v.gates, r!, v.b, exps);
    }
  } finally {
    mm.done();
  }
}

/** Which gradients the backward computes: of x, h0, W_ih, W_hh, b_ih and b_hh. */
export interface GruBackwardParams extends RowsParams {
  readonly need: readonly [x: boolean, h0: boolean, wIh: boolean, wHh: boolean, bIh: boolean, bHh: boolean];
}

/**
 * Backward over the share's rows, from what its forward wrote and dY [T, N, H]. Writes what
 * `need` asks: dX [T, N, I], dH0 [N, H], and the share's partial sums of dW_ih [3H, I],
 * dW_hh [3H, H], db_ih [3H] and db_hh [3H].
 */
export function gruBackwardRows(
  mm: Products, p: GruBackwardParams,
  v: {
    readonly x: DataArray; readonly wIh: DataArray; readonly wHh: DataArray;
    readonly gates: DataArray; readonly vN: DataArray; readonly hPrev: DataArray; readonly dY: DataArray;
    readonly dX: DataArray; readonly dH0: DataArray; readonly dWIh: DataArray; readonly dWHh: DataArray; readonly dBIh: DataArray; readonly dBHh: DataArray;
  },
  cells?: {
    readonly loops: GruCells; readonly dU: Float32Array; readonly dV: Float32Array; readonly dUT: Float32Array; readonly dVT: Float32Array;
    readonly direct: Float32Array; readonly dhMat: Float32Array; readonly sums: Float32Array;
  },
): void {
  const { T, N, I, H, reverse, need } = p;
  const G = 3 * H;
  const timeOf = (step: number): number => (reverse ? T - 1 - step : step);
  const seq: Sequence = { T, N, H, gates: v.gates, vN: v.vN, hPrev: v.hPrev };
  const dtype: FloatDType = v.gates instanceof Float32Array ? 'float32' : 'float64';
  try {
    const [dU, dV, dUT, dVT, direct, dhMat] = cells !== undefined
      ? [cells.dU, cells.dV, cells.dUT, cells.dVT, cells.direct, cells.dhMat]
      : scratchArrays(dtype, [T * N * G, T * N * G, T * N * G, T * N * G, N * H, N * H]) as DataArray[];
    const adj: Adjoints = { dU: dU!, dV: dV!, dUT: dUT!, dVT: dVT!, direct: direct!, sums: new Float64Array(4 * H) };
    const recurrent = mm.operand(v.wHh, G, H);
    for (let step = T - 1; step >= 0; step--) {
      const t = timeOf(step);
      const carry = step === T - 1 ? null : dhMat!;
      if (cells === undefined) backwardStep(seq, t, v.dY, carry, adj);
      else cellsBackwardStep(seq, t, cells.loops, v.dY as Float32Array, carry as Float32Array | null, adj, cells.sums);
      if (step > 0 || need[1]) mm.multiply(dV!.subarray(t * N * G, (t + 1) * N * G), N, recurrent, dhMat!); // dV_t·W_hh [N, H]
    }
    if (need[1]) for (let i = 0; i < N * H; i++) v.dH0[i] = dhMat![i]! + adj.direct[i]!; //  dV_first·W_hh + dh ⊙ z
    if (need[0]) mm.multiply(dU!, T * N, mm.operand(v.wIh, G, I), v.dX); //           dU·W_ih [T·N, I]
    if (need[2]) mm.multiply(dUT!, G, mm.operand(v.x, T * N, I), v.dWIh); //          dUᵀ·X [3H, I]
    if (need[3]) mm.multiply(dVT!, G, mm.operand(v.hPrev, T * N, H), v.dWHh); //      dVᵀ·H_prev [3H, H]
    // [Σ da_r ‖ Σ da_z ‖ Σ da_n] for b_ih, with Σ da_n ⊙ r in place of Σ da_n for b_hh
    const bias = (out: DataArray, nPart: number): void => {
      for (let j = 0; j < 2 * H; j++) out[j] = adj.sums[j]!;
      for (let j = 0; j < H; j++) out[2 * H + j] = adj.sums[nPart * H + j]!;
    };
    if (need[4]) bias(v.dBIh, 2);
    if (need[5]) bias(v.dBHh, 3);
  } finally {
    mm.done();
  }
}
