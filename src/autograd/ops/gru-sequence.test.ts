/**
 * gruSequence: gradcheck in float64 (both directions, with and without a gradient for some
 * inputs); the same values and gradients as a loop of the gruCell op, whose backward is proven in
 * gru-cell.test.ts; float32 against float64 (the fast float32 σ and tanh); the wasm backend
 * against cpu; long sequences; and the errors for bad input.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendKernels, kernels, useKernels } from '../backends/index.js';
import { cpuKernels } from '../backends/cpu/index.js';
import { sharesRunOf } from '../backends/wasm/pool.js';
import { simdShares } from '../backends/wasm/simd/modules.js';
import type { Kernels } from '../backends/types.js';
import { randn } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import { Tensor } from '../tensor.js';
import { mul } from './elementwise.js';
import { gruCell } from './gru-cell.js';
import { gruSequence } from './gru-sequence.js';
import { slice, stack } from './indexing.js';
import { reshape } from './shape.js';
import { expectClose, onSplitWasm } from '../test-utils.js';

/** x [T, N, I], h0 [N, H], W_ih, W_hh, b_ih, b_hh, all float64, drawn with `scale`. */
function inputs(T: number, N: number, I: number, H: number, seed: number, scale = 1): Tensor[] {
  const random = seededRandom(seed);
  const r = (shape: number[]) => mul(randn(shape, { dtype: 'float64', random }), scale).detach().requiresGrad_();
  return [r([T, N, I]), r([N, H]), r([3 * H, I]), r([3 * H, H]), r([3 * H]), r([3 * H])];
}

/** The same sequence as T gruCell ops: the reference. */
function cellLoop(x: Tensor, h0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, reverse: boolean): Tensor {
  const [T, N, I] = x.shape as [number, number, number];
  const hs = new Array<Tensor>(T);
  let h = h0;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    h = gruCell(reshape(slice(x, [{ start: t, stop: t + 1 }]), [N, I]), h, wIh, wHh, bIh, bHh);
    hs[t] = h;
  }
  return stack(hs, 0); //                                                          [T, N, H]
}

const seq = (reverse: boolean) => (...t: Tensor[]) => gruSequence(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, t[5]!, reverse);

/** Values, then the gradient of every input that needs one, for Σ c ⊙ f(inputs) with a fixed random c. */
function valuesAndGrads(f: (...t: Tensor[]) => Tensor, ins: readonly Tensor[]): Tensor[] {
  const fresh = ins.map((t) => t.detach().clone().requiresGrad_(t.requiresGrad));
  const y = f(...fresh);
  mul(y, randn(y.shape, { dtype: y.dtype, random: seededRandom(99) })).sum().backward();
  return [y.detach(), ...fresh.filter((t) => t.requiresGrad).map((t) => t.grad!)];
}

/** test-utils' expectClose on each pair, with `atol` relative to the largest |value| of the expected tensor (at least 1). */
function expectAllClose(got: readonly Tensor[], want: readonly Tensor[], rtol: number, atol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  want.forEach((w, k) => {
    let scale = 1;
    for (const v of w.dataSync()) scale = Math.max(scale, Math.abs(v));
    try {
      expectClose(got[k]!, w, { rtol, atol: atol * scale });
    } catch (err) {
      throw new Error(`${what}: tensor ${k} (0 = values, then each input's gradient): ${(err as Error).message}`);
    }
  });
}

