/**
 * The wasm backend's optimizer steps (optim.ts, simd/optim.wat) against the cpu loops, bit for
 * bit: every option of SGD, Adam, RMSprop and Adagrad, out of place and in place, odd lengths and
 * several chunks (the SIMD loop's last pair is half padding),
 * and values the rounding is sensitive to (tiny, huge, ±0, NaN, ±∞). The parity table
 * (../parity.test.ts) has a case of each too, at its float32 tolerance.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { randn } from '../../creation.js';
import { seededRandom } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { cpuKernels } from '../cpu/index.js';
import { backendKernels } from '../index.js';
import type { Kernels } from '../types.js';
import { CHUNK, MIN_SIMD_ELEMENTS } from './optim.js';

let wasm: Kernels;
beforeAll(async () => {
  wasm = await backendKernels('wasm');
});

/** Random float32 values, with a few of the awkward ones planted. */
function values(n: number, seed: number, positive = false): Tensor {
  const random = seededRandom(seed);
  const a = randn([n], { random }).dataSync() as Float32Array;
  const special = [0, -0, 1e-40, -3e-39, 3e38, Number.NaN, Number.POSITIVE_INFINITY, 1e-20, 7];
  special.forEach((s, i) => { a[(i * 7 + seed) % n] = s; });
  if (positive) for (let i = 0; i < n; i++) a[i] = Math.abs(a[i]!);
  return new Tensor(a, [n]);
}

/** Same bits, NaN payloads aside (both are NaN or neither). */
function expectSameBits(got: Tensor | null, want: Tensor | null, what: string): void {
  expect(got === null, what).toBe(want === null);
  if (got === null || want === null) return;
  const [g, w] = [got.dataSync() as Float32Array, want.dataSync() as Float32Array];
  expect(g.length, what).toBe(w.length);
  for (let i = 0; i < w.length; i++) {
    if (Number.isNaN(w[i]!) && Number.isNaN(g[i]!)) continue;
    if (!Object.is(g[i], w[i])) throw new Error(`${what}: element ${i}: wasm ${g[i]}, cpu ${w[i]}`);
  }
}

const sizes = [MIN_SIMD_ELEMENTS, 91, 1001];

describe('wasm sgdStep equals the cpu loop bit for bit', () => {
  const base = { lr: 0.05, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
  const options = [
    base,
    { ...base, momentum: 0.9 },
    { ...base, momentum: 0.9, dampening: 0.3, weightDecay: 1e-2 },
    { ...base, momentum: 0.8, nesterov: true },
    { ...base, momentum: 0.9, nesterov: true, weightDecay: 5e-4, maximize: true },
    { ...base, weightDecay: 0.1, maximize: true },
  ];
  test.each(sizes)('%i elements, every option, first step and later', (n) => {
    const [p, g, b] = [values(n, 1), values(n, 2), values(n, 3)];
    for (const [i, o] of options.entries()) {
      for (const buffer of [null, b]) {
        const [got, want] = [wasm.sgdStep(p, g, buffer, o), cpuKernels.sgdStep(p, g, buffer, o)];
        const what = `options ${i}, ${buffer === null ? 'first step' : 'with a buffer'}`;
        expectSameBits(got.param, want.param, `${what}: θ'`);
        expectSameBits(got.momentumBuffer, want.momentumBuffer, `${what}: b'`);
      }
    }
  });
});

describe('wasm adamStep equals the cpu loop bit for bit', () => {
  const base = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3 / (1 - 0.9 ** 5), sqrtBias2: Math.sqrt(1 - 0.999 ** 5), shrink: 1, l2: 0, maximize: false };
  const options = [base, { ...base, l2: 1e-2 }, { ...base, shrink: 1 - 1e-3 * 1e-2 }, { ...base, maximize: true, l2: 1e-4 }, { ...base, beta1: 0, beta2: 0.5, eps: 1e-3 }];
  test.each(sizes)('%i elements, every option, with and without amsgrad', (n) => {
    const [p, g, m, v, vmax] = [values(n, 4), values(n, 5), values(n, 6), values(n, 7, true), values(n, 8, true)];
    for (const [i, o] of options.entries()) {
      for (const max of [null, vmax]) {
        const got = wasm.adamStep(p, g, m, v, max, o);
        const want = cpuKernels.adamStep(p, g, m, v, max, o);
        const what = `options ${i}${max === null ? '' : ', amsgrad'}`;
        expectSameBits(got.param, want.param, `${what}: θ'`);
        expectSameBits(got.expAvg, want.expAvg, `${what}: m'`);
        expectSameBits(got.expAvgSq, want.expAvgSq, `${what}: v'`);
        expectSameBits(got.maxExpAvgSq, want.maxExpAvgSq, `${what}: v̂max'`);
      }
    }
  });

  test('a typical parameter: 235k random values over ten steps, state carried', () => {
    const random = seededRandom(9);
    const n = 784 * 300 + 3;
    let [pw, mw, vw] = [randn([n], { random }), randn([n], { random }).mul(0), randn([n], { random }).mul(0)];
    let [pc, mc, vc] = [pw, mw, vw];
    for (let t = 1; t <= 10; t++) {
      const g = randn([n], { random });
      const o = { ...base, stepSize: 1e-3 / (1 - 0.9 ** t), sqrtBias2: Math.sqrt(1 - 0.999 ** t) };
      const w = wasm.adamStep(pw, g, mw, vw, null, o);
      const c = cpuKernels.adamStep(pc, g, mc, vc, null, o);
      [pw, mw, vw, pc, mc, vc] = [w.param, w.expAvg, w.expAvgSq, c.param, c.expAvg, c.expAvgSq];
    }
    expectSameBits(pw, pc, 'θ after 10 steps');
    expectSameBits(vw, vc, 'v after 10 steps');
  });
});

