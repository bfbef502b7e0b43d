/**
 * rnn — the cpu backend's LSTM and GRU over a whole sequence: the loops of lstm-loops.ts and
 * gru-loops.ts over every batch row at once, with this backend's matmul for the products, so
 * float64 results are exactly those of the per-step ops they replace. What the forward keeps
 * for the backward is the canonical layout itself (types.ts's LstmActivations, GruActivations).
 */
import { allocate, type DataArray } from '../../dtype.js';
import { Tensor } from '../../tensor.js';
import { storageOf } from '../../tensor-storage.js';
import { gruBackwardRows, gruForwardRows } from './gru-loops.js';
import { lstmBackwardRows, lstmForwardRows, type Products } from './lstm-loops.js';
import type { GruActivations, GruForward, GruGradients, GruNeed, GruSaved, LstmActivations, LstmForward, LstmGradients, LstmNeed, LstmSaved } from '../types.js';
import { matmul } from './matmul.js';
import { permute } from './movement.js';

/** Products through the cpu matmul kernel. */
function cpuProducts(): Products {
  const operands: [DataArray, number, number][] = [];
  return {
    operand(b, k, n) {
      operands.push([b, k, n]);
      return operands.length - 1;
    },
    multiply(a, m, handle, out) {
      const [b, k, n] = operands[handle]!;
      out.set(storageOf(matmul(new Tensor(a, [m, k]), new Tensor(b, [k, n]))));
    },
    done() {
      operands.length = 0;
    },
  };
}

/** A gradient as a tensor where `need[k]` asks for it, else null (the wasm backend's recurrent kernels use it too). */
export const gradient = (need: readonly boolean[], k: number, a: DataArray, shape: number[]): Tensor | null => (need[k] ? new Tensor(a, shape) : null);

/** b_ih + b_hh, which every step adds (the two biases of each LSTM gate always enter as a sum). */
export function sumBiases(bIh: Tensor, bHh: Tensor): DataArray {
  const [a, b] = [storageOf(bIh), storageOf(bHh)];
  const out = allocate(bIh.dtype, a.length);
  for (let j = 0; j < out.length; j++) out[j] = a[j]! + b[j]!;
  return out;
}

/**
 * The GRU's biases as one [4H] array: b_ir + b_hr, b_iz + b_hz (each sum added once), then b_in
 * and b_hn apart (r multiplies b_hn: ops/gru-sequence.ts).
 */
export function packGruBiases(bIh: Tensor, bHh: Tensor): DataArray {
  const [a, b] = [storageOf(bIh), storageOf(bHh)];
  const H = a.length / 3;
  const out = allocate(bIh.dtype, 4 * H);
  for (let j = 0; j < 2 * H; j++) out[j] = a[j]! + b[j]!;
  for (let j = 0; j < H; j++) {
    out[2 * H + j] = a[2 * H + j]!;
    out[3 * H + j] = b[2 * H + j]!;
  }
  return out;
}

/** A handle whose activations are already in the canonical layout. */
const canonical = <A>(activations: A): { activations(): A } => ({ activations: () => activations });

export function lstmForward(x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, reverse: boolean): LstmForward {
  const [T, N, I] = x.shape as [number, number, number];
  const H = wHh.shape[1]!;
  const dtype = x.dtype;
  const [gates, tanhC, hPrev, s] = [4 * H, H, H, 2 * H].map((width) => allocate(dtype, T * N * width)) as [DataArray, DataArray, DataArray, DataArray];
  lstmForwardRows(cpuProducts(), { T, N, I, H, reverse }, {
    x: storageOf(x), state0: storageOf(state0), wIhT: storageOf(permute(wIh, [1, 0])), wHhT: storageOf(permute(wHh, [1, 0])), b: sumBiases(bIh, bHh),
    gates, tanhC, hPrev, s,
  });
  const out = new Tensor(s, [T, N, 2 * H]);
  const activations: LstmActivations = { gates: new Tensor(gates, [T, N, 4 * H]), tanhC: new Tensor(tanhC, [T, N, H]), hPrev: new Tensor(hPrev, [T, N, H]), s: out };
  return { out, saved: canonical(activations) };
}

