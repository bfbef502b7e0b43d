/**
 * vocab-file — reading and writing vocab.txt files (Node only).
 *
 * The format and its checks are in vocab.ts (`Vocab.fromBytes`, `Vocab.toBytes`), which uses no
 * Node module; this file only adds the file system. Saving is atomic (src/io/atomic-write.ts): a
 * reader sees the old file or the complete new one, never a half-written vocabulary.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import { Vocab } from './vocab.js';

/**
 * Writes `vocab` to `path` as a BERT vocab.txt, atomically.
 * @example saveVocab('runs/imdb/vocab.txt', vocab)  // one token per line
 */
export function saveVocab(path: string, vocab: Vocab): void {
  writeFileAtomic(path, [vocab.toBytes()]);
}

/**
 * Reads a BERT vocab.txt (Sapling's or Google's).
 * @example loadVocab('runs/imdb/vocab.txt').id('[CLS]')  // 2
 */
export function loadVocab(path: string): Vocab {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`loadVocab: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return Vocab.fromBytes(bytes);
  } catch (e) {
    const error = e as Error;
    error.message = `loadVocab: ${path}: ${error.message}`;
    throw error;
  }
}
