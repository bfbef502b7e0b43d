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
 * Writes are atomic (atomic-write.ts) and streamed: the tensors go from their storage to the
 * disk, never through one buffer of the whole file. `loadCheckpoint` reads by positioned reads
 * and validates the whole file — the safetensors layout, then that every tensor the state refers
 * to exists and every tensor in the file is referred to, then, if given, the model's expected
 * names and shapes — and throws one `CheckpointError` listing the problems before returning
 * anything. State nested deeper than MAX_STATE_DEPTH is refused on saving and on loading.
 * Loading the returned state into a model or optimizer is then their own `loadStateDict`'s job.
 * Bytes only here (browsers too); `saveCheckpoint` and `loadCheckpoint` are in checkpoint-file.ts.
 */
import { Tensor } from '../autograd/tensor.js';
import type { OptimizerStateDict } from '../optim/optimizer.js';
import type { ScheduleStateDict } from '../optim/schedules/lr-schedule.js';
import { bufferSource, type ByteSource } from './byte-source.js';
import { describeProblems, ProblemList } from './problems.js';
import { readSafetensors, serialize, type SafetensorsContents } from './safetensors.js';
import { checkStateDict, type StateDict, type StateDictSpec } from './state-dict.js';

/** The `format` metadata value that marks a safetensors file as a Sapling checkpoint. */
export const CHECKPOINT_FORMAT = 'sapling.checkpoint';
/** The checkpoint layout version this Sapling writes and reads. */
export const CHECKPOINT_VERSION = '1';
/** How deeply the optimizer, scheduler, rng and extra objects may nest (each part counts from 1). */
export const MAX_STATE_DEPTH = 1000;

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

/**
 * A loaded checkpoint: the same fields, with the tensors put back where they were. `optimizer`
 * and `scheduler` are typed as what `Optimizer.stateDict()` and a schedule's `stateDict()`
 * return, so they go straight into `loadStateDict`, which checks them against the optimizer or
 * schedule before changing anything (a checkpoint may hold any JSON-like object there).
 * @example optimizer.loadStateDict(loadCheckpoint('ckpt.safetensors').optimizer!)
 */
export interface LoadedCheckpoint {
  readonly model: Record<string, Tensor>;
  readonly optimizer?: OptimizerStateDict;
  readonly scheduler?: ScheduleStateDict;
  readonly epoch: number;
  readonly rng?: unknown;
  readonly extra?: unknown;
}

/** Options of `loadCheckpoint`: the model's expected names and shapes, to refuse a checkpoint of another model. */
export interface LoadCheckpointOptions {
  /** Refuse the checkpoint unless its model state has exactly these names and shapes (e.g. `model.stateDict()`). */
  readonly model?: StateDictSpec;
}

/** A checkpoint that cannot be saved or loaded, with the problems listed in `problems` (at most 100; then `truncated`). */
export class CheckpointError extends Error {
  readonly problems: readonly string[];
  readonly truncated: boolean;

  constructor(what: string, problems: readonly string[], truncated = false) {
    super(`${what}: ${describeProblems(problems, truncated)}`);
    this.name = 'CheckpointError';
    this.problems = problems;
    this.truncated = truncated;
  }
}

const PARTS = ['optimizer', 'scheduler', 'rng', 'extra'] as const;

// ── saving ──

/** Where a value sits in the state: its dotted path and its depth (a part itself is depth 1). */
interface Place {
  readonly path: readonly string[];
  readonly depth: number;
}

const deeper = (place: Place, key: string): Place => ({ path: [...place.path, key], depth: place.depth + 1 });

/** Replaces the Tensors in `value` by references, collecting them in `tensors` under their path. */
function encode(value: unknown, place: Place, tensors: Map<string, Tensor>, ancestors: Set<object>, problems: ProblemList): unknown {
  const where = place.path.join('.');
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
  if (place.depth > MAX_STATE_DEPTH) {
    problems.push(`${place.path.slice(0, 3).join('.')}… nests deeper than ${MAX_STATE_DEPTH} levels, the most a checkpoint stores`);
    return null;
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item: unknown, i) => {
        if (item !== undefined) return encode(item, deeper(place, String(i)), tensors, ancestors, problems);
        problems.push(`${where}.${i} is undefined, which JSON cannot hold in an array`);
        return null;
      });
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      problems.push(`${where} is a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'class instance'}, not a plain object; convert it to one`);
      return null;
    }
    // Null-prototype, so that a key such as "__proto__" is stored as a key like any other.
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [key, item] of Object.entries(value)) {
      if (problems.isFull) break;
      if (key === '$tensor' || key === '$number') problems.push(`${where} has the key "${key}", which checkpoints reserve`);
      if (item === undefined) continue; // as JSON.stringify does
      out[key] = encode(item, deeper(place, key), tensors, ancestors, problems);
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

/** The tensors and metadata of a checkpoint, checked; throws a CheckpointError listing the problems. */
export function prepare(checkpoint: Checkpoint, what: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const problems = new ProblemList();
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
    else state[part] = encode(value, { path: [part], depth: 1 }, tensors, new Set(), problems);
  }
  for (const key of Object.keys(checkpoint)) {
    if (key !== 'model' && key !== 'epoch' && !(PARTS as readonly string[]).includes(key)) problems.push(`unknown field "${key}" (use extra for anything else)`);
  }
  if (problems.size > 0) throw new CheckpointError(what, problems.listed, problems.truncated);
  const named: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  for (const [name, t] of tensors) named[name] = t;
  return { tensors: named, metadata: { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, state: JSON.stringify(state) } };
}

