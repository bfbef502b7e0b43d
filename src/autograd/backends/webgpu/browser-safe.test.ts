/**
 * The webgpu backend runs in browsers too (the demo pages use it where an adapter exists), so no
 * file of it may import a Node built-in, except dawn-node.ts, the Node-only loader of Dawn,
 * which is imported by a URL made at run time, and only where the runtime has no `navigator.gpu`
 * (src/bundle.test.ts builds the browser bundle itself). Read from the sources; needs no adapter.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const sources = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('test-'));

test('no file of the backend but dawn-node.ts imports a Node built-in or the webgpu (Dawn) package', () => {
  const nodeOnly = /from\s+['"](node:[^'"]+|webgpu)['"]|import\(\s*['"](node:[^'"]+|webgpu)['"]\s*\)/;
  const offenders = sources.filter((f) => f !== 'dawn-node.ts' && nodeOnly.test(readFileSync(join(here, f), 'utf8')));
  expect(sources.length).toBeGreaterThan(10);
  expect(offenders).toEqual([]);
  expect(readFileSync(join(here, 'dawn-node.ts'), 'utf8')).toMatch(/import\('webgpu'\)/);
});

test('dawn-node.ts is reached only from open.ts, by a URL made at run time (which bundlers do not follow)', () => {
  const importers = sources.filter((f) => /['"]\.\/dawn-node\.(js|ts)['"]/.test(readFileSync(join(here, f), 'utf8')));
  expect(importers).toEqual(['open.ts']);
  const open = readFileSync(join(here, 'open.ts'), 'utf8');
  expect(open).toMatch(/new URL\(import\.meta\.url\.endsWith\('\.ts'\) \? '\.\/dawn-node\.ts' : '\.\/dawn-node\.js', import\.meta\.url\)/);
  expect(open).not.toMatch(/import\(\s*['"]\.\/dawn-node/);
  expect(open).not.toMatch(/^import .*dawn-node/m);
});
