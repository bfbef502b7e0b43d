/**
 * lstm-loops — the loops of one LSTM layer in one direction over a whole sequence, for a block of
 * batch rows, on bare arrays: the fused per-step loops and the order of the matrix products
 * around them (ops/lstm-sequence.ts derives the maths). The cpu backend runs them over every row
 * (rnn.ts); the wasm backend gives each thread a block of rows for all T steps, since rows never
 * meet until the weight gradients (wasm/shares/rnn.ts), with its own products (`Products`) and,
 * in float32, the per-step loops in SIMD (`LstmCells`). A block's arrays are its own rows,
 * time-major: [T, Nt, ·]. Nothing here imports a Tensor: worker threads load this file.
 */
import type { DataArray, FloatDType } from '../../dtype.js';
import { expFloat32 } from './exp-float32.js';

/** Matrix products whose right operand is used for many calls (XNNPACK packs it once). */
export interface Products {
  /** Registers b [k, n] (row-major) as a right operand and returns its handle. */
  operand(b: DataArray, k: number, n: number): number;
  /** out [m, n] = a [m, k] · the operand `handle` [k, n]. */
  multiply(a: DataArray, m: number, handle: number, out: DataArray): void;
  /** Frees every operand. */
  done(): void;
}

/**
 * The fused per-step loops of forwardStep and backwardStep, float32, done elsewhere: ../wasm/simd/modules.ts
 * runs them in WebAssembly SIMD on arrays in its own memory. The arguments are the step's views
 * (row 0 of the step), strides in floats; see rnn-cells.wat for what each loop reads and writes.
 */
export interface LstmCells {
  forward(
    N: number, H: number, xp: Float32Array, r: Float32Array, b: Float32Array, cPrev: Float32Array, cStride: number,
    tau: Float32Array, s: Float32Array, hNext: Float32Array | null,
  ): void;
  backward(
    N: number, H: number, gates: Float32Array, tau: Float32Array, cPrev: Float32Array, cStride: number, dS: Float32Array,
    dhCarry: Float32Array | null, dc: Float32Array, dA: Float32Array, dAT: Float32Array, rowLength: number, dB: Float32Array,
  ): void;
}

/**
 * Scratch memory reused from call to call, for the arrays that never outlive one forward or
 * backward: the float32 activation buffers and the backward's dA and dAᵀ (2·T·N·4H values).
 * Fresh multi-megabyte arrays are not free: the system hands them out page by page, zeroed on
 * first touch. In the benchmark (benchmarks/lstm.bench.ts) a fresh dA and dAᵀ (13 MB) made the
 * backward loop that fills them take 38 ms a step instead of 13. The buffer only grows (to the
 * largest call so far). Every call takes new typed-array views of it, so a kernel that
 * remembered an earlier view by identity (the wasm backend's resident operands) cannot mistake it
 * for the new contents, and the tensors wrapped around these views live only inside the call
 * that made them.
 */
let scratchBuffer = new ArrayBuffer(0);

/**
 * Views of one scratch buffer (per thread), `lengths[i]` elements of `dtype` each, laid end to
 * end. Shared with gruSequence (ops/gru-sequence.ts): the views of one call are dead before the
 * next call asks.
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

/** forwardStep through `loops`: the arrays of `seq`, `r` and `b` are where `loops` can address them. */
function cellsForwardStep(seq: Sequence, k: number, loops: LstmCells, r: Float32Array, b: Float32Array): void {
  const { N, H, T } = seq;
  const t = timeOf(seq, k);
  const [cArr, cOff, cStride] = previousC(seq, k);
  const hNext = k + 1 < T ? (seq.hPrev as Float32Array).subarray(timeOf(seq, k + 1) * N * H) : null;
  loops.forward(
    N, H, (seq.gates as Float32Array).subarray(t * N * 4 * H), r, b, (cArr as Float32Array).subarray(cOff), cStride,
    (seq.tanhC as Float32Array).subarray(t * N * H), (seq.s as Float32Array).subarray(t * N * 2 * H), hNext,
  );
}