describe('wasm rmspropStep equals the cpu loop bit for bit', () => {
  const base = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, maximize: false };
  const options = [base, { ...base, weightDecay: 1e-2 }, { ...base, momentum: 0.9, maximize: true }, { ...base, alpha: 0.5, eps: 1e-3, momentum: 0.5, weightDecay: 1e-4 }];
  test.each(sizes)('%i elements, every option, plain, centred, with momentum and both', (n) => {
    const [p, g, sq, ga, b] = [values(n, 10), values(n, 11), values(n, 12, true), values(n, 13), values(n, 14)];
    for (const [i, o] of options.entries()) {
      for (const [gradAvg, buffer] of [[null, null], [ga, null], [null, b], [ga, b]] as const) {
        const got = wasm.rmspropStep(p, g, sq, gradAvg, buffer, o);
        const want = cpuKernels.rmspropStep(p, g, sq, gradAvg, buffer, o);
        const what = `options ${i}${gradAvg === null ? '' : ', centred'}${buffer === null ? '' : ', momentum buffer'}`;
        expectSameBits(got.param, want.param, `${what}: θ'`);
        expectSameBits(got.squareAvg, want.squareAvg, `${what}: s'`);
        expectSameBits(got.gradAvg, want.gradAvg, `${what}: ḡ'`);
        expectSameBits(got.momentumBuffer, want.momentumBuffer, `${what}: b'`);
      }
    }
  });

  test('a typical parameter: 235k random values over ten centred momentum steps, state carried', () => {
    const random = seededRandom(15);
    const n = 784 * 300 + 3;
    const o = { ...base, lr: 1e-3, momentum: 0.9, weightDecay: 1e-4 };
    const zero = () => new Tensor(new Float32Array(n), [n]);
    let w = { param: randn([n], { random }), squareAvg: zero(), gradAvg: zero(), momentumBuffer: zero() };
    let c = w;
    for (let t = 1; t <= 10; t++) {
      const g = randn([n], { random });
      const [nw, nc] = [wasm.rmspropStep(w.param, g, w.squareAvg, w.gradAvg, w.momentumBuffer, o), cpuKernels.rmspropStep(c.param, g, c.squareAvg, c.gradAvg, c.momentumBuffer, o)];
      w = { param: nw.param, squareAvg: nw.squareAvg, gradAvg: nw.gradAvg!, momentumBuffer: nw.momentumBuffer! };
      c = { param: nc.param, squareAvg: nc.squareAvg, gradAvg: nc.gradAvg!, momentumBuffer: nc.momentumBuffer! };
    }
    expectSameBits(w.param, c.param, 'θ after 10 steps');
    expectSameBits(w.squareAvg, c.squareAvg, 's after 10 steps');
    expectSameBits(w.gradAvg, c.gradAvg, 'ḡ after 10 steps');
    expectSameBits(w.momentumBuffer, c.momentumBuffer, 'b after 10 steps');
  });
});

describe('wasm adagradStep equals the cpu loop bit for bit', () => {
  const base = { clr: 0.1 / (1 + 9 * 1e-3), weightDecay: 0, eps: 1e-10, maximize: false };
  const options = [base, { ...base, weightDecay: 1e-2 }, { ...base, maximize: true, eps: 1e-3 }, { ...base, weightDecay: 1e-4, maximize: true }];
  test.each(sizes)('%i elements, every option', (n) => {
    const [p, g, sum] = [values(n, 16), values(n, 17), values(n, 18, true)];
    for (const [i, o] of options.entries()) {
      const [got, want] = [wasm.adagradStep(p, g, sum, o), cpuKernels.adagradStep(p, g, sum, o)];
      expectSameBits(got.param, want.param, `options ${i}: θ'`);
      expectSameBits(got.sum, want.sum, `options ${i}: s'`);
    }
  });

  test('a typical parameter: 235k random values over ten steps, state carried', () => {
    const random = seededRandom(19);
    const n = 784 * 300 + 3;
    let w = { param: randn([n], { random }), sum: new Tensor(new Float32Array(n).fill(0.1), [n]) };
    let c = w;
    for (let t = 1; t <= 10; t++) {
      const g = randn([n], { random });
      const o = { ...base, clr: 1e-2 / (1 + (t - 1) * 1e-3), weightDecay: 1e-4 };
      [w, c] = [wasm.adagradStep(w.param, g, w.sum, o), cpuKernels.adagradStep(c.param, g, c.sum, o)];
    }
    expectSameBits(w.param, c.param, 'θ after 10 steps');
    expectSameBits(w.sum, c.sum, 's after 10 steps');
  });
});

