/**
 * node-binaries — where the tfjs-wasm binaries are in Node: the installed package's own dist/
 * folder, found through Node's module resolver, so nothing is fetched and the working directory
 * does not matter. Node only (node:module); the main thread's host and every worker use it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function nodeWasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}
