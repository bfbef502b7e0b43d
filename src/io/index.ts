/**
 * The io package, isomorphic part: safetensors and checkpoints from and to bytes, state-dict
 * checks, ONNX export to bytes. The file-path forms (saveSafetensors, loadCheckpoint, …) and
 * writeFileAtomic are Node only: node.ts.
 */
export {
  deserialize, MAX_ENTRY_BYTES, MAX_HEADER_BYTES, MAX_RANK, SAFETENSORS_DTYPES, SafetensorsError, serialize,
  type LoadOptions, type SafetensorsContents, type SafetensorsDType, type SafetensorsMetadata,
} from './safetensors.js';
export {
  CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError, deserializeCheckpoint, serializeCheckpoint,
  type Checkpoint, type LoadCheckpointOptions, type LoadedCheckpoint,
} from './checkpoint.js';
// StateDict itself is not re-exported: src/layers exports the same type under that name.
export { checkStateDict, type StateDictSpec } from './state-dict.js';
export * from './onnx/index.js';
