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
 * at 0, no gap, no overlap, end at the end of the file), each name once. Every problem found
 * (up to 100) is listed in one `SafetensorsError`. Sapling stores float32, float64 and int32;
 * the other dtypes are converted on reading (safetensors-decode.ts). Both ways stream: writing
 * from each tensor's storage, reading by positioned reads into each tensor's typed array, so
 * what saves also loads past 2 GiB, in memory bounded by the tensors (docs/errors.md).
 * This file works on bytes and uses no Node module (it loads in browsers); the file-path forms,
 * `saveSafetensors` and `loadSafetensors`, are in safetensors-file.ts (Node only).
 */
import type { DataArray, DType } from '../autograd/dtype.js';
import { own } from '../autograd/storage.js';
import { Tensor } from '../autograd/tensor.js';
import { storageOf } from '../autograd/tensor-storage.js';
import { bufferSource, bytePieces, type ByteSource } from './byte-source.js';
import { HeaderSyntaxError, scanObject } from './header-scan.js';
import { describeProblems, ProblemList } from './problems.js';
import { convertInto, CONVERT_PIECE_BYTES, outputFor, type ConvertedDType } from './safetensors-decode.js';
import { checkStateDict, type StateDict, type StateDictSpec } from './state-dict.js';

/** The dtypes of the format, in the reference's order of increasing alignment (its sort key). */
export const SAFETENSORS_DTYPES = ['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'] as const;
/** The dtypes a safetensors file may hold that Sapling reads (F32, F64, I32, and the ones it widens). */
export type SafetensorsDType = (typeof SAFETENSORS_DTYPES)[number];

const ITEM_BYTES: Record<SafetensorsDType, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};
const STORED_AS: Record<DType, SafetensorsDType> = { float32: 'F32', float64: 'F64', int32: 'I32' };

/** The reference implementation refuses headers above this size. */
export const MAX_HEADER_BYTES = 100_000_000;
/**
 * Sapling's own bounds on one tensor's entry, so that each entry costs at most a few hundred
 * bytes of memory whatever the header holds: its JSON text (dtype, shape, offsets) and its rank.
 */
export const MAX_ENTRY_BYTES = 16_384;
/** The most axes a tensor in a safetensors file may have here (a guard against hostile headers). */
export const MAX_RANK = 64;

/** The string metadata a file may carry in `__metadata__`. */
export type SafetensorsMetadata = Readonly<Record<string, string>>;

/** What a safetensors file holds: its tensors by name and its string metadata. */
export interface SafetensorsContents {
  /** The tensors, in the order they are stored in the file (a null-prototype record: any name is safe). */
  readonly tensors: Record<string, Tensor>;
  /** `__metadata__` (a null-prototype record), or null when the file has none. */
  readonly metadata: Record<string, string> | null;
  /** The dtype each tensor had in the file (before any conversion to a Sapling dtype). */
  readonly storedDtypes: Record<string, SafetensorsDType>;
}

/** Options of `loadSafetensors` and `deserialize`: the expected names, shapes and dtypes. */
export interface LoadOptions {
  /** Refuse the file unless its tensors have exactly these names and shapes (and dtypes, if given). */
  readonly expected?: StateDictSpec;
}

/**
 * A file that cannot be read, with the problems found listed in `problems` (at most 100; past
 * that the reader stops looking and sets `truncated`).
 */
export class SafetensorsError extends Error {
  readonly problems: readonly string[];
  readonly truncated: boolean;

  constructor(source: string, problems: readonly string[], truncated = false) {
    super(`safetensors: cannot load ${source}: ${describeProblems(problems, truncated)}`);
    this.name = 'SafetensorsError';
    this.problems = problems;
    this.truncated = truncated;
  }
}

/** Whether this machine stores numbers little-endian (typed arrays use the machine's order). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The most bytes one view of a tensor's data holds while it is written (a Uint8Array holds at most 4 GiB). */
const WRITE_PIECE_BYTES = 2 ** 30;

