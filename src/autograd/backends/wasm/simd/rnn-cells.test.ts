/**
 * The SIMD LSTM and GRU loops (rnn-cells.wat, loaded by modules.ts), one step at a time against
 * the equations in float64. The op-level comparisons with the cpu backend, over whole sequences
 * and thread splits, are in ops/lstm-sequence.test.ts and ops/gru-sequence.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { assemble, carrier, MODULES } from '../../../../../scripts/build-wasm.js';
import { seededRandom } from '../../../random.js';
import { RNN_CELLS_WASM } from './rnn-cells.wasm.js';
import { cellArrays } from './modules.js';

const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));

/** Fills `a` with uniform values in [−scale, scale). */
function fill(a: Float32Array, random: () => number, scale: number): void {
  for (let i = 0; i < a.length; i++) a[i] = (2 * random() - 1) * scale;
}

function expectNear(actual: Float32Array, expected: readonly number[], tol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst, `${what}: largest error`).toBeLessThan(tol);
}

describe('rnn-cells (WebAssembly SIMD)', () => {
  test('the committed bytes are those of rnn-cells.wat', async () => {
    const m = MODULES.find((x) => x.name === 'RNN_CELLS_WASM')!;
    expect(Buffer.from(await assemble(m.wat)).toString('base64'), 'rerun: npx tsx scripts/build-wasm.ts').toBe(RNN_CELLS_WASM);
    expect(readFileSync(m.ts, 'utf8')).toContain(RNN_CELLS_WASM.slice(0, 100));
  });

  test('every module\'s committed carrier file is its text\'s (col2im.wat too)', async () => {
    expect(MODULES.map((m) => m.name)).toContain('COL2IM_WASM');
    for (const m of MODULES) expect(readFileSync(m.ts, 'utf8'), `${m.ts}: rerun npx tsx scripts/build-wasm.ts`).toBe(carrier(m.wat, m.name, await assemble(m.wat)));
  });

  test('H not a multiple of 4 gets no SIMD arrays (the TypeScript loops run)', () => {
    expect(cellArrays(6, [10])).toBeNull();
    expect(cellArrays(8, [10])).not.toBeNull();
  });

  test.each([[0.5, 1], [6, 2], [60, 3]] as const)('a forward step equals the gate equations in float64 (inputs up to ±%f)', (scale, seed) => {
    const [N, H] = [3, 8];
    const G = 4 * H;
    const random = seededRandom(seed);
    const got = cellArrays(H, [N * G, N * G, G, N * 2 * H, N * H, N * 2 * H, N * H])!;
    const [xp, r, b, c0, tau, s, hNext] = got.arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    for (const a of [xp, r, b, c0]) fill(a, random, scale);
    const [xp0, r0, b0, cIn] = [xp, r, b, c0].map((a) => Array.from(a)) as [number[], number[], number[], number[]];
    // c_{t−1} is read from the c half of rows 2H apart, as from the S array of a previous step
    got.lstm.forward(N, H, xp, r, b, c0.subarray(H), 2 * H, tau, s, hNext);
    const want = { gates: [] as number[], tau: [] as number[], s: [] as number[], h: [] as number[] };
    for (let n = 0; n < N; n++) {
      const a = (q: number, j: number): number => xp0[n * G + q * H + j]! + r0[n * G + q * H + j]! + b0[q * H + j]!;
      const row = { i: [] as number[], f: [] as number[], g: [] as number[], o: [] as number[], h: [] as number[], c: [] as number[] };
      for (let j = 0; j < H; j++) {
        const [i, f, g, o] = [sigmoid(a(0, j)), sigmoid(a(1, j)), Math.tanh(a(2, j)), sigmoid(a(3, j))];
        const c = f * cIn[n * 2 * H + H + j]! + i * g;
        row.i.push(i); row.f.push(f); row.g.push(g); row.o.push(o);
        row.c.push(c); row.h.push(o * Math.tanh(c));
        want.tau.push(Math.tanh(c));
      }
      want.gates.push(...row.i, ...row.f, ...row.g, ...row.o);
      want.s.push(...row.h, ...row.c);
      want.h.push(...row.h);
    }
    expectNear(xp, want.gates, 1e-6, 'gates (written over xp)');
    expectNear(tau, want.tau, 1e-6, 'tanh(c)');
    expectNear(s, want.s, 2e-6 * Math.max(1, scale), '[h | c]');
    expectNear(hNext, want.h, 1e-6, 'the next step\'s h');
  });

  test.each([false, true])('a backward step equals the derivative equations in float64 (carries: %s)', (carried) => {
    const [N, H, TN] = [5, 4, 7]; //                                                 dAᵀ rows hold TN columns; this step's N start at column 2
    const G = 4 * H;
    const random = seededRandom(carried ? 11 : 12);
    const got = cellArrays(H, [N * G, N * H, N * H, N * 2 * H, N * H, N * H, N * G, G * TN, G])!;
    const [gates, tau, cPrev, dS, dhCarry, dc, dA, dAT, dB] = got.arrays as Float32Array[] as [
      Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array,
    ];
    for (let i = 0; i < gates.length; i++) gates[i] = random(); //                     σ gates in (0, 1); g as well, fine for the algebra
    fill(tau, random, 1);
    for (const a of [cPrev, dS, dhCarry, dc]) fill(a, random, 2);
    fill(dB, random, 1);
    dAT.fill(99);
    const [g0, t0, c0, dS0, dh0, dc0, dB0] = [gates, tau, cPrev, dS, dhCarry, dc, dB].map((a) => Array.from(a)) as number[][] as [
      number[], number[], number[], number[], number[], number[], number[],
    ];
    got.lstm.backward(N, H, gates, tau, cPrev, H, dS, carried ? dhCarry : null, dc, dA, dAT.subarray(2), TN, dB);
    const wantDA: number[] = [];
    const wantDc: number[] = [];
    const wantDB = [...dB0];
    for (let n = 0; n < N; n++) {
      const row: number[][] = [[], [], [], []];
      for (let j = 0; j < H; j++) {
        const [i, f, g, o] = [0, 1, 2, 3].map((q) => g0[n * G + q * H + j]!) as [number, number, number, number];
        const th = t0[n * H + j]!;
        const dh = dS0[n * 2 * H + j]! + (carried ? dh0[n * H + j]! : 0);
        const dcIn = dS0[n * 2 * H + H + j]! + (carried ? dc0[n * H + j]! : 0);
        const dcT = dcIn + dh * o * (1 - th * th);
        const d = [dcT * g * i * (1 - i), dcT * c0[n * H + j]! * f * (1 - f), dcT * i * (1 - g * g), dh * th * o * (1 - o)];
        d.forEach((v, q) => { row[q]!.push(v); wantDB[q * H + j]! += v; });
        wantDc.push(dcT * f);
      }
      wantDA.push(...row.flat());
    }
    expectNear(dA, wantDA, 1e-5, 'dA_t');
    expectNear(dc, wantDc, 1e-5, 'dc_{t−1}');
    expectNear(dB, wantDB, 1e-5, 'dB');
    const wantDAT: number[] = [];
    for (let row = 0; row < G; row++) for (let col = 0; col < TN; col++) wantDAT.push(col >= 2 && col < 2 + N ? wantDA[(col - 2) * G + row]! : 99);
    expectNear(dAT, wantDAT, 1e-5, 'dAᵀ (its other columns untouched)');
  });

  test.each([[0.5, 21], [8, 22]] as const)('a GRU forward step equals the gate equations in float64 (inputs up to ±%f)', (scale, seed) => {
    const [N, H] = [3, 8];
    const G = 3 * H;
    const random = seededRandom(seed);
    const got = cellArrays(H, [N * G, N * G, 4 * H, N * H, N * H, N * H, N * H])!;
    const [xp, v, b, hPrev, vN, y, hNext] = got.arrays as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    for (const a of [xp, v, b, hPrev]) fill(a, random, scale);
    const [xp0, v0, b0, h0] = [xp, v, b, hPrev].map((a) => Array.from(a)) as [number[], number[], number[], number[]];
    got.gru.forward(N, H, xp, v, b, hPrev, vN, y, hNext);
    const want = { gates: [] as number[], vN: [] as number[], h: [] as number[] };
    for (let n = 0; n < N; n++) {
      const row = { r: [] as number[], z: [] as number[], n: [] as number[] };
      for (let j = 0; j < H; j++) {
        const r = sigmoid(xp0[n * G + j]! + v0[n * G + j]! + b0[j]!);
        const z = sigmoid(xp0[n * G + H + j]! + v0[n * G + H + j]! + b0[H + j]!);
        const vn = v0[n * G + 2 * H + j]! + b0[3 * H + j]!;
        const nn = Math.tanh(xp0[n * G + 2 * H + j]! + b0[2 * H + j]! + r * vn);
        row.r.push(r); row.z.push(z); row.n.push(nn);
        want.vN.push(vn);
        want.h.push((1 - z) * nn + z * h0[n * H + j]!);
      }
      want.gates.push(...row.r, ...row.z, ...row.n);
    }
    expectNear(xp, want.gates, 1e-6, 'gates (written over xp)');
    expectNear(vN, want.vN, 1e-6 * scale, 'ṽ');
    expectNear(y, want.h, 2e-6 * Math.max(1, scale), 'h_t');
    expectNear(hNext, want.h, 2e-6 * Math.max(1, scale), 'the next step\'s h');
  });

  test.each([false, true])('a GRU backward step equals the derivative equations in float64 (carries: %s)', (carried) => {
    const [N, H, TN] = [5, 4, 7]; //                                                 this step's N columns start at column 1
    const G = 3 * H;
    const random = seededRandom(carried ? 31 : 32);
    const got = cellArrays(H, [N * G, N * H, N * H, N * H, N * H, N * H, N * G, N * G, G * TN, G * TN, 4 * H])!;
    const [gates, vN, hPrev, dY, dhMat, direct, dU, dV, dUT, dVT, sums] = got.arrays as [
      Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array,
    ];
    for (let i = 0; i < gates.length; i++) gates[i] = random();
    for (const a of [vN, hPrev, dY, dhMat, direct]) fill(a, random, 2);
    fill(sums, random, 1);
    dUT.fill(99);
    dVT.fill(99);
    const [g0, vN0, h0, dY0, dhM0, dir0, s0] = [gates, vN, hPrev, dY, dhMat, direct, sums].map((a) => Array.from(a)) as number[][] as [
      number[], number[], number[], number[], number[], number[], number[],
    ];
    got.gru.backward(N, H, gates, vN, hPrev, dY, carried ? dhMat : null, direct, dU, dV, dUT.subarray(1), dVT.subarray(1), TN, sums);
    const wantU: number[] = [];
    const wantV: number[] = [];
    const wantDirect: number[] = [];
    const wantSums = [...s0];
    for (let n = 0; n < N; n++) {
      const u: number[][] = [[], [], []];
      const w: number[][] = [[], [], []];
      for (let j = 0; j < H; j++) {
        const [r, z, nn] = [0, 1, 2].map((q) => g0[n * G + q * H + j]!) as [number, number, number];
        const k = n * H + j;
        const dh = dY0[k]! + (carried ? dhM0[k]! + dir0[k]! : 0);
        const daN = dh * (1 - z) * (1 - nn * nn);
        const daR = daN * vN0[k]! * r * (1 - r);
        const daZ = dh * (h0[k]! - nn) * z * (1 - z);
        [daR, daZ, daN].forEach((d, q) => u[q]!.push(d));
        [daR, daZ, daN * r].forEach((d, q) => w[q]!.push(d));
        [daR, daZ, daN, daN * r].forEach((d, q) => { wantSums[q * H + j]! += d; });
        wantDirect.push(dh * z);
      }
      wantU.push(...u.flat());
      wantV.push(...w.flat());
    }
    expectNear(dU, wantU, 1e-5, 'dU_t');
    expectNear(dV, wantV, 1e-5, 'dV_t');
    expectNear(direct, wantDirect, 1e-5, 'dh ⊙ z');
    expectNear(sums, wantSums, 1e-5, 'the column sums');
    const columns = (rows: number[]): number[] => {
      const out: number[] = [];
      for (let row = 0; row < G; row++) for (let col = 0; col < TN; col++) out.push(col >= 1 && col < 1 + N ? rows[(col - 1) * G + row]! : 99);
      return out;
    };
    expectNear(dUT, columns(wantU), 1e-5, 'dUᵀ (its other columns untouched)');
    expectNear(dVT, columns(wantV), 1e-5, 'dVᵀ (its other columns untouched)');
  });
});
