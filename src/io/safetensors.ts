/**
 * safetensors — the tensor file format of Hugging Face and PyTorch users, read and written
 * byte for byte as the reference implementation (the `safetensors` Rust crate) does.
 *
 *   bytes 0…7        N, the header's length: unsigned 64-bit little-endian
 *   bytes 8…8+N      the header: UTF-8 JSON, padded with spaces so 8 + N is a multiple of 8
 *                    {"__metadata__": {string: string}  (optional, first),
 *                     "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, …}
 *   bytes 8+N…       the data: each tensor's elements, row-major, little-endian, at
 *                    [begin, end) counted from the start of the data
 *
 * Writing follows the reference rules, so our files equal its files: tensors sorted by dtype
 * alignment (descending: F64 before F32 before I32), then by name (UTF-8 bytes); compact JSON
 * with keys in the order dtype, shape, data_offsets; data packed with no gaps. The reference
 * keeps `__metadata__` in a hash map, so its key order is unspecified; we sort it.
 *
 * Reading validates the whole file before returning anything: header length within the file
 * and at most 100,000,000 bytes (the reference's limit), valid UTF-8 JSON starting with '{',
 * known dtypes, shapes that match their byte ranges, ranges that tile the data exactly (start
 * at 0, no gap, no overlap, end at the end of the file). Every problem found is listed in one
 * `SafetensorsError`. Sapling stores float32, float64 and int32 (F32, F64, I32); the other
 * dtypes are converted on reading: F16, BF16 and the two F8 formats to float32 (exactly),
 * I64, U64, U32, I16, U16, I8, U8 and BOOL to int32 (refused if a value does not fit).
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import type { DataArray, DType } from '../autograd/dtype.js';
import { Tensor } from '../autograd/tensor.js';
import { writeFileAtomic } from './atomic-write.js';
import { checkStateDict, type StateDict, type StateDictSpec } from './state-dict.js';

/** The dtypes of the format, in the reference's order of increasing alignment (its sort key). */
export const SAFETENSORS_DTYPES = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'] as const;
export type SafetensorsDType = (typeof SAFETENSORS_DTYPES)[number];

const ITEM_BYTES: Record<SafetensorsDType, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};
const STORED_AS: Record<DType, SafetensorsDType> = { float32: 'F32', float64: 'F64', int32: 'I32' };

/** The reference implementation refuses headers above this size. */
export const MAX_HEADER_BYTES = 100_000_000;

/** The string metadata a file may carry in `__metadata__`. */
export type SafetensorsMetadata = Readonly<Record<string, string>>;

export interface SafetensorsContents {
  /** The tensors, in the order they are stored in the file. */
  readonly tensors: Record<string, Tensor>;
  /** `__metadata__`, or null when the file has none. */
  readonly metadata: Record<string, string> | null;
  /** The dtype each tensor had in the file (before any conversion to a Sapling dtype). */
  readonly storedDtypes: Record<string, SafetensorsDType>;
}

export interface LoadOptions {
  /** Refuse the file unless its tensors have exactly these names and shapes (and dtypes, if given). */
  readonly expected?: StateDictSpec;
}

