/**
 * The isomorphic core bundles for browsers: esbuild (platform browser) builds src/index.ts with no
 * Node built-in reachable, the wasm backend stays behind a dynamic import, and the core stays
 * within a size budget (scripts/browser-bundle.ts prints the figures: `npm run size`).
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { bundleBrowserCore } from '../scripts/browser-bundle.js';

test('src/index.ts bundles for browsers with no Node built-in reachable; the wasm backend is a separate, lazily loaded part', async () => {
  const bundle = await bundleBrowserCore();
  expect(bundle.nodeImports).toEqual([]);
  const core = bundle.files.filter((f) => f.eager);
  const lazy = bundle.files.filter((f) => !f.eager);
  expect(lazy.length).toBeGreaterThan(0); // tfjs and the wasm kernels load with setBackend('wasm'), not with the core
  const gzip = core.reduce((n, f) => n + f.gzipBytes, 0);
  expect(gzip).toBeGreaterThan(50_000);
  expect(gzip).toBeLessThan(200_000); // measured 118 KB: a budget, so that growth is a decision
  expect(bundle.binaries.map((b) => b.name).sort()).toEqual(['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm', 'tfjs-backend-wasm.wasm']);
}, 120_000);

test('package.json sends browsers and other engines to the core, and Node to node.js', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, Record<string, { types: string; default: string }>> };
  const root = pkg.exports['.']!;
  expect(Object.keys(root)).toEqual(['node', 'browser', 'default']); // order matters: the first matching condition wins
  expect(root.node).toEqual({ types: './dist/node.d.ts', default: './dist/node.js' });
  expect(root.browser).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
  expect(root.default).toEqual(root.browser);
});