export function requireLittleEndian(where: string): void {
  if (!LITTLE_ENDIAN) throw new Error(`${where}: safetensors data is little-endian and this machine is big-endian, which Sapling does not support`);
}

// ── writing ──

interface Planned {
  readonly name: string;
  readonly tensor: Tensor;
  readonly dtype: SafetensorsDType;
  readonly bytes: number;
}

/** Checks the inputs, orders the tensors and builds the padded header, as the reference does. */
function plan(stateDict: StateDict, metadata: SafetensorsMetadata | undefined, where: string): { header: Uint8Array; tensors: Planned[] } {
  requireLittleEndian(where);
  if (typeof stateDict !== 'object' || stateDict === null) throw new TypeError(`${where}: expected a record of name → Tensor, got ${stateDict === null ? 'null' : typeof stateDict}`);
  const problems: string[] = [];
  const tensors: Planned[] = [];
  for (const [name, tensor] of Object.entries(stateDict)) {
    if (name === '__metadata__') problems.push('"__metadata__" is reserved for the metadata and cannot name a tensor');
    else if (!(tensor instanceof Tensor)) problems.push(`"${name}" is not a Tensor`);
    else if (tensor.device !== 'cpu') problems.push(`"${name}" lives on ${tensor.device}, which cannot be read synchronously; save host copies: await toHost(…) first`);
    else tensors.push({ name, tensor, dtype: STORED_AS[tensor.dtype], bytes: tensor.numel() * ITEM_BYTES[STORED_AS[tensor.dtype]] });
  }
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null) problems.push('metadata must be a record of string → string');
    else for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') problems.push(`metadata "${k}" is a ${typeof v}; metadata values must be strings`);
  }
  if (problems.length > 0) throw new TypeError(`${where}: ${problems.join('; ')}`);

  const rank = (d: SafetensorsDType) => SAFETENSORS_DTYPES.indexOf(d);
  tensors.sort((a, b) => rank(b.dtype) - rank(a.dtype) || compareUtf8(a.name, b.name));
  // Built by hand rather than with JSON.stringify(object): JavaScript objects put integer-like
  // keys ("0", "1") first, whatever order they were inserted in.
  const entries: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(compareUtf8);
    entries.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  let offset = 0;
  for (const t of tensors) {
    entries.push(`${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.tensor.shape.join(',')}],"data_offsets":[${offset},${offset + t.bytes}]}`);
    offset += t.bytes;
  }
  const json = new TextEncoder().encode(`{${entries.join(',')}}`);
  // Pad with spaces so that the data starts 8-byte aligned (8 + N ≡ 0 mod 8).
  const header = new Uint8Array(json.length + ((8 - (json.length % 8)) % 8)).fill(0x20);
  header.set(json);
  return { header, tensors };
}

/** Orders strings by their UTF-8 bytes, as the reference (Rust's `str` ordering) does. */
function compareUtf8(a: string, b: string): number {
  const encoder = new TextEncoder();
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** The file's bytes, chunk by chunk: length, header, then each tensor's data (views, read lazily). */
function* chunks(header: Uint8Array, tensors: readonly Planned[]): Generator<Uint8Array> {
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(header.length), true);
  yield length;
  yield header;
  for (const { name, tensor, bytes } of tensors) {
    const data: DataArray = storageOf(tensor); // read without handing the array out (it stays cacheable)
    if (data.byteLength !== bytes) throw new Error(`safetensors: tensor "${name}" changed size while being written`);
    // In pieces: one Uint8Array cannot view more than 4 GiB, and a Float32Array may hold 16.
    yield* bytePieces(data.buffer, data.byteOffset, data.byteLength, WRITE_PIECE_BYTES);
  }
}

/** A state dict encoded as safetensors, ready to be streamed: its length and its chunks. */
export interface EncodedSafetensors {
  readonly byteLength: number;
  chunks(): Generator<Uint8Array>;
}

