/**
 * rnn — an LSTM or GRU layer over a whole sequence on the wasm backend, cut into blocks of batch
 * rows (plan.ts's planRows): each share runs all T steps for its rows (shares/rnn.ts), so there
 * is one round trip per call, not per step; the backward uses the forward's blocks and adds the
 * weight-gradient partials in share order. The saved activations stay in that block layout.
 */
import { allocate } from '../../dtype.js';
import { Tensor } from '../../tensor.js';
import { cpuKernels as cpu } from '../cpu/index.js';
import { gradient, packGruBiases, sumBiases } from '../cpu/rnn.js';
import type { GruActivations, GruForward, GruGradients, GruNeed, GruSaved, Kernels, LstmActivations, LstmForward, LstmGradients, LstmNeed, LstmSaved } from '../types.js';
import { f32, isF32, type Run } from './common.js';
import { scratchFloats } from './layout.js';
import { planRows } from './plan.js';
import { ownShare, workerShare } from './parallel.js';
import { budget } from './threads.js';

/** This thread's scratch for the row blocks of x and dS (one call uses it at a time). */
const scratchOf = scratchFloats();

/** Rows of a time-major [T, N, width] array per share: share i's rows [n0, n1) as [T, n1 − n0, width] (the array itself for one share). */
function rowBlocks(src: Float32Array, T: number, N: number, width: number, parts: readonly (readonly [number, number])[], into: Float32Array): Float32Array[] {
  if (parts.length === 1) return [src];
  return parts.map(([n0, n1]) => {
    const block = into.subarray(T * n0 * width, T * n1 * width);
    for (let t = 0; t < T; t++) block.set(src.subarray((t * N + n0) * width, (t * N + n1) * width), t * (n1 - n0) * width);
    return block;
  });
}

/** The inverse of rowBlocks: share-major blocks back to one time-major [T, N, width] array. */
function joinRowBlocks(blocks: Float32Array, T: number, N: number, width: number, parts: readonly (readonly [number, number])[], out: Float32Array = allocate('float32', T * N * width)): Float32Array {
  for (const [n0, n1] of parts) {
    const Nt = n1 - n0;
    for (let t = 0; t < T; t++) out.set(blocks.subarray((T * n0 + t * Nt) * width, (T * n0 + (t + 1) * Nt) * width), (t * N + n0) * width);
  }
  return out;
}

/**
 * Saved activations in the layout the shares wrote them: the batch rows cut into `parts`, and for
 * each array its blocks end to end, block [n0, n1) being [T, n1 − n0, width] at T·n0·width.
 */
interface RowBlocks {
  readonly parts: readonly (readonly [number, number])[];
  readonly T: number;
  readonly N: number;
  readonly arrays: Readonly<Record<string, readonly [Float32Array, number]>>;
}

/** The row blocks behind each handle this backend made (a handle from elsewhere has none). */
const rowBlocksOf = new WeakMap<object, RowBlocks>();

/** One saved array in the canonical layout, [T, N, width] time-major (a copy when there are several blocks). */
function canonicalOf(b: RowBlocks, name: string): Tensor {
  const [a, width] = b.arrays[name]!;
  return new Tensor(b.parts.length === 1 ? a : joinRowBlocks(a, b.T, b.N, width, b.parts), [b.T, b.N, width]);
}

/** Canonical activations (another backend's handle) as one block of every row. */
function oneBlock(activations: LstmActivations | GruActivations, T: number, N: number): RowBlocks {
  const arrays: Record<string, readonly [Float32Array, number]> = {};
  for (const [name, t] of Object.entries(activations) as [string, Tensor][]) arrays[name] = [f32(t), t.shape[2]!];
  return { parts: [[0, N]], T, N, arrays };
}

/** Rows [n0, n1) of a saved array: T·(n1 − n0)·width values at T·n0·width. */
function blockOf(b: RowBlocks, name: string, n0: number, n1: number): Float32Array {
  const [a, width] = b.arrays[name]!;
  return a.subarray(b.T * n0 * width, b.T * n1 * width);
}

