/**
 * safetensors-decode — one tensor's raw little-endian bytes as a Sapling typed array.
 *
 * F32, F64 and I32 are Sapling dtypes and are read straight into their typed array (no
 * conversion, see safetensors.ts). The others are converted: F16, BF16 and the two F8 formats
 * to float32 (exactly: every value of theirs is a float32), I64, U64, U32, I16, U16, I8, U8 and
 * BOOL to int32, refusing a value that int32 cannot hold (or a BOOL byte other than 0 and 1).
 * A converted tensor costs its raw bytes and its Sapling array while it is decoded.
 */
import type { DataArray } from '../autograd/dtype.js';

export type ConvertedDType = 'F16' | 'BF16' | 'F8_E5M2' | 'F8_E4M3' | 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'U32' | 'I64' | 'U64';

/**
 * The values of `raw` (whose buffer is its own, so element-aligned) converted to float32 or
 * int32, or null after noting in `problems` the first value that int32 cannot hold.
 */
export function convert(name: string, dtype: ConvertedDType, raw: Uint8Array, problems: { push(p: string): void }): DataArray | null {
  const view = <T>(make: (buffer: ArrayBufferLike, offset: number, length: number) => T, bytes: number): T => make(raw.buffer, raw.byteOffset, raw.byteLength / bytes);
  const refuse = (value: number | bigint, i: number, range: string): null => {
    problems.push(`"${name}" (${dtype}) holds ${value} at element ${i}, outside the ${range} Sapling can convert it to`);
    return null;
  };
  switch (dtype) {
    case 'F16':
      return Float32Array.from(view((b, o, n) => new Uint16Array(b, o, n), 2), halfToFloat);
    case 'BF16': {
      // bfloat16 is the high half of a float32.
      const bits = Uint32Array.from(view((b, o, n) => new Uint16Array(b, o, n), 2), (h) => h << 16);
      return new Float32Array(bits.buffer);
    }
    case 'F8_E5M2': // the high byte of a float16
      return Float32Array.from(raw, (b) => halfToFloat(b << 8));
    case 'F8_E4M3':
      return Float32Array.from(raw, e4m3ToFloat);
    case 'BOOL': {
      const bad = raw.findIndex((v) => v > 1);
      return bad >= 0 ? refuse(raw[bad]!, bad, 'range 0…1 (int32 0/1) that') : new Int32Array(raw);
    }
    case 'U8':
      return new Int32Array(raw);
    case 'I8':
      return new Int32Array(view((b, o, n) => new Int8Array(b, o, n), 1));
    case 'I16':
      return new Int32Array(view((b, o, n) => new Int16Array(b, o, n), 2));
    case 'U16':
      return new Int32Array(view((b, o, n) => new Uint16Array(b, o, n), 2));
    case 'U32': {
      const values = view((b, o, n) => new Uint32Array(b, o, n), 4);
      const bad = values.findIndex((v) => v > 2 ** 31 - 1);
      return bad >= 0 ? refuse(values[bad]!, bad, 'int32 range') : new Int32Array(values.buffer, values.byteOffset, values.length);
    }
    case 'I64':
    case 'U64': {
      // Each 64-bit integer as two 32-bit words, low word first; it fits int32 when the high
      // word is the sign extension of the low word.
      const words = view((b, o, n) => new Int32Array(b, o, n), 4);
      const out = new Int32Array(words.length / 2);
      for (let i = 0; i < out.length; i++) {
        const low = words[2 * i]!;
        const high = words[2 * i + 1]!;
        if (high !== (low < 0 && dtype === 'I64' ? -1 : 0)) {
          const value = dtype === 'I64' ? BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low >>> 0)) : (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
          return refuse(value, i, 'int32 range');
        }
        out[i] = low;
      }
      return out;
    }
  }
}

/** IEEE 754 binary16 bits → number (exact: every half is a float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // subnormal (and ±0)
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** float8 E4M3 ("fn": no infinities; S.1111.111 is NaN) bits → number, bias 7. */
export function e4m3ToFloat(b: number): number {
  const sign = b & 0x80 ? -1 : 1;
  const exponent = (b >> 3) & 0xf;
  const mantissa = b & 0x7;
  if (exponent === 0) return sign * mantissa * 2 ** -9;
  if (exponent === 0xf && mantissa === 7) return Number.NaN;
  return sign * (1 + mantissa / 8) * 2 ** (exponent - 7);
}
