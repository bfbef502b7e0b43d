/**
 * results — where a suite leaves its numbers: benchmarks/results/<suite>.json.
 *
 * Written atomically: the JSON goes to a temporary file in the same folder (so the rename
 * never crosses file systems), is flushed to disk, and is then renamed over the target. A
 * reader — or a second run racing this one — sees the old file or the new one, never half of
 * either. The temporary names end in `.tmp`, which .gitignore already ignores.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Writes `data` as pretty JSON to `benchmarks/results/<suite>.json`; returns the path. */
export function writeResults(suite: string, data: unknown, dir = RESULTS_DIR): string {
  if (!/^[\w.-]+$/.test(suite)) throw new RangeError(`writeResults: suite name ${JSON.stringify(suite)} is not a plain file name`);
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `${suite}.json`);
  const temp = join(dir, `${suite}.json.${process.pid}.${Date.now().toString(36)}.tmp`);
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, `${JSON.stringify(data, null, 2)}\n`);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  return target;
}
