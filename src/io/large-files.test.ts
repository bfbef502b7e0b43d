/**
 * Large files: saving streams the tensors from their storage, loading reads them by positioned
 * reads straight into their typed arrays, so what saves also loads, past 2 GiB too, with memory
 * bounded by the tensors themselves. The fast tests prove the piecewise paths on small files and
 * measure peak memory in a child process on 128 MiB files; SAPLING_BIG_FILES=1 also writes and
 * reads a 2.5 GiB tensor (about a minute, 5 GB of memory and disk).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { randn, tensor } from '../autograd/creation.js';
import { seededRandom } from '../autograd/random.js';
import { Tensor } from '../autograd/tensor.js';
import { bytePieces } from './byte-source.js';
import { openFileSource } from './file-source.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';
import { CONVERT_PIECE_BYTES } from './safetensors-decode.js';
import { deserialize, readSafetensors, SafetensorsError } from './safetensors.js';
import { loadSafetensors, saveSafetensors, serialize } from './safetensors-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'sapling-large-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const MiB = 2 ** 20;

/** A file from a header object and data bytes, padded as the writer pads. */
function craft(header: object, data: Uint8Array): Buffer {
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, data]);
}

describe('reading and writing in pieces', () => {
  test('bytePieces cuts a range into views of at most maxBytes, in order, sharing the memory', () => {
    const buffer = new ArrayBuffer(10);
    const pieces = [...bytePieces(buffer, 1, 9, 4)];
    expect(pieces.map((p) => [p.byteOffset, p.byteLength])).toEqual([[1, 4], [5, 4], [9, 1]]);
    expect(pieces.every((p) => p.buffer === buffer)).toBe(true);
    expect([...bytePieces(buffer, 0, 0, 4)]).toEqual([]);
  });

  test('a file read through 7-byte positioned reads gives the same tensors', () => {
    const random = seededRandom(5);
    const dict = { a: randn([33, 5], { random }), b: randn([7], { dtype: 'float64', random }), c: tensor([1, -2, 3], { dtype: 'int32' }) };
    const path = join(tmp, 'pieces.safetensors');
    saveSafetensors(path, dict, { note: 'x' });
    const source = openFileSource(path, 7);
    try {
      const back = readSafetensors(source, { source: path });
      for (const [k, t] of Object.entries(dict)) expect(Buffer.from(back.tensors[k]!.storage.buffer).equals(Buffer.from(t.storage.buffer))).toBe(true);
      expect(back.metadata?.note).toBe('x');
    } finally {
      source.close();
    }
    expect(readFileSync(path).equals(serialize(dict, { note: 'x' }))).toBe(true);
  });

  test('converted dtypes are decoded across piece boundaries, with element indices counted from the start', () => {
    const n = CONVERT_PIECE_BYTES / 2 + 3; // F16: just over one piece
    const half = new Uint16Array(n);
    for (let i = 0; i < n; i++) half[i] = 0x3c00 + (i % 1024); // 1 + (i mod 1024)/1024
    const f16 = deserialize(craft({ h: { dtype: 'F16', shape: [n], data_offsets: [0, 2 * n] } }, new Uint8Array(half.buffer))).tensors.h!;
    expect([f16.storage[0], f16.storage[1], f16.storage[n - 1]]).toEqual([1, 1 + 1 / 1024, 1 + ((n - 1) % 1024) / 1024]);
    const m = CONVERT_PIECE_BYTES / 8 + 2; // I64: the bad value in the second piece
    const big = new BigInt64Array(m);
    big[m - 1] = 2n ** 40n;
    const error = (() => {
      try {
        deserialize(craft({ x: { dtype: 'I64', shape: [m], data_offsets: [0, 8 * m] } }, new Uint8Array(big.buffer)));
      } catch (e) {
        return e as SafetensorsError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.problems).toEqual([`"x" (I64) holds 1099511627776 at element ${m - 1}, outside the int32 range Sapling can convert it to`]);
  });
});

describe('peak memory (measured in a child process, 128 MiB files)', () => {
  const index = fileURLToPath(new URL('../node.ts', import.meta.url));
  const tensorModule = fileURLToPath(new URL('../autograd/tensor.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

  /** Runs `body` in a fresh process; it reports the growth of peak RSS over the RSS before each step, in MiB. */
  function measure(body: string[]): Record<string, number> {
    const script = join(tmp, `probe-${Math.random().toString(36).slice(2)}.mts`);
    writeFileSync(script, [
      `import * as io from ${JSON.stringify(index)};`,
      `import { Tensor } from ${JSON.stringify(tensorModule)};`,
      'const out = {};',
      'const step = (name, fn) => { globalThis.gc(); const before = process.memoryUsage().rss; const value = fn(); out[name] = (process.resourceUsage().maxRSS * 1024 - before) / 2 ** 20; return value; };',
      ...body,
      'console.log(JSON.stringify(out));',
    ].join('\n'));
    const child = spawnSync(tsx, [script], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_OPTIONS: '--expose-gc' } });
    expect(child.stderr).toBe('');
    return JSON.parse(child.stdout) as Record<string, number>;
  }

  test('saving streams (no copy of the file); loading costs the tensors, not the file twice', () => {
    const F = 128; // MiB in the file
    const ckpt = join(tmp, 'big-ckpt.safetensors');
    const plain = join(tmp, 'big.safetensors');
    const saved = measure([
      // Two 64 MiB tensors, made before the measurement starts.
      'const model = { a: new Tensor(new Float32Array(16 * 2 ** 20).fill(1.5), [16 * 2 ** 20]), b: new Tensor(new Float32Array(16 * 2 ** 20).fill(-2), [16 * 2 ** 20]) };',
      `step('saveCheckpoint', () => io.saveCheckpoint(${JSON.stringify(ckpt)}, { model, epoch: 3, optimizer: { step: 7 } }));`,
      `step('saveSafetensors', () => io.saveSafetensors(${JSON.stringify(plain)}, model));`,
    ]);
    // Before: saveCheckpoint built the whole file in one Buffer (+128 MiB).
    expect(saved.saveCheckpoint).toBeLessThan(F / 4 + 40);
    expect(saved.saveSafetensors).toBeLessThan(F / 4 + 40);

    const truncated = join(tmp, 'big-truncated.safetensors');
    writeFileSync(truncated, readFileSync(plain).subarray(0, 100 * MiB));
    const loaded = measure([
      `step('loadTruncated', () => { try { io.loadSafetensors(${JSON.stringify(truncated)}); } catch (e) { if (!(e instanceof io.SafetensorsError)) throw e; } });`,
      `const c = step('loadCheckpoint', () => io.loadCheckpoint(${JSON.stringify(ckpt)}));`,
      `if (c.model.a.storage[5] !== 1.5 || c.model.b.storage[9] !== -2 || c.optimizer.step !== 7) throw new Error('wrong values');`,
    ]);
    // Before: readFileSync (the file) plus an aligned copy of every tensor: 2 × 128 MiB.
    expect(loaded.loadTruncated).toBeLessThan(40);
    expect(loaded.loadCheckpoint).toBeLessThan(1.25 * F + 40);
  }, 120_000);
});

describe.runIf(process.env.SAPLING_BIG_FILES === '1')('files over 2 GiB (SAPLING_BIG_FILES=1)', () => {
  test('a 2.5 GiB tensor saves and loads as safetensors and inside a checkpoint', () => {
    const n = 2 ** 29 + 2 ** 27; // 640 Mi float32 elements = 2.5 GiB
    const data = new Float32Array(n);
    for (let i = 0; i < n; i += 4096) data[i] = i;
    data[n - 1] = -7;
    const big = new Tensor(data, [n]);
    const small = tensor([1, 2, 3]);
    const path = join(tmp, 'huge.safetensors');
    saveSafetensors(path, { big, small });
    let back = loadSafetensors(path).tensors;
    expect(back.big!.numel()).toBe(n);
    expect([back.big!.storage[4096 * 1000], back.big!.storage[n - 1], back.small!.storage[2]]).toEqual([4096 * 1000, -7, 3]);
    back = {};
    const ckpt = join(tmp, 'huge-ckpt.safetensors');
    saveCheckpoint(ckpt, { model: { big }, epoch: 1, optimizer: { state: { 0: { exp_avg: small } } } });
    const loaded = loadCheckpoint(ckpt);
    expect(loaded.model.big!.storage[n - 1]).toBe(-7);
    expect(loaded.model.big!.storage[4096 * 77]).toBe(4096 * 77);
    expect(() => serialize({ big, other: big.alias() })).toThrow(/serialize: the file would be \d+ bytes, above the largest Buffer/);
  }, 600_000);
});
