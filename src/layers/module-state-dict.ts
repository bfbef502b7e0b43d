/**
 * module-state-dict — `Module.stateDict()` and `Module.loadStateDict()` (module.ts), PyTorch's
 * state_dict and load_state_dict: the registered parameters and persistent buffers under their
 * dotted names (`layer1.0.bn1.running_mean`), in registration order.
 *
 * Saving copies (a snapshot later training does not change); loading writes into the live
 * tensors with `assign`, so an optimizer holding them sees the new values. Loading checks
 * everything first — missing and unexpected keys (unless `strict: false`), shapes, dtypes,
 * values that are not tensors — and on any problem throws one `StateDictError` listing all of
 * them, having loaded nothing.
 */
import { noGrad } from '../autograd/function.js';
import { fmt } from '../autograd/shape.js';
import { Tensor } from '../autograd/tensor.js';
import { describeValue, stateEntries } from './module-registry.js';

/** A state dict: dotted names → tensors, in registration order (a plain object or a Map). */
export type StateDict = Record<string, Tensor>;

/** Options of `Module.loadStateDict`: `strict` (default true) refuses missing and unexpected keys. */
export interface LoadStateDictOptions {
  /** Refuse missing and unexpected keys (default true). Shape and dtype mismatches are always refused. */
  readonly strict?: boolean;
}

/** What `Module.loadStateDict` reports: the keys it did not find and the ones it did not expect (empty when strict). */
export interface LoadStateDictResult {
  readonly missingKeys: readonly string[];
  readonly unexpectedKeys: readonly string[];
}

/** What `loadStateDict` refuses; the message lists every problem, and nothing was loaded. */
export class StateDictError extends Error {
  readonly missingKeys: readonly string[];
  readonly unexpectedKeys: readonly string[];
  /** One line per key whose shape or dtype does not match (or whose value is not a tensor). */
  readonly mismatches: readonly string[];

  constructor(module: string, missingKeys: readonly string[], unexpectedKeys: readonly string[], mismatches: readonly string[]) {
    const parts = [
      missingKeys.length ? `missing keys: ${missingKeys.join(', ')}` : '',
      unexpectedKeys.length ? `unexpected keys: ${unexpectedKeys.join(', ')}` : '',
      mismatches.length ? `mismatched: ${mismatches.join('; ')}` : '',
    ].filter(Boolean);
    super(`loadStateDict: cannot load into ${module} (nothing was loaded): ${parts.join('; ')}`);
    this.name = 'StateDictError';
    this.missingKeys = missingKeys;
    this.unexpectedKeys = unexpectedKeys;
    this.mismatches = mismatches;
  }
}

/** `Module.stateDict()`: detached copies of `m`'s parameters and persistent buffers under their dotted names. */
export function stateDictOf(m: object): StateDict {
  const dict: StateDict = {};
  noGrad(() => {
    for (const [key, t] of stateEntries(m)) dict[key] = t.detach().clone();
  });
  return dict;
}

/** `Module.loadStateDict()`: checks `dict` against `m`'s state, then copies it in (see the file header). */
export function loadStateDictInto(m: object, dict: Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>, options: LoadStateDictOptions): LoadStateDictResult {
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    throw new TypeError(`${m.constructor.name}.loadStateDict: expected a state dict (a record or Map of name → Tensor), got ${describeValue(dict)}`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`${m.constructor.name}.loadStateDict: options must be an object, got ${describeValue(options)}`);
  const { strict = true } = options;
  const given: Map<string, unknown> = dict instanceof Map ? new Map(dict) : new Map(Object.entries(dict as Readonly<Record<string, Tensor>>));
  const expected = stateEntries(m);
  const expectedKeys = new Set(expected.map(([k]) => k));
  const missingKeys = expected.map(([k]) => k).filter((k) => !given.has(k));
  const unexpectedKeys = [...given.keys()].filter((k) => !expectedKeys.has(k));
  const mismatches: string[] = [];
  const plan: [Tensor, Tensor][] = [];
  for (const [key, target] of expected) {
    if (!given.has(key)) continue;
    const value: unknown = given.get(key);
    if (!(value instanceof Tensor)) {
      mismatches.push(`${key}: expected a Tensor, got ${describeValue(value)}`);
    } else if (fmt(value.shape) !== fmt(target.shape) || value.dtype !== target.dtype) {
      mismatches.push(`${key}: the checkpoint has ${value.dtype} ${fmt(value.shape)}, the model has ${target.dtype} ${fmt(target.shape)}`);
    } else {
      plan.push([target, value]);
    }
  }
  if (mismatches.length || (strict && (missingKeys.length || unexpectedKeys.length))) {
    throw new StateDictError(m.constructor.name, strict ? missingKeys : [], strict ? unexpectedKeys : [], mismatches);
  }
  for (const [target, value] of plan) target.assign(value);
  return { missingKeys, unexpectedKeys };
}