/** backwardStep through `loops`, which sum dA_t's columns in float32 into `work.dB`; they are added to `sums` here. */
function cellsBackwardStep(
  seq: Sequence, k: number, loops: LstmCells, dS: Float32Array, dhCarry: Float32Array | null,
  work: { readonly dA: Float32Array; readonly dAT: Float32Array; readonly dc: Float32Array; readonly dB: Float32Array }, sums: Float64Array,
): void {
  const { N, H, T } = seq;
  const t = timeOf(seq, k);
  const [cArr, cOff, cStride] = previousC(seq, k);
  work.dB.fill(0);
  loops.backward(
    N, H, (seq.gates as Float32Array).subarray(t * N * 4 * H), (seq.tanhC as Float32Array).subarray(t * N * H), (cArr as Float32Array).subarray(cOff), cStride,
    dS.subarray(t * N * 2 * H), dhCarry, work.dc, work.dA.subarray(t * N * 4 * H), work.dAT.subarray(t * N), T * N, work.dB,
  );
  for (let j = 0; j < 4 * H; j++) sums[j]! += work.dB[j]!;
}

// ── the shares ────────────────────────────────────────────────────────────────────────────

/** The sizes of one share: `N` of the batch's rows, all T steps. */
export interface RowsParams {
  readonly T: number;
  readonly N: number;
  readonly I: number;
  readonly H: number;
  readonly reverse: boolean;
}

/**
 * Forward over the share's rows. Reads x [T, N, I], state0 [N, 2H], W_ihᵀ [I, 4H], W_hhᵀ [H, 4H]
 * and b = b_ih + b_hh [4H]; writes the gates [T, N, 4H], τ [T, N, H], H_prev [T, N, H] and
 * S [T, N, 2H] (this share's rows, time-major), all that the backward needs.
 */
export function lstmForwardRows(
  mm: Products, p: RowsParams,
  v: { readonly x: DataArray; readonly state0: DataArray; readonly wIhT: DataArray; readonly wHhT: DataArray; readonly b: DataArray; readonly gates: DataArray; readonly tanhC: DataArray; readonly hPrev: DataArray; readonly s: DataArray },
  cells?: { readonly loops: LstmCells; readonly r: Float32Array },
): void {
  const { T, N, I, H, reverse } = p;
  const G = 4 * H;
  const seq: Sequence = { T, N, H, reverse, gates: v.gates, tanhC: v.tanhC, hPrev: v.hPrev, s: v.s, state0: v.state0 };
  try {
    // The input projection of every step at once, [T·N, I]·[I, 4H], straight into the gate
    // buffer: step t reads its rows of it once, then writes its activations over them.
    mm.multiply(v.x, T * N, mm.operand(v.wIhT, I, G), v.gates);
    const recurrent = mm.operand(v.wHhT, H, G);
    const t0 = timeOf(seq, 0);
    for (let n = 0; n < N; n++) for (let j = 0; j < H; j++) v.hPrev[(t0 * N + n) * H + j] = v.state0[n * 2 * H + j]!;
    if (cells !== undefined) {
      for (let step = 0; step < T; step++) {
        const t = timeOf(seq, step);
        mm.multiply(v.hPrev.subarray(t * N * H, (t + 1) * N * H), N, recurrent, cells.r);
        cellsForwardStep(seq, step, cells.loops, cells.r, v.b as Float32Array);
      }
      return;
    }
    const float32 = v.gates instanceof Float32Array;
    const [r, z, e, ag] = scratchArrays(float32 ? 'float32' : 'float64', [N * G, ...(float32 ? [3 * N * H, 3 * N * H, N * H] : [])]);
    const scratch = float32 ? { z: z as Float32Array, e: e as Float32Array, ag: ag as Float32Array } : null;
    for (let step = 0; step < T; step++) {
      const t = timeOf(seq, step);
      mm.multiply(v.hPrev.subarray(t * N * H, (t + 1) * N * H), N, recurrent, r!); //   h_{t−1}·W_hhᵀ [N, 4H]
      forwardStep(seq, step, v.gates, r!, v.b, scratch);
    }
  } finally {
    mm.done();
  }
}