/** A file that cannot be read, with every problem found listed in `problems`. */
export class SafetensorsError extends Error {
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(`safetensors: cannot load ${source}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`}`);
    this.name = 'SafetensorsError';
    this.problems = problems;
  }
}

function requireLittleEndian(where: string): void {
  if (endianness() !== 'LE') throw new Error(`${where}: safetensors data is little-endian and this machine is big-endian, which Sapling does not support`);
}

// ── writing ──

interface Planned {
  readonly name: string;
  readonly tensor: Tensor;
  readonly dtype: SafetensorsDType;
  readonly bytes: number;
}

/** Checks the inputs, orders the tensors and builds the padded header, as the reference does. */
function plan(stateDict: StateDict, metadata: SafetensorsMetadata | undefined, where: string): { header: Buffer; tensors: Planned[] } {
  requireLittleEndian(where);
  if (typeof stateDict !== 'object' || stateDict === null) throw new TypeError(`${where}: expected a record of name → Tensor, got ${stateDict === null ? 'null' : typeof stateDict}`);
  const problems: string[] = [];
  const tensors: Planned[] = [];
  for (const [name, tensor] of Object.entries(stateDict)) {
    if (name === '__metadata__') problems.push('"__metadata__" is reserved for the metadata and cannot name a tensor');
    else if (!(tensor instanceof Tensor)) problems.push(`"${name}" is not a Tensor`);
    else tensors.push({ name, tensor, dtype: STORED_AS[tensor.dtype], bytes: tensor.size * ITEM_BYTES[STORED_AS[tensor.dtype]] });
  }
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null) problems.push('metadata must be a record of string → string');
    else for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') problems.push(`metadata "${k}" is a ${typeof v}; metadata values must be strings`);
  }
  if (problems.length > 0) throw new TypeError(`${where}: ${problems.join('; ')}`);

  const rank = (d: SafetensorsDType) => SAFETENSORS_DTYPES.indexOf(d);
  tensors.sort((a, b) => rank(b.dtype) - rank(a.dtype) || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  // Built by hand rather than with JSON.stringify(object): JavaScript objects put integer-like
  // keys ("0", "1") first, whatever order they were inserted in.
  const entries: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    entries.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  let offset = 0;
  for (const t of tensors) {
    entries.push(`${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.tensor.shape.join(',')}],"data_offsets":[${offset},${offset + t.bytes}]}`);
    offset += t.bytes;
  }
  const json = Buffer.from(`{${entries.join(',')}}`, 'utf8');
  // Pad with spaces so that the data starts 8-byte aligned (8 + N ≡ 0 mod 8).
  const header = Buffer.alloc(json.length + ((8 - (json.length % 8)) % 8), 0x20);
  json.copy(header);
  return { header, tensors };
}

/** The file's bytes, chunk by chunk: length, header, then each tensor's data (read lazily). */
function* chunks(header: Buffer, tensors: readonly Planned[]): Generator<Uint8Array> {
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  yield length;
  yield header;
  for (const { name, tensor, bytes } of tensors) {
    const data: DataArray = tensor.storage;
    if (data.byteLength !== bytes) throw new Error(`safetensors: tensor "${name}" changed size while being written`);
    yield new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
}

/**
 * The safetensors bytes of a state dict (float32 → F32, float64 → F64, int32 → I32).
 * @example serialize({ w: tensor([1, 2]) }).length  // 8 + 56 (header, padded) + 8 (data)
 */
export function serialize(stateDict: StateDict, metadata?: SafetensorsMetadata): Buffer {
  const { header, tensors } = plan(stateDict, metadata, 'serialize');
  return Buffer.concat([...chunks(header, tensors)]);
}

/**
 * Writes a state dict to `path` as safetensors, atomically (see atomic-write.ts): the file is
 * complete or, if anything fails, untouched.
 * @example saveSafetensors('model.safetensors', model.stateDict(), { format: 'pt' })
 */
export function saveSafetensors(path: string, stateDict: StateDict, metadata?: SafetensorsMetadata): void {
  const { header, tensors } = plan(stateDict, metadata, 'saveSafetensors');
  writeFileAtomic(path, chunks(header, tensors));
}

// ── reading ──

interface Entry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/**
 * Reads safetensors bytes, validating all of them first; throws a `SafetensorsError` listing
 * every problem.
 * @example deserialize(serialize({ w: tensor([1, 2]) })).tensors.w.toArray()  // [1, 2]
 */
export function deserialize(bytes: Uint8Array, options: LoadOptions & { readonly source?: string } = {}): SafetensorsContents {
  const source = options.source ?? 'buffer';
  requireLittleEndian('deserialize');
  const fail = (problems: string[]): never => {
    throw new SafetensorsError(source, problems);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) fail([`the file is ${bytes.length} bytes long, too short to hold the 8-byte header length`]);
  const lengthHigh = view.getUint32(4, true);
  const headerLength = lengthHigh * 2 ** 32 + view.getUint32(0, true);
  if (headerLength > MAX_HEADER_BYTES) fail([`the header length is ${headerLength} bytes, above the limit of ${MAX_HEADER_BYTES} (not a safetensors file, or a corrupted one)`]);
  if (8 + headerLength > bytes.length) {
    fail([`the header length is ${headerLength} bytes but only ${bytes.length - 8} bytes follow the length field: the file is truncated`]);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    return fail(['the header is not valid UTF-8']);
  }
  if (!text.startsWith('{')) fail([`the header does not start with '{' (it starts with ${JSON.stringify(text.slice(0, 16))})`]);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail([`the header is not valid JSON: ${(e as Error).message}`]);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return fail(['the header is not a JSON object']);

  const problems: string[] = [];
  let metadata: Record<string, string> | null = null;
  const entries: Entry[] = [];
  let allEntriesRead = true;
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = readMetadata(info, problems);
      continue;
    }
    const entry = readEntry(name, info, problems);
    if (entry) entries.push(entry);
    else allEntriesRead = false;
  }
  // With an unreadable entry, its bytes would show up as a gap: we only report that entry.
  if (allEntriesRead) problems.push(...checkTiling(entries, bytes.length - 8 - headerLength));
  if (problems.length > 0) fail(problems);

  const dataStart = 8 + headerLength;
  const tensors: Record<string, Tensor> = {};
  const storedDtypes: Record<string, SafetensorsDType> = {};
  for (const e of entries) {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    const data = decode(e, raw, problems);
    if (data) {
      tensors[e.name] = new Tensor(data, e.shape);
      storedDtypes[e.name] = e.dtype;
    }
  }
  if (options.expected) problems.push(...checkStateDict(options.expected, tensors));
  if (problems.length > 0) fail(problems);
  return { tensors, metadata, storedDtypes };
}

/**
 * Reads a safetensors file (see `deserialize`); with `expected`, also refuses a file whose names,
 * shapes or dtypes differ from it.
 * @example loadSafetensors('model.safetensors').tensors['0.weight'].shape  // [3, 4]
 */
export function loadSafetensors(path: string, options: LoadOptions = {}): SafetensorsContents {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`safetensors: cannot read ${path}: ${(e as Error).message}`);
  }
  return deserialize(bytes, { ...options, source: path });
}

/**
 * The byte ranges must tile the data section exactly: sorted by offset, each starts where the
 * previous one ended, the first at 0 and the last at the end of the file. Sorts `entries`.
 */
function checkTiling(entries: Entry[], dataLength: number): string[] {
  const problems: string[] = [];
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | null = null;
  for (const e of entries) {
    if (e.begin > covered) problems.push(`bytes [${covered}, ${e.begin}) of the data belong to no tensor (a gap before "${e.name}")`);
    if (e.begin < covered && previous) problems.push(`"${e.name}" at [${e.begin}, ${e.end}) overlaps "${previous.name}" at [${previous.begin}, ${previous.end})`);
    if (e.end > dataLength) problems.push(`"${e.name}" ends at byte ${e.end} of the data, but the data section has only ${dataLength} bytes: the file is truncated or the offsets are wrong`);
    if (e.end >= covered) {
      covered = e.end;
      previous = e;
    }
  }
  if (covered < dataLength) problems.push(`${dataLength - covered} bytes after the last tensor belong to no tensor (the data section has ${dataLength} bytes, the tensors end at ${covered})`);
  return problems;
}

function readMetadata(info: unknown, problems: string[]): Record<string, string> | null {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    problems.push('"__metadata__" must be an object of string values');
    return null;
  }
  for (const [k, v] of Object.entries(info)) if (typeof v !== 'string') problems.push(`"__metadata__" entry "${k}" is not a string`);
  return { ...(info as Record<string, string>) };
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function readEntry(name: string, info: unknown, problems: string[]): Entry | null {
  const at = `"${name}"`;
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    problems.push(`${at} must be an object with dtype, shape and data_offsets`);
    return null;
  }
  const { dtype, shape, data_offsets: offsets, ...rest } = info as Record<string, unknown>;
  const before = problems.length;
  const extra = Object.keys(rest);
  if (extra.length > 0) problems.push(`${at} has unknown fields ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
  if (typeof dtype !== 'string' || !(SAFETENSORS_DTYPES as readonly string[]).includes(dtype)) {
    problems.push(`${at} has dtype ${JSON.stringify(dtype)}, which is not one of ${SAFETENSORS_DTYPES.join(', ')}`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) problems.push(`${at} has shape ${JSON.stringify(shape)}, which is not a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || (offsets[0] as number) > (offsets[1] as number)) {
    problems.push(`${at} has data_offsets ${JSON.stringify(offsets)}, which is not [begin, end] with 0 ≤ begin ≤ end`);
  }
  if (problems.length > before) return null;
  const [begin, end] = offsets as [number, number];
  const dims = shape as number[];
  const elements = dims.reduce((a, b) => a * b, 1);
  const needed = elements * ITEM_BYTES[dtype as SafetensorsDType];
  if (!Number.isSafeInteger(needed)) {
    problems.push(`${at} has shape [${dims.join(',')}], too large to address`);
    return null;
  }
  if (needed !== end - begin) {
    problems.push(`${at}: shape [${dims.join(',')}] of ${dtype} needs ${needed} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`);
    return null;
  }
  return { name, dtype: dtype as SafetensorsDType, shape: dims, begin, end };
}

/** The elements of one tensor as a Sapling typed array, converting the dtypes Sapling lacks. */
function decode(e: Entry, raw: Uint8Array, problems: string[]): DataArray | null {
  // Copy into fresh, aligned memory: the file buffer's offsets need not be element-aligned.
  const aligned = <T extends { readonly buffer: ArrayBufferLike }>(make: (buffer: ArrayBuffer) => T): T => {
    const copy = new ArrayBuffer(raw.byteLength);
    new Uint8Array(copy).set(raw);
    return make(copy);
  };
  const n = raw.byteLength / ITEM_BYTES[e.dtype];
  const toInt32 = (values: ArrayLike<number>, min: number, max: number): Int32Array | null => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < min || v > max) {
        problems.push(`"${e.name}" (${e.dtype}) holds ${v} at element ${i}, outside the range ${min}…${max} that Sapling can convert it to (int32${e.dtype === 'BOOL' ? ' 0/1' : ''})`);
        return null;
      }
    }
    return Int32Array.from(values);
  };
  switch (e.dtype) {
    case 'F32':
      return aligned((b) => new Float32Array(b));
    case 'F64':
      return aligned((b) => new Float64Array(b));
    case 'I32':
      return aligned((b) => new Int32Array(b));
    case 'F16':
      return Float32Array.from(aligned((b) => new Uint16Array(b)), halfToFloat);
    case 'BF16': {
      // bfloat16 is the high half of a float32.
      const bits = Uint32Array.from(aligned((b) => new Uint16Array(b)), (h) => h << 16);
      return new Float32Array(bits.buffer);
    }
    case 'F8_E5M2': // the high byte of a float16
      return Float32Array.from(raw, (b) => halfToFloat(b << 8));
    case 'F8_E4M3':
      return Float32Array.from(raw, e4m3ToFloat);
    case 'BOOL':
      return toInt32(raw, 0, 1);
    case 'U8':
      return Int32Array.from(raw);
    case 'I8':
      return Int32Array.from(aligned((b) => new Int8Array(b)));
    case 'I16':
      return Int32Array.from(aligned((b) => new Int16Array(b)));
    case 'U16':
      return Int32Array.from(aligned((b) => new Uint16Array(b)));
    case 'U32':
      return toInt32(aligned((b) => new Uint32Array(b)), -(2 ** 31), 2 ** 31 - 1);
    case 'I64':
    case 'U64': {
      // Each 64-bit integer as two 32-bit words, low word first; it fits int32 when the high
      // word is the sign extension of the low word.
      const words = aligned((b) => new Int32Array(b));
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const low = words[2 * i]!;
        const high = words[2 * i + 1]!;
        if (high !== (low < 0 && e.dtype === 'I64' ? -1 : 0)) {
          const value = e.dtype === 'I64' ? BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low >>> 0)) : (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
          problems.push(`"${e.name}" (${e.dtype}) holds ${value} at element ${i}, outside the int32 range Sapling can convert it to`);
          return null;
        }
        out[i] = low;
      }
      return out;
    }
  }
}

/** IEEE 754 binary16 bits → number (exact: every half is a float32). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // subnormal (and ±0)
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** float8 E4M3 ("fn": no infinities; S.1111.111 is NaN) bits → number, bias 7. */
function e4m3ToFloat(b: number): number {
  const sign = b & 0x80 ? -1 : 1;
  const exponent = (b >> 3) & 0xf;
  const mantissa = b & 0x7;
  if (exponent === 0) return sign * mantissa * 2 ** -9;
  if (exponent === 0xf && mantissa === 7) return Number.NaN;
  return sign * (1 + mantissa / 8) * 2 ** (exponent - 7);
}
