import { describe, test, expect } from 'vitest';
import { randn, tensor } from '../creation.js';
import { enableGrad } from '../function.js';
import { gradcheck } from '../gradcheck.js';
import { seededRandom, type Random } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from './elementwise.js';
import { cast, clone } from './cast.js';
import { sum } from './reduce.js';

const leaf = (shape: Shape, random: Random): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true, random });

describe('cast', () => {
  test('converts values: float64 → float32 rounds, float → int32 truncates toward zero', () => {
    const x = tensor([0.1, -1.7, 2.9, -0.5], { dtype: 'float64' });
    const f32 = cast(x, 'float32');
    expect(f32.dtype).toBe('float32');
    expect(Array.from(f32.storage)).toEqual([0.1, -1.7, 2.9, -0.5].map(Math.fround));
    const i32 = x.to('int32');
    expect(i32.dtype).toBe('int32');
    expect(i32.toArray()).toEqual([0, -1, 2, 0]);
    expect(cast(tensor([[1, -2]], { dtype: 'int32' }), 'float64').toArray()).toEqual([[1, -2]]);
    expect(cast(f32, 'float64').dtype).toBe('float64');
  });

  test('returns the same tensor when the dtype already matches', () => {
    const x = tensor([1, 2]);
    expect(cast(x, 'float32')).toBe(x);
  });

  test('float64 → float32 → float64 passes gradcheck (dX = dY cast back)', () => {
    // The round trip is the identity up to float32 rounding (≈ 6e-8 relative); that rounding
    // divided by 2ε would swamp the default ε = 1e-6, so we take ε = 1e-2. The function is
    // linear, so a large ε adds no truncation error.
    const random = seededRandom(40);
    for (const shape of [[3], [2, 1, 3], []] as const) {
      gradcheck((x) => cast(cast(x, 'float32'), 'float64'), [leaf(shape, random)], { eps: 1e-2, atol: 1e-5 });
    }
    // Through a broadcast: a float32 detour meeting a float64 bias.
    gradcheck((x, b) => add(cast(cast(x, 'float32'), 'float64'), b), [leaf([2, 3], random), leaf([3], random)], { eps: 1e-2 });
  });

  test('the gradient of a float32 leaf cast up to float64 comes back as float32', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = cast(x, 'float64');
    expect(y.requiresGrad).toBe(true);
    y.backward(tensor([0.5, 0.25, 0.125], { dtype: 'float64' }));
    expect(x.grad!.dtype).toBe('float32');
    expect(x.grad!.toArray()).toEqual([0.5, 0.25, 0.125]);
  });

  test('float64 → float32: the gradient arrives as float64', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    mul(cast(x, 'float32'), tensor([3, 4])).sum().backward();
    expect(x.grad!.dtype).toBe('float64');
    expect(x.grad!.toArray()).toEqual([3, 4]);
  });

  test('cast to int32 is a plain int32 tensor with no graph (only float tensors require grad)', () => {
    const x = tensor([1.5, -2.5], { dtype: 'float64', requiresGrad: true });
    const i = cast(x, 'int32');
    expect(i.requiresGrad).toBe(false);
    expect(i.creator).toBeNull();
    expect(i.toArray()).toEqual([1, -2]);
    // An int32 input never requires grad, so casting it up records nothing either.
    const f = cast(i, 'float32');
    expect(f.requiresGrad).toBe(false);
    expect(f.creator).toBeNull();
  });

  test('is twice differentiable', () => {
    const random = seededRandom(41);
    const w = randn([2, 3], { dtype: 'float64', random });
    const gradOf = (x: Tensor): Tensor => enableGrad(() => {
      const previous = x.grad;
      x.grad = null;
      const y = cast(cast(x, 'float32'), 'float64');
      sum(mul(mul(y, y), w)).backward(undefined, { createGraph: true });
      const g = x.grad!;
      x.grad = previous;
      return g;
    });
    gradcheck(gradOf, [leaf([2, 3], random)], { eps: 1e-2, atol: 1e-4 });
  });

  test('rejects an unknown dtype and a non-tensor', () => {
    expect(() => cast(tensor([1]), 'float16' as 'float32')).toThrow(/to: unknown dtype 'float16' \(use float32, float64 or int32\)/);
    expect(() => tensor([1]).to('bool' as 'int32')).toThrow(/to: unknown dtype 'bool'/);
    expect(() => cast(undefined as unknown as Tensor, 'float32')).toThrow(/to: input must be a Tensor, got undefined/);
  });
});

describe('clone', () => {
  test('copies the values: same shape and dtype, separate storage', () => {
    const x = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    const y = clone(x);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(y.storage).not.toBe(x.storage);
    y.storage[0] = 9;
    expect(x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(tensor([5]).clone().toArray()).toEqual([5]);
  });

  test('stays in the graph: backward passes gradcheck', () => {
    const random = seededRandom(42);
    gradcheck((x) => clone(x), [leaf([2, 3], random)]);
    gradcheck((x) => clone(x).mul(x), [leaf([1, 4], random)]);
    gradcheck((x, b) => add(x.clone(), b), [leaf([2, 3], random), leaf([2, 1], random)]);
    const x = leaf([3], random);
    const y = clone(x);
    expect(y.requiresGrad).toBe(true);
    expect(y.creator?.name).toBe('Clone');
  });
});
