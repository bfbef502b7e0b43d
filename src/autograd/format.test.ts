/**
 * format — toString reads only the entries it prints, and an empty tensor prints at once,
 * whatever its other dimensions (PyTorch's `tensor([], size=(2, 0))`); Node's console.log and
 * util.inspect print the same text through the inspect hook.
 */
import { inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import { arange, tensor, zeros } from './creation.js';
import { Tensor } from './tensor.js';

/**
 * A Float32Array that counts the elements read from it (through a Proxy, which Tensor accepts
 * as a Float32Array): one per index read, and all of them for any method (iteration, slice, …).
 */
function counting(length: number): { data: Float32Array; reads: () => number } {
  let reads = 0;
  const data = new Proxy(new Float32Array(length).fill(1.5), {
    get(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      reads += target.length;
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { data, reads: () => reads };
}

describe('toString', () => {
  test('a summarised tensor reads only the entries it prints', () => {
    const { data, reads } = counting(1000 * 1000);
    const text = new Tensor(data, [1000, 1000]).toString();
    expect(text.split('\n')).toHaveLength(7); // 3 rows, "...", 3 rows
    expect(text).toContain('[1.5000, 1.5000, 1.5000, ..., 1.5000, 1.5000, 1.5000]');
    expect(reads()).toBeLessThanOrEqual(2 * 36); // 6 × 6 printed entries, each read for the style and for printing
  });

  test('empty tensors print at once, with their size, whatever their other dimensions', () => {
    expect(zeros([0]).toString()).toBe('tensor([])');
    expect(zeros([2, 0]).toString()).toBe('tensor([], size=(2, 0))');
    expect(zeros([0, 3], { dtype: 'int32' }).toString()).toBe('tensor([], size=(0, 3), dtype=int32)');
    const started = performance.now();
    expect(zeros([2 ** 31, 0]).toString()).toBe('tensor([], size=(2147483648, 0))');
    expect(zeros([0, 2 ** 40, 2 ** 40]).toString()).toBe('tensor([], size=(0, 1099511627776, 1099511627776))');
    expect(performance.now() - started).toBeLessThan(500); // well under a millisecond; generous for shared machines
  });

  test('the style comes from the printed entries, as in PyTorch; non-finite values keep their width', () => {
    expect(tensor([Number.NaN, 1, -Infinity]).toString()).toBe('tensor([ nan,   1., -inf])');
    expect(arange(2000, undefined, 1, { dtype: 'float32' }).toString()).toBe('tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.])');
  });
});

describe("Node's inspect hook", () => {
  test('console.log and util.inspect print the values, reading only the printed entries', () => {
    const t = tensor([[1, 2.5], [3, 4]], { dtype: 'float64' });
    expect(inspect(t)).toBe(t.toString());
    expect(inspect(t)).toBe('tensor([[1.0000, 2.5000],\n        [3.0000, 4.0000]], dtype=float64)');
    expect(inspect({ weights: tensor([1, 2]) })).toBe('{ weights: tensor([1., 2.]) }');
    const { data, reads } = counting(1000 * 1000);
    expect(inspect(new Tensor(data, [1000, 1000])).split('\n')).toHaveLength(7);
    expect(reads()).toBeLessThanOrEqual(2 * 36);
  });

  test('the graph shows as PyTorch shows it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(inspect(x)).toBe('tensor([1., 2.], requiresGrad=true)');
    expect(inspect(x.mul(2))).toBe('tensor([2., 4.], gradFn=<Mul>)');
  });
});
