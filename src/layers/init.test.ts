import { describe, expect, test } from 'vitest';
import { zeros } from '../autograd/creation.js';
import { manualSeed, seededRandom } from '../autograd/random.js';
import type { Tensor } from '../autograd/tensor.js';
import * as init from './init.js';
import { Parameter } from './module.js';

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = [...t.dataSync()];
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

/** Within 3% (the sampling error of a std from ≥ 20,000 draws is about 0.5%). */
const expectNear = (got: number, want: number): void => expect(Math.abs(got / want - 1), `got ${got}, want ${want}`).toBeLessThan(0.03);

describe('init', () => {
  test('calculateGain follows PyTorch\'s table', () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBe(5 / 3);
    expect(init.calculateGain('relu')).toBe(Math.SQRT2);
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / 1.0001), 15);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish' as init.Nonlinearity)).toThrow(/unsupported nonlinearity 'swish'/);
  });

  test('fans of Linear and Conv2d weights', () => {
    expect(init.calculateFans([3, 5])).toEqual({ fanIn: 5, fanOut: 3 });
    expect(init.calculateFans([8, 4, 3, 3])).toEqual({ fanIn: 36, fanOut: 72 });
    expect(() => init.calculateFans([3])).toThrow(/at least 2 dimensions, got \[3\]/);
  });

  test('kaimingUniform with a = √5 is U(−1/√fanIn, 1/√fanIn); bounds and variance of the others', () => {
    const random = seededRandom(1);
    const w = init.kaimingUniform(zeros([200, 100], { dtype: 'float64' }), { a: Math.sqrt(5), random });
    const s = stats(w);
    expect(s.max).toBeLessThanOrEqual(0.1);
    expect(s.min).toBeGreaterThanOrEqual(-0.1);
    expect(s.max).toBeGreaterThan(0.099);
    expectNear(s.std, 0.1 / Math.sqrt(3));
    // He for ReLU: std √2/√fan, fan_out uses shape[0]·receptive field.
    expectNear(stats(init.kaimingNormal(zeros([100, 50, 2, 2]), { nonlinearity: 'relu', random })).std, Math.sqrt(2 / 200));
    expectNear(stats(init.kaimingNormal(zeros([100, 50, 2, 2]), { mode: 'fan_out', nonlinearity: 'relu', random })).std, Math.sqrt(2 / 400));
    const xu = stats(init.xavierUniform(zeros([300, 100]), { gain: 2, random }));
    expect(xu.max).toBeLessThanOrEqual(2 * Math.sqrt(6 / 400));
    expectNear(xu.std, 2 * Math.sqrt(2 / 400));
    expectNear(stats(init.xavierNormal(zeros([300, 100]), { random })).std, Math.sqrt(2 / 400));
    expect(() => init.kaimingUniform(zeros([2, 2]), { mode: 'fanIn' as 'fan_in' })).toThrow(/mode must be 'fan_in' or 'fan_out'/);
  });

  test('fills in place, keeping the tensor (a Parameter stays the same object)', () => {
    const p = new Parameter(zeros([2, 3]));
    expect(init.ones(p)).toBe(p);
    expect([...p.dataSync()]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(init.zeros(p)).toBe(p);
    expect([...init.constant(p, 0.5).dataSync()]).toEqual(new Array(6).fill(0.5));
    expect(p.requiresGrad).toBe(true);
    expect(() => init.uniform(zeros([2], { dtype: 'int32' }))).toThrow(/needs a float32 or float64 tensor/);
  });

  test('seeded: the same seed gives the same numbers; the default follows manualSeed', () => {
    const a = init.normal(zeros([10]), 0, 1, { random: seededRandom(7) });
    const b = init.normal(zeros([10]), 0, 1, { random: seededRandom(7) });
    expect([...a.dataSync()]).toEqual([...b.dataSync()]);
    manualSeed(3);
    const c = init.uniform(zeros([10]));
    manualSeed(3);
    const d = init.uniform(zeros([10]));
    expect([...c.dataSync()]).toEqual([...d.dataSync()]);
    expect([...c.dataSync()]).not.toEqual([...init.uniform(zeros([10])).dataSync()]);
  });

  test('orthogonal: QᵀQ = I for tall, wide and square shapes (flattened past the first axis), times gain', () => {
    const random = seededRandom(5);
    for (const [shape, gain] of [[[6, 4], 1], [[3, 8], 2], [[5, 5], 1], [[4, 2, 3], 1.5]] as const) {
      const w = init.orthogonal(zeros(shape, { dtype: 'float64' }), { gain, random });
      const rows = shape[0];
      const cols = w.numel() / rows;
      const v = w.dataSync();
      // Gram matrix of the smaller side: columns if tall, rows if wide.
      const [n, at] = rows >= cols ? [cols, (k: number, i: number) => v[i * cols + k]!] : [rows, (k: number, i: number) => v[k * cols + i]!];
      const m = rows >= cols ? rows : cols;
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let dot = 0;
          for (let i = 0; i < m; i++) dot += at(a, i) * at(b, i);
          expect(Math.abs(dot - (a === b ? gain * gain : 0))).toBeLessThan(1e-12);
        }
      }
    }
    expect(() => init.orthogonal(zeros([3]))).toThrow(/at least 2 dimensions/);
  });
});
