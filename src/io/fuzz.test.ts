/**
 * Fuzzing the safetensors and checkpoint readers (fast-check, seeded): 2,400 mutated files per
 * run — byte flips, truncations, splices, header-length edits, header entries given crafted
 * dtypes, shapes, offsets and names, and checkpoint states given crafted references, numbers,
 * epochs and nesting. Every file must either load, with each tensor in bounds (its storage
 * exactly its shape, its bytes inside the file's data section), or be refused with the
 * library's own error (SafetensorsError, CheckpointError): never another exception, a hang, or
 * an allocation the file does not justify (the peak RSS of the whole run is checked).
 * SAPLING_FUZZ_SEED and SAPLING_FUZZ_RUNS explore further.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { randint, randn, tensor } from '../autograd/creation.js';
import { seededRandom } from '../autograd/random.js';
import { sizeOf } from '../autograd/shape.js';
import { Tensor } from '../autograd/tensor.js';
import { CheckpointError, deserializeCheckpoint, type LoadedCheckpoint } from './checkpoint.js';
import { loadCheckpoint, serializeCheckpoint } from './checkpoint-file.js';
import { deserialize, SAFETENSORS_DTYPES, SafetensorsError, type SafetensorsContents } from './safetensors.js';
import { loadSafetensors, serialize } from './safetensors-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'sapling-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const SEED = Number(process.env.SAPLING_FUZZ_SEED ?? 18);
const RUNS = Number(process.env.SAPLING_FUZZ_RUNS ?? 1200); // per reader: 2 × 1,200 files

// ── the files we mutate ──

const random = seededRandom(18);
const torchFile = readFileSync(join(import.meta.dirname, 'fixtures', 'torch-state.safetensors')); // every dtype, from PyTorch
const stateFile = serialize(
  { 'layer.weight': randn([3, 4], { random }), 'layer.bias': randn([4], { dtype: 'float64', random }), steps: randint(0, 9, [2, 2], { random }), empty: randn([0, 3], { random }) },
  { format: 'pt', note: 'seed' },
);
const checkpointFile = serializeCheckpoint({
  model: { 'fc.weight': randn([2, 3], { random }), 'fc.bias': tensor([0.5, -0.5]) },
  optimizer: { state: { 0: { exp_avg: randn([2, 3], { random }), step: 3 } }, param_groups: [{ lr: 0.1, params: [0] }] },
  scheduler: { best: Infinity, last: Number.NaN, zero: -0 },
  epoch: 4,
  rng: { seed: [1, 2, 3, 4] },
  extra: { note: 'ünïcode', nested: { deeper: [tensor([1, 2, 3], { dtype: 'int32' })] } },
});

// ── mutations ──

const ITEM_BYTES: Record<string, number> = { BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8 };
const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__metadata__', '', 'é✓', 'a.b.c', 'x'.repeat(3000), '$tensor'];
const DTYPES = [...SAFETENSORS_DTYPES, 'F128', 'f32', '', 5, null, ['F32']];
const SHAPES = [[], [0], [1], [2, 3], [-1], [1.5], ['2'], [2 ** 31], [2 ** 53], [2 ** 53 + 2], [0, 2 ** 40], null, 'abc', Array(70).fill(1), [1e308], [[1]], [2 ** 26, 2 ** 26]];
const OFFSETS = [[0, 0], [0, 4], [4, 0], [-4, 0], [0, 2 ** 53], [0, 1e30], [1, 5], [0], [0, 4, 8], 'x', null, [0.5, 4], [2 ** 32, 2 ** 32 + 4]];
const REFERENCES = ['constructor', 'toString', '__proto__', 'model.fc.bias', 'optimizer.state.0.exp_avg', '', 'missing'];
const NODES: unknown[] = [
  { $tensor: 5 }, { $tensor: 'x', more: 1 }, { $number: 'NaN' }, { $number: 'nope' }, { $number: 3 }, JSON.parse('{"__proto__": {"a": 1}}'),
  [], null, 'text', 1e308, -0, { $tensor: 'constructor' },
];
const EPOCHS = [-1, 1.5, '3', null, 2 ** 60, [4], 0];

type Header = [string, unknown][];

const lengthOf = (bytes: Uint8Array): number => Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));

/** The header's members in order (duplicates and "__proto__" kept), and the data; null if it does not parse. */
function split(bytes: Uint8Array): { header: Header; data: Uint8Array } | null {
  if (bytes.length < 8) return null;
  const n = lengthOf(bytes);
  if (n > bytes.length - 8) return null;
  try {
    const parsed = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    return { header: Object.entries(parsed), data: bytes.subarray(8 + n) };
  } catch {
    return null;
  }
}

