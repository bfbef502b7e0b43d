/**
 * checkpoint — everything needed to resume training, in one safetensors file.
 *
 *   tensors      model.<name>                    the model's state dict, names unchanged
 *                optimizer.<path>, scheduler.<path>, rng.<path>, extra.<path>
 *                                                every Tensor found inside those objects, named
 *                                                by where it was (optimizer.state.0.exp_avg)
 *   __metadata__ format  "sapling.checkpoint"
 *                version "1"
 *                state   JSON: { epoch, model: [names in state-dict order], optimizer, scheduler,
 *                                rng, extra }, where each Tensor is replaced by {"$tensor": name}
 *                                and each NaN, ±Infinity or −0 by {"$number": "NaN"} etc.
 *
 * So the optimizer part is generic: any JSON-like object (plain objects, arrays, strings,
 * numbers, booleans, null) whose leaves may be Tensors — what an optimizer's or scheduler's
 * `stateDict()` returns. The file stays a valid safetensors file: PyTorch reads the tensors,
 * and `json.loads(metadata["state"])` the rest.
 *
 * Writes are atomic (atomic-write.ts). `loadCheckpoint` validates the whole file — the
 * safetensors layout, then that every tensor the state refers to exists and every tensor in
 * the file is referred to, then, if given, the model's expected names and shapes — and throws
 * one `CheckpointError` listing every problem before returning anything. Loading the returned
 * state into a model or optimizer is then their own `loadStateDict`'s job.
 */
import { readFileSync } from 'node:fs';
import { Tensor } from '../autograd/tensor.js';
import { writeFileAtomic } from './atomic-write.js';
import { deserialize, serialize, type SafetensorsContents } from './safetensors.js';
import { checkStateDict, type StateDict, type StateDictSpec } from './state-dict.js';

export const CHECKPOINT_FORMAT = 'sapling.checkpoint';
export const CHECKPOINT_VERSION = '1';

/** What a checkpoint holds. `optimizer`, `scheduler`, `rng` and `extra` are JSON-like objects whose leaves may be Tensors. */
export interface Checkpoint {
  readonly model: StateDict;
  readonly optimizer?: object;
  readonly scheduler?: object;
  /** Epochs completed (or whatever counter the caller resumes from). */
  readonly epoch: number;
  /** Generator states (e.g. `StatefulRandom.getState()`, `DataLoader.stateDict()`). */
  readonly rng?: object;
  readonly extra?: object;
}

/** A loaded checkpoint: the same fields, with the tensors put back where they were. */
export interface LoadedCheckpoint {
  readonly model: Record<string, Tensor>;
  readonly optimizer?: unknown;
  readonly scheduler?: unknown;
  readonly epoch: number;
  readonly rng?: unknown;
  readonly extra?: unknown;
}

export interface LoadCheckpointOptions {
  /** Refuse the checkpoint unless its model state has exactly these names and shapes (e.g. `model.stateDict()`). */
  readonly model?: StateDictSpec;
}

/** A checkpoint that cannot be saved or loaded, with every problem listed in `problems`. */
export class CheckpointError extends Error {
  readonly problems: readonly string[];

