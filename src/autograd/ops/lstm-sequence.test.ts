/**
 * lstmSequence: gradcheck in float64 (both directions, with and without a gradient for the start
 * state); the same values and gradients as a loop of the lstmCell op, whose backward is proven in
 * lstm-cell.test.ts; float32 against float64 (the fast float32 σ and tanh); the wasm backend
 * against cpu; long sequences; and the errors for bad input.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendKernels, kernels, useKernels } from '../backends/index.js';
import { cpuKernels } from '../backends/cpu/index.js';
import { sharesRunOf } from '../backends/wasm/pool.js';
import { simdShares } from '../backends/wasm/simd/modules.js';
import { onSplitWasm } from '../test-utils.js';
import type { Kernels } from '../backends/types.js';
import { randn } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import { Tensor } from '../tensor.js';
import { mul } from './elementwise.js';
import { lstmCell } from './lstm-cell.js';
import { lstmSequence } from './lstm-sequence.js';
import { slice, stack } from './indexing.js';
import { reshape } from './shape.js';

const lstmShares = (): number => sharesRunOf('lstmForward') + sharesRunOf('lstmBackward');

/** x [T, N, I], state0 [N, 2H], W_ih, W_hh, b_ih, b_hh, all float64, drawn with `scale`. */
function inputs(T: number, N: number, I: number, H: number, seed: number, scale = 1): Tensor[] {
  const random = seededRandom(seed);
  const r = (shape: number[]) => mul(randn(shape, { dtype: 'float64', random }), scale).detach().requiresGrad_();
  return [r([T, N, I]), r([N, 2 * H]), r([4 * H, I]), r([4 * H, H]), r([4 * H]), r([4 * H])];
}

/** The same sequence as T lstmCell ops: the reference. */
function cellLoop(x: Tensor, s0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, reverse: boolean): Tensor {
  const [T, N, I] = x.shape as [number, number, number];
  const states = new Array<Tensor>(T);
  let s = s0;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    s = lstmCell(reshape(slice(x, [{ start: t, stop: t + 1 }]), [N, I]), s, wIh, wHh, bIh, bHh);
    states[t] = s;
  }
  return stack(states, 0); //                                                      [T, N, 2H]
}

const seq = (reverse: boolean) => (...t: Tensor[]) => lstmSequence(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, t[5]!, reverse);

/** Values, then the gradient of every input, for Σ c ⊙ f(inputs) with a fixed random c. */
function valuesAndGrads(f: (...t: Tensor[]) => Tensor, ins: readonly Tensor[]): Float64Array[] {
  const fresh = ins.map((t) => t.detach().clone().requiresGrad_(t.requiresGrad));
  const y = f(...fresh);
  mul(y, randn(y.shape, { dtype: y.dtype, random: seededRandom(99) })).sum().backward();
  return [y, ...fresh.map((t) => t.grad!)].map((t) => Float64Array.from(t.dataSync()));
}

function expectClose(got: readonly Float64Array[], want: readonly Float64Array[], rtol: number, atol: number, what: string): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, k) => {
    const g = got[k]!;
    expect(g.length, `${what}: tensor ${k} size`).toBe(w.length);
    let scale = 0;
    for (const v of w) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < w.length; i++) {
      const tol = atol * Math.max(1, scale) + rtol * Math.abs(w[i]!);
      if (!(Math.abs(g[i]! - w[i]!) <= tol)) throw new Error(`${what}: tensor ${k} (0 = values, then each input's gradient), element ${i}: got ${g[i]}, want ${w[i]}`);
    }
  });
}

