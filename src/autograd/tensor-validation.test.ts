/**
 * The public Tensor constructor checks what it wraps as `full` does: a shape of non-negative
 * integers, and one of the three storage types (the dtype follows it; nothing is relabelled).
 * Oversize allocations name the op, the shape and the size instead of V8's bare message.
 */
import { describe, expect, test } from 'vitest';
import { randn, zeros } from './creation.js';
import { Tensor } from './tensor.js';

describe('new Tensor(data, shape)', () => {
  test('shapes with negative, fractional or non-numeric sizes are refused', () => {
    const one = new Float32Array(1);
    expect(() => new Tensor(one, [-1, -1])).toThrow(new RangeError('Tensor: invalid shape [-1,-1]: sizes must be non-negative integers'));
    expect(() => new Tensor(new Float32Array(1), [0.5, 2])).toThrow(/Tensor: invalid shape \[0.5,2\]/);
    expect(() => new Tensor(one, [Number.NaN])).toThrow(/invalid shape/);
    expect(() => new Tensor(one, ['1'] as never)).toThrow(/invalid shape/);
    expect(() => new Tensor(one, 1 as never)).toThrow(/Tensor: shape must be an array of sizes/);
  });

  test('storage must be a Float32Array, Float64Array or Int32Array', () => {
    expect(() => new Tensor(new Uint8Array(2) as never, [2])).toThrow(
      new TypeError('Tensor: storage must be a Float32Array, Float64Array or Int32Array, got Uint8Array (use tensor() to convert)'),
    );
    expect(() => new Tensor(new Uint32Array(2) as never, [2])).toThrow(/got Uint32Array/);
    expect(() => new Tensor([1, 2] as never, [2])).toThrow(/got an array/);
    expect(() => new Tensor(null as never, [])).toThrow(/got null/);
    expect(new Tensor(new Int32Array(2), [2]).dtype).toBe('int32');
    expect(new Tensor(new Float64Array(0), [3, 0]).dtype).toBe('float64');
  });
});

describe('allocations too large for the engine', () => {
  test('name the op, the shape and the size', () => {
    expect(() => zeros([1e10])).toThrow(/^zeros: shape \[10000000000\]: cannot allocate 10000000000 float32 elements \(40000000000 bytes\): /);
    expect(() => randn([1e6, 1e6], { dtype: 'float64' })).toThrow(/^randn: shape \[1000000,1000000\]: cannot allocate 1000000000000 float64 elements \(8000000000000 bytes\)/);
    // Inside a kernel (a broadcast to 10¹⁰ elements) the size is named too.
    expect(() => zeros([1e5, 1]).add(zeros([1, 1e5]))).toThrow(/cannot allocate 10000000000 float32 elements/);
  });
});
