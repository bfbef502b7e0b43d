/**
 * checkpoint-file — checkpoints (checkpoint.ts) saved to and loaded from files, and
 * `serializeCheckpoint` as a Node Buffer. Node only; checkpoint.ts itself works on bytes.
 *
 * Saving checks everything before the first byte is written, then streams the tensors through
 * `writeFileAtomic` (the file is complete or untouched); loading reads by positioned reads, so
 * memory holds the tensors, not the file.
 */
import { writeFileAtomic } from './atomic-write.js';
import { prepare, readCheckpoint, type Checkpoint, type LoadCheckpointOptions, type LoadedCheckpoint } from './checkpoint.js';
import { encode } from './safetensors.js';
import { toBuffer, withFile } from './safetensors-file.js';

/**
 * Saves model, optimizer and scheduler state, epoch and RNG state to `path`, atomically. The
 * tensors are streamed from their storage: saving needs no memory for the file itself.
 * @example saveCheckpoint('ckpt.safetensors', { model: model.stateDict(), optimizer: opt.stateDict(), epoch: 3 })
 */
export function saveCheckpoint(path: string, checkpoint: Checkpoint): void {
  const what = `saveCheckpoint(${path})`;
  const { tensors, metadata } = prepare(checkpoint, what);
  // Everything is checked before the first byte is written; writeFileAtomic makes the write
  // itself all-or-nothing, so a failure while streaming leaves the previous file.
  writeFileAtomic(path, encode(tensors, metadata, what).chunks());
}

/** The checkpoint as safetensors bytes (what saveCheckpoint writes), in one Buffer (see `serialize` for its limit). */
export function serializeCheckpoint(checkpoint: Checkpoint): Buffer {
  const { tensors, metadata } = prepare(checkpoint, 'serializeCheckpoint');
  return toBuffer(encode(tensors, metadata, 'serialize'), 'serialize');
}

/**
 * Loads a checkpoint written by `saveCheckpoint`, refusing it (with every problem listed) if
 * anything is wrong; with `options.model`, also if the model's names or shapes differ. Reads
 * by positioned reads: memory holds the tensors, not the file.
 * @example const ckpt = loadCheckpoint('ckpt.safetensors', { model: model.stateDict() }); model.loadStateDict(ckpt.model)
 */
export function loadCheckpoint(path: string, options: LoadCheckpointOptions = {}): LoadedCheckpoint {
  return withFile(path, 'loadCheckpoint', (source) => readCheckpoint(source, { ...options, source: path }));
}
