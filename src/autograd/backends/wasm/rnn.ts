/**
 * rnn — an LSTM or GRU layer over a whole sequence on the wasm backend, cut into blocks of batch
 * rows (plan.ts's planRows): each share runs all T steps for its rows (shares/rnn.ts), so there
 * is one round trip per call, not per step; the backward uses the forward's blocks and adds the
 * weight-gradient partials in share order. The saved activations stay in that block layout, and
 * an LSTM worker's rows of them stay on that worker (shares/stash.ts) from forward to backward:
 * only S comes back. Should a worker no longer have them, its rows are recomputed here by the same
 * share code (so to the same values) and the backward runs again on the full activations.
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
import { STASH_BYTES } from './shares/stash.js';

let stashing = true;

/** Whether LSTM workers keep their saved activations (on by default); returns the previous setting. For tests and A/B timing. */
export function useActivationStash(on: boolean): boolean {
  const previous = stashing;
  stashing = on;
  return previous;
}

let recomputes = 0;

/** How many times a stashed layer's worker rows were recomputed on the calling thread (tests). */
export function stashRecomputes(): number {
  return recomputes;
}

let nextStashId = 1;
/** Per worker share index: stash entries whose handles were collected, sent with that worker's next forward. */
const dropsFor: number[][] = [];
const collected = new FinalizationRegistry<{ readonly id: number; readonly workers: number }>(({ id, workers }) => {
  for (let i = 1; i <= workers; i++) (dropsFor[i] ??= []).push(id);
});
/** The drops waiting for worker share i, handed over once. */
function takeDrops(i: number): { drop?: number[] } {
  const ids = dropsFor[i];
  if (ids === undefined || ids.length === 0) return {};
  dropsFor[i] = [];
  return { drop: ids };
}

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
  /**
   * Set when the workers kept their rows (then `arrays` hold share 0's rows only): what
   * recomputing the others takes, and the full arrays once recomputed.
   */
  stash?: { readonly id: number; readonly x: Tensor; readonly state0: Tensor; readonly wIhT: Float32Array; readonly wHhT: Float32Array; readonly b: Float32Array; readonly I: number; readonly H: number; readonly reverse: boolean; full: RowBlocks | null };
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
    kind: 'lstmForward' | 'lstmBackward' | 'gruForward' | 'gruBackward', T: number, parts: readonly (readonly [number, number])[], params: (n0: number, n1: number, i: number) => object,
    inputs: (i: number, n0: number, n1: number) => Record<string, Float32Array>,
    blocks: Record<string, readonly [Float32Array, number]>, rows: Record<string, readonly [Float32Array, number]> = {}, sums: Record<string, Float32Array> = {},
    found: Float32Array | null = null, timeMajor: Record<string, readonly [out: Float32Array, width: number, N: number]> = {},
  ): void {
    run(parts.map(([n0, n1], i) => {
      const mine: Record<string, Float32Array> = {};
      // (an array that holds share 0's rows only, the stashed activations, gives the others an empty block)
      for (const [name, [a, width]] of Object.entries(blocks)) mine[name] = a.subarray(T * n0 * width, T * n1 * width);
      for (const [name, [a, width]] of Object.entries(rows)) mine[name] = a.subarray(n0 * width, n1 * width);
      if (i === 0) return ownShare({ kind, params: params(n0, n1, i), views: { ...inputs(i, n0, n1), ...mine, ...sums } } as never);
      const outputs = Object.fromEntries([...Object.entries(mine), ...Object.entries(sums)].map(([name, a]) => [name, { output: a.length }]));
      // found: whether a worker still had its stashed activations (1) or computed nothing (0)
      if (found !== null) outputs.found = { output: 1 };
      // timeMajor: a worker's block of these goes straight to its rows of a [T, N, width] array
      for (const [name, [, width]] of Object.entries(timeMajor)) outputs[name] = { output: T * (n1 - n0) * width };
      const destination = [...Object.values(mine), ...Object.values(timeMajor).map(([out]) => out)];
      return workerShare({
        kind, params: params(n0, n1, i), views: { ...inputs(i, n0, n1), ...outputs }, destination,
        collect: (v: Record<string, Float32Array>) => {
          if (found !== null && !((found[i] = v.found![0]!) === 1)) return;
          for (const [name, a] of Object.entries(mine)) if (!(name in timeMajor)) a.set(v[name]!);
          for (const [name, [out, width, N]] of Object.entries(timeMajor)) {
            const block = v[name]!;
            const row = (n1 - n0) * width;
            for (let t = 0; t < T; t++) out.set(block.subarray(t * row, (t + 1) * row), (t * N + n0) * width);
          }
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
    // (a worker's rows that alone would pass its stash's bound are not kept: every backward would recompute them)
    const keepable = parts.every(([n0, n1]) => T * (n1 - n0) * 8 * H * 4 <= STASH_BYTES);
    const stash = stashing && parts.length > 1 && keepable ? nextStashId++ : 0; //  0: no stash
    const rowsHere = stash !== 0 ? parts[0]![1] : N; //                  the gates, τ and H_prev of share 0's rows only
    const [gates, tanhC, hPrev, s] = [G, H, H, 2 * H].map((width) => allocate('float32', T * rowsHere * width)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const [wIhT, wHhT] = [transposed(wIh), transposed(wHh)];
    const b = sumBiases(bIh, bHh) as Float32Array;
    const xParts = rowBlocks(f32(x), T, N, I, parts, scratchOf(x.numel()));
    // With the stash, the workers' S goes straight to the output, time-major (their rows of the
    // activations, S included, stay with them), and only share 0's rows are kept here.
    const out = stash !== 0 ? allocate('float32', T * N * 2 * H) : null;
    runRowShares('lstmForward', T, parts, (n0, n1, i) => ({ T, N: n1 - n0, I, H, reverse, ...(stash !== 0 && i > 0 ? { stash, ...takeDrops(i) } : {}) }),
      (i, n0, n1) => ({ x: xParts[i]!, state0: f32(state0).subarray(n0 * 2 * H, n1 * 2 * H), wIhT, wHhT, b }),
      { gates: [gates, G], tanhC: [tanhC, H], hPrev: [hPrev, H], s: [s, 2 * H] }, {}, {}, null, out === null ? {} : { s: [out, 2 * H, N] });
    if (out !== null) joinRowBlocks(s, T, N, 2 * H, parts.slice(0, 1), out);
    const output = out ?? (parts.length === 1 ? s : joinRowBlocks(s, T, N, 2 * H, parts));
    const blocks: RowBlocks = {
      parts, T, N, arrays: { gates: [gates, G], tanhC: [tanhC, H], hPrev: [hPrev, H], s: [s, 2 * H] },
      ...(stash !== 0 ? { stash: { id: stash, x, state0, wIhT, wHhT, b, I, H, reverse, full: null } } : {}),
    };
    const saved: LstmSaved = {
      activations: once(() => {
        const all = fullBlocks(blocks);
        return { gates: canonicalOf(all, 'gates'), tanhC: canonicalOf(all, 'tanhC'), hPrev: canonicalOf(all, 'hPrev'), s: canonicalOf(all, 's') };
      }),
    };
    rowBlocksOf.set(saved, blocks);
    if (stash !== 0) collected.register(saved, { id: stash, workers: parts.length - 1 });
    return { out: new Tensor(output, [T, N, 2 * H]), saved };
  }

  /**
   * Every row's activations: `b` itself, or, when the workers kept theirs, share 0's rows and
   * the others' recomputed on this thread by the same share code (once; the workers' copies are
   * left to their backward, the collector or the bound).
   */
  function fullBlocks(b: RowBlocks): RowBlocks {
    const st = b.stash;
    if (st === undefined) return b;
    if (st.full !== null) return st.full;
    recomputes++;
    const { T, N, parts } = b;
    const { I, H } = st;
    const G = 4 * H;
    const [gates, tanhC, hPrev, s] = [G, H, H, 2 * H].map((width) => allocate('float32', T * N * width)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    for (const [name, a] of [['gates', gates], ['tanhC', tanhC], ['hPrev', hPrev], ['s', s]] as const) a.set(b.arrays[name]![0]);
    const xParts = rowBlocks(f32(st.x), T, N, I, parts, scratchOf(st.x.numel()));
    parts.forEach(([n0, n1], i) => {
      if (i === 0) return;
      run([ownShare({
        kind: 'lstmForward', params: { T, N: n1 - n0, I, H, reverse: st.reverse },
        views: {
          x: xParts[i]!, state0: f32(st.state0).subarray(n0 * 2 * H, n1 * 2 * H), wIhT: st.wIhT, wHhT: st.wHhT, b: st.b,
          gates: gates.subarray(T * n0 * G, T * n1 * G), tanhC: tanhC.subarray(T * n0 * H, T * n1 * H), hPrev: hPrev.subarray(T * n0 * H, T * n1 * H), s: s.subarray(T * n0 * 2 * H, T * n1 * 2 * H),
        },
      })]);
    });
    return st.full = { parts, T, N, arrays: { gates: [gates, G], tanhC: [tanhC, H], hPrev: [hPrev, H], s: [s, 2 * H] } };
  }

  function lstmBackward(saved: LstmSaved, x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, dS: Tensor, reverse: boolean, need: LstmNeed): LstmGradients {
    const own = rowBlocksOf.get(saved);
    if (!isF32(x, state0, wIh, wHh, dS) || (own === undefined && !isF32(saved.activations().gates))) return cpu.lstmBackward(saved, x, state0, wIh, wHh, dS, reverse, need);
    const [T, N, I] = x.shape as [number, number, number];
    const H = wHh.shape[1]!;
    const G = 4 * H;
    const kept = own ?? oneBlock(saved.activations(), T, N);
    // the workers' stashes, unless an earlier call found one gone and recomputed every row
    const blocks = kept.stash?.full ?? kept;
    const stash = blocks.stash?.id ?? 0;
    const { parts } = blocks;
    const [dX, dState0, dWIh, dWHh, dB] = [T * N * I, N * 2 * H, G * I, G * H, G].map((size, i) => allocate('float32', need[i] ? size : 0)) as Float32Array[];
    const both = scratchOf(x.numel() + dS.numel());
    const xParts = rowBlocks(f32(x), T, N, I, parts, both.subarray(0, x.numel()));
    const dSParts = rowBlocks(f32(dS), T, N, 2 * H, parts, both.subarray(x.numel()));
    const dXBlocks = parts.length === 1 ? dX! : allocate('float32', dX!.length);
    const found = stash !== 0 ? new Float32Array(parts.length).fill(1) : null;
    runRowShares('lstmBackward', T, parts, (n0, n1, i) => ({ T, N: n1 - n0, I, H, reverse, need, ...(stash !== 0 && i > 0 ? { stash } : {}) }),
      (i, n0, n1) => ({
        x: xParts[i]!, state0: f32(state0).subarray(n0 * 2 * H, n1 * 2 * H), wIh: f32(wIh), wHh: f32(wHh), dS: dSParts[i]!,
        ...(stash !== 0 && i > 0 ? {} : {
          gates: blockOf(blocks, 'gates', n0, n1), tanhC: blockOf(blocks, 'tanhC', n0, n1), hPrev: blockOf(blocks, 'hPrev', n0, n1), s: blockOf(blocks, 's', n0, n1),
        }),
      }),
      { dX: [dXBlocks, need[0] ? I : 0] }, { dState0: [dState0!, need[1] ? 2 * H : 0] }, { dWIh: dWIh!, dWHh: dWHh!, dB: dB! }, found);
    if (found !== null && found.some((f) => f !== 1)) {
      // A worker no longer had its rows (past its bound, replaced, or a second backward): recompute
      // them here and run the whole backward again, so the partial sums keep their order.
      fullBlocks(blocks);
      return lstmBackward(saved, x, state0, wIh, wHh, dS, reverse, need);
    }
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