/** The checkpoint as safetensors bytes (what saveCheckpoint writes), in one Uint8Array (see `serialize` for its limit). */
export function serializeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const { tensors, metadata } = prepare(checkpoint, 'serializeCheckpoint');
  return serialize(tensors, metadata);
}

// ── loading ──

const SPECIAL_NUMBERS = new Map<string, number>([['NaN', Number.NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['-0', -0]]);

/** Puts tensors back in place of their references, noting which were used and what is wrong. */
function decode(value: unknown, tensors: ReadonlyMap<string, Tensor>, used: Set<string>, where: string, depth: number, problems: ProblemList): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_STATE_DEPTH) {
    problems.push(`${where.split('.').slice(0, 3).join('.')}… nests deeper than ${MAX_STATE_DEPTH} levels, the most a checkpoint holds`);
    return null;
  }
  if (Array.isArray(value)) return value.map((item, i) => decode(item, tensors, used, `${where}.${i}`, depth + 1, problems));
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.includes('$tensor')) {
    const name = record.$tensor;
    if (keys.length !== 1 || typeof name !== 'string') {
      problems.push(`${where} is a malformed tensor reference ${JSON.stringify(value).slice(0, 200)}`);
      return null;
    }
    const t = tensors.get(name);
    if (!t) {
      problems.push(`${where} refers to tensor ${JSON.stringify(name)}, which is missing from the file`);
      return null;
    }
    used.add(name);
    return t;
  }
  if (keys.includes('$number')) {
    const text = record.$number;
    const number = typeof text === 'string' ? SPECIAL_NUMBERS.get(text) : undefined;
    if (keys.length !== 1 || number === undefined) {
      problems.push(`${where} is a malformed number ${JSON.stringify(value).slice(0, 200)}`);
      return null;
    }
    return number;
  }
  // A plain object, as saved; Object.fromEntries defines each key as its own property, so a key
  // such as "__proto__" comes back as a key, not as the object's prototype.
  const entries: [string, unknown][] = [];
  for (const k of keys) {
    if (problems.isFull) break;
    entries.push([k, decode(record[k], tensors, used, `${where}.${k}`, depth + 1, problems)]);
  }
  return Object.fromEntries(entries);
}

/** A checkpoint read from `source`, fully validated (see the file header). */
export function readCheckpoint(source: ByteSource, options: LoadCheckpointOptions & { readonly source?: string }): LoadedCheckpoint {
  const where = options.source ?? 'buffer';
  const what = `loadCheckpoint(${where})`;
  const file: SafetensorsContents = readSafetensors(source, { source: where });
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

  const problems = new ProblemList();
  const epoch = state.epoch;
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) problems.push(`epoch must be a non-negative integer, got ${JSON.stringify(epoch)}`);
  const tensors = new Map(Object.entries(file.tensors));
  const used = new Set<string>();
  const model: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  const names = state.model;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) problems.push('the state lists no model names (state.model must be a list of strings)');
  else {
    for (const name of names as string[]) {
      const t = tensors.get(`model.${name}`);
      if (!t) problems.push(`model tensor ${JSON.stringify(name)} is missing from the file`);
      else {
        model[name] = t;
        used.add(`model.${name}`);
      }
    }
  }
  const loaded: Record<string, unknown> = {};
  for (const part of PARTS) if (Object.hasOwn(state, part) && state[part] !== undefined) loaded[part] = decode(state[part], tensors, used, part, 1, problems);
  for (const name of tensors.keys()) if (!used.has(name)) problems.push(`unexpected tensor ${JSON.stringify(name)} in the file (the checkpoint's state does not refer to it)`);
  for (const key of Object.keys(state)) {
    if (key !== 'epoch' && key !== 'model' && !(PARTS as readonly string[]).includes(key)) problems.push(`unknown field ${JSON.stringify(key)} in the checkpoint's state`);
  }
  if (options.model && Array.isArray(names)) problems.push(...checkStateDict(options.model, model).map((p) => `model: ${p}`));
  if (problems.size > 0) throw new CheckpointError(what, problems.listed, problems.truncated);
  return { model, epoch: epoch as number, ...loaded };
}

/** A checkpoint from safetensors bytes, fully validated (see the file header). */
export function deserializeCheckpoint(bytes: Uint8Array, options: LoadCheckpointOptions & { readonly source?: string } = {}): LoadedCheckpoint {
  return readCheckpoint(bufferSource(bytes), options);
}
