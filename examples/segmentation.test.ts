/**
 * examples/segmentation.ts run in two pieces — `--stop-after 1`, then `--resume` — ends where the
 * same run in one piece ends: the same validation curve, test scores and best weights. A saved
 * state is refused whole by a run with other settings.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { loadCheckpoint } from '../src/node.js';

const here = new URL('.', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'sapling-segmentation-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TINY = ['--preset', 'smoke', '--backend', 'cpu', '--width', '2', '--depth', '2', '--scenes', '4', '--batch-size', '2', '--epochs', '2', '--validation', '4', '--test-scenes', '4'];
const run = (out: string, ...more: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', join(here, 'segmentation.ts'), ...TINY, '--out', join(root, out), ...more], { cwd: join(here, '..'), timeout: 170_000 });
const result = (out: string) => JSON.parse(readFileSync(join(root, out, 'result.json'), 'utf8')) as Record<string, unknown>;

describe('examples/segmentation.ts', () => {
  test('stopped after epoch 1 and resumed, it ends with the unbroken run\'s curve, scores and weights', async () => {
    await run('whole');
    const first = await run('pieces', '--stop-after', '1');
    expect(first.stdout).toMatch(/stopped after epoch 1 of 2/);
    const second = await run('pieces', '--resume');
    expect(second.stdout).toMatch(/resumed after epoch 1/);
    expect(second.stdout).not.toMatch(/epoch 1: validation/);
    const [a, b] = [result('whole'), result('pieces')];
    for (const key of ['validationMiou', 'iou', 'meanIou', 'confusion']) expect(b[key], key).toEqual(a[key]);
    const [wa, wb] = ['whole', 'pieces'].map((d) => loadCheckpoint(join(root, d, 'last.safetensors')).model);
    for (const [name, t] of Object.entries(wa!)) expect(Array.from(wb![name]!.storage), name).toEqual(Array.from(t.storage));
  }, 200_000);

  test('a saved state is refused by a run with other settings, naming what differs', async () => {
    await expect(run('pieces', '--resume', '--lr', '0.01')).rejects.toThrow(/--resume: .*last\.safetensors was saved by a different run \(lr: saved 0\.002, now 0\.01\)/);
  }, 200_000);
});
