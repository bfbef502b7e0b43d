/**
 * tf-load — loads tfjs-core and its WebAssembly backend, once per thread.
 *
 * The main thread and every worker thread call this: each gets its own tfjs engine and its own
 * wasm instance (heap, XNNPACK), which is what lets them compute at the same time. The .wasm
 * binaries come from the installed package's own dist/ folder, found through Node's module
 * resolver, so nothing is fetched and the working directory does not matter.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs-core';

/** Where the package's .wasm binaries live: its own dist/ folder. */
function wasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

let loaded: Promise<typeof TF> | null = null;

/** Loads tfjs-core and its wasm backend once (no network: the binaries come from node_modules). */
export function loadTfWasm(): Promise<typeof TF> {
  loaded ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmDirectory());
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend: the tfjs wasm backend failed to initialise');
    await tf.ready();
    return tf;
  })();
  return loaded;
}