describe('lstmSequence', () => {
  test.each([false, true])('backward passes gradcheck in float64 (reverse = %s)', (reverse) => {
    for (const [T, N, I, H] of [[1, 1, 1, 1], [3, 2, 3, 2], [4, 3, 2, 3]] as const) {
      expect(gradcheck(seq(reverse), inputs(T, N, I, H, T + N + I + H))).toBe(true);
    }
  });

  test('gradcheck when only some inputs need a gradient (no h0/c0 gradient; only x; only the weights)', () => {
    for (const needs of [[true, false, true, true, true, true], [true, false, false, false, false, false], [false, false, true, true, false, true]]) {
      for (const reverse of [false, true]) {
        const ins = inputs(3, 2, 2, 3, 5);
        ins.forEach((t, i) => { t.requiresGrad = needs[i]!; });
        expect(gradcheck(seq(reverse), ins)).toBe(true);
        const y = seq(reverse)(...ins);
        y.sum().backward();
        ins.forEach((t, i) => expect(t.grad === null, `input ${i}`).toBe(!needs[i]));
      }
    }
  });

  test.each([false, true])('values and every gradient equal a loop of lstmCell ops (float64, reverse = %s)', (reverse) => {
    const ins = inputs(6, 3, 4, 5, 17);
    const got = valuesAndGrads(seq(reverse), ins);
    const want = valuesAndGrads((...t) => cellLoop(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, t[5]!, reverse), ins);
    expectClose(got, want, 1e-12, 1e-13, `reverse = ${reverse}`);
  });

  test('a one-step sequence equals lstmCell bit for bit (float64)', () => {
    const [x, s0, ...w] = inputs(1, 4, 3, 5, 23);
    const a = lstmSequence(x!, s0!, w[0]!, w[1]!, w[2]!, w[3]!);
    const b = lstmCell(reshape(x!, [4, 3]), s0!, w[0]!, w[1]!, w[2]!, w[3]!);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
  });

  test('float32 σ and tanh keep a relative error below 1e-5 over their whole range, near 0 included', () => {
    // One step from a zero state, I = H = 1, one value v per row as x and W_hh = 0, so the gates see
    // a = W_ih·v + b directly and everything after them is a product (no cancellation):
    //   gates (i, g) = (σ(v), tanh(v)), o = ½:    c = σ(v)·tanh(v),  h = ½·tanh(c)
    //   gates (i, g, o) = (1, tanh(v), σ(v)):      c = tanh(v),        h = σ(v)·tanh(c)
    // (2σ(2v) − 1 alone would miss near 0: its absolute error of ~1e-7 is a relative 1e-3 at v = 1e-4.)
    const values = [1e-6, 1e-4, 0.003, 0.05, 0.1249, 0.1251, 0.3, 0.7, 1, 2, 4, 9, 17, 30, 50];
    const v = [...values, ...values.map((a) => -a)];
    const N = v.length;
    for (const [wI, wG, wO, bI] of [[1, 1, 0, 0], [0, 1, 1, 30]] as const) {
      const args = (dtype: 'float32' | 'float64'): Tensor[] => [
        new Tensor(Float32Array.from(v), [1, N, 1]).to(dtype), //            x = v, so a = W_ih·v + b
        new Tensor(new Float32Array(N * 2), [N, 2]).to(dtype),
        new Tensor(Float32Array.from([wI, 0, wG, wO]), [4, 1]).to(dtype),
        new Tensor(new Float32Array(4), [4, 1]).to(dtype),
        new Tensor(Float32Array.from([bI, 0, 0, 0]), [4]).to(dtype),
        new Tensor(new Float32Array(4), [4]).to(dtype),
      ];
      const got = seq(false)(...args('float32')).dataSync();
      const want = seq(false)(...args('float64')).dataSync();
      for (let i = 0; i < want.length; i++) {
        const rel = Math.abs(got[i]! - want[i]!) / Math.abs(want[i]!);
        expect(rel, `v = ${v[i >> 1]}, ${i % 2 === 0 ? 'h' : 'c'}: got ${got[i]}, want ${want[i]}`).toBeLessThan(1e-5);
      }
    }
  });

  test('float32 values agree with float64 within float32 rounding (rtol 1e-5, atol 1e-6 of the scale)', () => {
    // An absolute floor is needed where c = f⊙c + i⊙g cancels to nearly 0: there the float32
    // rounding of the two products alone is a large relative error.
    for (const [scale, seed] of [[0.02, 1], [0.3, 2], [1, 3], [4, 4]] as const) {
      for (const reverse of [false, true]) {
        const ins32 = inputs(7, 5, 3, 6, seed, scale).map((t) => t.detach().to('float32'));
        // the reference starts from the same float32-rounded inputs, so the comparison sees the
        // arithmetic's error, not the inputs' rounding
        const want = seq(reverse)(...ins32.map((t) => t.to('float64'))).dataSync();
        const got = seq(reverse)(...ins32).dataSync();
        expectClose([Float64Array.from(got)], [Float64Array.from(want)], 1e-5, 1e-6, `scale ${scale}, reverse ${reverse}`);
      }
    }
  });

  test('float32 gradients agree with float64', () => {
    const ins = inputs(5, 4, 3, 4, 31, 0.7);
    const want = valuesAndGrads(seq(true), ins.map((t) => t.detach().to('float32').to('float64').requiresGrad_()));
    const got = valuesAndGrads(seq(true), ins.map((t) => t.detach().to('float32').requiresGrad_()));
    expectClose(got, want, 1e-4, 1e-5, 'float32 vs float64');
  });

  test('1,000 steps backpropagate without a stack overflow', () => {
    const ins = inputs(1000, 1, 1, 3, 41, 0.5);
    const y = lstmSequence(ins[0]!, ins[1]!, ins[2]!, ins[3]!, ins[4]!, ins[5]!);
    y.sum().backward();
    for (const t of ins) expect(Array.from(t.grad!.dataSync()).every(Number.isFinite)).toBe(true);
  });

  test('refuses bad shapes and mixed dtypes, naming the op and every shape', () => {
    const [x, s0, wIh, wHh, bIh, bHh] = inputs(3, 2, 4, 5, 1);
    const call = (...t: Tensor[]) => () => lstmSequence(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, t[5]!);
    expect(call(x!, s0!, wHh!, wHh!, bIh!, bHh!)).toThrow(/^lstmSequence: expected .*; got x \[3,2,4\], state0 \[2,10\], weight_ih \[20,5\], weight_hh \[20,5\], bias_ih \[20\], bias_hh \[20\]$/);
    expect(call(reshape(x!, [6, 4]), s0!, wIh!, wHh!, bIh!, bHh!)).toThrow(/lstmSequence: .*got x \[6,4\]/);
    expect(call(x!, slice(s0!, [null, { start: 0, stop: 5 }]), wIh!, wHh!, bIh!, bHh!)).toThrow(/lstmSequence: .*state0 \[2,5\]/);
    expect(call(x!, s0!, wIh!, wHh!, slice(bIh!, [{ start: 0, stop: 4 }]), bHh!)).toThrow(/lstmSequence: .*bias_ih \[4\]/);
    expect(call(slice(x!, [{ start: 0, stop: 0 }]), s0!, wIh!, wHh!, bIh!, bHh!)).toThrow(/lstmSequence: .*T ≥ 1.*got x \[0,2,4\]/);
    expect(call(x!.to('float32'), s0!, wIh!, wHh!, bIh!, bHh!)).toThrow(/lstmSequence: state0 is float64 but x is float32/);
    expect(call(x!.to('int32'), s0!, wIh!, wHh!, bIh!, bHh!)).toThrow(TypeError);
  });
});

