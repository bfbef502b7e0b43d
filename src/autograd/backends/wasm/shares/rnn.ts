/**
 * rnn share — one thread's block of batch rows of an LSTM or GRU layer over all T steps: the
 * loops of ../../cpu/lstm-loops.ts and gru-loops.ts, their products through this thread's tfjs
 * (`tfProducts`) and, when H is a multiple of 4, their per-step cell loops in SIMD (rnn-cells.wat)
 * on arrays copied once into the SIMD module's memory.
 */
import type * as TF from '@tensorflow/tfjs-core';
import { gruBackwardRows, gruForwardRows, type GruBackwardParams } from '../../cpu/gru-loops.js';
import { lstmBackwardRows, lstmForwardRows, type LstmBackwardParams, type RowsParams, type Products } from '../../cpu/lstm-loops.js';
import { cellArrays } from '../simd/modules.js';
import { heapTensor, heapView, type Tf } from './heap.js';
import { stashDrop, stashPut, stashTake } from './stash.js';

/**
 * A worker's LSTM share may keep its saved activations (stash.ts): `stash` names the entry its
 * forward writes and its backward reads; `drop` lists entries whose handles are gone.
 */
export interface StashParams {
  readonly stash?: number;
  readonly drop?: readonly number[];
}

/**
 * lstm-loops.ts's products through this thread's tfjs: each operand becomes one tfjs tensor for
 * the share's lifetime (so XNNPACK packs W_hh once for all T steps), each product is copied
 * out of the heap into `out`.
 */
function tfProducts(tf: Tf): Products {
  const operands: TF.Tensor2D[] = [];
  return {
    operand(b, k, n) {
      operands.push(heapTensor(tf, [k, n], (heap) => heap.set(b.subarray(0, k * n))) as TF.Tensor2D);
      return operands.length - 1;
    },
    multiply(a, m, handle, out) {
      const b = operands[handle]!;
      tf.tidy(() => {
        const y = tf.matMul(heapTensor(tf, [m, b.shape[0]], (heap) => heap.set(a.subarray(0, m * b.shape[0]))) as TF.Tensor2D, b);
        out.set(heapView(tf, y));
      });
    },
    done() {
      for (const t of operands) t.dispose();
      operands.length = 0;
    },
  };
}

/**
 * The LSTM forward over the share's rows, its per-step loops in WebAssembly SIMD (../simd/modules.ts):
 * the arrays the loops touch are copied into the SIMD module's memory and the saved activations
 * copied out at the end, one copy each per call. (H not a multiple of 4: the TypeScript loops.)
 */
export function lstmForwardTfShare(tf: Tf, p: RowsParams & StashParams, v: Parameters<typeof lstmForwardRows>[2]): void {
  if (p.drop !== undefined) stashDrop(p.drop);
  if (p.stash === undefined) return lstmForwardSimd(tf, p, v);
  // Kept here for the backward: only S (the layer's output) goes back to the main thread.
  const { T, N, H } = p;
  const kept = { gates: new Float32Array(T * N * 4 * H), tanhC: new Float32Array(T * N * H), hPrev: new Float32Array(T * N * H), s: new Float32Array(T * N * 2 * H) };
  lstmForwardSimd(tf, p, { ...v, ...kept });
  (v.s as Float32Array).set(kept.s);
  stashPut(p.stash, kept);
}

function lstmForwardSimd(tf: Tf, p: RowsParams, v: Parameters<typeof lstmForwardRows>[2]): void {
  const { T, N, H } = p;
  const G = 4 * H;
  const simd = cellArrays(H, [T * N * G, T * N * H, T * N * H, T * N * 2 * H, N * 2 * H, G, N * G]);
  if (simd === null) return lstmForwardRows(tfProducts(tf), p, v);
  const [gates, tanhC, hPrev, s, state0, b, r] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  state0.set(v.state0);
  b.set(v.b);
  lstmForwardRows(tfProducts(tf), p, { ...v, state0, b, gates, tanhC, hPrev, s }, { loops: simd.lstm, r });
  v.gates.set(gates);
  v.tanhC.set(tanhC);
  v.hPrev.set(hPrev);
  v.s.set(s);
}

