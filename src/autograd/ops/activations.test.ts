import { describe, expect, test } from 'vitest';
import { randn, tensor, zeros } from '../creation.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom } from '../random.js';
import type { Tensor } from '../tensor.js';
import { hardsigmoid, hardswish, mish, silu, softplus } from './activations.js';

const f64 = (values: number[]): Tensor => tensor(values, { dtype: 'float64' });
const values = (t: Tensor): number[] => [...t.dataSync()];

function expectValues(got: Tensor, want: number[], tol = 1e-12): void {
  values(got).forEach((g, i) => expect(Math.abs(g - want[i]!), `element ${i}: got ${g}, expected ${want[i]}`).toBeLessThanOrEqual(tol));
}

const sigma = (x: number): number => 1 / (1 + Math.exp(-x));

describe('activations: forward against the formulas', () => {
  const xs = [-5, -3, -1.5, -0.2, 0, 0.7, 2, 3, 4.5];
  test('silu = x·σ(x)', () => expectValues(silu(f64(xs)), xs.map((x) => x * sigma(x))));
  test('mish = x·tanh(log(1 + eˣ))', () => expectValues(mish(f64(xs)), xs.map((x) => x * Math.tanh(Math.log1p(Math.exp(x))))));
  test('hardsigmoid = min(max(x + 3, 0), 6)/6', () => expectValues(hardsigmoid(f64(xs)), xs.map((x) => Math.min(Math.max(x + 3, 0), 6) / 6)));
  test('hardswish = x·min(max(x + 3, 0), 6)/6', () => expectValues(hardswish(f64(xs)), xs.map((x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6)));
  test('softplus with β and threshold: log(1 + e^(βx))/β, and x where βx > threshold', () => {
    expectValues(softplus(f64(xs), 2, 5), xs.map((x) => (2 * x > 5 ? x : Math.log1p(Math.exp(2 * x)) / 2)));
    expect(values(softplus(f64([30, 20]))).at(0)).toBe(30); //                       above the default threshold 20: x itself
    expectValues(softplus(f64([20])), [Math.log1p(Math.exp(20))]); //                    at the threshold: still the formula
  });
  test('the examples in the JSDoc print what they say', () => {
    expectValues(silu(tensor([0, 1])), [0, 0.7310585], 1e-7);
    expect(values(mish(tensor([0])))).toEqual([0]);
    expect(values(hardsigmoid(tensor([-4, 0, 4])))).toEqual([0, 0.5, 1]);
    expectValues(hardswish(tensor([-4, 1, 4])), [0, 2 / 3, 4], 1e-7);
    expectValues(softplus(tensor([0, 30]), 1, 20), [Math.LN2, 30], 1e-7);
  });
});

describe('activations: backward', () => {
  // Inputs away from the kinks at ±3 (and the softplus threshold), where the derivative jumps.
  const smooth = (): Tensor => {
    const x = randn([3, 5], { dtype: 'float64', random: seededRandom(11) }).mul(2.5);
    return x.add(x.abs().sub(3).abs().lt(0.01).to('float64').mul(0.1)).detach().requiresGrad_();
  };
  for (const [name, fn] of [['silu', silu], ['mish', mish], ['hardsigmoid', hardsigmoid], ['hardswish', hardswish],
    ['softplus β 1.5, threshold 2', (x: Tensor) => softplus(x, 1.5, 2)], ['softplus β −1', (x: Tensor) => softplus(x, -1)]] as const) {
    test(`${name} passes gradcheck`, () => {
      gradcheck(fn, [smooth()]);
    });
  }

  test('at the kinks the derivatives follow PyTorch 1.13: hardswish x/3 + ½ on [−3, 3], hardsigmoid 0 at ±3', () => {
    const x = f64([-3, 3]).requiresGrad_();
    hardswish(x).sum().backward();
    expect(values(x.grad!)).toEqual([-0.5, 1.5]);
    x.grad = null;
    hardsigmoid(x).sum().backward();
    expect(values(x.grad!)).toEqual([0, 0]);
  });

  test('errors name the op', () => {
    expect(() => silu(zeros([2], { dtype: 'int32' }))).toThrow(/silu: .*float32 or float64/);
    expect(() => softplus(zeros([2]), 0)).toThrow(/softplus: beta must be a finite non-zero number, got 0/);
  });
});
