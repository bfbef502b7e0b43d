/**
 * Sapling's Node entry (package.json `exports`, condition `node`): the isomorphic core (index.ts)
 * and the functions that need Node — files (safetensors, checkpoints, vocab.txt, ONNX export to a
 * path, atomic writes), the bundled datasets' loaders, `serialize` as a Buffer — and, for the wasm
 * backend, Node's host: worker threads and the tfjs-wasm binaries from node_modules. Every name
 * of the core is here under the same name, so `import { … } from 'sapling'` reads the same in Node
 * and in a browser, where only the Node-only names are missing.
 */
import { useWasmHost } from './autograd/backends/index.js';

// A literal dynamic import, so that a bundler building for Node includes the host, while
// `import 'sapling'` on the cpu backend still loads no worker_threads (it loads on setBackend('wasm')).
useWasmHost(() => import('./autograd/backends/wasm/node-host.js').then((m) => m.nodeWasmHost()));

export * from './index.js';
export * from './data/node.js';
export { exportOnnx, loadCheckpoint, loadSafetensors, saveCheckpoint, saveSafetensors, serialize, serializeCheckpoint, writeFileAtomic } from './io/node.js';
export * as text from './text/node.js';
