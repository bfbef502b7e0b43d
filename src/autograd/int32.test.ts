/**
 * int32 — never silently wrong: values int32 cannot hold are refused where tensors are made
 * (non-integers are truncated toward zero, as in PyTorch), and integer reductions are exact or
 * refused, never wrapped. Expected values are worked out by hand (BigInt where they are large).
 */
import { describe, expect, test } from 'vitest';
import { reduce } from './backends/cpu/reduce.js';
import { arange, full, linspace, ones, randint, tensor, zeros } from './creation.js';
import { Tensor } from './tensor.js';

describe('making int32 tensors', () => {
  test('non-integers are truncated toward zero, as in PyTorch', () => {
    expect(tensor([1.7, -1.7, -0.5, 2147483647.9, -2147483648.9], { dtype: 'int32' }).toArray()).toEqual([1, -1, 0, 2147483647, -2147483648]);
    expect(tensor(new Float32Array([2.5, -3.5]), [2], { dtype: 'int32' }).toArray()).toEqual([2, -3]);
    expect(tensor(new Int32Array([-(2 ** 31), 2 ** 31 - 1])).toArray()).toEqual([-(2 ** 31), 2 ** 31 - 1]);
  });

  test('values int32 cannot hold, NaN and ±Infinity are refused, naming the value and the element', () => {
    expect(() => tensor([3e9, Number.NaN, 1.7], { dtype: 'int32' })).toThrow(
      new RangeError('tensor: 3000000000 (element 0) cannot be stored as int32, which holds integers from -2147483648 to 2147483647'),
    );
    expect(() => tensor([1, Number.NaN], { dtype: 'int32' })).toThrow(/tensor: NaN \(element 1\) cannot be stored as int32/);
    expect(() => tensor([[1], [-Infinity]], { dtype: 'int32' })).toThrow(/-Infinity \(element 1\)/);
    expect(() => tensor(new Float64Array([2 ** 31]), [1], { dtype: 'int32' })).toThrow(/2147483648 \(element 0\)/);
    expect(() => full([2], 3e9, { dtype: 'int32' })).toThrow(/^full: 3000000000 cannot be stored as int32/);
    expect(() => full([2], Number.NaN, { dtype: 'int32' })).toThrow(/full: NaN cannot be stored as int32/);
    expect(full([2], 7.9, { dtype: 'int32' }).toArray()).toEqual([7, 7]);
    expect(() => arange(2 ** 31 - 2, 2 ** 31 + 1)).toThrow(/arange: 2147483648 \(element 2\) cannot be stored as int32/);
    expect(arange(2 ** 31 - 2, 2 ** 31 + 1, 1, { dtype: 'float64' }).toArray()).toEqual([2 ** 31 - 2, 2 ** 31 - 1, 2 ** 31]);
    expect(() => linspace(0, 3e9, 3, { dtype: 'int32' })).toThrow(/linspace: 3000000000 \(element 2\)|linspace: 3000000000 cannot/);
    expect(linspace(0, 1, 3, { dtype: 'int32' }).toArray()).toEqual([0, 0, 1]);
    expect(() => randint(0, 2 ** 32, [2])).toThrow(/randint: 4294967295 cannot be stored as int32/);
    expect(randint(0, 2 ** 32, [2], { dtype: 'float64' }).dtype).toBe('float64');
  });
});

describe('converting to int32', () => {
  test("x.to('int32') truncates toward zero and refuses what int32 cannot hold, as tensor() does", () => {
    expect(tensor([2.9, -2.9, 2147483647.5, -2147483648.5], { dtype: 'float64' }).to('int32').toArray()).toEqual([2, -2, 2147483647, -2147483648]);
    expect(() => tensor([1, 3e9], { dtype: 'float64' }).to('int32')).toThrow(
      new RangeError("to('int32'): 3000000000 (element 1) cannot be stored as int32, which holds integers from -2147483648 to 2147483647"),
    );
    expect(() => tensor([Number.NaN]).to('int32')).toThrow(/to\('int32'\): NaN \(element 0\) cannot be stored as int32/);
    expect(() => tensor([-Infinity]).to('int32')).toThrow(/-Infinity \(element 0\)/);
    expect(() => tensor([2 ** 31], { dtype: 'float64' }).to('int32')).toThrow(/2147483648 \(element 0\)/);
  });
});

