/**
 * safetensors-decode — converting the dtypes Sapling lacks, one piece of raw bytes at a time.
 *
 * F32, F64 and I32 are Sapling dtypes and are read straight into their typed array (see
 * safetensors.ts). The others are converted: F16, BF16 and the two F8 formats to float32
 * (exactly: every value of theirs is a float32), I64, U64, U32, I16, U16, I8, U8 and BOOL to
 * int32, refusing a value that int32 cannot hold (or a BOOL byte other than 0 and 1). The raw
 * bytes are read and converted in pieces of `CONVERT_PIECE_BYTES`, so a converted tensor costs
 * its Sapling array plus one piece, however large it is.
 */
import type { DataArray } from '../autograd/dtype.js';

export type ConvertedDType = 'F16' | 'BF16' | 'F8_E5M2' | 'F8_E4M3' | 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'U32' | 'I64' | 'U64';

/** Raw bytes converted at a time (a multiple of every item size). */
export const CONVERT_PIECE_BYTES = 16 * 2 ** 20;

export const CONVERTED_ITEM_BYTES: Record<ConvertedDType, number> = { F16: 2, BF16: 2, F8_E5M2: 1, F8_E4M3: 1, BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, U32: 4, I64: 8, U64: 8 };

/** The Sapling array a converted dtype becomes: float32 for the floats, int32 for the integers. */
export function outputFor(dtype: ConvertedDType, n: number): Float32Array | Int32Array {
  return dtype === 'F16' || dtype === 'BF16' || dtype === 'F8_E5M2' || dtype === 'F8_E4M3' ? new Float32Array(n) : new Int32Array(n);
}

/**
 * Converts the elements in `raw` (a fresh, element-aligned piece) into `out` from element
 * `first` on; returns false after noting in `problems` the first value int32 cannot hold.
 */
export function convertInto(name: string, dtype: ConvertedDType, raw: Uint8Array, out: DataArray, first: number, problems: { push(p: string): void }): boolean {
  const n = raw.byteLength / CONVERTED_ITEM_BYTES[dtype];
  const refuse = (value: number | bigint, i: number, range: string): false => {
    problems.push(`"${name}" (${dtype}) holds ${value} at element ${first + i}, outside the ${range} Sapling can convert it to`);
    return false;
  };
  const { buffer, byteOffset } = raw;
  switch (dtype) {
    case 'F16': {
      const half = new Uint16Array(buffer, byteOffset, n);
      for (let i = 0; i < n; i++) out[first + i] = halfToFloat(half[i]!);
      return true;
    }
    case 'BF16': {
      // bfloat16 is the high half of a float32: we write the bits through an integer view.
      const half = new Uint16Array(buffer, byteOffset, n);
      const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
      for (let i = 0; i < n; i++) bits[first + i] = half[i]! << 16;
      return true;
    }
    case 'F8_E5M2': // the high byte of a float16
      for (let i = 0; i < n; i++) out[first + i] = halfToFloat(raw[i]! << 8);
      return true;
    case 'F8_E4M3':
      for (let i = 0; i < n; i++) out[first + i] = e4m3ToFloat(raw[i]!);
      return true;
    case 'BOOL': {
      const bad = raw.findIndex((v) => v > 1);
      if (bad >= 0) return refuse(raw[bad]!, bad, 'range 0…1 (int32 0/1) that');
      out.set(raw, first);
      return true;
    }
    case 'U8':
      out.set(raw, first);
      return true;
    case 'I8':
      out.set(new Int8Array(buffer, byteOffset, n), first);
      return true;
    case 'I16':
      out.set(new Int16Array(buffer, byteOffset, n), first);
      return true;
    case 'U16':
      out.set(new Uint16Array(buffer, byteOffset, n), first);
      return true;
    case 'U32': {
      const values = new Uint32Array(buffer, byteOffset, n);
      const bad = values.findIndex((v) => v > 2 ** 31 - 1);
      if (bad >= 0) return refuse(values[bad]!, bad, 'int32 range');
      out.set(new Int32Array(buffer, byteOffset, n), first);
      return true;
    }
    case 'I64':
    case 'U64': {
      // Each 64-bit integer as two 32-bit words, low word first; it fits int32 when the high
      // word is the sign extension of the low word.
      const words = new Int32Array(buffer, byteOffset, 2 * n);
      for (let i = 0; i < n; i++) {
        const low = words[2 * i]!;
        const high = words[2 * i + 1]!;
        if (high !== (low < 0 && dtype === 'I64' ? -1 : 0)) {
          const value = dtype === 'I64' ? BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low >>> 0)) : (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
          return refuse(value, i, 'int32 range');
        }
        out[first + i] = low;
      }
      return true;
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
