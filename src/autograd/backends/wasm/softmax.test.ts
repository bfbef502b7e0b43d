/**
 * The wasm backend's softmaxLastAxis (softmax.ts, simd/softmax.wat) against the cpu kernel, bit
 * for bit: no mask, attention's broadcast padding mask [N, 1, 1, S], a per-query mask, rows that
 * keep nothing, −∞ and +∞ and NaN scores, and a spread over 87 (which the cpu kernel reruns).
 * The parity table (../parity.test.ts) compares it at float32 tolerance too.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { seededRandom } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { cpuKernels } from '../cpu/index.js';
import { backendKernels } from '../index.js';
import type { Kernels } from '../types.js';

let wasm: Kernels;
beforeAll(async () => {
  wasm = await backendKernels('wasm');
});

function expectSameBits(x: Tensor, keep: Tensor | null, what: string): void {
  const [got, want] = [wasm.softmaxLastAxis(x, keep), cpuKernels.softmaxLastAxis(x, keep)];
  const [g, w] = [got.dataSync() as Float32Array, want.dataSync() as Float32Array];
  expect(got.shape, what).toEqual(want.shape);
  for (let i = 0; i < w.length; i++) {
    if (Number.isNaN(w[i]!) && Number.isNaN(g[i]!)) continue;
    if (!Object.is(g[i], w[i])) throw new Error(`${what}: element ${i} (x = ${(x.dataSync() as Float32Array)[i]}): wasm ${g[i]}, cpu ${w[i]}`);
  }
}

const scores = (shape: readonly number[], seed: number, scale = 4): Tensor => {
  const random = seededRandom(seed);
  return new Tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (2 * random() - 1) * scale), shape);
};

describe('wasm softmaxLastAxis equals the cpu kernel bit for bit', () => {
  test('no mask, rows of 4, 16 and 128', () => {
    for (const [i, shape] of [[64, 4], [4, 5, 16], [2, 4, 8, 128]].entries()) expectSameBits(scores(shape, i, 10), null, `[${shape}]`);
  });

  test('a padding mask [N, 1, 1, S] and a per-query mask [N, 1, L, S], rows that keep nothing', () => {
    const [N, A, L, S] = [3, 2, 8, 16];
    const pad = new Tensor(Int32Array.from({ length: N * S }, (_, i) => (i >= S && i % S >= 12 ? 0 : i >= 2 * S ? 0 : 1)), [N, 1, 1, S]); // row 2 keeps nothing
    expectSameBits(scores([N, A, L, S], 7), pad, 'padding mask');
    const random = seededRandom(8);
    const perQuery = new Tensor(Int32Array.from({ length: N * L * S }, (_, i) => (i % 37 === 0 ? 1 : random() < 0.6 ? 1 : 0)), [N, 1, L, S]);
    expectSameBits(scores([N, A, L, S], 9), perQuery, 'per-query mask');
    const column = new Tensor(Int32Array.from({ length: N * L }, (_, i) => (i % 3 === 0 ? 0 : 1)), [N, 1, L, 1]); // a broadcast last axis
    expectSameBits(scores([N, A, L, S], 10), column, 'a mask broadcast along the last axis');
  });

  test('−∞, +∞, NaN, ±0 and a spread over 87 (rerun by the cpu kernel)', () => {
    const row = [-Infinity, -Infinity, 0, -0, 1, 2, 3, 4];
    const block = [
      ...row, ...row.map(() => -Infinity), Infinity, 1, 2, 3, Number.NaN, 1, 0, 0, -0, 0, -0, 0, 5, 5, 5, 5,
      ...Array.from({ length: 32 }, (_, i) => i),
    ];
    const x = new Tensor(Float32Array.from({ length: 4 * block.length }, (_, i) => block[i % block.length]! * (i < block.length ? 1 : 1 + i / 1000)), [32, 8]);
    expectSameBits(x, null, 'special values');
    expectSameBits(new Tensor(Float32Array.from({ length: 256 }, (_, i) => (i % 8 === 1 ? -95 : i % 8 === 2 ? -200 : i % 5)), [32, 8]), null, 'a spread over 87');
  });

  test('float64, odd rows and short tensors run the cpu kernel', () => {
    const x64 = new Tensor(Float64Array.from({ length: 300 }, (_, i) => Math.sin(i)), [30, 10]);
    expect(wasm.softmaxLastAxis(x64, null).dataSync()).toEqual(cpuKernels.softmaxLastAxis(x64, null).dataSync());
    expectSameBits(scores([50, 7], 3), null, 'rows of 7');
    expectSameBits(scores([2, 8], 4), null, 'two rows');
  });
});
