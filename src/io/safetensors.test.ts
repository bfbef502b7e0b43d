/**
 * safetensors: byte-exact writing, PyTorch interop, round trips, and every refusal.
 *
 * The fixtures in ./fixtures come from scripts/make-safetensors-fixtures.py (PyTorch 1.13; run it
 * from the repository root with /usr/bin/python3). That script also runs Sapling's writer and
 * reads its files back in PyTorch, so the interop is checked both ways; these tests need no Python.
 */
import fs, { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { randint, randn, tensor } from '../autograd/creation.js';
import type { DType } from '../autograd/dtype.js';
import { seededRandom } from '../autograd/random.js';
import { Tensor } from '../autograd/tensor.js';
import { writeFileAtomic } from './atomic-write.js';
import { deserialize, SafetensorsError } from './safetensors.js';
import { loadSafetensors, saveSafetensors, serialize } from './safetensors-file.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'sapling-safetensors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A file from a header (object or raw text) and data bytes, padded as the writer pads. */
function craft(header: object | string, data: Uint8Array | number[] = [], pad = true): Buffer {
  let json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  if (pad) json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, Buffer.from(data)]);
}
const f32 = (...values: number[]) => new Uint8Array(new Float32Array(values).buffer);
/** The message of what `fn` throws. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an exception');
}
const bitsEqual = (a: Tensor, b: Tensor) => {
  expect(a.dtype).toBe(b.dtype);
  expect(a.shape).toEqual(b.shape);
  const bytes = (t: Tensor) => Buffer.from(t.storage.buffer, t.storage.byteOffset, t.storage.byteLength);
  expect(bytes(a).equals(bytes(b))).toBe(true);
};

describe('writing: the exact bytes of the reference implementation', () => {
  test('the cases of the reference test suite', () => {
    // safetensors/src/tensor.rs, test_serialization: "attn.0" F32 [1,2,3] = 0…5. The JSON is
    // exactly 64 bytes, so no padding.
    const values = tensor([0, 1, 2, 3, 4, 5], [1, 2, 3]);
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(serialize({ 'attn.0': values })).toEqual(Buffer.concat([Buffer.from([64, 0, 0, 0, 0, 0, 0, 0]), Buffer.from(header), f32(0, 1, 2, 3, 4, 5)]));
    // test_serialization_forced_alignement: "attn0" [1,1,2,3]: 65 bytes of JSON + 7 spaces = 72.
    const header2 = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(serialize({ attn0: values.reshape([1, 1, 2, 3]) })).toEqual(
      Buffer.concat([Buffer.from([72, 0, 0, 0, 0, 0, 0, 0]), Buffer.from(header2 + ' '.repeat(7)), f32(0, 1, 2, 3, 4, 5)]),
    );
    // test_empty: no tensors, without and with metadata.
    expect(serialize({})).toEqual(Buffer.from([8, 0, 0, 0, 0, 0, 0, 0, ...Buffer.from('{}      ')]));
    expect(serialize({}, { framework: 'pt' })).toEqual(Buffer.concat([Buffer.from([40, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"__metadata__":{"framework":"pt"}}     ')]));
  });

  test('a mixed dict: byte-identical to the file the reference rules give (fixtures/reference.safetensors)', () => {
    // Tensors sorted by dtype (F64, F32, I32) then by UTF-8 name ("10" before "encoder…", "émbed"
    // after every ASCII name), metadata keys sorted, header padded to a multiple of 8.
    const ref = JSON.parse(readFileSync(join(fixtures, 'reference.json'), 'utf8')) as {
      metadata: Record<string, string>;
      tensors: { name: string; dtype: DType; shape: number[]; values: number[] }[];
    };
    const dict = Object.fromEntries(ref.tensors.map((t) => [t.name, tensor(t.values, t.shape, { dtype: t.dtype })]));
    const expected = readFileSync(join(fixtures, 'reference.safetensors'));
    expect(serialize(dict, ref.metadata).equals(expected)).toBe(true);
    const path = join(tmp, 'reference.safetensors');
    saveSafetensors(path, dict, ref.metadata);
    expect(readFileSync(path).equals(expected)).toBe(true);
    // Insertion order does not matter.
    const reversed = Object.fromEntries(Object.entries(dict).reverse());
    expect(serialize(reversed, ref.metadata).equals(expected)).toBe(true);
  });

  test('what cannot be written is refused before any byte is', () => {
    expect(() => serialize({ w: [1, 2] as unknown as Tensor })).toThrow('serialize: "w" is not a Tensor');
    expect(() => serialize({ __metadata__: tensor([1]) })).toThrow(/"__metadata__" is reserved/);
    expect(() => serialize({}, { epoch: 3 as unknown as string })).toThrow('serialize: metadata "epoch" is a number; metadata values must be strings');
    const path = join(tmp, 'never.safetensors');
    expect(() => saveSafetensors(path, { w: null as unknown as Tensor })).toThrow(/is not a Tensor/);
    expect(readdirSync(tmp)).not.toContain('never.safetensors');
  });
});

describe('reading a file written from PyTorch (fixtures/torch-state.safetensors)', () => {
  const expected = JSON.parse(readFileSync(join(fixtures, 'torch-state.json'), 'utf8')) as {
    torch: string;
    tensors: Record<string, { dtype: string; shape: number[]; values: (number | string)[] }>;
  };
  const loaded = loadSafetensors(join(fixtures, 'torch-state.safetensors'));
  const special: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

  test('every tensor, every dtype converted exactly, and the metadata', () => {
    expect(Object.keys(loaded.tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
    const saplingDtype: Record<string, DType> = { F64: 'float64', F32: 'float32', F16: 'float32', BF16: 'float32' };
    for (const [name, want] of Object.entries(expected.tensors)) {
      const t = loaded.tensors[name]!;
      expect(loaded.storedDtypes[name], name).toBe(want.dtype);
      expect(t.dtype, name).toBe(saplingDtype[want.dtype] ?? 'int32');
      expect(t.shape, name).toEqual(want.shape);
      want.values.forEach((v, i) => expect(Object.is(t.storage[i], typeof v === 'string' ? special[v] : v), `${name}[${i}]`).toBe(true));
    }
    expect(loaded.metadata).toEqual({ format: 'pt', written_by: 'scripts/make-safetensors-fixtures.py', torch: expected.torch });
  });

  test("a PyTorch model's state dict keeps PyTorch's names", () => {
    expect(loaded.tensors['0.weight']!.shape).toEqual([2, 1, 3, 3]);
    expect(loaded.tensors['1.running_var']!.shape).toEqual([2]);
    expect(loaded.tensors['1.num_batches_tracked']!.item()).toBe(1); // int64 0-d → int32
    expect(loaded.tensors['3.weight']!.shape).toEqual([3, 8]);
  });
});

describe('round trips', () => {
  test('float32, float64, int32 of many shapes come back bit for bit, through bytes and through a file', () => {
    const random = seededRandom(3);
    const special = new Float32Array([Number.NaN, -0, Infinity, -Infinity, 1e-45, 3.4e38]);
    const dict: Record<string, Tensor> = {
      'layer.0.weight': randn([3, 4], { random }),
      'layer.0.bias': randn([3], { dtype: 'float64', random }),
      'counts': randint(-1000, 1000, [2, 2, 2], { random }),
      'scalar': tensor(7, [], { dtype: 'int32' }),
      'empty': randn([0, 5], { random }),
      'special': new Tensor(special, [6]),
      'ünïcödé "name"\n': tensor([1]),
    };
    const back = deserialize(serialize(dict, { note: 'round trip' }));
    expect(back.metadata).toEqual({ note: 'round trip' });
    for (const [k, t] of Object.entries(dict)) bitsEqual(back.tensors[k]!, t);
    const path = join(tmp, 'round-trip.safetensors');
    saveSafetensors(path, dict);
    const fromFile = loadSafetensors(path);
    expect(fromFile.metadata).toBeNull();
    for (const [k, t] of Object.entries(dict)) bitsEqual(fromFile.tensors[k]!, t);
  });

  test('reading from an unaligned buffer (e.g. a slice of a larger one) works', () => {
    const bytes = serialize({ w: tensor([1.5, -2], [2], { dtype: 'float64' }) });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(deserialize(shifted.subarray(3)).tensors.w!.toArray()).toEqual([1.5, -2]);
  });

  test('with `expected`, names, shapes and dtypes must match', () => {
    const bytes = serialize({ w: tensor([[1, 2]]), extra: tensor([1]) });
    const message = thrown(() => deserialize(bytes, { expected: { w: { shape: [2, 1] }, b: { shape: [3], dtype: 'float32' } } }));
    expect(message).toBe(
      'safetensors: cannot load buffer: 3 problems:\n' +
        '  - missing key "b" (expected [3])\n' +
        '  - unexpected key "extra" (not in the expected state dict)\n' +
        '  - shape mismatch for "w": expected [2,1], found [1,2]',
    );
    expect(() => deserialize(bytes, { expected: { w: tensor([[1, 2]], { dtype: 'float64' }), extra: tensor([0]) } })).toThrow(
      'safetensors: cannot load buffer: dtype mismatch for "w": expected float64, found float32',
    );
    expect(Object.keys(deserialize(bytes, { expected: { w: { shape: [1, 2] }, extra: { shape: [1] } } }).tensors)).toEqual(['extra', 'w']);
  });
});

describe('refusals: each problem named, all of them at once', () => {
  const good = serialize({ a: tensor([1, 2]), b: tensor([3]) }); // a at [0,8), b at [8,12)

  test('too short, truncated, or a header length beyond the file or the limit', () => {
    expect(thrown(() => deserialize(good.subarray(0, 5)))).toBe('safetensors: cannot load buffer: the file is 5 bytes long, too short to hold the 8-byte header length');
    expect(thrown(() => deserialize(good.subarray(0, 40)))).toMatch(/the header length is \d+ bytes but only 32 bytes follow the length field: the file is truncated/);
    expect(thrown(() => deserialize(good.subarray(0, good.length - 1)))).toBe(
      'safetensors: cannot load buffer: "b" ends at byte 12 of the data, but the data section has only 11 bytes: the file is truncated or the offsets are wrong',
    );
    const huge = Buffer.from(good);
    huge.writeBigUInt64LE(2n ** 40n, 0);
    expect(thrown(() => deserialize(huge))).toMatch(/the header length is 1099511627776 bytes, above the limit of 100000000/);
  });

  test('a corrupted header: not JSON, not an object, not UTF-8', () => {
    const broken = Buffer.from(good);
    broken[20] = 0x7d; // a '}' in the middle of the JSON
    expect(thrown(() => deserialize(broken))).toMatch(/^safetensors: cannot load buffer: the header is not valid JSON: /);
    expect(thrown(() => deserialize(craft('[1, 2]')))).toBe("safetensors: cannot load buffer: the header does not start with '{' (it starts with \"[1, 2]  \")");
    expect(thrown(() => deserialize(craft('"text"')))).toMatch(/does not start with '\{'/);
    expect(thrown(() => deserialize(craft(Buffer.from([0x7b, 0xff, 0x7d]).toString('latin1'))))).toMatch(/the header is not valid UTF-8|not valid JSON/);
    const invalidUtf8 = Buffer.concat([Buffer.from([8, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0x20, 0x20])]);
    expect(thrown(() => deserialize(invalidUtf8))).toBe('safetensors: cannot load buffer: the header is not valid UTF-8');
  });

  test('offsets: out of range, overlapping, leaving a gap, leaving trailing bytes, disagreeing with the shape', () => {
    const entry = (dtype: string, shape: number[], offsets: number[]) => ({ dtype, shape, data_offsets: offsets });
    expect(thrown(() => deserialize(craft({ a: entry('F32', [2], [0, 8]), b: entry('F32', [2], [4, 12]) }, f32(1, 2, 3))))).toBe(
      'safetensors: cannot load buffer: "b" at [4, 12) overlaps "a" at [0, 8)',
    );
    expect(thrown(() => deserialize(craft({ a: entry('F32', [1], [4, 8]) }, f32(1, 2))))).toBe(
      'safetensors: cannot load buffer: bytes [0, 4) of the data belong to no tensor (a gap before "a")',
    );
    expect(thrown(() => deserialize(craft({ a: entry('F32', [1], [0, 4]) }, f32(1, 2))))).toBe(
      'safetensors: cannot load buffer: 4 bytes after the last tensor belong to no tensor (the data section has 8 bytes, the tensors end at 4)',
    );
    expect(thrown(() => deserialize(craft({ a: entry('F32', [100], [0, 400]) }, f32(1))))).toBe(
      'safetensors: cannot load buffer: "a" ends at byte 400 of the data, but the data section has only 4 bytes: the file is truncated or the offsets are wrong',
    );
    expect(thrown(() => deserialize(craft({ a: entry('F32', [2, 2], [0, 8]) }, f32(1, 2))))).toBe(
      'safetensors: cannot load buffer: "a": shape [2,2] of F32 needs 16 bytes, but data_offsets [0, 8] span 8',
    );
    expect(thrown(() => deserialize(craft({ a: entry('F32', [1], [8, 4]) }, f32(1, 2))))).toMatch(/"a" has data_offsets \[8,4\], which is not \[begin, end\] with 0 ≤ begin ≤ end/);
    expect(thrown(() => deserialize(craft({ a: entry('F32', [1], [-4, 0]) }, [])))).toMatch(/data_offsets \[-4,0\]/);
  });

  test('entries: unknown dtype, bad shape, missing and unknown fields, bad metadata', () => {
    expect(thrown(() => deserialize(craft({ a: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, new Uint8Array(16))))).toMatch(
      /"a" has dtype "F128", which is not one of BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64/,
    );
    expect(thrown(() => deserialize(craft({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, f32(1))))).toMatch(/"a" has shape \[1.5\], which is not a list of non-negative integers/);
    expect(thrown(() => deserialize(craft({ a: { dtype: 'F32', shape: [1] } }, f32(1))))).toMatch(/"a" has data_offsets undefined/);
    expect(thrown(() => deserialize(craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4], offsets: [0, 4] } }, f32(1))))).toMatch(/"a" has unknown fields "offsets"/);
    expect(thrown(() => deserialize(craft({ a: [1, 2] })))).toMatch(/"a" must be an object with dtype, shape and data_offsets/);
    expect(thrown(() => deserialize(craft({ __metadata__: { epoch: 3 } })))).toBe('safetensors: cannot load buffer: "__metadata__" entry "epoch" is not a string');
  });

  test('several problems are listed together', () => {
    const message = thrown(() =>
      deserialize(craft({ __metadata__: 'x', a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] }, b: { dtype: 'Q', shape: [1], data_offsets: [8, 12] } }, f32(1, 2, 3))),
    );
    expect(message).toBe(
      'safetensors: cannot load buffer: 3 problems:\n' +
        '  - "__metadata__" must be an object of string values\n' +
        '  - "a": shape [3] of F32 needs 12 bytes, but data_offsets [0, 8] span 8\n' +
        '  - "b" has dtype "Q", which is not one of BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64',
    );
    const tiling = thrown(() =>
      deserialize(craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] }, c: { dtype: 'F32', shape: [1], data_offsets: [12, 16] } }, f32(1, 2, 3, 4, 5))),
    );
    expect(tiling).toBe(
      'safetensors: cannot load buffer: 3 problems:\n' +
        '  - "b" at [4, 8) overlaps "a" at [0, 8)\n' +
        '  - bytes [8, 12) of the data belong to no tensor (a gap before "c")\n' +
        '  - 4 bytes after the last tensor belong to no tensor (the data section has 20 bytes, the tensors end at 16)',
    );
    let error: unknown = null;
    try {
      deserialize(craft({ a: { dtype: 'Q', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 4] } }, f32(1)));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SafetensorsError);
    expect((error as SafetensorsError).problems).toHaveLength(2);
  });

  test('values that do not fit int32 are refused; the others are converted', () => {
    const i64 = (...values: bigint[]) => new Uint8Array(new BigInt64Array(values).buffer);
    const ok = deserialize(craft({ x: { dtype: 'I64', shape: [3], data_offsets: [0, 24] } }, i64(-5n, 2n ** 31n - 1n, -(2n ** 31n))));
    expect(ok.tensors.x!.toArray()).toEqual([-5, 2 ** 31 - 1, -(2 ** 31)]);
    expect(thrown(() => deserialize(craft({ x: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, i64(1n, 2n ** 31n))))).toBe(
      'safetensors: cannot load buffer: "x" (I64) holds 2147483648 at element 1, outside the int32 range Sapling can convert it to',
    );
    expect(thrown(() => deserialize(craft({ x: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, i64(-(2n ** 40n)))))).toMatch(/holds -1099511627776 at element 0/);
    expect(thrown(() => deserialize(craft({ x: { dtype: 'U64', shape: [1], data_offsets: [0, 8] } }, i64(-1n))))).toMatch(/"x" \(U64\) holds 18446744073709551615/);
    expect(thrown(() => deserialize(craft({ x: { dtype: 'U32', shape: [1], data_offsets: [0, 4] } }, [0, 0, 0, 0x80])))).toMatch(/"x" \(U32\) holds 2147483648 at element 0/);
    expect(thrown(() => deserialize(craft({ x: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] } }, [1, 2])))).toMatch(/"x" \(BOOL\) holds 2 at element 1, outside the range 0…1/);
    // float8: E4M3 0x38 = 1, 0x7e = 448 (its largest), 0x01 = 2⁻⁹, 0x7f = NaN; E5M2 0x3c = 1, 0x7c = ∞.
    const f8 = deserialize(craft({ a: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] }, b: { dtype: 'F8_E5M2', shape: [2], data_offsets: [4, 6] } }, [0x38, 0x7e, 0x01, 0x7f, 0x3c, 0x7c]));
    expect(f8.tensors.a!.toArray()).toEqual([1, 448, 2 ** -9, Number.NaN]);
    expect(f8.tensors.b!.toArray()).toEqual([1, Infinity]);
    const u16 = deserialize(craft({ a: { dtype: 'U16', shape: [1], data_offsets: [0, 2] } }, [0xff, 0xff]));
    expect(u16.tensors.a!.toArray()).toEqual([65535]);
  });

  test('a missing file is named', () => {
    expect(() => loadSafetensors(join(tmp, 'absent.safetensors'))).toThrow(/safetensors: cannot read .*absent\.safetensors/);
  });
});

describe('atomic writes', () => {
  const leftovers = () => readdirSync(tmp).filter((f) => f.endsWith('.tmp'));

  test('a writer that throws midway leaves the previous file intact and no temporary file', () => {
    const path = join(tmp, 'atomic.bin');
    writeFileSync(path, 'previous contents');
    function* failing(): Generator<Uint8Array> {
      yield Buffer.from('new header…');
      throw new Error('disk full (simulated)');
    }
    expect(() => writeFileAtomic(path, failing())).toThrow('disk full (simulated)');
    expect(readFileSync(path, 'utf8')).toBe('previous contents');
    expect(leftovers()).toEqual([]);
    // And where no file existed, none appears.
    const fresh = join(tmp, 'fresh.bin');
    expect(() => writeFileAtomic(fresh, failing())).toThrow(/simulated/);
    expect(readdirSync(tmp)).not.toContain('fresh.bin');
  });

  test('saveSafetensors failing while streaming tensor data leaves the old checkpoint', () => {
    const path = join(tmp, 'model.safetensors');
    saveSafetensors(path, { w: tensor([1, 2, 3]) });
    const before = readFileSync(path);
    // The disk fails after the length and the header were written, in the middle of the data.
    let writes = 0;
    const realWriteSync = fs.writeSync;
    const spy = vi.spyOn(fs, 'writeSync').mockImplementation(((...args: Parameters<typeof realWriteSync>) => {
      if (++writes === 3) throw new Error('disk lost (simulated)');
      return realWriteSync(...args);
    }) as typeof realWriteSync);
    syncBuiltinESMExports(); // the named import in atomic-write.ts sees the spy
    try {
      expect(() => saveSafetensors(path, { a: tensor([1]), z: tensor([4, 5, 6]) })).toThrow('disk lost (simulated)');
      expect(writes).toBe(3);
    } finally {
      spy.mockRestore();
      syncBuiltinESMExports();
    }
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  test('a successful write replaces the file whole', () => {
    const path = join(tmp, 'replace.safetensors');
    saveSafetensors(path, { w: tensor([1, 2, 3]) });
    saveSafetensors(path, { v: tensor([9]) });
    expect(Object.keys(loadSafetensors(path).tensors)).toEqual(['v']);
    expect(leftovers()).toEqual([]);
  });
});
