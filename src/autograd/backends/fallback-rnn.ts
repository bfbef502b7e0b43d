/**
 * fallback-rnn — the LSTM's and the GRU's fused kernels as compositions of core kernels, one step
 * at a time (ops/lstm-sequence.ts and gru-sequence.ts derive the maths; cpu/lstm-loops.ts and
 * gru-loops.ts are the fused versions). Every per-step tensor keeps a leading axis of 1,
 * [1, N, ·], so that slices of the sequence feed a batched matmul against a 2-D weight and the
 * steps join into [T, N, ·] by a concat, with no reshape; the saved activations are the
 * canonical layout of types.ts. The weight gradients are summed step by step.
 */
import { allocate, type DType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import type { CoreKernels, FusedKernels, GruActivations, GruGradients, GruNeed, GruSaved, LstmActivations, LstmGradients, LstmNeed, LstmSaved } from './types.js';

/** A 0-d tensor of `dtype` holding `value` (a constant operand of a binary kernel). */
export function scalar(value: number, dtype: DType): Tensor {
  const data = allocate(dtype, 1);
  data[0] = value;
  return new Tensor(data, []);
}

type Recurrent = Pick<FusedKernels, 'lstmForward' | 'lstmBackward' | 'gruForward' | 'gruBackward'>;

export function recurrentFallbacks(k: CoreKernels): Recurrent {
  /** Step t of a [T, N, W] sequence: [1, N, W]. */
  const at = (seq: Tensor, t: number): Tensor => k.slice(seq, [t, 0, 0], [1, 1, 1], [1, seq.shape[1]!, seq.shape[2]!]);
  /** Columns [start, start + size) of the last axis of a [1, N, W] step. */
  const cols = (x: Tensor, start: number, size: number): Tensor => k.slice(x, [0, 0, start], [1, 1, 1], [1, x.shape[1]!, size]);
  /** A [N, W] matrix as a [1, N, W] step (a broadcast that adds the leading axis). */
  const lift = (x: Tensor): Tensor => k.broadcastTo(x, [1, ...x.shape]);
  /** A [1, N, W] step as [N, W] (the sum over its axis of size 1, exact). */
  const drop = (x: Tensor): Tensor => k.reduce('sum', x, [0], false);
  /** The steps in time order, joined into [T, N, W]. */
  const join = (steps: readonly Tensor[]): Tensor => k.concat(steps, 0);

  function ops(dtype: DType) {
    const one = scalar(1, dtype);
    const bin = (op: 'add' | 'sub' | 'mul', a: Tensor, b: Tensor): Tensor => k.binary(op, a, b, dtype);
    return {
      add: (a: Tensor, b: Tensor) => bin('add', a, b),
      sub: (a: Tensor, b: Tensor) => bin('sub', a, b),
      mul: (a: Tensor, b: Tensor) => bin('mul', a, b),
      oneMinus: (a: Tensor) => bin('sub', one, a),
      /** σ'(a) in terms of s = σ(a): s(1 − s). */
      dSigmoid: (s: Tensor) => bin('mul', s, bin('sub', one, s)),
      /** tanh'(a) in terms of y = tanh(a): 1 − y². */
      dTanh: (y: Tensor) => bin('sub', one, bin('mul', y, y)),
      /** Σ over the step's rows of a [1, N, W] step: [W]. */
      rowSum: (x: Tensor) => k.reduce('sum', x, [0, 1], false),
      /** aᵀ·b summed over rows, for [1, N, A] and [1, N, B]: [1, A, B]. */
      outer: (a: Tensor, b: Tensor) => k.matmul(k.permute(a, [0, 2, 1]), b),
    };
  }
  const timeOf = (T: number, reverse: boolean, step: number): number => (reverse ? T - 1 - step : step);
  const accumulate = (acc: Tensor | null, term: Tensor, dtype: DType): Tensor => (acc === null ? term : k.binary('add', acc, term, dtype));

  function lstmForward(x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, reverse: boolean): { out: Tensor; saved: LstmSaved } {
    const T = x.shape[0]!;
    const H = wHh.shape[1]!;
    const o = ops(x.dtype);
    const [wIhT, wHhT, b] = [k.permute(wIh, [1, 0]), k.permute(wHh, [1, 0]), o.add(bIh, bHh)];
    const s0 = lift(state0);
    let [h, c] = [cols(s0, 0, H), cols(s0, H, H)];
    const [gates, tanhC, hPrev, s]: [Tensor[], Tensor[], Tensor[], Tensor[]] = [[], [], [], []];
    for (let step = 0; step < T; step++) {
      const t = timeOf(T, reverse, step);
      const a = o.add(o.add(k.matmul(at(x, t), wIhT), k.matmul(h, wHhT)), b); //       [1, N, 4H]
      const [i, f, g, og] = [k.unary('sigmoid', cols(a, 0, H)), k.unary('sigmoid', cols(a, H, H)), k.unary('tanh', cols(a, 2 * H, H)), k.unary('sigmoid', cols(a, 3 * H, H))];
      hPrev[t] = h;
      c = o.add(o.mul(f, c), o.mul(i, g));
      const tau = k.unary('tanh', c);
      h = o.mul(og, tau);
      [gates[t], tanhC[t], s[t]] = [k.concat([i, f, g, og], 2), tau, k.concat([h, c], 2)];
    }
    const activations: LstmActivations = { gates: join(gates), tanhC: join(tanhC), hPrev: join(hPrev), s: join(s) };
    return { out: activations.s, saved: { activations: () => activations } };
  }

  function lstmBackward(saved: LstmSaved, x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, dS: Tensor, reverse: boolean, need: LstmNeed): LstmGradients {
    const T = x.shape[0]!;
    const H = wHh.shape[1]!;
    const dtype = x.dtype;
    const o = ops(dtype);
    const a = saved.activations();
    let dh: Tensor | null = null; //                                                          the carries dh^→, dc^→
    let dc: Tensor | null = null;
    const dX: Tensor[] = [];
    let dWIh: Tensor | null = null;
    let dWHh: Tensor | null = null;
    let dB: Tensor | null = null;
    for (let step = T - 1; step >= 0; step--) {
      const t = timeOf(T, reverse, step);
      const gates = at(a.gates, t);
      const [i, f, g, og] = [cols(gates, 0, H), cols(gates, H, H), cols(gates, 2 * H, H), cols(gates, 3 * H, H)];
      const tau = at(a.tanhC, t);
      const cPrev = step === 0 ? cols(lift(state0), H, H) : cols(at(a.s, timeOf(T, reverse, step - 1)), H, H);
      const dSt = at(dS, t);
      const dhT = dh === null ? cols(dSt, 0, H) : o.add(cols(dSt, 0, H), dh);
      const dcIn = dc === null ? cols(dSt, H, H) : o.add(cols(dSt, H, H), dc);
      const dcT = o.add(dcIn, o.mul(o.mul(dhT, og), o.dTanh(tau)));
      const dA = k.concat([
        o.mul(o.mul(dcT, g), o.dSigmoid(i)), o.mul(o.mul(dcT, cPrev), o.dSigmoid(f)),
        o.mul(o.mul(dcT, i), o.dTanh(g)), o.mul(o.mul(dhT, tau), o.dSigmoid(og)),
      ], 2); //                                                                             [1, N, 4H]
      dc = o.mul(dcT, f);
      dh = k.matmul(dA, wHh); //                                                            [1, N, H]
      if (need[0]) dX[t] = k.matmul(dA, wIh);
      if (need[2]) dWIh = accumulate(dWIh, o.outer(dA, at(x, t)), dtype);
      if (need[3]) dWHh = accumulate(dWHh, o.outer(dA, at(a.hPrev, t)), dtype);
      if (need[4]) dB = accumulate(dB, o.rowSum(dA), dtype);
    }
    return {
      dX: need[0] ? join(dX) : null,
      dState0: need[1] ? drop(k.concat([dh!, dc!], 2)) : null,
      dWIh: dWIh === null ? null : drop(dWIh),
      dWHh: dWHh === null ? null : drop(dWHh),
      dBias: dB,
    };
  }

  function gruForward(x: Tensor, h0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, reverse: boolean): { out: Tensor; saved: GruSaved } {
    const T = x.shape[0]!;
    const H = wHh.shape[1]!;
    const o = ops(x.dtype);
    const [wIhT, wHhT] = [k.permute(wIh, [1, 0]), k.permute(wHh, [1, 0])];
    let h = lift(h0);
    const [gates, vN, hPrev, y]: [Tensor[], Tensor[], Tensor[], Tensor[]] = [[], [], [], []];
    for (let step = 0; step < T; step++) {
      const t = timeOf(T, reverse, step);
      const u = o.add(k.matmul(at(x, t), wIhT), bIh); //                                     [1, N, 3H]
      const v = o.add(k.matmul(h, wHhT), bHh);
      const r = k.unary('sigmoid', o.add(cols(u, 0, H), cols(v, 0, H)));
      const z = k.unary('sigmoid', o.add(cols(u, H, H), cols(v, H, H)));
      const vn = cols(v, 2 * H, H); //                                                      ṽ = v_n + b_hn
      const n = k.unary('tanh', o.add(cols(u, 2 * H, H), o.mul(r, vn)));
      hPrev[t] = h;
      h = o.add(n, o.mul(z, o.sub(h, n)));
      [gates[t], vN[t], y[t]] = [k.concat([r, z, n], 2), vn, h];
    }
    const activations: GruActivations = { gates: join(gates), vN: join(vN), hPrev: join(hPrev) };
    return { out: join(y), saved: { activations: () => activations } };
  }

  function gruBackward(saved: GruSaved, x: Tensor, wIh: Tensor, wHh: Tensor, dY: Tensor, reverse: boolean, need: GruNeed): GruGradients {
    const T = x.shape[0]!;
    const H = wHh.shape[1]!;
    const dtype = x.dtype;
    const o = ops(dtype);
    const a = saved.activations();
    let carry: Tensor | null = null; //                                                       dh^→
    const dX: Tensor[] = [];
    let dWIh: Tensor | null = null;
    let dWHh: Tensor | null = null;
    let dBIh: Tensor | null = null;
    let dBHh: Tensor | null = null;
    for (let step = T - 1; step >= 0; step--) {
      const t = timeOf(T, reverse, step);
      const gates = at(a.gates, t);
      const [r, z, n] = [cols(gates, 0, H), cols(gates, H, H), cols(gates, 2 * H, H)];
      const [vn, hp] = [at(a.vN, t), at(a.hPrev, t)];
      const dh = carry === null ? at(dY, t) : o.add(at(dY, t), carry);
      const dan = o.mul(o.mul(dh, o.oneMinus(z)), o.dTanh(n));
      const dar = o.mul(o.mul(dan, vn), o.dSigmoid(r));
      const daz = o.mul(o.mul(dh, o.sub(hp, n)), o.dSigmoid(z));
      const dU = k.concat([dar, daz, dan], 2); //                                           [1, N, 3H]
      const dV = k.concat([dar, daz, o.mul(dan, r)], 2);
      carry = o.add(k.matmul(dV, wHh), o.mul(dh, z));
      if (need[0]) dX[t] = k.matmul(dU, wIh);
      if (need[2]) dWIh = accumulate(dWIh, o.outer(dU, at(x, t)), dtype);
      if (need[3]) dWHh = accumulate(dWHh, o.outer(dV, hp), dtype);
      if (need[4]) dBIh = accumulate(dBIh, o.rowSum(dU), dtype);
      if (need[5]) dBHh = accumulate(dBHh, o.rowSum(dV), dtype);
    }
    return {
      dX: need[0] ? join(dX) : null,
      dH0: need[1] ? drop(carry!) : null,
      dWIh: dWIh === null ? null : drop(dWIh),
      dWHh: dWHh === null ? null : drop(dWHh),
      dBIh,
      dBHh,
    };
  }

  return { lstmForward, lstmBackward, gruForward, gruBackward };
}