export function lstmBackward(saved: LstmSaved, x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, dS: Tensor, reverse: boolean, need: LstmNeed): LstmGradients {
  const [T, N, I] = x.shape as [number, number, number];
  const H = wHh.shape[1]!;
  const G = 4 * H;
  const dtype = x.dtype;
  const a = saved.activations();
  const [dX, dState0, dWIh, dWHh, dB] = [T * N * I, N * 2 * H, G * I, G * H, G].map((size, i) => allocate(dtype, need[i] ? size : 0)) as DataArray[];
  lstmBackwardRows(cpuProducts(), { T, N, I, H, reverse, need }, {
    x: storageOf(x), state0: storageOf(state0), wIh: storageOf(wIh), wHh: storageOf(wHh),
    gates: storageOf(a.gates), tanhC: storageOf(a.tanhC), hPrev: storageOf(a.hPrev), s: storageOf(a.s), dS: storageOf(dS),
    dX: dX!, dState0: dState0!, dWIh: dWIh!, dWHh: dWHh!, dB: dB!,
  });
  return {
    dX: gradient(need, 0, dX!, [T, N, I]), dState0: gradient(need, 1, dState0!, [N, 2 * H]), dWIh: gradient(need, 2, dWIh!, [G, I]),
    dWHh: gradient(need, 3, dWHh!, [G, H]), dBias: gradient(need, 4, dB!, [G]),
  };
}

export function gruForward(x: Tensor, h0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, reverse: boolean): GruForward {
  const [T, N, I] = x.shape as [number, number, number];
  const H = wHh.shape[1]!;
  const dtype = x.dtype;
  const [gates, vN, hPrev, y] = [3 * H, H, H, H].map((width) => allocate(dtype, T * N * width)) as [DataArray, DataArray, DataArray, DataArray];
  gruForwardRows(cpuProducts(), { T, N, I, H, reverse }, {
    x: storageOf(x), h0: storageOf(h0), wIhT: storageOf(permute(wIh, [1, 0])), wHhT: storageOf(permute(wHh, [1, 0])), b: packGruBiases(bIh, bHh),
    gates, vN, hPrev, y,
  });
  const activations: GruActivations = { gates: new Tensor(gates, [T, N, 3 * H]), vN: new Tensor(vN, [T, N, H]), hPrev: new Tensor(hPrev, [T, N, H]) };
  return { out: new Tensor(y, [T, N, H]), saved: canonical(activations) };
}

export function gruBackward(saved: GruSaved, x: Tensor, wIh: Tensor, wHh: Tensor, dY: Tensor, reverse: boolean, need: GruNeed): GruGradients {
  const [T, N, I] = x.shape as [number, number, number];
  const H = wHh.shape[1]!;
  const G = 3 * H;
  const dtype = x.dtype;
  const a = saved.activations();
  const [dX, dH0, dWIh, dWHh, dBIh, dBHh] = [T * N * I, N * H, G * I, G * H, G, G].map((size, i) => allocate(dtype, need[i] ? size : 0)) as DataArray[];
  gruBackwardRows(cpuProducts(), { T, N, I, H, reverse, need }, {
    x: storageOf(x), wIh: storageOf(wIh), wHh: storageOf(wHh), gates: storageOf(a.gates), vN: storageOf(a.vN), hPrev: storageOf(a.hPrev), dY: storageOf(dY),
    dX: dX!, dH0: dH0!, dWIh: dWIh!, dWHh: dWHh!, dBIh: dBIh!, dBHh: dBHh!,
  });
  return {
    dX: gradient(need, 0, dX!, [T, N, I]), dH0: gradient(need, 1, dH0!, [N, H]), dWIh: gradient(need, 2, dWIh!, [G, I]),
    dWHh: gradient(need, 3, dWHh!, [G, H]), dBIh: gradient(need, 4, dBIh!, [G]), dBHh: gradient(need, 5, dBHh!, [G]),
  };
}
