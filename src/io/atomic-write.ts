/**
 * atomic-write — a file appears whole at its path, or not at all.
 *
 * We write to a temporary file in the same folder (so the final rename stays on one file
 * system), flush it to the disk with fsync, then rename it over the target: POSIX `rename` swaps
 * the name in one step, so a reader — or a run restarted after a crash — sees either the old
 * file or the complete new one, never a torn checkpoint. If writing fails at any point, the
 * temporary file is removed and the target is left as it was. Finally we fsync the folder, so
 * the rename itself survives a power loss (best effort: some systems cannot open a folder).
 * A writer killed outright cannot clean up; its temporary file is removed by the next save to
 * the same path once its process is gone (temp-files.ts). Data is written in pieces of at most
 * 1 GiB, so neither Node's 2 GiB limit per write nor a tensor's size limits the file.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { removeStaleTemporaries, temporaryPathFor } from './temp-files.js';

/** The most bytes one write call is given (Node refuses more than 2³¹ − 1). */
export const WRITE_PIECE_BYTES = 2 ** 30;

/**
 * Writes the concatenation of `chunks` to `path` atomically. Chunks are consumed lazily, so a
 * large file is never held in memory whole, and an exception from the iterable aborts the write.
 * @example writeFileAtomic('model.safetensors', [header, data])  // the file appears complete
 */
export function writeFileAtomic(path: string, chunks: Iterable<Uint8Array>): void {
  const target = resolve(path);
  removeStaleTemporaries(target);
  const temporary = temporaryPathFor(target);
  let fd = openSync(temporary, 'wx', 0o644);
  try {
    for (const chunk of chunks) {
      for (let done = 0; done < chunk.byteLength; ) {
        done += writeSync(fd, chunk, done, Math.min(chunk.byteLength - done, WRITE_PIECE_BYTES));
      }
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(temporary, target);
  } catch (error) {
    if (fd >= 0) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  syncFolder(dirname(target));
}

function syncFolder(folder: string): void {
  let fd = -1;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported here (e.g. Windows); the data itself is already on disk.
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
