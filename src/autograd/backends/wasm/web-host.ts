/**
 * web-host — the wasm backend in a browser (or any engine that is not Node). Every kernel is one
 * share on the calling thread; inside it, tfjs-wasm splits its own work over Web Workers when the
 * page is cross-origin isolated (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`, so SharedArrayBuffer exists) — tfjs then loads
 * its threaded SIMD binary — and runs on one thread otherwise (tf-load.ts reports which).
 */
import type { WasmHost } from './host.js';

export function webWasmHost(): WasmHost {
  const cores = (): number => (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return { platform: 'web', cores, coresSource: 'navigator.hardwareConcurrency', wasmPaths: null, pool: null };
}

/** Whether this page may share memory with workers (tfjs-wasm's threads need it). */
export function crossOriginIsolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}
