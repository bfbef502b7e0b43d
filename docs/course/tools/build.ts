/**
 * build — brings the course pages up to date with their code: rewrites every include block from
 * its file, every output block from what its program prints, and writes the figures the
 * programs export into docs/course/figures/, then does the same for the pages in SNIPPET_PAGES
 * (docs/from-pytorch.md, …). Run it after editing a chapter program or a snippet:
 *   npx tsx docs/course/tools/build.ts
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COURSE_DIR, findMarkers, includedText, REPO_ROOT, rewrite, SNIPPET_PAGES } from './includes.js';
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
// The pages outside the course (docs/from-pytorch.md, READMEs): the same markers, relative to each page.
for (const page of SNIPPET_PAGES) {
  const path = join(REPO_ROOT, page);
  const base = dirname(path);
  const before = readFileSync(path, 'utf8');
  const outputs = new Map<string, string>();
  for (const m of findMarkers(before, page).filter((m) => m.kind === 'output')) outputs.set(m.file, (await runProgram(m.file, base)).output);
  const after = rewrite(before, (m) => (m.kind === 'include' ? includedText(m.file, m.region, base) : outputs.get(m.file)!), page);
  if (after !== before) {
    writeFileSync(path, after);
    console.log(`updated ${page}`);
  }
}
console.log(`${runs.size} programs run; figures in docs/course/figures/`);
