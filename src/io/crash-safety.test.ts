/**
 * Crash safety: a process saving checkpoints in a loop is killed with SIGKILL at random (seeded)
 * moments — while writing, flushing, renaming or between saves. After every kill the file at the
 * path must load as one complete version (every tensor and the epoch from the same save), and
 * temporary files must not pile up: the killed writer's one is removed by the next save.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { seededRandom } from '../autograd/random.js';
import { Tensor } from '../autograd/tensor.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'sapling-crash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const TRIALS = 12;
const root = fileURLToPath(new URL('../..', import.meta.url));
const checkpointModule = fileURLToPath(new URL('./checkpoint-file.ts', import.meta.url));
const tensorModule = fileURLToPath(new URL('../autograd/tensor.ts', import.meta.url));

/** Saves versions start, start + 1, … to `path` until killed: two 2 MiB tensors filled with ±version, and the epoch. */
const saver = [
  `import { saveCheckpoint } from ${JSON.stringify(checkpointModule)};`,
  `import { Tensor } from ${JSON.stringify(tensorModule)};`,
  'const [path, start] = [process.argv[2], Number(process.argv[3])];',
  'for (let v = start; ; v++) {',
  '  const model = { a: new Tensor(new Float32Array(2 ** 19).fill(v), [2 ** 19]), b: new Tensor(new Float64Array(2 ** 18).fill(-v), [2 ** 18]) };',
  '  saveCheckpoint(path, { model, epoch: v, extra: { version: v } });',
  "  if (v === start) process.stdout.write('saved\\n');",
  '}',
].join('\n');

const temporaries = (): string[] => readdirSync(tmp).filter((f) => f.endsWith('.tmp'));

/** Starts the saver, waits for its first save, lets it run `delay` ms more, kills it with SIGKILL. */
function killDuringSaves(path: string, start: number, delay: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // node --import tsx, not the tsx wrapper: the signal must reach the process that writes.
    const child = spawn(process.execPath, ['--import', 'tsx', join(tmp, 'saver.mts'), path, String(start)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delay));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`saver exited with ${code}: ${stderr}`))));
  });
}

describe('SIGKILL during saves', () => {
  test(`${TRIALS} kills at random moments: always one complete version, no temporary files piling up`, async () => {
    writeFileSync(join(tmp, 'saver.mts'), saver);
    const path = join(tmp, 'ckpt.safetensors');
    const random = seededRandom(18);
    let newest = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      await killDuringSaves(path, newest + 1, Math.floor(random() * 120));
      const loaded = loadCheckpoint(path);
      const v = loaded.epoch;
      expect(v).toBeGreaterThan(newest); // this trial saved at least once
      expect(loaded.extra).toEqual({ version: v });
      expect(loaded.model.a!.storage.every((x) => x === v)).toBe(true);
      expect(loaded.model.b!.storage.every((x) => x === -v)).toBe(true);
      newest = v;
      // At most the killed writer's own temporary file: earlier ones were removed by this trial's saves.
      expect(temporaries().length).toBeLessThanOrEqual(1);
    }
    saveCheckpoint(path, { model: { a: new Tensor(new Float32Array([1]), [1]) }, epoch: newest + 1 });
    expect(temporaries()).toEqual([]);
  }, 120_000);
});