describe('gruSequence', () => {
  test.each([false, true])('backward passes gradcheck in float64 (reverse = %s)', (reverse) => {
    for (const [T, N, I, H] of [[1, 1, 1, 1], [3, 2, 3, 2], [4, 3, 2, 3]] as const) {
      expect(gradcheck(seq(reverse), inputs(T, N, I, H, T + N + I + H))).toBe(true);
    }
  });

  const partial: Record<string, boolean[]> = {
    'no h0 gradient': [true, false, true, true, true, true],
    'only x': [true, false, false, false, false, false],
    'only the weights and b_hh': [false, false, true, true, false, true],
    'only h0 and b_ih': [false, true, false, false, true, false],
  };
  test.each(Object.entries(partial))('gradcheck with a gradient for some inputs only (%s), and null gradients elsewhere', (_, needs) => {
    for (const reverse of [false, true]) {
      const ins = inputs(3, 2, 2, 3, 5).map((t, i) => t.detach().requiresGrad_(needs[i]));
      expect(gradcheck(seq(reverse), ins)).toBe(true);
      seq(reverse)(...ins).sum().backward();
      expect(ins.map((t) => t.grad !== null)).toEqual(needs);
    }
  });

  test.each([false, true])('values and every gradient equal a loop of gruCell ops (float64, reverse = %s)', (reverse) => {
    const ins = inputs(6, 3, 4, 5, 17);
    const got = valuesAndGrads(seq(reverse), ins);
    const want = valuesAndGrads((...t) => cellLoop(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, t[5]!, reverse), ins);
    expect(got.length).toBe(7);
    expectAllClose(got, want, 1e-12, 1e-13, `reverse = ${reverse}`);
  });

  test('b_hn is not folded into the input side: it is scaled by r (float64, against gruCell)', () => {
    // Only b_hh's n part is non-zero and large, so a version adding it outside r would differ.
    const [x, h0, wIh, wHh, bIh] = inputs(4, 2, 3, 2, 61);
    const bHh = new Tensor(Float64Array.from([0, 0, 0, 0, 4, -5]), [6]).requiresGrad_();
    const args = [x!, h0!, wIh!, wHh!, bIh!, bHh];
    expectAllClose(valuesAndGrads(seq(false), args), valuesAndGrads((...t) => cellLoop(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, t[5]!, false), args), 1e-12, 1e-13, 'b_hn');
  });

  test('float32 values agree with float64 within float32 rounding (rtol 1e-5, atol 1e-6 of the scale)', () => {
    for (const [scale, seed] of [[0.02, 1], [0.3, 2], [1, 3], [4, 4]] as const) {
      for (const reverse of [false, true]) {
        const ins32 = inputs(7, 5, 3, 6, seed, scale).map((t) => t.detach().to('float32'));
        // the reference starts from the same float32-rounded inputs, so the comparison sees the
        // arithmetic's error, not the inputs' rounding
        const want = seq(reverse)(...ins32.map((t) => t.to('float64')));
        expectAllClose([seq(reverse)(...ins32)], [want], 1e-5, 1e-6, `scale ${scale}, reverse ${reverse}`);
      }
    }
  });

  test('float32 gradients agree with float64', () => {
    const ins = inputs(5, 4, 3, 4, 31, 0.7);
    const want = valuesAndGrads(seq(true), ins.map((t) => t.detach().to('float32').to('float64').requiresGrad_()));
    const got = valuesAndGrads(seq(true), ins.map((t) => t.detach().to('float32').requiresGrad_()));
    expectAllClose(got, want, 1e-4, 1e-5, 'float32 vs float64');
  });

  test('1,000 steps backpropagate without a stack overflow', () => {
    const ins = inputs(1000, 1, 1, 3, 41, 0.5);
    const y = gruSequence(ins[0]!, ins[1]!, ins[2]!, ins[3]!, ins[4]!, ins[5]!);
    y.sum().backward();
    for (const t of ins) expect(Array.from(t.grad!.dataSync()).every(Number.isFinite)).toBe(true);
    expect(ins[1]!.grad!.dataSync().some((v) => v !== 0)).toBe(true);
  });

  test('refuses bad shapes and mixed dtypes, naming the op and every shape', () => {
    const [x, h0, wIh, wHh, bIh, bHh] = inputs(3, 2, 4, 5, 1);
    const call = (...t: Tensor[]) => () => gruSequence(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, t[5]!);
    expect(call(x!, h0!, wHh!, wHh!, bIh!, bHh!)).toThrow(/^gruSequence: expected .*; got x \[3,2,4\], h0 \[2,5\], weight_ih \[15,5\], weight_hh \[15,5\], bias_ih \[15\], bias_hh \[15\]$/);
    expect(call(reshape(x!, [6, 4]), h0!, wIh!, wHh!, bIh!, bHh!)).toThrow(/gruSequence: .*got x \[6,4\]/);
    expect(call(x!, slice(h0!, [null, { start: 0, stop: 4 }]), wIh!, wHh!, bIh!, bHh!)).toThrow(/gruSequence: .*h0 \[2,4\]/);
    expect(call(x!, h0!, wIh!, wHh!, slice(bIh!, [{ start: 0, stop: 4 }]), bHh!)).toThrow(/gruSequence: .*bias_ih \[4\]/);
    expect(call(x!, h0!, wIh!, wHh!, bIh!, slice(bHh!, [{ start: 0, stop: 10 }]))).toThrow(/gruSequence: .*bias_hh \[10\]/);
    expect(call(slice(x!, [{ start: 0, stop: 0 }]), h0!, wIh!, wHh!, bIh!, bHh!)).toThrow(/gruSequence: .*T ≥ 1.*got x \[0,2,4\]/);
    expect(call(x!.to('float32'), h0!, wIh!, wHh!, bIh!, bHh!)).toThrow(/gruSequence: h0 is float64 but x is float32/);
    expect(call(x!.to('int32'), h0!, wIh!, wHh!, bIh!, bHh!)).toThrow(TypeError);
  });
});