/** Checks and plans the file of `stateDict` (see `serialize`) without building it. */
export function encode(stateDict: StateDict, metadata: SafetensorsMetadata | undefined, where: string): EncodedSafetensors {
  const { header, tensors } = plan(stateDict, metadata, where);
  return { byteLength: tensors.reduce((n, t) => n + t.bytes, 8 + header.length), chunks: () => chunks(header, tensors) };
}

/**
 * The safetensors bytes of a state dict (float32 → F32, float64 → F64, int32 → I32), in one
 * Uint8Array: at most the largest array the JavaScript engine allocates; `saveSafetensors`
 * streams to disk and has no such limit. (Node's entry point returns a Buffer: safetensors-file.ts.)
 * @example serialize({ w: tensor([1, 2]) }).length  // 8 + 56 (header, padded) + 8 (data)
 */
export function serialize(stateDict: StateDict, metadata?: SafetensorsMetadata): Uint8Array {
  const encoded = encode(stateDict, metadata, 'serialize');
  return concatInto(encoded, allocateOrExplain(encoded.byteLength, 'serialize', 'array'));
}

/** Copies every chunk of `encoded` into `out` (of exactly its length) and returns `out`. */
export function concatInto<T extends Uint8Array>(encoded: EncodedSafetensors, out: T): T {
  let at = 0;
  for (const chunk of encoded.chunks()) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** A Uint8Array of `bytes`, or a RangeError saying the file is too large for one array. */
function allocateOrExplain(bytes: number, where: string, what: string): Uint8Array {
  try {
    return new Uint8Array(bytes);
  } catch (error) {
    throw new RangeError(`${where}: the file would be ${bytes} bytes, above the largest ${what} this JavaScript engine makes (${(error as Error).message}); saveSafetensors streams to a file instead`);
  }
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
 * Reads safetensors from `source`, validating the whole layout before reading any tensor data;
 * throws a `SafetensorsError` listing the problems. Memory: the header, then each tensor as it
 * is read straight into its own typed array (plus its raw bytes while a converted dtype is
 * decoded); never the whole file.
 */
export function readSafetensors(source: ByteSource, options: LoadOptions & { readonly source?: string } = {}): SafetensorsContents {
  const where = options.source ?? 'buffer';
  const problems = new ProblemList();
  const fail = (...found: string[]): never => {
    problems.push(...found);
    throw new SafetensorsError(where, problems.listed, problems.truncated);
  };
  if (source.length < 8) fail(`the file is ${source.length} bytes long, too short to hold the 8-byte header length`);
  const lengthField = new DataView(new ArrayBuffer(8));
  source.readInto(lengthField.buffer, 0, 8, 0);
  const headerLength = lengthField.getUint32(4, true) * 2 ** 32 + lengthField.getUint32(0, true);
  if (headerLength > MAX_HEADER_BYTES) fail(`the header length is ${headerLength} bytes, above the limit of ${MAX_HEADER_BYTES} (not a safetensors file, or a corrupted one)`);
  if (8 + headerLength > source.length) {
    fail(`the header length is ${headerLength} bytes but only ${source.length - 8} bytes follow the length field: the file is truncated`);
  }
  const text = readHeaderText(source, headerLength, fail);
  if (!text.startsWith('{')) fail(`the header does not start with '{' (it starts with ${JSON.stringify(text.slice(0, 16))})`);

  // One member at a time (header-scan.ts): an entry keeps only its compact Entry, so a huge
  // header costs the text plus a few hundred bytes per entry. `storedDtypes` (null-prototype,
  // so any name is safe) doubles as the record of the names seen, to refuse duplicates.
  let metadata: Record<string, string> | null = null;
  let hasMetadata = false;
  const storedDtypes: Record<string, SafetensorsDType> = Object.create(null) as Record<string, SafetensorsDType>;
  const entries: Entry[] = [];
  let allEntriesRead = true;
  try {
    for (const member of scanObject(text)) {
      if (problems.isFull) break;
      const name = member.key;
      if (name === '__metadata__' ? hasMetadata : name in storedDtypes) {
        problems.push(`${JSON.stringify(name)} appears more than once in the header`);
        allEntriesRead = false;
      } else if (name === '__metadata__') {
        hasMetadata = true;
        metadata = readMetadata(member.value(), problems);
      } else if (member.valueLength > MAX_ENTRY_BYTES) {
        problems.push(`"${name}" has an entry of ${member.valueLength} characters; a tensor's entry (dtype, shape, data_offsets) may have at most ${MAX_ENTRY_BYTES}`);
        allEntriesRead = false;
      } else {
        const entry = readEntry(name, member.value(), problems);
        if (entry) {
          entries.push(entry);
          storedDtypes[name] = entry.dtype;
        } else allEntriesRead = false;
      }
    }
  } catch (error) {
    if (!(error instanceof HeaderSyntaxError)) throw error;
    // Alone: what came before a syntax error may have been misread.
    throw new SafetensorsError(where, [`the header is not valid JSON: ${error.message}`]);
  }
  // With an unreadable entry, its bytes would show up as a gap: we only report that entry.
  const dataStart = 8 + headerLength;
  const ordered = inFileOrder(entries);
  if (allEntriesRead) checkTiling(ordered, source.length - dataStart, problems);
  if (problems.size > 0) fail();

  const tensors: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  for (const e of ordered) {
    if (problems.isFull) break;
    const data = readData(e, source, dataStart, problems);
    if (data) tensors[e.name] = new Tensor(data, e.shape);
  }
  if (options.expected) problems.push(...checkStateDict(options.expected, tensors));
  if (problems.size > 0) fail();
  return { tensors, metadata, storedDtypes };
}

/**
 * Reads safetensors bytes, validating all of them first; throws a `SafetensorsError` listing
 * every problem.
 * @example deserialize(serialize({ w: tensor([1, 2]) })).tensors.w.toArray()  // [1, 2]
 */
export function deserialize(bytes: Uint8Array, options: LoadOptions & { readonly source?: string } = {}): SafetensorsContents {
  requireLittleEndian('deserialize');
  return readSafetensors(bufferSource(bytes), options);
}

// Empty tensors share one frozen, empty array per dtype: nothing can be written into it, and a
// header of a million empty entries then costs no million typed arrays.
const EMPTY = { float32: Object.freeze(new Float32Array(0)), float64: Object.freeze(new Float64Array(0)), int32: Object.freeze(new Int32Array(0)) };
const FLOAT32_SOURCES: readonly SafetensorsDType[] = ['F32', 'F16', 'BF16', 'F8_E5M2', 'F8_E4M3'];

/**
 * One tensor's elements as a Sapling typed array, read from the source into fresh memory: the
 * Sapling dtypes straight into their array, the others through one piece of raw bytes at a time.
 */
function readData(e: Entry, source: ByteSource, dataStart: number, problems: ProblemList): DataArray | null {
  const bytes = e.end - e.begin;
  if (bytes === 0) return e.dtype === 'F64' ? EMPTY.float64 : FLOAT32_SOURCES.includes(e.dtype) ? EMPTY.float32 : EMPTY.int32;
  const n = bytes / ITEM_BYTES[e.dtype];
  const position = dataStart + e.begin;
  let out: DataArray;
  try {
    out = e.dtype === 'F32' ? new Float32Array(n) : e.dtype === 'F64' ? new Float64Array(n) : e.dtype === 'I32' ? new Int32Array(n) : outputFor(e.dtype as ConvertedDType, n);
  } catch (error) {
    problems.push(`"${e.name}" of shape [${e.shape.join(',')}] has ${n} elements, more than this JavaScript engine could allocate (${(error as Error).message}; Node 20 allows at most 2^32 elements per typed array)`);
    return null;
  }
  own(out); // Sapling's own array: a loaded weight may stay resident in a backend's cache
  if (e.dtype === 'F32' || e.dtype === 'F64' || e.dtype === 'I32') {
    source.readInto(out.buffer, 0, bytes, position);
    return out;
  }
  const dtype = e.dtype as ConvertedDType;
  const piece = new Uint8Array(Math.min(bytes, CONVERT_PIECE_BYTES));
  for (let done = 0; done < bytes; done += piece.byteLength) {
    const raw = piece.subarray(0, Math.min(piece.byteLength, bytes - done));
    source.readInto(raw.buffer, 0, raw.byteLength, position + done);
    if (!convertInto(e.name, dtype, raw, out, done / ITEM_BYTES[dtype], problems)) return null;
  }
  return out;
}

/** The header's UTF-8 text (its bytes are dropped once decoded). */
function readHeaderText(source: ByteSource, headerLength: number, fail: (problem: string) => never): string {
  const bytes = new Uint8Array(headerLength);
  source.readInto(bytes.buffer, 0, headerLength, 8);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('the header is not valid UTF-8');
  }
}

/** The entries sorted by where their data starts (files are usually written in that order already). */
function inFileOrder(entries: Entry[]): Entry[] {
  const byOffset = (a: Entry, b: Entry): number => a.begin - b.begin || a.end - b.end;
  for (let i = 1; i < entries.length; i++) if (byOffset(entries[i - 1]!, entries[i]!) > 0) return entries.sort(byOffset);
  return entries;
}

/**
 * The byte ranges must tile the data section exactly: in offset order, each starts where the
 * previous one ended, the first at 0 and the last at the end of the file.
 */
function checkTiling(entries: readonly Entry[], dataLength: number, problems: ProblemList): void {
  let covered = 0;
  let previous: Entry | null = null;
  for (const e of entries) {
    if (problems.isFull) return;
    if (e.begin > covered) problems.push(`bytes [${covered}, ${e.begin}) of the data belong to no tensor (a gap before "${e.name}")`);
    if (e.begin < covered && previous) problems.push(`"${e.name}" at [${e.begin}, ${e.end}) overlaps "${previous.name}" at [${previous.begin}, ${previous.end})`);
    if (e.end > dataLength) problems.push(`"${e.name}" ends at byte ${e.end} of the data, but the data section has only ${dataLength} bytes: the file is truncated or the offsets are wrong`);
    if (e.end >= covered) {
      covered = e.end;
      previous = e;
    }
  }
  if (covered < dataLength) problems.push(`${dataLength - covered} bytes after the last tensor belong to no tensor (the data section has ${dataLength} bytes, the tensors end at ${covered})`);
}

function readMetadata(info: unknown, problems: ProblemList): Record<string, string> | null {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    problems.push('"__metadata__" must be an object of string values');
    return null;
  }
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(info)) {
    if (typeof v !== 'string') problems.push(`"__metadata__" entry "${k}" is not a string`);
    else metadata[k] = v;
  }
  return metadata;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function readEntry(name: string, info: unknown, problems: ProblemList): Entry | null {
  const at = `"${name}"`;
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    problems.push(`${at} must be an object with dtype, shape and data_offsets`);
    return null;
  }
  const { dtype, shape, data_offsets: offsets, ...rest } = info as Record<string, unknown>;
  const before = problems.size;
  const extra = Object.keys(rest);
  if (extra.length > 0) problems.push(`${at} has unknown fields ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
  if (typeof dtype !== 'string' || !(SAFETENSORS_DTYPES as readonly string[]).includes(dtype)) {
    problems.push(`${at} has dtype ${JSON.stringify(dtype)}, which is not one of ${SAFETENSORS_DTYPES.join(', ')}`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) problems.push(`${at} has shape ${JSON.stringify(shape)}, which is not a list of non-negative integers`);
  else if (shape.length > MAX_RANK) problems.push(`${at} has ${shape.length} dimensions; Sapling reads at most ${MAX_RANK}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || (offsets[0] as number) > (offsets[1] as number)) {
    problems.push(`${at} has data_offsets ${JSON.stringify(offsets)}, which is not [begin, end] with 0 ≤ begin ≤ end`);
  }
  if (problems.size > before) return null;
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
