/**
 * The text pipeline outside vocab-file.ts must run in a browser: no file it imports, directly
 * or through other files, may import a Node built-in module. We walk the import graph of the
 * sources (static `import … from` and `export … from` lines) from each browser-safe file.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const SPECIFIER = /^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm;

/** The Node built-ins reachable from `file`, with the chain of files that reaches each. */
function nodeImports(file: string, seen = new Set<string>(), chain: string[] = []): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const found: string[] = [];
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
    if (spec!.startsWith('node:')) found.push([...chain, file, spec].join(' → '));
    else if (spec!.startsWith('.')) found.push(...nodeImports(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')), seen, [...chain, file]));
  }
  return found;
}

test('the normaliser, vocab (text and bytes), WordPiece, tokenizer and trainer reach no Node module', () => {
  const files = ['normalizer.ts', 'pre-tokenizer.ts', 'vocab.ts', 'wordpiece.ts', 'truncation.ts', 'tokenizer.ts', 'trainer.ts'];
  for (const f of files) expect(nodeImports(join(here, f))).toEqual([]);
});

test('batching.ts imports no Node module itself (it needs Tensor, whose worker pool is a question for the core bundle)', () => {
  const direct = [...readFileSync(join(here, 'batching.ts'), 'utf8').matchAll(SPECIFIER)].map((m) => m[1]!);
  expect(direct.filter((s) => s.startsWith('node:'))).toEqual([]);
  expect(direct).toContain('../autograd/tensor.js');
});

test('the walk does find Node modules where they are (vocab-file.ts reads files)', () => {
  expect(nodeImports(join(here, 'vocab-file.ts')).length).toBeGreaterThan(0);
});
