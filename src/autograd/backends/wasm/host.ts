/**
 * host — what the wasm backend needs from the platform it runs on, and how it finds it.
 *
 *   node  worker_threads for the shares (pool.ts), `os.availableParallelism()` cores, the tfjs-wasm
 *         binaries from node_modules (node-host.ts, Node only)
 *   web   no share pool (a page's main thread may not block on a worker); tfjs-wasm's own
 *         threaded build on Web Workers where the page is cross-origin isolated, else one thread;
 *         the binaries wherever the application's bundler put them (`wasmPaths`) (web-host.ts)
 *
 * Sapling's Node entry (src/node.ts) installs the node host explicitly; a program that imports the
 * isomorphic core in Node gets it too, found at run time beside this file, so the core itself
 * never names a Node module and bundles for browsers.
 */
import type { SharePool } from './parallel.js';
import { webWasmHost } from './web-host.js';

/** The tfjs-wasm binaries: a folder URL ending in '/', or one URL per binary. */
export type WasmPaths = string | { readonly [K in WasmBinaryName]: string };
export type WasmBinaryName = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

/** How the wasm backend's kernels use threads here (what `getThreading()` reports). */
export interface Threading {
  /** The threads a kernel may use, the calling thread included. */
  readonly threads: number;
  /** 'worker_threads': Sapling's pool (Node); 'web-workers': tfjs-wasm's own threads (a cross-origin isolated page); 'none': one thread. */
  readonly workers: 'worker_threads' | 'web-workers' | 'none';
  /** One sentence: why, and what would change it. */
  readonly detail: string;
}

export interface WasmHost {
  readonly platform: 'node' | 'web';
  /** The cores this process may use, and the call that says so (for error messages). */
  cores(): number;
  readonly coresSource: string;
  /** Where tfjs-wasm takes its binaries from, or null for tfjs's default (beside its script). */
  readonly wasmPaths: WasmPaths | null;
  /** Sapling's pool for the shares beyond the first, or null: one share per kernel. */
  readonly pool: SharePool | null;
}

export type WasmHostLoader = () => Promise<WasmHost>;

/** Whether this is Node (not a browser, not a bundle for one). */
export function isNode(): boolean {
  const versions = (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions;
  return typeof versions?.node === 'string';
}

/**
 * The host of this platform when none was installed: in Node, node-host beside this file (from
 * source, node-host.ts; built, node-host.js), loaded by a URL the bundlers leave alone; else web.
 */
export async function defaultHost(): Promise<WasmHost> {
  if (isNode()) {
    const url = new URL(import.meta.url.endsWith('.ts') ? './node-host.ts' : './node-host.js', import.meta.url).href;
    const module = (await import(/* @vite-ignore */ url)) as { nodeWasmHost: () => WasmHost };
    return module.nodeWasmHost();
  }
  return webWasmHost();
}
