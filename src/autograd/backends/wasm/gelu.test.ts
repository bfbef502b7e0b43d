/**
 * The wasm backend's exact GELU with its derivative (gelu.ts, simd/gelu.wat) against the cpu
 * loop, bit for bit: random values over the range GELU sees, odd lengths (the SIMD loop's last
 * pair is half padding), and the values its fast eˣ hands back to the cpu kernel (|x| above
 * about 13.2, ±∞, NaN). The parity table (../parity.test.ts) compares it at float32 tolerance too.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { seededRandom } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { cpuKernels } from '../cpu/index.js';
import { backendKernels } from '../index.js';
import type { Kernels } from '../types.js';
import { MIN_SIMD_GELU } from './gelu.js';

let wasm: Kernels;
beforeAll(async () => {
  wasm = await backendKernels('wasm');
});

/** Same bits, NaN payloads aside (both are NaN or neither). */
function expectSameBits(got: Tensor, want: Tensor, what: string): void {
  const [g, w] = [got.dataSync() as Float32Array, want.dataSync() as Float32Array];
  expect(got.shape, what).toEqual(want.shape);
  for (let i = 0; i < w.length; i++) {
    if (Number.isNaN(w[i]!) && Number.isNaN(g[i]!)) continue;
    if (!Object.is(g[i], w[i])) throw new Error(`${what}: element ${i} (x = ${w[i]}): wasm ${g[i]}, cpu ${w[i]}`);
  }
}

function compare(x: Tensor, what: string): void {
  const [got, want] = [wasm.geluWithDerivative(x, 'none'), cpuKernels.geluWithDerivative(x, 'none')];
  expectSameBits(got.y, want.y, `${what}: y`);
  expectSameBits(got.dydx, want.dydx, `${what}: dy/dx`);
}

describe('wasm geluWithDerivative equals the cpu loop bit for bit', () => {
  test.each([MIN_SIMD_GELU, 1001, 65_537])('%i values in [−8, 8) and near 0', (n) => {
    const random = seededRandom(n);
    const scale = [8, 1, 1e-3, 30];
    compare(new Tensor(Float32Array.from({ length: n }, (_, i) => (2 * random() - 1) * scale[i % 4]!), [n]), `${n} values`);
  });

  test('the tails and the special values (the cpu kernel redoes what leaves the fast eˣ)', () => {
    const special = [0, -0, 1e-40, -3e-39, 13, -13, 13.2, -13.2, 13.3, -13.3, 14, -14, 20, -20, 3e38, -3e38,
      Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5, -5, 0.5, -0.5];
    const x = new Tensor(Float32Array.from({ length: 2 * special.length + 75 }, (_, i) => special[i % special.length]! * (i < special.length ? 1 : 1.0001)), [2 * special.length + 75]);
    compare(x, 'special values');
    compare(new Tensor(Float32Array.from({ length: 3 * 67 }, (_, i) => (i - 100) / 4), [3, 67]), 'a [3, 67] ramp over [−25, 25]');
  });

  test('the tanh form, float64 and short tensors run the cpu kernel', () => {
    const random = seededRandom(3);
    const x = new Tensor(Float32Array.from({ length: 200 }, () => 4 * random() - 2), [200]);
    const [got, want] = [wasm.geluWithDerivative(x, 'tanh'), cpuKernels.geluWithDerivative(x, 'tanh')];
    expectSameBits(got.y, want.y, 'tanh y');
    const x64 = new Tensor(Float64Array.from({ length: 100 }, () => 4 * random() - 2), [100]);
    expect(wasm.geluWithDerivative(x64, 'none').y.dataSync()).toEqual(cpuKernels.geluWithDerivative(x64, 'none').y.dataSync());
    compare(new Tensor(Float32Array.from([1, -2, 3]), [3]), 'three values');
  });
});
