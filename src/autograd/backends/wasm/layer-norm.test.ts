/**
 * The wasm backend's layerNorm and layerNormBackward (layer-norm.ts, simd/layer-norm.wat) against
 * the cpu kernels, bit for bit: with and without γ and β, normalising one axis or two, rows of
 * BERT's width and short ones, large offsets (the variance's cancellation) and ±0. The parity
 * table (../parity.test.ts) compares them at float32 tolerance too.
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

function expectSameBits(got: Tensor, want: Tensor, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  const [g, w] = [got.dataSync() as Float32Array, want.dataSync() as Float32Array];
  for (let i = 0; i < w.length; i++) {
    if (Number.isNaN(w[i]!) && Number.isNaN(g[i]!)) continue;
    if (!Object.is(g[i], w[i])) throw new Error(`${what}: element ${i}: wasm ${g[i]}, cpu ${w[i]}`);
  }
}

const values = (shape: readonly number[], seed: number, offset = 0, scale = 2): Tensor => {
  const random = seededRandom(seed);
  return new Tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => offset + (2 * random() - 1) * scale), shape);
};

function compare(x: Tensor, k: number, weight: Tensor | null, bias: Tensor | null, what: string): void {
  const [got, want] = [wasm.layerNorm(x, k, weight, bias, 1e-12), cpuKernels.layerNorm(x, k, weight, bias, 1e-12)];
  expectSameBits(got.y, want.y, `${what}: y`);
  expectSameBits(got.xHat, want.xHat, `${what}: x̂`);
  expectSameBits(got.invStd, want.invStd, `${what}: s`);
  const dY = values(x.shape, 99);
  const [gb, wb] = [wasm.layerNormBackward(dY, want.xHat, want.invStd, weight, k), cpuKernels.layerNormBackward(dY, want.xHat, want.invStd, weight, k)];
  expectSameBits(gb.dX, wb.dX, `${what}: dX`);
  expectSameBits(gb.dWeight, wb.dWeight, `${what}: dγ`);
  expectSameBits(gb.dBias, wb.dBias, `${what}: dβ`);
}

describe('wasm layerNorm and layerNormBackward equal the cpu kernels bit for bit', () => {
  test('BERT-like rows [4, 16, 256] with γ and β, and [64, 10] without', () => {
    compare(values([4, 16, 256], 1), 1, values([256], 2, 1, 0.5), values([256], 3), 'γ and β');
    compare(values([64, 10], 4), 1, null, null, 'no γ, no β');
    compare(values([64, 10], 5), 1, values([10], 6), null, 'γ only');
  });

  test('two axes, large offsets, ±0 and constant rows', () => {
    compare(values([8, 6, 12], 7, 1000, 0.01), 2, values([6, 12], 8), values([6, 12], 9), 'two axes around 1000');
    const zeros = new Tensor(Float32Array.from({ length: 512 }, (_, i) => (i % 3 === 0 ? -0 : i < 256 ? 0 : 5)), [16, 32]);
    compare(zeros, 1, null, null, '±0 and constant rows');
  });

  test('odd rows, float64 and short tensors run the cpu kernels; mistakes are named by them', () => {
    compare(values([40, 7], 10), 1, values([7], 11), values([7], 12), 'rows of 7');
    const x64 = new Tensor(Float64Array.from({ length: 600 }, (_, i) => Math.cos(i)), [30, 20]);
    expect(wasm.layerNorm(x64, 1, null, null, 1e-5).y.dataSync()).toEqual(cpuKernels.layerNorm(x64, 1, null, null, 1e-5).y.dataSync());
    expect(() => wasm.layerNorm(values([32, 16], 13), 1, values([8], 14), null, 1e-5)).toThrow(/layerNorm: γ and β need the shape \[16\]/);
  });
});
