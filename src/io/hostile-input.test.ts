/**
 * Hostile files: crafted names that JavaScript objects treat specially, duplicate names, state
 * nested without end, and headers built to exhaust memory or time. Each is either loaded
 * faithfully or refused with the library's own error; none may crash, hang or mislead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { tensor } from '../autograd/creation.js';
import { Tensor } from '../autograd/tensor.js';
import { CheckpointError, deserializeCheckpoint, MAX_STATE_DEPTH } from './checkpoint.js';
import { loadCheckpoint, saveCheckpoint, serializeCheckpoint } from './checkpoint-file.js';
import { MAX_LISTED_PROBLEMS } from './problems.js';
import { deserialize, MAX_ENTRY_BYTES, MAX_RANK, SafetensorsError } from './safetensors.js';
import { loadSafetensors, saveSafetensors, serialize } from './safetensors-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'sapling-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A file from raw header text and data bytes, padded as the writer pads. */
function craft(header: string, data: Uint8Array = new Uint8Array(0)): Buffer {
  let json = Buffer.from(header);
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, data]);
}

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an exception');
}

/** A checkpoint's bytes with its state JSON replaced by `state`. */
function withState(bytes: Uint8Array, state: string): Buffer {
  const file = deserialize(bytes);
  return serialize(file.tensors, { ...file.metadata, state });
}

describe('names that are special to JavaScript objects', () => {
  test('a tensor named __proto__ comes back as a tensor, through bytes and through a file', () => {
    const dict = Object.fromEntries([['__proto__', tensor([1, 2])], ['a', tensor([3])]]) as Record<string, Tensor>;
    const back = deserialize(serialize(dict)).tensors;
    expect(Object.keys(back).sort()).toEqual(['__proto__', 'a']);
    expect(Object.hasOwn(back, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(back)).toBeNull();
    expect(back.__proto__).toBeInstanceOf(Tensor);
    expect((back.__proto__ as unknown as Tensor).toArray()).toEqual([1, 2]);
    const path = join(tmp, 'proto.safetensors');
    saveSafetensors(path, dict);
    expect(Object.keys(loadSafetensors(path).tensors).sort()).toEqual(['__proto__', 'a']);
  });

  test('constructor, toString and hasOwnProperty are names like any other; absent ones are absent', () => {
    const names = ['constructor', 'toString', 'hasOwnProperty'];
    const back = deserialize(serialize(Object.fromEntries(names.map((n, i) => [n, tensor([i])])))).tensors;
    for (const [i, n] of names.entries()) expect(back[n]!.toArray()).toEqual([i]);
    const empty = deserialize(serialize({ w: tensor([1]) }));
    expect('constructor' in empty.tensors).toBe(false);
    expect('toString' in empty.storedDtypes).toBe(false);
    // An expected name that the file lacks is "missing", not a crash on an inherited function.
    const error = caught(() => deserialize(serialize({ w: tensor([1]) }), { expected: { constructor: { shape: [1] }, w: { shape: [1] } } }));
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error.message).toContain('missing key "constructor"');
  });

  test('a checkpoint reference to "constructor" or "toString" is a missing tensor, not a function', () => {
    const bytes = serializeCheckpoint({ model: { w: tensor([1]) }, epoch: 0, extra: { t: tensor([2]) } });
    for (const name of ['constructor', 'toString', '__proto__']) {
      const state = JSON.stringify({ epoch: 0, model: ['w'], extra: { t: { $tensor: 'extra.t' }, bad: { $tensor: name } } });
      const error = caught(() => deserializeCheckpoint(withState(bytes, state)));
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as CheckpointError).problems).toEqual([`extra.bad refers to tensor "${name}", which is missing from the file`]);
    }
    const modelNamed = withState(bytes, JSON.stringify({ epoch: 0, model: ['w', 'toString'], extra: { t: { $tensor: 'extra.t' } } }));
    expect((caught(() => deserializeCheckpoint(modelNamed)) as CheckpointError).problems).toEqual(['model tensor "toString" is missing from the file']);
  });

  test('__proto__ as a model name and as a key of extra state round-trips as a key', () => {
    const model = Object.fromEntries([['__proto__', tensor([5])], ['b', tensor([6])]]) as Record<string, Tensor>;
    const extra = JSON.parse('{"__proto__": {"x": 1}, "y": [1, {"__proto__": 2}]}') as object;
    const path = join(tmp, 'proto-ckpt.safetensors');
    saveCheckpoint(path, { model, epoch: 1, extra });
    const back = loadCheckpoint(path);
    expect(Object.keys(back.model).sort()).toEqual(['__proto__', 'b']);
    expect((back.model.__proto__ as unknown as Tensor).toArray()).toEqual([5]);
    const x = back.extra as Record<string, unknown>;
    expect(Object.hasOwn(x, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(x)).toBe(Object.prototype);
    expect(JSON.stringify(x)).toBe('{"__proto__":{"x":1},"y":[1,{"__proto__":2}]}');
  });
});

