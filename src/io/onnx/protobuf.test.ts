/**
 * The wire format against the worked examples of the Protocol Buffers encoding guide
 * (protobuf.dev/programming-guides/encoding): `a = 150` is 08 96 01, `b = "testing"` is
 * 12 07 74 65 73 74 69 6e 67, a nested message holding a = 150 in field 3 is 1a 03 08 96 01.
 * The rest (negative int64, float, raw tensor data) follows from the same rules, worked by hand.
 */
import { describe, expect, test } from 'vitest';
import { ProtoWriter } from './protobuf.js';
import { encodeTensor } from './onnx-proto.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('ProtoWriter', () => {
  test("the encoding guide's examples", () => {
    expect(hex(new ProtoWriter().int(1, 150).finish())).toBe('089601');
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('120774657374696e67');
    expect(hex(new ProtoWriter().bytes(3, new ProtoWriter().int(1, 150).finish()).finish())).toBe('1a03089601');
  });

  test('a negative int64 is its 64-bit two’s complement: ten bytes', () => {
    expect(hex(new ProtoWriter().int(1, -1).finish())).toBe('08ffffffffffffffffff01');
    expect(hex(new ProtoWriter().int(1, 0).finish())).toBe('0800');
  });

  test('a float is wire type 5, four little-endian bytes; fields keep their order', () => {
    expect(hex(new ProtoWriter().float(2, 1).int(20, 1).finish())).toBe('150000803fa00101');
  });

  test('a non-integer int is refused', () => {
    expect(() => new ProtoWriter().int(3, 1.5)).toThrow(/field 3 needs an integer, got 1.5/);
  });
});

describe('encodeTensor', () => {
  test('dims, data_type, name and raw little-endian data, int64 included', () => {
    // dims 2 (08 02), data_type INT64 = 7 (10 07), name "s" (42 01 73), raw_data 16 bytes (4a 10 …)
    expect(hex(encodeTensor({ name: 's', dtype: 'int64', dims: [2], data: [1, -2] }))).toBe(
      '0802' + '1007' + '420173' + '4a10' + '0100000000000000' + 'feffffffffffffff',
    );
    expect(hex(encodeTensor({ name: 'f', dtype: 'float32', dims: [], data: Float32Array.of(-2) }))).toBe('1001' + '420166' + '4a04' + '000000c0');
  });

  test('refuses data that does not match the dims or the dtype', () => {
    expect(() => encodeTensor({ name: 'w', dtype: 'float32', dims: [2, 2], data: Float32Array.of(1) })).toThrow(/'w' has dims \[2,2\] \(4 elements\) but 1 values/);
    expect(() => encodeTensor({ name: 'w', dtype: 'float64', dims: [1], data: Float32Array.of(1) })).toThrow(/'w' is float64 but its data is a Float32Array/);
  });
});
