/**
 * The course checks itself: every ```ts block on a page is an include of a file under code/ and
 * equals it, every output block equals what its program prints, every program runs without
 * throwing and exports valid figures, every relative link and figure resolves, every chapter ends
 * with pointers into src/, and the chapter code and the exercises type-check (tsc is spawned on
 * docs/course/tsconfig.json, because vitest itself only strips types). When a block drifts from
 * its file, `npx tsx docs/course/tools/build.ts` rewrites the pages.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { COURSE_DIR, findMarkers, includedText, unmarkedTsBlocks } from './tools/includes.js';
import { programFiles, runProgram, type ProgramRun } from './tools/run-program.js';

const ROOT = resolve(COURSE_DIR, '../..');
const chapters = readdirSync(COURSE_DIR).filter((f) => /^\d\d-.*\.md$/.test(f)).sort();
const read = (file: string): string => readFileSync(join(COURSE_DIR, file), 'utf8');
const runs = new Map<string, Promise<ProgramRun>>();
const run = (file: string): Promise<ProgramRun> => {
  if (!runs.has(file)) runs.set(file, runProgram(file));
  return runs.get(file)!;
};
const FIX = 'run `npx tsx docs/course/tools/build.ts` to rewrite the pages from the code';

/** Relative link targets of a markdown page, without #anchors. */
function links(page: string): string[] {
  return [...page.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^(https?:|mailto:|#)/.test(t)).map((t) => t.replace(/#.*$/, ''));
}

describe('course pages', () => {
  test('chapters 0–6 and 8 exist, numbered', () => {
    expect(chapters.map((c) => c.slice(0, 2))).toEqual(['00', '01', '02', '03', '04', '05', '06', '08']);
  });

  for (const page of chapters) {
    test(`${page}: every ts block is an include marker's, and equals its file`, () => {
      const text = read(page);
      expect(unmarkedTsBlocks(text), `${page}: these \`\`\`ts blocks (line numbers) are not included from code/; put the code in a file and include it`).toEqual([]);
      for (const m of findMarkers(text, page).filter((m) => m.kind === 'include')) {
        expect(m.body, `${page}:${m.line + 1} differs from ${m.file}${m.region ? `#${m.region}` : ''}; ${FIX}`).toBe(includedText(m.file, m.region));
      }
    });

    test(`${page}: output blocks are what the programs print`, async () => {
      for (const m of findMarkers(read(page), page).filter((m) => m.kind === 'output')) {
        expect(m.body, `${page}:${m.line + 1}: the output of ${m.file} changed; ${FIX}`).toBe((await run(m.file)).output);
      }
    });

    test(`${page}: links resolve, a figure is shown, and it ends with what to read next in src/`, () => {
      const text = read(page);
      for (const target of links(text)) expect(existsSync(join(COURSE_DIR, target)), `${page}: broken link ${target}`).toBe(true);
      expect(text, `${page} shows no figure`).toMatch(/!\[[^\]]+\]\(figures\/[\w-]+\.svg\)/);
      const next = text.slice(text.indexOf('## What to read next in src/'));
      expect(text.includes('## What to read next in src/'), `${page} has no "## What to read next in src/" section`).toBe(true);
      expect(next, `${page}: "What to read next" points at no file in src/`).toMatch(/\]\(\.\.\/\.\.\/src\//);
    });
  }

  test('the course index, the exercises guide and docs/README.md link only to files that exist', () => {
    for (const file of ['docs/course/README.md', 'exercises/README.md', 'docs/README.md']) {
      for (const target of links(readFileSync(join(ROOT, file), 'utf8'))) {
        expect(existsSync(join(ROOT, dirname(file), target)), `${file}: broken link ${target}`).toBe(true);
      }
    }
  });
});

describe('course programs', () => {
  for (const file of programFiles()) {
    test(`${file} runs and its figures are SVG documents shown on a page`, async () => {
      const { figures } = await run(file);
      const pages = chapters.map(read).join('\n');
      for (const [name, svg] of Object.entries(figures)) {
        expect(svg.startsWith('<svg'), `${file}: figure ${name} is not an SVG document`).toBe(true);
        expect(existsSync(join(COURSE_DIR, 'figures', name)), `${file}: figures/${name} is missing; ${FIX}`).toBe(true);
        expect(pages.includes(`(figures/${name})`), `${file}: no page shows figures/${name}`).toBe(true);
      }
    });
  }
});

test('the chapter code and the exercises type-check (tsc -p docs/course)', async () => {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', join(COURSE_DIR, 'tsconfig.json')], { cwd: ROOT }).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  expect(result, 'tsc found type errors in docs/course or exercises').toBe('');
});
