/**
 * `npm run exercise -- <chapter>`: runs that chapter's exercise tests against YOUR files in
 * exercises/ (not the reference solutions that `npm test` checks), with vitest.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exerciseTests } from './lib/select.js';
import { MODE_VARIABLE } from './lib/solutions-plugin.js';

const here = dirname(fileURLToPath(import.meta.url));
let files: string[];
try {
  files = exerciseTests(process.argv[2], here);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', ...files.map((f) => `exercises/${f}`)], {
  cwd: join(here, '..'),
  env: { ...process.env, [MODE_VARIABLE]: 'yours' },
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