/**
 * The LSTM backward over the share's rows, its per-step loops in WebAssembly SIMD (see
 * lstmForwardTfShare). With `stash`, the saved activations are the ones this thread's forward
 * kept, and `found[0]` says whether they were still there (0: nothing computed).
 */
export function lstmBackwardTfShare(tf: Tf, p: LstmBackwardParams & StashParams, v: Parameters<typeof lstmBackwardRows>[2] & { readonly found?: Float32Array }): void {
  if (p.stash === undefined) return lstmBackwardSimd(tf, p, v);
  const kept = stashTake(p.stash);
  v.found![0] = kept === null ? 0 : 1;
  if (kept !== null) lstmBackwardSimd(tf, p, { ...v, gates: kept.gates!, tanhC: kept.tanhC!, hPrev: kept.hPrev!, s: kept.s! });
}

function lstmBackwardSimd(tf: Tf, p: LstmBackwardParams, v: Parameters<typeof lstmBackwardRows>[2]): void {
  const { T, N, H } = p;
  const G = 4 * H;
  const simd = cellArrays(H, [T * N * G, T * N * H, T * N * 2 * H, N * 2 * H, T * N * 2 * H, T * N * G, T * N * G, N * H, N * H, G]);
  if (simd === null) return lstmBackwardRows(tfProducts(tf), p, v);
  const [gates, tanhC, s, state0, dS, dA, dAT, dh, dc, dB] = simd.arrays as [
    Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array,
  ];
  gates.set(v.gates);
  tanhC.set(v.tanhC);
  s.set(v.s);
  state0.set(v.state0);
  dS.set(v.dS);
  lstmBackwardRows(tfProducts(tf), p, { ...v, gates, tanhC, s, state0, dS }, { loops: simd.lstm, dA, dAT, dh, dc, dB });
}

/** The GRU forward over the share's rows, its per-step loops in WebAssembly SIMD (see lstmForwardTfShare). */
export function gruForwardTfShare(tf: Tf, p: RowsParams, v: Parameters<typeof gruForwardRows>[2]): void {
  const { T, N, H } = p;
  const G = 3 * H;
  const simd = cellArrays(H, [T * N * G, T * N * H, T * N * H, T * N * H, 4 * H, N * G]);
  if (simd === null) return gruForwardRows(tfProducts(tf), p, v);
  const [gates, vN, hPrev, y, b, r] = simd.arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  b.set(v.b);
  gruForwardRows(tfProducts(tf), p, { ...v, b, gates, vN, hPrev, y }, { loops: simd.gru, r });
  v.gates.set(gates);
  v.vN.set(vN);
  v.hPrev.set(hPrev);
  v.y.set(y);
}

/** The GRU backward over the share's rows, its per-step loops in WebAssembly SIMD (see lstmForwardTfShare). */
export function gruBackwardTfShare(tf: Tf, p: GruBackwardParams, v: Parameters<typeof gruBackwardRows>[2]): void {
  const { T, N, H } = p;
  const G = 3 * H;
  const simd = cellArrays(H, [T * N * G, T * N * H, T * N * H, T * N * H, T * N * G, T * N * G, T * N * G, T * N * G, N * H, N * H, 4 * H]);
  if (simd === null) return gruBackwardRows(tfProducts(tf), p, v);
  const [gates, vN, hPrev, dY, dU, dV, dUT, dVT, direct, dhMat, sums] = simd.arrays as [
    Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array,
  ];
  gates.set(v.gates);
  vN.set(v.vN);
  hPrev.set(v.hPrev);
  dY.set(v.dY);
  gruBackwardRows(tfProducts(tf), p, { ...v, gates, vN, hPrev, dY }, { loops: simd.gru, dU, dV, dUT, dVT, direct, dhMat, sums });
}