/** The file of `header` and `data`, the header's length field off by `lengthError` if asked. */
function join2(header: Header, data: Uint8Array, lengthError = 0): Uint8Array {
  const json = Buffer.from(`{${header.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  const padded = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Math.max(0, padded.length + lengthError)));
  return Buffer.concat([length, padded, data]);
}

type Mutation =
  | { kind: 'flip'; flips: [number, number][] }
  | { kind: 'dataflip'; flips: [number, number][] }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; at: number; remove: number; insert: Uint8Array }
  | { kind: 'length'; value: bigint }
  | { kind: 'field'; which: number; field: 'dtype' | 'shape' | 'data_offsets'; pick: number }
  | { kind: 'shift'; which: number; by: number }
  | { kind: 'drop'; which: number; field: 'dtype' | 'shape' | 'data_offsets' | 'entry' }
  | { kind: 'extra'; which: number }
  | { kind: 'rename'; which: number; pick: number; duplicate: boolean }
  | { kind: 'reheader'; lengthError: number }
  | { kind: 'metadata'; key: 'format' | 'version' | 'state' | 'other'; pick: number }
  | { kind: 'state'; path: number; pick: number; what: 'reference' | 'node' | 'epoch' | 'model' | 'deep' | 'field' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }) }),
  { arbitrary: fc.record({ kind: fc.constant('dataflip' as const), flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }) }), weight: 3 },
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), remove: fc.nat({ max: 24 }), insert: fc.uint8Array({ maxLength: 24 }) }),
  fc.record({ kind: fc.constant('length' as const), value: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 4096n })) }),
  fc.record({ kind: fc.constant('field' as const), which: fc.nat(), field: fc.constantFrom('dtype' as const, 'shape' as const, 'data_offsets' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('shift' as const), which: fc.nat(), by: fc.integer({ min: -64, max: 64 }) }),
  fc.record({ kind: fc.constant('drop' as const), which: fc.nat(), field: fc.constantFrom('dtype' as const, 'shape' as const, 'data_offsets' as const, 'entry' as const) }),
  fc.record({ kind: fc.constant('extra' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), which: fc.nat(), pick: fc.nat(), duplicate: fc.boolean() }),
  fc.record({ kind: fc.constant('reheader' as const), lengthError: fc.integer({ min: -16, max: 16 }) }),
  fc.record({ kind: fc.constant('metadata' as const), key: fc.constantFrom('format' as const, 'version' as const, 'state' as const, 'other' as const), pick: fc.nat() }),
  { arbitrary: fc.record({ kind: fc.constant('state' as const), path: fc.nat(), pick: fc.nat(), what: fc.constantFrom('reference' as const, 'node' as const, 'epoch' as const, 'model' as const, 'deep' as const, 'field' as const) }), weight: 3 },
);

const at = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

/** Every object and array inside `value` (to a depth of 50), for picking a place to edit. */
function places(value: unknown): { holder: Record<string, unknown>; key: string }[] {
  const out: { holder: Record<string, unknown>; key: string }[] = [];
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null || depth > 50) continue;
    for (const [k, child] of Object.entries(v)) {
      out.push({ holder: v as Record<string, unknown>, key: k });
      stack.push([child, depth + 1]);
    }
  }
  return out;
}

function applyState(header: Header, m: Extract<Mutation, { kind: 'state' }>): void {
  const meta = header.find(([k]) => k === '__metadata__');
  if (!meta || typeof meta[1] !== 'object' || meta[1] === null) return;
  const metadata = meta[1] as Record<string, unknown>;
  let state: Record<string, unknown>;
  try {
    state = JSON.parse(String(metadata.state)) as Record<string, unknown>;
  } catch {
    return;
  }
  if (typeof state !== 'object' || state === null) return;
  const spots = places(state);
  switch (m.what) {
    case 'reference': {
      const refs = spots.filter(({ holder, key }) => key === '$tensor' && typeof holder[key] === 'string');
      if (refs.length > 0) at(refs, m.path).holder.$tensor = at(REFERENCES, m.pick);
      break;
    }
    case 'node':
      if (spots.length > 0) {
        const spot = at(spots, m.path);
        spot.holder[spot.key] = at(NODES, m.pick);
      }
      break;
    case 'epoch':
      state.epoch = at(EPOCHS, m.pick);
      break;
    case 'model':
      state.model = at([['fc.weight'], ['fc.weight', 'fc.bias', 'fc.bias'], 'x', [1, 2], ['constructor', 'fc.weight', 'fc.bias'], []], m.pick);
      break;
    case 'deep': {
      // Spliced in as text: JSON.stringify itself overflows the stack on 100,000 levels.
      const depth = at([999, 1001, 5000, 100_000], m.pick);
      state.extra = '<deep>';
      metadata.state = JSON.stringify(state).replace('"<deep>"', `${'['.repeat(depth)}${']'.repeat(depth)}`);
      return;
    }
    case 'field':
      state[at(['unknown', 'model', 'optimizer', '__proto__'], m.pick)] = at(NODES, m.path);
      break;
  }
  try {
    metadata.state = JSON.stringify(state);
  } catch {
    // A state made deep by an earlier mutation: leave it as it is.
  }
}

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  switch (m.kind) {
    case 'flip': {
      const out = Uint8Array.from(bytes);
      for (const [i, x] of m.flips) if (out.length > 0) out[i % out.length]! ^= x;
      return out;
    }
    case 'dataflip': {
      // Flips in the data section only: values change, the layout stays valid.
      const out = Uint8Array.from(bytes);
      const start = out.length >= 8 ? Math.min(out.length, 8 + lengthOf(out)) : out.length;
      for (const [i, x] of m.flips) if (out.length > start) out[start + (i % (out.length - start))]! ^= x;
      return out;
    }
    case 'truncate':
      return bytes.subarray(0, m.at % (bytes.length + 1));
    case 'splice': {
      const i = m.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, i), m.insert, bytes.subarray(i + m.remove)]);
    }
    case 'length': {
      const out = Uint8Array.from(bytes);
      if (out.length >= 8) new DataView(out.buffer).setBigUint64(0, m.value, true);
      return out;
    }
    default:
      break;
  }
  const parts = split(bytes);
  if (!parts) return bytes;
  const { header, data } = parts;
  const tensors = header.filter(([k, v]) => k !== '__metadata__' && typeof v === 'object' && v !== null);
  const entry = (which: number): Record<string, unknown> | null => (tensors.length ? (at(tensors, which)[1] as Record<string, unknown>) : null);
  let lengthError = 0;
  switch (m.kind) {
    case 'field': {
      const e = entry(m.which);
      if (e) e[m.field] = at<unknown>(m.field === 'dtype' ? DTYPES : m.field === 'shape' ? SHAPES : OFFSETS, m.pick);
      break;
    }
    case 'shift': {
      const e = entry(m.which);
      if (e && Array.isArray(e.data_offsets)) e.data_offsets = (e.data_offsets as number[]).map((o) => o + m.by);
      break;
    }
    case 'drop': {
      if (m.field === 'entry') {
        if (header.length > 0) header.splice(m.which % header.length, 1);
      } else {
        const e = entry(m.which);
        if (e) delete e[m.field];
      }
      break;
    }
    case 'extra': {
      const e = entry(m.which);
      if (e) e.offsets = [0, 4];
      break;
    }
    case 'rename':
      if (header.length > 0) {
        const i = m.which % header.length;
        header[i] = [m.duplicate ? at(header, m.which + 1)[0] : at(NAMES, m.pick), header[i]![1]];
      }
      break;
    case 'reheader':
      lengthError = m.lengthError;
      break;
    case 'metadata': {
      const meta = header.find(([k]) => k === '__metadata__');
      const metadata = (meta?.[1] ?? {}) as Record<string, unknown>;
      const value = at(['sapling.checkpoint', '2', '{', '[]', 'null', 7, null, '{"epoch":1,"model":[]}', ''], m.pick);
      if (m.key === 'other') metadata[at(NAMES, m.pick)] = value;
      else metadata[m.key] = value;
      if (!meta) header.unshift(['__metadata__', metadata]);
      break;
    }
    case 'state':
      applyState(header, m);
      break;
  }
  return join2(header, data, lengthError);
}

// ── the property ──

/** Every loaded tensor is a Tensor whose storage is exactly its shape, and whose bytes fit in the file's data section. */
function checkInBounds(contents: SafetensorsContents, file: Uint8Array): void {
  const dataBytes = file.length - 8 - lengthOf(file);
  let claimed = 0;
  for (const [name, t] of Object.entries(contents.tensors)) {
    expect(t, name).toBeInstanceOf(Tensor);
    expect(t.shape.every((d) => Number.isSafeInteger(d) && d >= 0), name).toBe(true);
    expect(t.storage.length, name).toBe(sizeOf(t.shape));
    claimed += t.numel() * ITEM_BYTES[contents.storedDtypes[name]!]!;
  }
  expect(claimed).toBeLessThanOrEqual(dataBytes);
  // Every entry of the header is a tensor of the result (none dropped, e.g. one named "__proto__").
  const header = JSON.parse(Buffer.from(file.subarray(8, 8 + lengthOf(file))).toString('utf8')) as object;
  expect(Object.keys(contents.tensors).sort()).toEqual(Object.keys(header).filter((k) => k !== '__metadata__').sort());
}

/** A loaded checkpoint holds only JSON values and in-bounds Tensors (never, say, a function found by a crafted name). */
function checkCheckpointInBounds(loaded: LoadedCheckpoint): void {
  expect(Number.isSafeInteger(loaded.epoch) && loaded.epoch >= 0).toBe(true);
  const stack: unknown[] = [loaded];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v instanceof Tensor) expect(v.storage.length).toBe(sizeOf(v.shape));
    else if (typeof v === 'object' && v !== null) stack.push(...Object.values(v));
    else expect(['string', 'number', 'boolean', 'undefined'].includes(typeof v) || v === null, `a ${typeof v} in the state`).toBe(true);
  }
}

/** Loads `file` from bytes and from disk: the same outcome, and only the library's own errors. */
function loadBoth<T>(file: Uint8Array, fromBytes: () => T, fromDisk: (path: string) => T, check: (value: T) => void, allowed: readonly (new (...a: never[]) => Error)[]): 'loaded' | 'refused' {
  const outcome = (load: () => T): string => {
    try {
      check(load());
      return 'loaded';
    } catch (error) {
      if (!allowed.some((E) => error instanceof E)) throw error;
      return `refused: ${(error as Error).message.replace(/cannot load \S+|loadCheckpoint\([^)]*\)/, '')}`;
    }
  };
  const path = join(tmp, 'case.safetensors');
  writeFileSync(path, file);
  const memory = outcome(fromBytes);
  expect(outcome(() => fromDisk(path))).toBe(memory);
  return memory === 'loaded' ? 'loaded' : 'refused';
}

describe('fuzzing the readers', () => {
  const rssBefore = process.memoryUsage().rss;
  let largest = 0;

  test(`safetensors: ${RUNS} mutated files load in bounds or raise SafetensorsError`, () => {
    const seeds = [stateFile, torchFile];
    const outcomes = { loaded: 0, refused: 0 };
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (s, ms) => {
        const file = ms.reduce(mutate, at(seeds, s) as Uint8Array);
        largest = Math.max(largest, file.length);
        outcomes[loadBoth(file, () => deserialize(file), (p) => loadSafetensors(p), (c) => checkInBounds(c, file), [SafetensorsError])]++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The mutations must reach both outcomes, or the property tests little.
        expect(outcomes.loaded).toBeGreaterThan(RUNS / 20);
    expect(outcomes.refused).toBeGreaterThan(RUNS / 2);
  });

  test(`checkpoints: ${RUNS} mutated files load in bounds or raise CheckpointError / SafetensorsError`, () => {
    const outcomes = { loaded: 0, refused: 0 };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const file = ms.reduce(mutate, checkpointFile as Uint8Array);
        largest = Math.max(largest, file.length);
        outcomes[loadBoth(file, () => deserializeCheckpoint(file), (p) => loadCheckpoint(p), checkCheckpointInBounds, [CheckpointError, SafetensorsError])]++;
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
    expect(outcomes.loaded).toBeGreaterThan(RUNS / 20);
    expect(outcomes.refused).toBeGreaterThan(RUNS / 2);
      });

  test('peak RSS over the whole run stays under 2 × the largest file plus a small constant', () => {
    // No file here justifies more than a few KiB; 96 MiB covers the garbage of 2,400 loads.
    const grown = process.resourceUsage().maxRSS * 1024 - rssBefore;
    expect(grown).toBeLessThan(2 * largest + 96 * 2 ** 20);
  });
});
