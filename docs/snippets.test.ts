/**
 * Code shown outside the course checks itself with the course's machinery (course/tools): on
 * each page of SNIPPET_PAGES (docs/from-pytorch.md, src/data/README.md) every ```ts block is an
 * include of a file and equals it, every output block is what its program prints, and every
 * snippet file type-checks under the repository's strict settings (tsc -p docs) and runs. The
 * snippets import from 'sapling', as a user writes (tsconfig paths and a vitest alias map it to
 * src/). After editing a snippet, `npx tsx docs/course/tools/build.ts` rewrites the pages.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { findMarkers, includedText, REPO_ROOT, SNIPPET_PAGES, unmarkedTsBlocks } from './course/tools/includes.js';
import { runProgram } from './course/tools/run-program.js';

const DOCS = dirname(fileURLToPath(import.meta.url));
const FIX = 'run `npx tsx docs/course/tools/build.ts` to rewrite the pages from the code';
const SNIPPET_DIRS = ['from-pytorch', 'snippets'];

describe('pages outside the course show only code that is checked', () => {
  for (const page of SNIPPET_PAGES) {
    const path = join(REPO_ROOT, page);
    const base = dirname(path);
    const text = readFileSync(path, 'utf8');

    test(`${page}: every ts block is an include marker's, and equals its file`, () => {
      expect(unmarkedTsBlocks(text), `${page}: these \`\`\`ts blocks (line numbers) are not included from a file`).toEqual([]);
      const includes = findMarkers(text, page).filter((m) => m.kind === 'include');
      expect(includes.length).toBeGreaterThan(0);
      for (const m of includes) expect(m.body, `${page}:${m.line + 1} differs from ${m.file}${m.region ? `#${m.region}` : ''}; ${FIX}`).toBe(includedText(m.file, m.region, base));
    });

    test(`${page}: output blocks are what the programs print`, async () => {
      for (const m of findMarkers(text, page).filter((m) => m.kind === 'output')) {
        expect(m.body, `${page}:${m.line + 1}: the output of ${m.file} changed; ${FIX}`).toBe((await runProgram(m.file, base)).output);
      }
    });
  }

  test('every snippet file is shown on a page and runs', async () => {
    const pages = SNIPPET_PAGES.map((p) => readFileSync(join(REPO_ROOT, p), 'utf8')).join('\n');
    for (const dir of SNIPPET_DIRS) {
      for (const file of readdirSync(join(DOCS, dir)).filter((f) => f.endsWith('.ts'))) {
        expect(pages, `docs/${dir}/${file} is on no page`).toMatch(new RegExp(`<!-- include: [\\w./]*${dir}/${file.replace('.', '\\.')}[#\\w-]* -->`));
        await expect(runProgram(`${dir}/${file}`, DOCS), `docs/${dir}/${file} throws`).resolves.toBeDefined();
      }
    }
  });
});

test('the snippets type-check under the repository settings (tsc -p docs)', async () => {
  const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', join(DOCS, 'tsconfig.json')], { cwd: REPO_ROOT }).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  expect(result, 'tsc found type errors in docs/from-pytorch or docs/snippets').toBe('');
});
