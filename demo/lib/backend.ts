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

/** The part of WebGPU's API the pages read to find an adapter (the DOM types have no WebGPU). */
interface AdapterProbe {
  requestAdapter(): Promise<{ readonly info?: { readonly vendor: string; readonly architecture: string; readonly description: string } } | null>;
}

/** The adapter's description ('google swiftshader', …), or null when the browser offers none. */
export async function findAdapter(): Promise<string | null> {
  const gpu = (navigator as { gpu?: AdapterProbe }).gpu;
  const adapter = gpu === undefined ? null : await gpu.requestAdapter();
  if (adapter === null) return null;
  const info = adapter.info;
  return info === undefined ? 'an adapter' : `${info.vendor} ${info.architecture || info.description}`.trim();
}

/** The backend a page that runs a model uses, and the sentence that says so. */
export interface PageBackend {
  readonly name: 'wasm' | 'webgpu';
  /** For the page to show: the backend and why (the adapter, the URL's choice, or no adapter). */
  readonly detail: string;
}

/** The URL's choice (`?backend=wasm` or `?backend=webgpu`, before the `#/page`), or null for the best there is. */
export function requestedBackend(): 'wasm' | 'webgpu' | null {
  const asked = new URLSearchParams(location.search).get('backend');
  return asked === 'wasm' || asked === 'webgpu' ? asked : null;
}

/**
 * Starts the backend of a page that runs a model: webgpu where the browser offers an adapter and
 * the backend starts, else wasm; `?backend=wasm` keeps wasm even with an adapter. Call
 * `restoreWasm` when the page goes, so that a page that does not choose runs on wasm.
 */
export async function pageBackend(): Promise<PageBackend> {
  const threading = await wasmBackend();
  const wasm: PageBackend = { name: 'wasm', detail: `wasm backend, ${threading.detail}` };
  if (requestedBackend() === 'wasm') return { ...wasm, detail: `${wasm.detail} (asked for by ?backend=wasm)` };
  const adapter = await findAdapter();
  if (adapter === null) return { ...wasm, detail: `${wasm.detail} (this browser offers no WebGPU adapter)` };
  try {
    await setBackend('webgpu');
  } catch (error) {
    await setBackend('wasm');
    return { ...wasm, detail: `${wasm.detail} (WebGPU adapter ${adapter} found, but the webgpu backend could not start: ${String(error)})` };
  }
  return { name: 'webgpu', detail: `webgpu backend, adapter ${adapter}` };
}

/** Puts the wasm kernels back (a page that chose webgpu calls it when it goes). */
export async function restoreWasm(): Promise<void> {
  await wasmBackend();
  await setBackend('wasm');
}