describe('gruSequence on the wasm backend', () => {
  // Each test sets the kernels it needs; afterAll puts back whatever was in use before.
  let wasm: Kernels;
  const before = kernels();
  beforeAll(async () => { wasm = await backendKernels('wasm'); });
  afterAll(() => { useKernels(before); });

  // H = 16: the SIMD loops (backends/wasm/simd/rnn-cells.wat); H = 6, not a multiple of 4: the TypeScript ones.
  test.each([[false, 16], [true, 16], [false, 6]] as const)('float32 values and gradients equal the cpu backend\'s (reverse = %s, H = %i)', (reverse, H) => {
    const ins = inputs(9, 6, 5, H, 53, 0.5).map((t) => t.detach().to('float32').requiresGrad_());
    const run = (k: Kernels): Tensor[] => {
      useKernels(k);
      expect(kernels().name).toBe(k.name);
      return valuesAndGrads(seq(reverse), ins);
    };
    const onCpu = run(cpuKernels);
    const simdBefore = simdShares();
    const onWasm = run(wasm);
    expect(simdShares() - simdBefore).toBe(H % 4 === 0 ? 2 : 0);
    useKernels(cpuKernels);
    expect(wasm.name).toBe('wasm');
    expectAllClose(onWasm, onCpu, 1e-4, 1e-5, 'wasm vs cpu');
  });

  test.each([[2, false], [3, true]] as const)('split over %i threads by batch rows (reverse = %s): equal to the cpu backend, bit-identical run to run, and only the gradients asked for', (threads, reverse) => {
    const ins = inputs(7, 26, 5, 16, 61, 0.5).map((t) => t.detach().to('float32').requiresGrad_());
    useKernels(cpuKernels);
    const onCpu = valuesAndGrads(seq(reverse), ins);
    onSplitWasm(wasm, threads, () => {
      const shares = (): number => sharesRunOf('gruForward') + sharesRunOf('gruBackward');
      const start = shares();
      const onWasm = valuesAndGrads(seq(reverse), ins);
      expect(shares() - start).toBe(2 * threads); // forward and backward, each cut in `threads` shares
      expectAllClose(onWasm, onCpu, 1e-4, 1e-5, `wasm on ${threads} threads vs cpu`);
      expect(valuesAndGrads(seq(reverse), ins).map((t) => Array.from(t.dataSync()))).toEqual(onWasm.map((t) => Array.from(t.dataSync())));
      // only b_hh needs a gradient: the others stay null
      const only = (k: Kernels): Tensor[] => {
        useKernels(k);
        const t = ins.map((v, i) => (i === 5 ? v.detach().requiresGrad_() : v.detach()));
        seq(reverse)(t[0]!, t[1]!, t[2]!, t[3]!, t[4]!, t[5]!).sum().backward();
        expect(t.slice(0, 5).map((v) => v.grad)).toEqual([null, null, null, null, null]);
        return [t[5]!.grad!];
      };
      expectAllClose(only(wasm), only(cpuKernels), 1e-4, 1e-5, 'db_hh alone');
    });
  });
});
