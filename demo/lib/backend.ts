/**
 * backend — starts Sapling's wasm backend once for every page. The three tfjs-wasm binaries are
 * imported as asset URLs (`?url`), so the bundler copies them into the site and tfjs fetches
 * them from the page's own origin: nothing comes from a CDN. tfjs picks one: the threaded SIMD
 * build where the page is cross-origin isolated (the demo's servers send COOP/COEP), else SIMD.
 */
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { getThreading, setBackend, type Threading } from 'sapling';

let started: Promise<Threading> | null = null;

/** Loads the wasm backend (once); resolves to how its kernels use threads here. */
export function wasmBackend(): Promise<Threading> {
  started ??= (async () => {
    const wasmPaths = { 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd };
    const threads = Math.min(4, navigator.hardwareConcurrency || 1);
    await setBackend('wasm', { wasmPaths, threads });
    return getThreading();
  })();
  return started;
}
