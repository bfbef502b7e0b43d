/**
 * tf-load — loads tfjs-core and its WebAssembly backend, once per thread.
 *
 * In Node the main thread and every worker thread call this: each gets its own tfjs engine and
 * its own wasm instance (heap, XNNPACK), which is what lets them compute at the same time; the
 * host passes where the .wasm binaries are (node_modules), so nothing is fetched. In a browser
 * the application passes the URLs its bundler gave the binaries (`wasmPaths`; by default tfjs
 * looks beside its script), and tfjs picks its binary: the threaded SIMD one, with `threads` Web
 * Workers, where the page is cross-origin isolated, else the single-threaded SIMD one.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { WasmPaths } from './host.js';

export interface TfWasmOptions {
  /** Where the binaries are (tfjs-backend-wasm's `setWasmPaths`); null or absent: tfjs's default. */
  readonly wasmPaths?: WasmPaths | null;
  /** tfjs's own threads (only its threaded build, in a cross-origin isolated page, has any). */
  readonly threads?: number;
}

let loaded: Promise<typeof TF> | null = null;
let threadsCount: () => number = () => 1;

/** Loads tfjs-core and its wasm backend once; the options of the first call are the ones used. */
export function loadTfWasm(options: TfWasmOptions = {}): Promise<typeof TF> {
  loaded ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths as Parameters<typeof wasm.setWasmPaths>[0]);
    if (options.threads !== undefined) wasm.setThreadsCount(options.threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend: the tfjs wasm backend failed to initialise');
    await tf.ready();
    threadsCount = () => wasm.getThreadsCount();
    return tf;
  })();
  return loaded;
}

/** The threads tfjs-wasm itself uses (1 unless its threaded build loaded; 1 before it loads). */
export function tfWasmThreads(): number {
  return threadsCount();
}