/** `make` run once, on the first call. */
function once<A>(make: () => A): () => A {
  let value: A | null = null;
  return () => (value ??= make());
}

/** The wasm backend's four recurrent kernels. */
export function wasmRecurrent(run: Run): Pick<Kernels, 'lstmForward' | 'lstmBackward' | 'gruForward' | 'gruBackward'> {
  /**
   * A recurrent layer over a sequence (LSTM or GRU, forward or backward), split by blocks of batch
   * rows `parts`: each share runs all T steps for its rows (shares/rnn.ts), with no exchange
   * between threads until the end. Share i reads
   * `inputs(i, n0, n1)` and writes
   *   blocks: [array, width] — its rows for all T steps, [T, n1 − n0, width], at T·n0·width (the
   *           blocks of all shares end to end: the layout the saved activations keep);
   *   rows:   [array, width] — one value per row, at n0·width (the initial state's gradient);
   *   sums:   arrays every share adds its partial into, in share order (the weight gradients), so
   *           the result is bit-identical from run to run for a given thread count.
   */
  function runRowShares(
    kind: 'lstmForward' | 'lstmBackward' | 'gruForward' | 'gruBackward', T: number, parts: readonly (readonly [number, number])[], params: (n0: number, n1: number) => object,
    inputs: (i: number, n0: number, n1: number) => Record<string, Float32Array>,
    blocks: Record<string, readonly [Float32Array, number]>, rows: Record<string, readonly [Float32Array, number]> = {}, sums: Record<string, Float32Array> = {},
  ): void {
    run(parts.map(([n0, n1], i) => {
      const mine: Record<string, Float32Array> = {};
      for (const [name, [a, width]] of Object.entries(blocks)) mine[name] = a.subarray(T * n0 * width, T * n1 * width);
      for (const [name, [a, width]] of Object.entries(rows)) mine[name] = a.subarray(n0 * width, n1 * width);
      if (i === 0) return ownShare({ kind, params: params(n0, n1), views: { ...inputs(i, n0, n1), ...mine, ...sums } } as never);
      const outputs = Object.fromEntries([...Object.entries(mine), ...Object.entries(sums)].map(([name, a]) => [name, { output: a.length }]));
      return workerShare({
        kind, params: params(n0, n1), views: { ...inputs(i, n0, n1), ...outputs }, destination: Object.values(mine),
        collect: (v: Record<string, Float32Array>) => {
          for (const [name, a] of Object.entries(mine)) a.set(v[name]!);
          for (const [name, sum] of Object.entries(sums)) {
            const part = v[name]!;
            for (let j = 0; j < sum.length; j++) sum[j]! += part[j]!;
          }
        },
      } as never);
    }));
  }

  /** How a recurrent layer's batch rows are cut: plan.ts's planRows. */
  const rowParts = (N: number, flops: number): [number, number][] => planRows(N, flops, budget());
  const transposed = (w: Tensor): Float32Array => f32(cpu.permute(w, [1, 0]));

  function lstmForward(x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, reverse: boolean): LstmForward {
    if (!isF32(x, state0, wIh, wHh, bIh, bHh)) return cpu.lstmForward(x, state0, wIh, wHh, bIh, bHh, reverse);
    const [T, N, I] = x.shape as [number, number, number];
    const H = wHh.shape[1]!;
    const G = 4 * H;
    const parts = rowParts(N, 2 * T * N * G * (I + H));
    const [gates, tanhC, hPrev, s] = [G, H, H, 2 * H].map((width) => allocate('float32', T * N * width)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const [wIhT, wHhT] = [transposed(wIh), transposed(wHh)];
    const b = sumBiases(bIh, bHh) as Float32Array;
    const xParts = rowBlocks(f32(x), T, N, I, parts, scratchOf(x.numel()));
    runRowShares('lstmForward', T, parts, (n0, n1) => ({ T, N: n1 - n0, I, H, reverse }),
      (i, n0, n1) => ({ x: xParts[i]!, state0: f32(state0).subarray(n0 * 2 * H, n1 * 2 * H), wIhT, wHhT, b }),
      { gates: [gates, G], tanhC: [tanhC, H], hPrev: [hPrev, H], s: [s, 2 * H] });
    const out = parts.length === 1 ? s : joinRowBlocks(s, T, N, 2 * H, parts);
    const blocks: RowBlocks = { parts, T, N, arrays: { gates: [gates, G], tanhC: [tanhC, H], hPrev: [hPrev, H], s: [s, 2 * H] } };
    const saved: LstmSaved = { activations: once(() => ({ gates: canonicalOf(blocks, 'gates'), tanhC: canonicalOf(blocks, 'tanhC'), hPrev: canonicalOf(blocks, 'hPrev'), s: canonicalOf(blocks, 's') })) };
    rowBlocksOf.set(saved, blocks);
    return { out: new Tensor(out, [T, N, 2 * H]), saved };
  }

  function lstmBackward(saved: LstmSaved, x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, dS: Tensor, reverse: boolean, need: LstmNeed): LstmGradients {
    const own = rowBlocksOf.get(saved);
    if (!isF32(x, state0, wIh, wHh, dS) || (own === undefined && !isF32(saved.activations().gates))) return cpu.lstmBackward(saved, x, state0, wIh, wHh, dS, reverse, need);
    const [T, N, I] = x.shape as [number, number, number];
    const H = wHh.shape[1]!;
    const G = 4 * H;
    const blocks = own ?? oneBlock(saved.activations(), T, N);
    const { parts } = blocks;
    const [dX, dState0, dWIh, dWHh, dB] = [T * N * I, N * 2 * H, G * I, G * H, G].map((size, i) => allocate('float32', need[i] ? size : 0)) as Float32Array[];
    const both = scratchOf(x.numel() + dS.numel());
    const xParts = rowBlocks(f32(x), T, N, I, parts, both.subarray(0, x.numel()));
    const dSParts = rowBlocks(f32(dS), T, N, 2 * H, parts, both.subarray(x.numel()));
    const dXBlocks = parts.length === 1 ? dX! : allocate('float32', dX!.length);
    runRowShares('lstmBackward', T, parts, (n0, n1) => ({ T, N: n1 - n0, I, H, reverse, need }),
      (i, n0, n1) => ({
        x: xParts[i]!, state0: f32(state0).subarray(n0 * 2 * H, n1 * 2 * H), wIh: f32(wIh), wHh: f32(wHh), dS: dSParts[i]!,
        gates: blockOf(blocks, 'gates', n0, n1), tanhC: blockOf(blocks, 'tanhC', n0, n1), hPrev: blockOf(blocks, 'hPrev', n0, n1), s: blockOf(blocks, 's', n0, n1),
      }),
      { dX: [dXBlocks, need[0] ? I : 0] }, { dState0: [dState0!, need[1] ? 2 * H : 0] }, { dWIh: dWIh!, dWHh: dWHh!, dB: dB! });
    if (need[0] && parts.length > 1) joinRowBlocks(dXBlocks, T, N, I, parts, dX);
    return {
      dX: gradient(need, 0, dX!, [T, N, I]), dState0: gradient(need, 1, dState0!, [N, 2 * H]), dWIh: gradient(need, 2, dWIh!, [G, I]),
      dWHh: gradient(need, 3, dWHh!, [G, H]), dBias: gradient(need, 4, dB!, [G]),
    };
  }

  function gruForward(x: Tensor, h0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, reverse: boolean): GruForward {
    if (!isF32(x, h0, wIh, wHh, bIh, bHh)) return cpu.gruForward(x, h0, wIh, wHh, bIh, bHh, reverse);
    const [T, N, I] = x.shape as [number, number, number];
    const H = wHh.shape[1]!;
    const G = 3 * H;
    const parts = rowParts(N, 2 * T * N * G * (I + H));
    const [gates, vN, hPrev, y] = [G, H, H, H].map((width) => allocate('float32', T * N * width)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const [wIhT, wHhT] = [transposed(wIh), transposed(wHh)];
    const b = packGruBiases(bIh, bHh) as Float32Array;
    const xParts = rowBlocks(f32(x), T, N, I, parts, scratchOf(x.numel()));
    runRowShares('gruForward', T, parts, (n0, n1) => ({ T, N: n1 - n0, I, H, reverse }),
      (i, n0, n1) => ({ x: xParts[i]!, h0: f32(h0).subarray(n0 * H, n1 * H), wIhT, wHhT, b }),
      { gates: [gates, G], vN: [vN, H], hPrev: [hPrev, H], y: [y, H] });
    const out = parts.length === 1 ? y : joinRowBlocks(y, T, N, H, parts);
    const blocks: RowBlocks = { parts, T, N, arrays: { gates: [gates, G], vN: [vN, H], hPrev: [hPrev, H] } };
    const saved: GruSaved = { activations: once(() => ({ gates: canonicalOf(blocks, 'gates'), vN: canonicalOf(blocks, 'vN'), hPrev: canonicalOf(blocks, 'hPrev') })) };
    rowBlocksOf.set(saved, blocks);
    return { out: new Tensor(out, [T, N, H]), saved };
  }

  function gruBackward(saved: GruSaved, x: Tensor, wIh: Tensor, wHh: Tensor, dY: Tensor, reverse: boolean, need: GruNeed): GruGradients {
    const own = rowBlocksOf.get(saved);
    if (!isF32(x, wIh, wHh, dY) || (own === undefined && !isF32(saved.activations().gates))) return cpu.gruBackward(saved, x, wIh, wHh, dY, reverse, need);
    const [T, N, I] = x.shape as [number, number, number];
    const H = wHh.shape[1]!;
    const G = 3 * H;
    const blocks = own ?? oneBlock(saved.activations(), T, N);
    const { parts } = blocks;
    const [dX, dH0, dWIh, dWHh, dBIh, dBHh] = [T * N * I, N * H, G * I, G * H, G, G].map((size, i) => allocate('float32', need[i] ? size : 0)) as Float32Array[];
    const both = scratchOf(x.numel() + dY.numel());
    const xParts = rowBlocks(f32(x), T, N, I, parts, both.subarray(0, x.numel()));
    const dYParts = rowBlocks(f32(dY), T, N, H, parts, both.subarray(x.numel()));
    const dXBlocks = parts.length === 1 ? dX! : allocate('float32', dX!.length);
    runRowShares('gruBackward', T, parts, (n0, n1) => ({ T, N: n1 - n0, I, H, reverse, need }),
      (i, n0, n1) => ({
        x: xParts[i]!, wIh: f32(wIh), wHh: f32(wHh), dY: dYParts[i]!,
        gates: blockOf(blocks, 'gates', n0, n1), vN: blockOf(blocks, 'vN', n0, n1), hPrev: blockOf(blocks, 'hPrev', n0, n1),
      }),
      { dX: [dXBlocks, need[0] ? I : 0] }, { dH0: [dH0!, need[1] ? H : 0] }, { dWIh: dWIh!, dWHh: dWHh!, dBIh: dBIh!, dBHh: dBHh! });
    if (need[0] && parts.length > 1) joinRowBlocks(dXBlocks, T, N, I, parts, dX);
    return {
      dX: gradient(need, 0, dX!, [T, N, I]), dH0: gradient(need, 1, dH0!, [N, H]), dWIh: gradient(need, 2, dWIh!, [G, I]),
      dWHh: gradient(need, 3, dWHh!, [G, H]), dBIh: gradient(need, 4, dBIh!, [G]), dBHh: gradient(need, 5, dBHh!, [G]),
    };
  }

  return { lstmForward, lstmBackward, gruForward, gruBackward };
}