describe('in place (inPlace: true): the out-of-place bits, written into the tensors given', () => {
  /** Copies, so each backend writes its own and the out-of-place reference sees the inputs. */
  const copies = (...ts: (Tensor | null)[]): (Tensor | null)[] => ts.map((t) => (t === null ? null : new Tensor(Float32Array.from(t.dataSync() as Float32Array), t.shape)));
  const expectWritten = (got: Tensor | null, into: Tensor | null, want: Tensor | null, what: string): void => {
    expect(got, `${what}: the same tensor back`).toBe(into);
    expectSameBits(into, want, what);
  };

  test.each([...sizes, 2 * CHUNK + 3])('%i elements: every step, on wasm and on the cpu', (n) => {
    const [p, g, a, b, c] = [values(n, 21), values(n, 22), values(n, 23), values(n, 24, true), values(n, 25, true)];
    for (const [name, k] of [['wasm', wasm], ['cpu', cpuKernels]] as const) {
      const sgd = { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 1e-2, nesterov: false, maximize: false };
      const [sp, sb] = copies(p, a);
      const sw = cpuKernels.sgdStep(p, g, a, sgd);
      const s = k.sgdStep(sp!, g, sb!, { ...sgd, inPlace: true });
      expectWritten(s.param, sp!, sw.param, `${name} sgd θ'`);
      expectWritten(s.momentumBuffer, sb!, sw.momentumBuffer, `${name} sgd b'`);

      const adam = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3, sqrtBias2: 0.3, shrink: 1, l2: 1e-3, maximize: false };
      const [ap, am, av, amax] = copies(p, a, b, c);
      const aw = cpuKernels.adamStep(p, g, a, b, c, adam);
      const ad = k.adamStep(ap!, g, am!, av!, amax!, { ...adam, inPlace: true });
      expectWritten(ad.param, ap!, aw.param, `${name} adam θ'`);
      expectWritten(ad.expAvg, am!, aw.expAvg, `${name} adam m'`);
      expectWritten(ad.expAvgSq, av!, aw.expAvgSq, `${name} adam v'`);
      expectWritten(ad.maxExpAvgSq, amax!, aw.maxExpAvgSq, `${name} adam v̂max'`);

      const rms = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 1e-4, momentum: 0.9, maximize: true };
      const [rp, rs, rga, rb] = copies(p, b, a, c);
      const rw = cpuKernels.rmspropStep(p, g, b, a, c, rms);
      const r = k.rmspropStep(rp!, g, rs!, rga!, rb!, { ...rms, inPlace: true });
      expectWritten(r.param, rp!, rw.param, `${name} rmsprop θ'`);
      expectWritten(r.squareAvg, rs!, rw.squareAvg, `${name} rmsprop s'`);
      expectWritten(r.gradAvg, rga!, rw.gradAvg, `${name} rmsprop ḡ'`);
      expectWritten(r.momentumBuffer, rb!, rw.momentumBuffer, `${name} rmsprop b'`);

      const ada = { clr: 0.1, weightDecay: 1e-2, eps: 1e-10, maximize: false };
      const [gp, gs] = copies(p, b);
      const gw = cpuKernels.adagradStep(p, g, b, ada);
      const ag = k.adagradStep(gp!, g, gs!, { ...ada, inPlace: true });
      expectWritten(ag.param, gp!, gw.param, `${name} adagrad θ'`);
      expectWritten(ag.sum, gs!, gw.sum, `${name} adagrad s'`);
    }
  });

  test('the first SGD step with momentum has no buffer to write: b is a new tensor, θ is written in place', () => {
    const [p, g] = [values(91, 26), values(91, 27)];
    const o = { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
    const want = cpuKernels.sgdStep(p, g, null, o);
    const [q] = copies(p);
    const got = wasm.sgdStep(q!, g, null, { ...o, inPlace: true });
    expectWritten(got.param, q!, want.param, "θ'");
    expectSameBits(got.momentumBuffer, want.momentumBuffer, "b'");
  });
});
