import { describe, expect, test } from 'vitest';
import { tensor, randn, ones } from './creation.js';
import { seededRandom } from './random.js';
import { noGrad } from './function.js';
import { add, mul, sub } from './ops/elementwise.js';
import { sum } from './ops/reduce.js';
import { tanh } from './ops/unary.js';
import type { Tensor } from './tensor.js';

const f64 = (values: number[] | number[][]) => tensor(values, { dtype: 'float64', requiresGrad: true });

describe('backward', () => {
  test('the worked example of the autograd README: L = (a·b + b)², a = 2, b = −3', () => {
    // Worked out by hand: c = a·b + b = −9, L = 81; dL/dc = 2c = −18,
    // dL/da = −18·b = 54, dL/db = −18·(a + 1) = −54.
    const a = f64([2]);
    const b = f64([-3]);
    const c = add(mul(a, b), b);
    const loss = mul(c, c);
    loss.backward();
    expect(loss.item()).toBe(81);
    expect(a.grad!.item()).toBe(54);
    expect(b.grad!.item()).toBe(-54);
  });

  test('gradients accumulate on leaves across backward calls', () => {
    const x = f64([1, 2]);
    sum(mul(x, 3)).backward();
    sum(mul(x, 3)).backward();
    expect(x.grad!.toArray()).toEqual([6, 6]);
  });

  test('a tensor used twice receives the sum of both contributions', () => {
    const x = f64([3]);
    const y = add(mul(x, x), x); // dy/dx = 2x + 1 = 7
    y.backward();
    expect(x.grad!.item()).toBe(7);
  });

  test('backward(gradient) on a non-scalar output weights each element', () => {
    const x = f64([1, 2, 3]);
    mul(x, x).backward(tensor([1, 0.5, 0], { dtype: 'float64' }));
    expect(x.grad!.toArray()).toEqual([2, 2, 0]);
  });

  test('backward() on a non-scalar without a gradient names the shape', () => {
    const x = f64([1, 2]);
    expect(() => mul(x, 2).backward()).toThrow(/backward: a gradient is needed for a non-scalar output of shape \[2\]/);
  });

  test('backward() with a gradient of the wrong shape is refused', () => {
    const x = f64([1, 2]);
    expect(() => mul(x, 2).backward(ones([3], { dtype: 'float64' }))).toThrow(/gradient of shape \[3\] does not match the output's shape \[2\]/);
  });

  test('backward() on a tensor that does not require grad is refused', () => {
    expect(() => tensor([1]).backward()).toThrow(/does not require grad/);
  });

  test('a second backward through a released graph fails with a clear message; retainGraph allows it', () => {
    const x = f64([2]);
    const y = mul(x, x);
    y.backward();
    expect(() => y.backward()).toThrow(/already freed .* retainGraph: true/);

    const z = f64([2]);
    const w = mul(z, z);
    w.backward(undefined, { retainGraph: true });
    w.backward();
    expect(z.grad!.item()).toBe(8);
  });

  test('a chain of 100,000 ops backpropagates without a stack overflow', () => {
    const x = f64([1]);
    let y: Tensor = x;
    for (let i = 0; i < 100_000; i++) y = add(y, 1e-6);
    y.backward();
    expect(x.grad!.item()).toBe(1);
  });

  test('noGrad records nothing, and leaves inputs alone', () => {
    const x = f64([1]);
    const y = noGrad(() => mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(y.creator).toBeNull();
  });

  test('createGraph gives a second derivative: d²/dx² tanh(x) = −2 tanh(x)(1 − tanh²(x))', () => {
    const x = f64([0.5]);
    const y = tanh(x);
    y.backward(undefined, { createGraph: true });
    const dx = x.grad!;
    expect(dx.requiresGrad).toBe(true);
    x.grad = null;
    dx.backward();
    const t = Math.tanh(0.5);
    expect(x.grad!.item()).toBeCloseTo(-2 * t * (1 - t * t), 12);
  });

  test('retainGrad keeps the gradient of an intermediate tensor', () => {
    const x = f64([1, 2]);
    const h = mul(x, 2).retainGrad();
    sum(mul(h, h)).backward();
    expect(h.grad!.toArray()).toEqual([4, 8]); // dL/dh = 2h
    expect(x.grad!.toArray()).toEqual([8, 16]);
  });

  test('float32 leaves get float32 gradients even from float64 seeds', () => {
    const x = randn([3], { random: seededRandom(3) }).requiresGrad_();
    sub(x, 1).backward(ones([3], { dtype: 'float64' }));
    expect(x.grad!.dtype).toBe('float32');
  });
});

describe('gradient ownership', () => {
  test('two leaves fed by one Add get distinct gradient tensors, and the caller keeps its seed', () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const seed = tensor([1, 1], { dtype: 'float64' });
    add(a, b).backward(seed);
    expect(a.grad).not.toBe(b.grad);
    expect(a.grad).not.toBe(seed);
    a.grad!.assign(tensor([9, 9], { dtype: 'float64' }));
    expect(b.grad!.toArray()).toEqual([1, 1]);
    expect(seed.toArray()).toEqual([1, 1]);
  });
});
