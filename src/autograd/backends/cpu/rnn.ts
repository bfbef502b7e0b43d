/**
 * lstm — the cpu backend's LSTM and GRU over a whole sequence: the loops of parallel/lstm-share.ts
 * and gru-share.ts run as one share (every batch row), with this backend's matmul for the
 * products, so float64 results are exactly those of the per-step ops they replace.
 */
import { allocate, type DataArray } from '../../dtype.js';
import { Tensor } from '../../tensor.js';
import { gruBackwardRows, gruForwardRows } from './gru-loops.js';
import { lstmBackwardRows, lstmForwardRows, type Products } from './lstm-loops.js';
import type { GruForward, GruGradients, GruNeed, GruSaved, LstmForward, LstmGradients, LstmNeed, LstmSaved } from '../types.js';
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
      out.set(matmul(new Tensor(a, [m, k]), new Tensor(b, [k, n])).storage);
    },
    done() {
      operands.length = 0;
    },
  };
}

/** A gradient as a tensor where `need[k]` asks for it, else null (the wasm backend's recurrent kernels use it too). */
export const gradient = (need: readonly boolean[], k: number, a: DataArray, shape: number[]): Tensor | null => (need[k] ? new Tensor(a, shape) : null);

export function lstmForward(x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, bias: Tensor, reverse: boolean): LstmForward {
  const [T, N, I] = x.shape as [number, number, number];
  const H = wHh.shape[1]!;
  const dtype = x.dtype;
  const [gates, tanhC, hPrev, s] = [4 * H, H, H, 2 * H].map((width) => allocate(dtype, T * N * width)) as [DataArray, DataArray, DataArray, DataArray];
  lstmForwardRows(cpuProducts(), { T, N, I, H, reverse }, {
    x: x.storage, state0: state0.storage, wIhT: permute(wIh, [1, 0]).storage, wHhT: permute(wHh, [1, 0]).storage, b: bias.storage,
    gates, tanhC, hPrev, s,
  });
  const out = new Tensor(s, [T, N, 2 * H]);
  return { out, saved: { bounds: [0, N], gates: new Tensor(gates, [gates.length]), tanhC: new Tensor(tanhC, [tanhC.length]), hPrev: new Tensor(hPrev, [hPrev.length]), s: out } };
}

export function lstmBackward(saved: LstmSaved, x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, dS: Tensor, reverse: boolean, need: LstmNeed): LstmGradients {
  const [T, N, I] = x.shape as [number, number, number];
  const H = wHh.shape[1]!;
  const G = 4 * H;
  const dtype = x.dtype;
  const [dX, dState0, dWIh, dWHh, dB] = [T * N * I, N * 2 * H, G * I, G * H, G].map((size, i) => allocate(dtype, need[i] ? size : 0)) as DataArray[];
  lstmBackwardRows(cpuProducts(), { T, N, I, H, reverse, need }, {
    x: x.storage, state0: state0.storage, wIh: wIh.storage, wHh: wHh.storage,
    gates: saved.gates.storage, tanhC: saved.tanhC.storage, hPrev: saved.hPrev.storage, s: saved.s.storage, dS: dS.storage,
    dX: dX!, dState0: dState0!, dWIh: dWIh!, dWHh: dWHh!, dB: dB!,
  });
  return {
    dX: gradient(need, 0, dX!, [T, N, I]), dState0: gradient(need, 1, dState0!, [N, 2 * H]), dWIh: gradient(need, 2, dWIh!, [G, I]),
    dWHh: gradient(need, 3, dWHh!, [G, H]), dBias: gradient(need, 4, dB!, [G]),
  };
}

export function gruForward(x: Tensor, h0: Tensor, wIh: Tensor, wHh: Tensor, biases: Tensor, reverse: boolean): GruForward {
  const [T, N, I] = x.shape as [number, number, number];
  const H = wHh.shape[1]!;
  const dtype = x.dtype;
  const [gates, vN, hPrev, y] = [3 * H, H, H, H].map((width) => allocate(dtype, T * N * width)) as [DataArray, DataArray, DataArray, DataArray];
  gruForwardRows(cpuProducts(), { T, N, I, H, reverse }, {
    x: x.storage, h0: h0.storage, wIhT: permute(wIh, [1, 0]).storage, wHhT: permute(wHh, [1, 0]).storage, b: biases.storage,
    gates, vN, hPrev, y,
  });
  const flat = (a: DataArray): Tensor => new Tensor(a, [a.length]);
  return { out: new Tensor(y, [T, N, H]), saved: { bounds: [0, N], gates: flat(gates), vN: flat(vN), hPrev: flat(hPrev) } };
}

export function gruBackward(saved: GruSaved, x: Tensor, wIh: Tensor, wHh: Tensor, dY: Tensor, reverse: boolean, need: GruNeed): GruGradients {
  const [T, N, I] = x.shape as [number, number, number];
  const H = wHh.shape[1]!;
  const G = 3 * H;
  const dtype = x.dtype;
  const [dX, dH0, dWIh, dWHh, dBIh, dBHh] = [T * N * I, N * H, G * I, G * H, G, G].map((size, i) => allocate(dtype, need[i] ? size : 0)) as DataArray[];
  gruBackwardRows(cpuProducts(), { T, N, I, H, reverse, need }, {
    x: x.storage, wIh: wIh.storage, wHh: wHh.storage, gates: saved.gates.storage, vN: saved.vN.storage, hPrev: saved.hPrev.storage, dY: dY.storage,
    dX: dX!, dH0: dH0!, dWIh: dWIh!, dWHh: dWHh!, dBIh: dBIh!, dBHh: dBHh!,
  });
  return {
    dX: gradient(need, 0, dX!, [T, N, I]), dH0: gradient(need, 1, dH0!, [N, H]), dWIh: gradient(need, 2, dWIh!, [G, I]),
    dWHh: gradient(need, 3, dWHh!, [G, H]), dBIh: gradient(need, 4, dBIh!, [G]), dBHh: gradient(need, 5, dBHh!, [G]),
  };
}