describe('int32 reductions are exact or refused', () => {
  test('a sum that int32 cannot hold is refused; one that fits is exact, whatever its partial sums', () => {
    expect(() => tensor([2e9, 2e9, 2e9], { dtype: 'int32' }).sum()).toThrow(
      /^sum: the int32 result 6000000000 \(element 0\) of reducing \[3\] does not fit int32 \(-2147483648…2147483647\); convert to float64 first/,
    );
    expect(tensor([2e9, 2e9, -2e9], { dtype: 'int32' }).sum().item()).toBe(2e9);
    // The streaming path (reducing a leading axis) and non-adjacent axes.
    const m = tensor([[2e9, 1], [2e9, 1]], { dtype: 'int32' });
    expect(() => m.sum(0)).toThrow(/sum: the int32 result 4000000000 \(element 0\) of reducing \[2,2\]/);
    expect(m.sum(1).toArray()).toEqual([2000000001, 2000000001]);
    const cube = tensor([[[2e9, -2e9]], [[2e9, -2e9]]], { dtype: 'int32' }); // [2, 1, 2]
    expect(cube.sum([0, 2]).toArray()).toEqual([0]); // partial sums over axis 0 alone would overflow
    expect(m.to('float64').sum(0).toArray()).toEqual([4e9, 2]);
  });

  test('sums longer than 2²¹ values carry exactly, on both loop layouts', () => {
    // a_0 … a_{h−1}, 7, −a_{h−1} … −a_0: pseudo-random values over the whole int32 range whose
    // running totals wander far beyond int32 (and the float64 blocks' 2⁵²), with total exactly 7.
    const h = 2 ** 21 + 2 ** 19;
    const r = 2 * h + 1;
    const column = new Int32Array(r);
    let state = 12345;
    for (let i = 0; i < h; i++) {
      state = (Math.imul(state, 1103515245) + 12345) | 0;
      const a = state === -(2 ** 31) ? 1 : state;
      column[i] = a;
      column[r - 1 - i] = -a;
    }
    column[h] = 7;
    expect(new Tensor(column, [r]).sum().item()).toBe(7);
    const matrix = new Int32Array(2 * r); // [r, 2]: both columns, the second one more
    for (let i = 0; i < r; i++) [matrix[2 * i], matrix[2 * i + 1]] = [column[i]!, column[i]! + (i === h ? 1 : 0)];
    expect(new Tensor(matrix, [r, 2]).sum(0).toArray()).toEqual([7, 8]);
    column[h] = 2 ** 31 - 1;
    expect(new Tensor(column, [r]).sum().item()).toBe(2 ** 31 - 1);
    column[0] = column[0]! + 1;
    expect(() => new Tensor(column, [r]).sum()).toThrow(/the int32 result 2147483648 /);
  });

  test('products: overflow refused; a 0 after an overflow of float64 still gives exactly 0', () => {
    expect(() => reduce('prod', tensor([65536, 65536], { dtype: 'int32' }), [0], false)).toThrow(/prod: the int32 result 4294967296/);
    expect(reduce('prod', tensor([-46340, 46340], { dtype: 'int32' }), [0], false).item()).toBe(-2147395600);
    const overflowThenZero = tensor([...Array<number>(40).fill(2 ** 31 - 1), 0], { dtype: 'int32' });
    expect(reduce('prod', overflowThenZero, [0], false).item()).toBe(0);
    expect(reduce('prod', overflowThenZero.reshape([41, 1]), [0], false).toArray()).toEqual([0]);
  });
});

describe('empty and huge-but-empty reductions', () => {
  test('zeros([2³¹, 0]).sum(0) returns at once; max over an empty axis stays an error', () => {
    const started = performance.now();
    expect(zeros([2 ** 31, 0]).sum(0).shape).toEqual([0]);
    expect(zeros([2 ** 31, 0]).mean(0).shape).toEqual([0]);
    expect(zeros([3, 2 ** 31, 0]).sum(1).shape).toEqual([3, 0]);
    expect(zeros([2 ** 31, 0], { dtype: 'int32' }).sum([0]).shape).toEqual([0]);
    expect(performance.now() - started).toBeLessThan(500);
    expect(zeros([2, 0]).sum(1).toArray()).toEqual([0, 0]);
    expect(() => zeros([2, 0]).max(1)).toThrow(/max: cannot reduce an empty axis of \[2,0\]/);
    expect(ones([0]).sum().item()).toBe(0);
  });
});