  constructor(what: string, problems: readonly string[]) {
    super(`${what}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`}`);
    this.name = 'CheckpointError';
    this.problems = problems;
  }
}

const PARTS = ['optimizer', 'scheduler', 'rng', 'extra'] as const;

// ── saving ──

/** Replaces the Tensors in `value` by references, collecting them in `tensors` under their path. */
function encode(value: unknown, path: string[], tensors: Map<string, Tensor>, ancestors: Set<object>, problems: string[]): unknown {
  const where = path.join('.');
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $number: 'NaN' };
    if (value === Infinity || value === -Infinity) return { $number: String(value) };
    if (Object.is(value, -0)) return { $number: '-0' };
    return value;
  }
  if (value instanceof Tensor) {
    if (tensors.has(where)) problems.push(`two tensors would be stored under the name "${where}"; rename a key`);
    tensors.set(where, value);
    return { $tensor: where };
  }
  if (typeof value !== 'object') {
    problems.push(`${where} is a ${typeof value}, which a checkpoint cannot store`);
    return null;
  }
  if (ancestors.has(value)) {
    problems.push(`${where} refers back to an object that contains it (a cycle)`);
    return null;
  }
  if (ArrayBuffer.isView(value)) {
    problems.push(`${where} is a ${value.constructor.name}; wrap it in a Tensor to store it`);
    return null;
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item: unknown, i) => {
        if (item !== undefined) return encode(item, [...path, String(i)], tensors, ancestors, problems);
        problems.push(`${where}.${i} is undefined, which JSON cannot hold in an array`);
        return null;
      });
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      problems.push(`${where} is a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'class instance'}, not a plain object; convert it to one`);
      return null;
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '$tensor' || key === '$number') problems.push(`${where} has the key "${key}", which checkpoints reserve`);
      if (item === undefined) continue; // as JSON.stringify does
      out[key] = encode(item, [...path, key], tensors, ancestors, problems);
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

/** The tensors and metadata of a checkpoint, checked; throws a CheckpointError listing every problem. */
function prepare(checkpoint: Checkpoint, what: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const problems: string[] = [];
  if (typeof checkpoint !== 'object' || checkpoint === null) throw new CheckpointError(what, ['expected { model, epoch, ... }']);
  const { model, epoch } = checkpoint;
  if (!Number.isSafeInteger(epoch) || epoch < 0) problems.push(`epoch must be a non-negative integer, got ${JSON.stringify(epoch)}`);
  const tensors = new Map<string, Tensor>();
  const names: string[] = [];
  if (typeof model !== 'object' || model === null) problems.push('model must be a state dict (a record of name → Tensor)');
  else {
    for (const [name, t] of Object.entries(model)) {
      if (!(t instanceof Tensor)) problems.push(`model "${name}" is not a Tensor`);
      else {
        names.push(name);
        tensors.set(`model.${name}`, t);
      }
    }
  }
  const state: Record<string, unknown> = { epoch, model: names };
  for (const part of PARTS) {
    const value = checkpoint[part];
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null) problems.push(`${part} must be an object, got ${value === null ? 'null' : typeof value}`);
    else state[part] = encode(value, [part], tensors, new Set(), problems);
  }
  for (const key of Object.keys(checkpoint)) {
    if (key !== 'model' && key !== 'epoch' && !(PARTS as readonly string[]).includes(key)) problems.push(`unknown field "${key}" (use extra for anything else)`);
  }
  if (problems.length > 0) throw new CheckpointError(what, problems);
  return {
    tensors: Object.fromEntries(tensors),
    metadata: { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, state: JSON.stringify(state) },
  };
}

/**
 * Saves model, optimizer and scheduler state, epoch and RNG state to `path`, atomically.
 * @example saveCheckpoint('ckpt.safetensors', { model: model.stateDict(), optimizer: opt.stateDict(), epoch: 3 })
 */
export function saveCheckpoint(path: string, checkpoint: Checkpoint): void {
  const { tensors, metadata } = prepare(checkpoint, `saveCheckpoint(${path})`);
  // serialize() builds the bytes in memory first, so a failure while encoding leaves no file;
  // writeFileAtomic makes the write itself all-or-nothing.
  writeFileAtomic(path, [serialize(tensors, metadata)]);
}

/** The checkpoint as safetensors bytes (what saveCheckpoint writes). */
export function serializeCheckpoint(checkpoint: Checkpoint): Buffer {
  const { tensors, metadata } = prepare(checkpoint, 'serializeCheckpoint');
  return serialize(tensors, metadata);
}

// ── loading ──

/** Puts tensors back in place of their references, noting which were used and what is wrong. */
function decode(value: unknown, tensors: Record<string, Tensor>, used: Set<string>, where: string, problems: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => decode(item, tensors, used, `${where}.${i}`, problems));
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.includes('$tensor')) {
    const name = record.$tensor;
    if (keys.length !== 1 || typeof name !== 'string') {
      problems.push(`${where} is a malformed tensor reference ${JSON.stringify(value)}`);
      return null;
    }
    const t = tensors[name];
    if (!t) {
      problems.push(`${where} refers to tensor "${name}", which is missing from the file`);
      return null;
    }
    used.add(name);
    return t;
  }
  if (keys.includes('$number')) {
    const special: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
    const text = record.$number;
    if (keys.length !== 1 || typeof text !== 'string' || !(text in special)) {
      problems.push(`${where} is a malformed number ${JSON.stringify(value)}`);
      return null;
    }
    return special[text];
  }
  return Object.fromEntries(keys.map((k) => [k, decode(record[k], tensors, used, `${where}.${k}`, problems)]));
}

/** A checkpoint from safetensors bytes, fully validated (see the file header). */
export function deserializeCheckpoint(bytes: Uint8Array, options: LoadCheckpointOptions & { readonly source?: string } = {}): LoadedCheckpoint {
  const source = options.source ?? 'buffer';
  const what = `loadCheckpoint(${source})`;
  const file: SafetensorsContents = deserialize(bytes, { source });
  const meta = file.metadata;
  if (!meta || meta.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(what, [`not a Sapling checkpoint: its metadata format is ${JSON.stringify(meta?.format ?? null)}, expected "${CHECKPOINT_FORMAT}" (for a plain state dict use loadSafetensors)`]);
  }
  if (meta.version !== CHECKPOINT_VERSION) throw new CheckpointError(what, [`checkpoint version ${JSON.stringify(meta.version)} is not supported (this Sapling reads version ${CHECKPOINT_VERSION})`]);
  let state: Record<string, unknown>;
  try {
    state = JSON.parse(meta.state ?? '') as Record<string, unknown>;
  } catch (e) {
    throw new CheckpointError(what, [`the checkpoint's state metadata is not valid JSON: ${(e as Error).message}`]);
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state)) throw new CheckpointError(what, ["the checkpoint's state metadata is not a JSON object"]);

  const problems: string[] = [];
  const epoch = state.epoch;
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) problems.push(`epoch must be a non-negative integer, got ${JSON.stringify(epoch)}`);
  const used = new Set<string>();
  const model: Record<string, Tensor> = {};
  const names = state.model;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) problems.push('the state lists no model names (state.model must be a list of strings)');
  else {
    for (const name of names as string[]) {
      const t = file.tensors[`model.${name}`];
      if (!t) problems.push(`model tensor "${name}" is missing from the file`);
      else {
        model[name] = t;
        used.add(`model.${name}`);
      }
    }
  }
  const loaded: Record<string, unknown> = {};
  for (const part of PARTS) if (state[part] !== undefined) loaded[part] = decode(state[part], file.tensors, used, part, problems);
  for (const name of Object.keys(file.tensors)) if (!used.has(name)) problems.push(`unexpected tensor "${name}" in the file (the checkpoint's state does not refer to it)`);
  for (const key of Object.keys(state)) {
    if (key !== 'epoch' && key !== 'model' && !(PARTS as readonly string[]).includes(key)) problems.push(`unknown field "${key}" in the checkpoint's state`);
  }
  if (options.model && Array.isArray(names)) problems.push(...checkStateDict(options.model, model).map((p) => `model: ${p}`));
  if (problems.length > 0) throw new CheckpointError(what, problems);
  return { model, epoch: epoch as number, ...loaded };
}

/**
 * Loads a checkpoint written by `saveCheckpoint`, refusing it (with every problem listed) if
 * anything is wrong; with `options.model`, also if the model's names or shapes differ.
 * @example const ckpt = loadCheckpoint('ckpt.safetensors', { model: model.stateDict() }); model.loadStateDict(ckpt.model)
 */
export function loadCheckpoint(path: string, options: LoadCheckpointOptions = {}): LoadedCheckpoint {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`loadCheckpoint: cannot read ${path}: ${(e as Error).message}`);
  }
  return deserializeCheckpoint(bytes, { ...options, source: path });
}
