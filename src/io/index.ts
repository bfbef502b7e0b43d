/** The io package: safetensors files, checkpoints, and atomic writes. */
export {
  deserialize, loadSafetensors, MAX_ENTRY_BYTES, MAX_HEADER_BYTES, MAX_RANK, SAFETENSORS_DTYPES, SafetensorsError, saveSafetensors, serialize,
  type LoadOptions, type SafetensorsContents, type SafetensorsDType, type SafetensorsMetadata,
} from './safetensors.js';
export {
  CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError, deserializeCheckpoint, loadCheckpoint, saveCheckpoint, serializeCheckpoint,
  type Checkpoint, type LoadCheckpointOptions, type LoadedCheckpoint,
} from './checkpoint.js';
// StateDict itself is not re-exported: src/layers exports the same type under that name.
export { checkStateDict, type StateDictSpec } from './state-dict.js';
export { writeFileAtomic } from './atomic-write.js';
export * from './onnx/index.js';