/** Which gradients the backward computes: of x, state0, W_ih, W_hh and the biases. */
export interface LstmBackwardParams extends RowsParams {
  readonly need: readonly [x: boolean, state0: boolean, wIh: boolean, wHh: boolean, bias: boolean];
}

/**
 * Backward over the share's rows, from what its forward wrote and dS [T, N, 2H] (the gradient of
 * its rows of S). Writes what `need` asks: dX [T, N, I], dState0 [N, 2H], and the share's partial
 * sums of dW_ih [4H, I], dW_hh [4H, H] and db [4H] (the bias gradient, the same for b_ih and b_hh).
 */
export function lstmBackwardRows(
  mm: Products, p: LstmBackwardParams,
  v: {
    readonly x: DataArray; readonly state0: DataArray; readonly wIh: DataArray; readonly wHh: DataArray;
    readonly gates: DataArray; readonly tanhC: DataArray; readonly hPrev: DataArray; readonly s: DataArray; readonly dS: DataArray;
    readonly dX: DataArray; readonly dState0: DataArray; readonly dWIh: DataArray; readonly dWHh: DataArray; readonly dB: DataArray;
  },
  cells?: { readonly loops: LstmCells; readonly dA: Float32Array; readonly dAT: Float32Array; readonly dh: Float32Array; readonly dc: Float32Array; readonly dB: Float32Array },
): void {
  const { T, N, I, H, reverse, need } = p;
  const G = 4 * H;
  const seq: Sequence = { T, N, H, reverse, gates: v.gates, tanhC: v.tanhC, hPrev: v.hPrev, s: v.s, state0: v.state0 };
  const dtype: FloatDType = v.gates instanceof Float32Array ? 'float32' : 'float64';
  try {
    // dA_t for every t, twice: as rows [T·N, 4H] (the per-step dh product and dX read them) and
    // as columns dAᵀ [4H, T·N] (the left operand of both weight gradients; writing it here costs
    // less than a transpose after the loop, or than a product whose packed right operand is dA).
    const [dA, dAT, dh, dc] = cells !== undefined
      ? [cells.dA, cells.dAT, cells.dh, cells.dc]
      : scratchArrays(dtype, [T * N * G, T * N * G, N * H, N * H]) as [DataArray, DataArray, DataArray, DataArray];
    const sums = new Float64Array(G); //                                          Σ_{T·N} dA, the bias gradient
    const recurrent = mm.operand(v.wHh, G, H);
    for (let step = T - 1; step >= 0; step--) {
      const carry = step === T - 1 ? null : dh;
      if (cells === undefined) backwardStep(seq, step, v.dS, carry, dc, dA, dAT, sums);
      else cellsBackwardStep(seq, step, cells.loops, v.dS as Float32Array, carry as Float32Array | null, cells, sums);
      if (step > 0 || need[1]) {
        const t = timeOf(seq, step);
        mm.multiply(dA.subarray(t * N * G, (t + 1) * N * G), N, recurrent, dh); //  dh_{t−1}^→ = dA_t·W_hh [N, H]
      }
    }
    if (need[0]) mm.multiply(dA, T * N, mm.operand(v.wIh, G, I), v.dX); //          dX = dA·W_ih [T·N, I]
    if (need[1]) {
      for (let n = 0; n < N; n++) { //                                                 [dh₋₁ ‖ dc₋₁]
        for (let j = 0; j < H; j++) {
          v.dState0[n * 2 * H + j] = dh[n * H + j]!;
          v.dState0[n * 2 * H + H + j] = dc[n * H + j]!;
        }
      }
    }
    if (need[2]) mm.multiply(dAT, G, mm.operand(v.x, T * N, I), v.dWIh); //         dAᵀ·X [4H, I]
    if (need[3]) mm.multiply(dAT, G, mm.operand(v.hPrev, T * N, H), v.dWHh); //     dAᵀ·H_prev [4H, H]
    if (need[4]) for (let j = 0; j < G; j++) v.dB[j] = sums[j]!;
  } finally {
    mm.done();
  }
}
