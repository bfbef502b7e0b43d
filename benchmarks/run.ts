/**
 * npm run bench [-- <suite> ...] [--quick]
 *
 * Runs every `benchmarks/<suite>.bench.ts` (or only the named suites), one after another, each
 * in its own Node process so one suite's JIT state and heap cannot colour the next one's
 * timings. `--quick` is passed through: each suite then runs a small, fast version (CI smoke).
 * Suites run with --expose-gc, so the harness collects garbage before each task and no task pays
 * for the garbage of the one before it (without it, a 1M-element `exp` measured 6.7 or 11.3 ms
 * depending on where a collection fell).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('--'));
const named = args.filter((a) => !a.startsWith('--'));
const unknown = named.filter((s) => !available.includes(s));
if (unknown.length > 0) {
  console.error(`bench: no suite named ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
const suites = named.length > 0 ? named : available;
let failed = 0;
for (const suite of suites) {
  console.log(`\n## suite: ${suite}${flags.length ? ` (${flags.join(' ')})` : ''}\n`);
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, `${suite}.bench.ts`), ...flags], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`bench: suite ${suite} failed (exit ${result.status ?? result.signal})`);
    failed++;
  }
}
// Issue 23's targets, judged from the result files the suites just wrote (summary.ts).
spawnSync(process.execPath, ['--import', 'tsx', join(here, 'summary.ts')], { stdio: 'inherit' });
process.exit(failed > 0 ? 1 : 0);
