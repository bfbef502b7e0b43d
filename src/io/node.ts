/**
 * The io package, Node-only part: safetensors files and checkpoints on disk (streamed, atomic),
 * `writeFileAtomic`, `exportOnnx` to a path, and `serialize` / `serializeCheckpoint` returning
 * Node Buffers. The package's Node entry (src/node.ts) adds these to the isomorphic index.ts.
 */
export { loadSafetensors, saveSafetensors, serialize } from './safetensors-file.js';
export { loadCheckpoint, saveCheckpoint, serializeCheckpoint } from './checkpoint-file.js';
export { writeFileAtomic } from './atomic-write.js';
export { exportOnnx } from './onnx/export-file.js';
