/**
 * Every example shares one command-line helper (lib/cli.ts): `--help` prints its options with
 * their defaults and exits 0. The second half runs `--help` on every program in examples/.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { booleanFlag, choiceFlag, helpText, intFlag, listFlag, numberFlag, optionalIntFlag, parseCli, stringFlag, trainingFlagSpecs } from './lib/cli.js';

const dir = dirname(fileURLToPath(import.meta.url));

describe('lib/cli', () => {
  const spec = {
    summary: 'A test program.',
    usage: 'npx tsx examples/x.ts [options]',
    flags: {
      batchSize: intFlag('images per step', 64),
      lr: numberFlag('learning rate', 0.1, Number.MIN_VALUE),
      limit: optionalIntFlag('first N only'),
      mode: choiceFlag('mode', ['fast', 'slow'] as const, 'fast'),
      ranks: listFlag('ranks', ['5', '20']),
      quiet: booleanFlag('say less'),
      out: stringFlag('folder', 'runs/x', 'DIR'),
    },
  };

  test('camelCase flags read as kebab-case, typed and checked; defaults fill the rest', () => {
    const { values } = parseCli(spec, ['--batch-size', '32', '--mode', 'slow', '--ranks', '1, 2,3', '--quiet']);
    expect(values).toEqual({ batchSize: 32, lr: 0.1, limit: undefined, mode: 'slow', ranks: ['1', '2', '3'], quiet: true, out: 'runs/x' });
  });

  test('--help lists every option with its value placeholder and its default', () => {
    const help = helpText(spec);
    expect(help.startsWith('A test program.\n\n  npx tsx examples/x.ts [options]\n\nOptions:\n')).toBe(true);
    expect(help).toMatch(/--batch-size N +images per step \(default 64\)/);
    expect(help).toMatch(/--limit N +first N only\n/);
    expect(help).toMatch(/--mode NAME +mode: fast, slow \(default fast\)/);
    expect(help).toMatch(/--ranks A,B,… +ranks \(default 5,20\)/);
    expect(help).toMatch(/--quiet +say less\n/);
    expect(help).toMatch(/--help +print this help and exit$/);
  });

  test('bad values name the flag', () => {
    const { batchSize, lr, mode, ranks } = spec.flags;
    expect(() => batchSize.parse('batchSize', '0')).toThrow("--batch-size must be an integer ≥ 1, got '0'");
    expect(() => batchSize.parse('batchSize', '2.5')).toThrow("--batch-size must be an integer ≥ 1, got '2.5'");
    expect(() => lr.parse('lr', 'fast')).toThrow("--lr must be a number ≥ 5e-324, got 'fast'");
    expect(() => mode.parse('mode', 'medium')).toThrow("--mode must be fast, slow; got 'medium'");
    expect(() => ranks.parse('ranks', ',')).toThrow('--ranks needs at least one item');
  });

  test('the training flags carry the example defaults', () => {
    const help = helpText({ summary: 's', usage: 'u', flags: trainingFlagSpecs({ epochs: 3, batchSize: 64, lr: 0.004, backend: 'wasm', out: 'runs/mnist-cnn' }) });
    for (const line of ['--epochs N', '(default 3)', '--batch-size N', '(default 0.004)', '--backend NAME', '(default wasm)', '--seed N', '--limit N', '(default runs/mnist-cnn)']) expect(help).toContain(line);
  });
});

/** The runnable programs: every .ts file directly in examples/ except the tests. */
const programs = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();

describe('every example answers --help', () => {
  test('there are examples to check', () => {
    expect(programs).toContain('01-mlp-from-scratch.ts');
    expect(programs.length).toBeGreaterThanOrEqual(10);
  });

  // Two at a time: each starts tsx and loads the library (a couple of seconds on a shared core).
  const runs = new Map<string, Promise<{ code: number; stdout: string; stderr: string }>>();
  const queue = [...programs];
  const start = (): void => {
    const file = queue.shift();
    if (file === undefined) return;
    const done = promisify(execFile)(process.execPath, ['--import', 'tsx', join(dir, file), '--help'], { cwd: join(dir, '..'), timeout: 60_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(e) }),
    );
    runs.set(file, done);
    void done.then(start);
  };

  for (const file of programs) {
    test(`${file} --help prints its options with their defaults and exits 0`, async () => {
      if (runs.size === 0) {
        start();
        start();
      }
      while (!runs.has(file)) await new Promise((r) => setTimeout(r, 50));
      const { code, stdout, stderr } = await runs.get(file)!;
      expect(code, `${file} --help exited with ${code}:\n${stderr}`).toBe(0);
      expect(stdout).toMatch(/^\S.*\n\n {2}npx tsx examples\/\S+\.ts .*\n\nOptions:\n/);
      expect(stdout).toContain(`examples/${file}`);
      expect(stdout).toMatch(/--help +print this help and exit/);
      expect(stdout).toContain('(default ');
    }, 120_000);
  }
});
