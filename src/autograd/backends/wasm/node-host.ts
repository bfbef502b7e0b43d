/**
 * node-host — the wasm backend in Node: shares beyond the first run on worker threads (pool.ts),
 * as many threads as `os.availableParallelism()` by default, and tfjs-wasm's binaries come from
 * node_modules (node-binaries.ts). Node only; see host.ts for how it is found.
 */
import { availableParallelism } from 'node:os';
import type { WasmHost } from './host.js';
import { nodeWasmDirectory } from './node-binaries.js';
import { workerThreadPool } from './pool.js';

export function nodeWasmHost(): WasmHost {
  return { platform: 'node', cores: availableParallelism, coresSource: 'os.availableParallelism()', wasmPaths: nodeWasmDirectory(), pool: workerThreadPool };
}
