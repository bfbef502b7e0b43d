/**
 * The demo site's build (Vite). `npm run demo` serves it with hot reload; `npm run demo:build`
 * writes the static site to demo/dist; `npm run demo:preview` serves that build. Every server
 * sends the two headers that make the page cross-origin isolated, so tfjs-wasm may run its Web
 * Worker threads (a static host must send them too, or the page runs on one thread and says so).
 * `sapling` resolves to the isomorphic core, src/index.ts, as the package's `browser` export would.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/**
 * tfjs-wasm's threaded build starts each Web Worker with the source text of its Emscripten factory
 * (`factory.toString()`), so the factory must not refer to variables of the module around it. It
 * refers to one, `_scriptDir`, behind `typeof` guards; a minifier renames it (to `e`, say) and,
 * seeing it declared, drops the guards, and every worker dies with "e is not defined". We make
 * that variable a global property, which no minifier renames: the guards then hold in workers.
 */
export function tfjsThreadedWorkers(): Plugin {
  return {
    name: 'sapling:tfjs-threaded-workers',
    transform(code, id) {
      if (!/tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/.test(id)) return null;
      const fixed = code.replace(/var _scriptDir\s*=/, 'globalThis.__tfjsWasmScriptDir =').replaceAll('_scriptDir', 'globalThis.__tfjsWasmScriptDir');
      return fixed === code ? null : { code: fixed, map: null };
    },
  };
}

export default defineConfig({
  plugins: [tfjsThreadedWorkers()],
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: '.generated',
  resolve: { alias: { sapling: fileURLToPath(new URL('../src/index.ts', import.meta.url)) } },
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', port: 4173, headers: ISOLATION_HEADERS },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1500 },
  worker: { format: 'es' },
});
