/**
 * safetensors-file — the safetensors format (safetensors.ts) on files, and `serialize` as a Node
 * Buffer. Node only (node:fs, node:buffer); safetensors.ts itself works on bytes everywhere.
 *
 * Saving streams each tensor from its storage into a temporary file that is renamed into place
 * (atomic-write.ts); loading reads by positioned reads (file-source.ts), so neither holds the
 * whole file in memory and files over 2 GiB save and load.
 */
import { constants as bufferConstants } from 'node:buffer';
import type { ByteSource } from './byte-source.js';
import { writeFileAtomic } from './atomic-write.js';
import { openFileSource } from './file-source.js';
import {
  concatInto, encode, readSafetensors, requireLittleEndian, type LoadOptions, type SafetensorsContents, type SafetensorsMetadata,
} from './safetensors.js';
import type { StateDict } from './state-dict.js';

/**
 * The safetensors bytes of a state dict in one Buffer (see safetensors.ts's `serialize`): at most
 * `buffer.constants.MAX_LENGTH` bytes (4 GiB on Node 20).
 * @example serialize({ w: tensor([1, 2]) }).length  // 8 + 56 (header, padded) + 8 (data)
 */
export function serialize(stateDict: StateDict, metadata?: SafetensorsMetadata): Buffer {
  return toBuffer(encode(stateDict, metadata, 'serialize'), 'serialize');
}

/** The chunks of `encoded` in one Buffer, or a RangeError naming Node's limit. */
export function toBuffer(encoded: ReturnType<typeof encode>, where: string): Buffer {
  if (encoded.byteLength > bufferConstants.MAX_LENGTH) {
    throw new RangeError(`${where}: the file would be ${encoded.byteLength} bytes, above the largest Buffer this JavaScript engine makes (${bufferConstants.MAX_LENGTH} bytes); saveSafetensors streams to a file instead`);
  }
  return concatInto(encoded, Buffer.allocUnsafe(encoded.byteLength));
}

/**
 * Writes a state dict to `path` as safetensors, atomically (see atomic-write.ts): the file is
 * complete or, if anything fails, untouched. The tensors' data is streamed from their storage,
 * so saving needs no memory beyond the header, whatever the file's size.
 * @example saveSafetensors('model.safetensors', model.stateDict(), { format: 'pt' })
 */
export function saveSafetensors(path: string, stateDict: StateDict, metadata?: SafetensorsMetadata): void {
  writeFileAtomic(path, encode(stateDict, metadata, 'saveSafetensors').chunks());
}

/**
 * Reads a safetensors file (see `deserialize`) by positioned reads, so its size is not limited
 * by what one Buffer holds; with `expected`, also refuses a file whose names, shapes or dtypes
 * differ from it.
 * @example loadSafetensors('model.safetensors').tensors['0.weight'].shape  // [3, 4]
 */
export function loadSafetensors(path: string, options: LoadOptions = {}): SafetensorsContents {
  requireLittleEndian('loadSafetensors');
  return withFile(path, 'safetensors', (source) => readSafetensors(source, { ...options, source: path }));
}

/** Runs `read` on the file at `path`, opened for positioned reads and closed afterwards. */
export function withFile<T>(path: string, who: string, read: (source: ByteSource) => T): T {
  let source: ReturnType<typeof openFileSource>;
  try {
    source = openFileSource(path);
  } catch (e) {
    throw new Error(`${who}: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return read(source);
  } finally {
    source.close();
  }
}
