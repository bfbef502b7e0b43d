/**
 * build — brings the course pages up to date with their code: rewrites every include block from
 * its file, every output block from what its program prints, and writes the figures the
 * programs export into docs/course/figures/. Run it after editing a chapter program:
 *   npx tsx docs/course/tools/build.ts
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COURSE_DIR, includedText, rewrite } from './includes.js';
import { programFiles, runProgram, type ProgramRun } from './run-program.js';

const runs = new Map<string, ProgramRun>();
for (const file of programFiles()) {
  const run = await runProgram(file);
  runs.set(file, run);
  for (const [name, svg] of Object.entries(run.figures)) writeFileSync(join(COURSE_DIR, 'figures', name), `${svg}\n`);
}

for (const page of readdirSync(COURSE_DIR).filter((f) => /^\d\d-.*\.md$/.test(f))) {
  const path = join(COURSE_DIR, page);
  const before = readFileSync(path, 'utf8');
  const after = rewrite(before, (m) => {
    if (m.kind === 'include') return includedText(m.file, m.region);
    const run = runs.get(m.file);
    if (!run) throw new Error(`${page}: no program ${m.file}`);
    return run.output;
  }, page);
  if (after !== before) {
    writeFileSync(path, after);
    console.log(`updated ${page}`);
  }
}
console.log(`${runs.size} programs run; figures in docs/course/figures/`);