describe('lstmSequence on the wasm backend', () => {
  let wasm: Kernels;
  let previous: Kernels;
  beforeAll(async () => {
    wasm = await backendKernels('wasm');
    previous = useKernels(cpuKernels);
  });
  afterAll(() => {
    useKernels(previous);
  });

  // H = 16: the SIMD loops (backends/wasm/simd/rnn-cells.wat); H = 6, not a multiple of 4: the TypeScript ones.
  test.each([[false, 16], [true, 16], [false, 6]] as const)('float32 values and gradients equal the cpu backend\'s (reverse = %s, H = %i)', (reverse, H) => {
    const ins = inputs(9, 6, 5, H, 53, 0.5).map((t) => t.detach().to('float32').requiresGrad_());
    useKernels(cpuKernels);
    const onCpu = valuesAndGrads(seq(reverse), ins);
    useKernels(wasm);
    try {
      expect(kernels().name).toBe('wasm');
      const before = simdShares();
      const onWasm = valuesAndGrads(seq(reverse), ins);
      expect(simdShares() - before).toBe(H % 4 === 0 ? 2 : 0);
      expectClose(onWasm, onCpu, 1e-4, 1e-5, 'wasm vs cpu');
    } finally {
      useKernels(cpuKernels);
    }
  });

  test.each([[2, false], [3, true]] as const)('split over %i threads by batch rows (reverse = %s): equal to the cpu backend, bit-identical run to run, and only the gradients asked for', (threads, reverse) => {
    const ins = inputs(7, 26, 5, 16, 61, 0.5).map((t) => t.detach().to('float32').requiresGrad_());
    useKernels(cpuKernels);
    const onCpu = valuesAndGrads(seq(reverse), ins);
    onSplitWasm(wasm, threads, () => {
      const before = lstmShares();
      const onWasm = valuesAndGrads(seq(reverse), ins);
      expect(lstmShares() - before).toBe(2 * threads); // forward and backward, each cut in `threads` shares
      expectClose(onWasm, onCpu, 1e-4, 1e-5, `wasm on ${threads} threads vs cpu`);
      expect(valuesAndGrads(seq(reverse), ins)).toEqual(onWasm);
      // only W_hh needs a gradient: the others stay null
      const [x, s0, wIh, wHh, bIh, bHh] = ins.map((t, i) => (i === 3 ? t.detach().requiresGrad_() : t.detach()));
      seq(reverse)(x!, s0!, wIh!, wHh!, bIh!, bHh!).sum().backward();
      expect([x, s0, wIh, bIh, bHh].map((t) => t!.grad)).toEqual([null, null, null, null, null]);
      useKernels(cpuKernels);
      const [, , , wHhCpu] = ins.map((t, i) => (i === 3 ? t.detach().requiresGrad_() : t.detach()));
      seq(reverse)(x!, s0!, wIh!, wHhCpu!, bIh!, bHh!).sum().backward();
      expectClose([Float64Array.from(wHh!.grad!.dataSync())], [Float64Array.from(wHhCpu!.grad!.dataSync())], 1e-4, 1e-5, 'dW_hh alone');
    });
  });
});
