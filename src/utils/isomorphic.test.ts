/**
 * `sapling/utils` must not break a browser bundle: no file in src/utils (tests aside) imports a
 * Node built-in or anything outside src/, and none names `process` other than through globalThis.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const dir = dirname(fileURLToPath(import.meta.url));
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

test('src/utils imports only relative modules and reads process only through globalThis', () => {
  expect(sources.length).toBeGreaterThan(5);
  for (const file of sources) {
    const text = readFileSync(join(dir, file), 'utf8');
    const specifiers = [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]!);
    expect(specifiers.filter((s) => !s.startsWith('.')), `${file} imports a package or a Node built-in`).toEqual([]);
    expect(/(?<![\w.])process\./.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')), `${file} uses process directly`).toBe(false);
  }
});