describe('duplicates, depth and size limits', () => {
  test('a name that appears twice in a header is refused (JSON.parse would keep the last one)', () => {
    const entry = '{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';
    const error = caught(() => deserialize(craft(`{"a":${entry},"a":${entry}}`, new Uint8Array(4))));
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error.message).toBe('safetensors: cannot load buffer: "a" appears more than once in the header');
    expect(caught(() => deserialize(craft('{"__metadata__":{},"__metadata__":{}}'))).message).toContain('"__metadata__" appears more than once');
    expect(caught(() => deserialize(craft('{"__metadata__":"x","__metadata__":{}}'))).message).toContain('"__metadata__" appears more than once');
  });

  test('checkpoint state nested 200,000 deep is a CheckpointError, not a stack overflow', () => {
    const bytes = serializeCheckpoint({ model: {}, epoch: 0 });
    const deep = `{"epoch":0,"model":[],"extra":${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}}`;
    const error = caught(() => deserializeCheckpoint(withState(bytes, deep)));
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toBe(`loadCheckpoint(buffer): extra.a.a… nests deeper than ${MAX_STATE_DEPTH} levels, the most a checkpoint holds`);
    const arrays = `{"epoch":0,"model":[],"rng":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    expect(caught(() => deserializeCheckpoint(withState(bytes, arrays)))).toBeInstanceOf(CheckpointError);
    // What saves also loads: the same limit applies when saving.
    let nested: object = { leaf: tensor([1]) };
    for (let i = 0; i < MAX_STATE_DEPTH + 5; i++) nested = { a: nested };
    const saving = caught(() => saveCheckpoint(join(tmp, 'deep.safetensors'), { model: {}, epoch: 0, extra: nested }));
    expect(saving).toBeInstanceOf(CheckpointError);
    expect(saving.message).toContain(`nests deeper than ${MAX_STATE_DEPTH} levels`);
    let fine: object = { leaf: tensor([1]) };
    for (let i = 0; i < MAX_STATE_DEPTH - 2; i++) fine = { a: fine };
    expect(deserializeCheckpoint(serializeCheckpoint({ model: {}, epoch: 0, extra: fine })).epoch).toBe(0);
  });

  test('a header of 30,000 bad entries: the first 100 problems, found and reported quickly', () => {
    const header = `{${Array.from({ length: 30_000 }, (_, i) => `"t${i}":{}`).join(',')}}`;
    const started = performance.now();
    const error = caught(() => deserialize(craft(header))) as SafetensorsError;
    expect(error).toBeInstanceOf(SafetensorsError);
    expect(error.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(error.truncated).toBe(true);
    expect(error.message).toMatch(/^safetensors: cannot load buffer: more than 100 problems \(the first 100 are listed\):\n {2}- "t0" has dtype undefined/);
    expect(error.message.length).toBeLessThan(30_000);
    expect(performance.now() - started).toBeLessThan(2000); // ~10 ms; generous for shared machines
    const ckpt = caught(() => serializeCheckpoint({ model: {}, epoch: 0, extra: { list: Array.from({ length: 500 }, () => () => 0) } })) as CheckpointError;
    expect(ckpt.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(ckpt.truncated).toBe(true);
  });

  test('an entry longer than MAX_ENTRY_BYTES or of rank above MAX_RANK is refused before it is kept', () => {
    const long = `{"a":{"dtype":"F32","shape":[${Array(MAX_ENTRY_BYTES).fill(1).join(',')}],"data_offsets":[0,4]}}`;
    expect(caught(() => deserialize(craft(long, new Uint8Array(4)))).message).toMatch(/"a" has an entry of \d+ characters; a tensor's entry \(dtype, shape, data_offsets\) may have at most 16384/);
    const rank = (n: number) => `{"a":{"dtype":"F32","shape":[${Array(n).fill(1).join(',')}],"data_offsets":[0,4]}}`;
    expect(caught(() => deserialize(craft(rank(MAX_RANK + 1), new Uint8Array(4)))).message).toContain(`"a" has ${MAX_RANK + 1} dimensions; Sapling reads at most ${MAX_RANK}`);
    expect(deserialize(craft(rank(MAX_RANK), new Uint8Array(4))).tensors.a!.ndim).toBe(MAX_RANK);
  });

  test('many empty entries load, sharing one empty array per dtype; a huge zero-sized dimension is only a shape', () => {
    const n = 20_000;
    const header = `{${Array.from({ length: n }, (_, i) => `"e${i}":{"dtype":"${i % 2 ? 'F64' : 'U8'}","shape":[${i},0],"data_offsets":[0,0]}`).join(',')}}`;
    const { tensors } = deserialize(craft(header));
    expect(Object.keys(tensors)).toHaveLength(n);
    expect(tensors.e1!.storage).toBe(tensors.e3!.storage);
    expect(tensors.e2!.dtype).toBe('int32');
    const huge = deserialize(craft('{"z":{"dtype":"F32","shape":[4503599627370496,0],"data_offsets":[0,0]}}')).tensors.z!;
    expect(huge.shape).toEqual([2 ** 52, 0]);
    const started = performance.now();
    expect(huge.sum(0).shape).toEqual([0]);
    expect(performance.now() - started).toBeLessThan(1000);
    // Reducing the empty axis would give 2⁵² zeros: refused with the size, not V8's bare message.
    expect(() => huge.sum(1)).toThrow(/cannot allocate 4503599627370496 float32 elements/);
  });
});
