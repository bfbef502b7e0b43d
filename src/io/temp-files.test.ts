/**
 * temp-files: the temporary files of killed writers are removed by the next save to the same
 * path, and a file whose writer may still be alive, or that another host wrote, never is.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { tensor } from '../autograd/creation.js';
import { loadSafetensors, saveSafetensors } from './safetensors-file.js';
import { isWriterAlive, processStartTime, removeStaleTemporaries, temporaryPathFor } from './temp-files.js';

const tmp = mkdtempSync(join(tmpdir(), 'sapling-temp-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const isLinux = process.platform === 'linux';

/** The pid of a process that has already exited (and been reaped); one is enough for every test. */
let exited: number | null = null;
function deadPid(): number {
  exited ??= Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
  return exited;
}

describe('stale temporary files', () => {
  test('a dead writer’s file goes on the next save; live writers’, other hosts’ and other targets’ stay', async () => {
    const target = join(tmp, 'model.safetensors');
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      const sleeperPid = sleeper.pid!;
      const sleeperStart = processStartTime(sleeperPid);
      const files = {
        dead: temporaryPathFor(target, deadPid(), '12345'), // its pid may be reused only by a process started later
        deadNoStart: temporaryPathFor(target, deadPid(), '0'),
        live: temporaryPathFor(target, sleeperPid, sleeperStart),
        liveNoStart: temporaryPathFor(target, sleeperPid, '0'),
        ours: temporaryPathFor(target),
        otherHost: temporaryPathFor(target, deadPid(), '12345', 'deadbeef'),
        otherTarget: temporaryPathFor(join(tmp, 'other.safetensors'), deadPid(), '12345'),
        notOurs: join(tmp, `.${basename(target)}.notes.tmp`),
        ...(isLinux ? { reusedPid: temporaryPathFor(target, sleeperPid, String(Number(sleeperStart) + 1)) } : {}),
      };
      for (const path of Object.values(files)) writeFileSync(path, 'partial');
      saveSafetensors(target, { w: tensor([1, 2]) });
      const left = new Set(readdirSync(tmp));
      const gone = Object.entries(files).filter(([, path]) => !left.has(basename(path))).map(([name]) => name).sort();
      expect(gone).toEqual(isLinux ? ['dead', 'deadNoStart', 'reusedPid'] : ['dead', 'deadNoStart']);
      expect(loadSafetensors(target).tensors.w!.toArray()).toEqual([1, 2]);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  test.runIf(isLinux)('a zombie (killed, not yet reaped) is not a live writer; our own process is', () => {
    expect(isWriterAlive(process.pid, processStartTime(process.pid))).toBe(true);
    expect(isWriterAlive(deadPid(), '0')).toBe(false);
    // A child we kill but do not wait for stays a zombie until Node reaps it.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    const start = processStartTime(child.pid!);
    expect(isWriterAlive(child.pid!, start)).toBe(true);
    process.kill(child.pid!, 'SIGKILL');
    const until = Date.now() + 5000;
    while (isWriterAlive(child.pid!, start) && Date.now() < until); // the kill lands within microseconds
    expect(isWriterAlive(child.pid!, start)).toBe(false);
  });

  test('removeStaleTemporaries reports what it removed, and a missing folder is no error', () => {
    const target = join(tmp, 'report.safetensors');
    const stale = temporaryPathFor(target, deadPid(), '7');
    writeFileSync(stale, '');
    expect(removeStaleTemporaries(target)).toEqual([basename(stale)]);
    expect(removeStaleTemporaries(join(tmp, 'no-such-folder', 'x.safetensors'))).toEqual([]);
  });
});
